"""Random numbers: named streams, all derived from one seed.

Two kinds of stream, both named and both derived from ``SeedSequence(seed)`` with a spawn
key made from the stream's name, so that adding a stream never shifts another:

* **Generators** (:class:`Streams`): one ``numpy.random.Generator`` per kind of draw made
  while the model is built or between weeks in Python (the companies, the staff's
  optimism, the number of new referrals).
* **Counter-based streams** (:class:`Stream`, :func:`uniforms`): every decision the compiled
  processes take.  A draw is the Philox4x32-10 function (Salmon, Moraes, Dror & Shaw 2011,
  "Parallel random numbers: as easy as 1, 2, 3", the generator of Random123, cuRAND and
  numpy's ``Philox``) of a counter ``(week, who, block, 0)`` under the stream's key: four
  independent uniforms per block.  A citizen's number for a decision therefore depends on
  the seed, the stream, the week and the citizen only, never on who else faced a decision
  first: two scenarios run with the same seed stay aligned citizen by citizen for every
  decision (common random numbers, the aim of Starsim's slot-based streams), and compiled
  and interpreted runs of a process draw the same numbers.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np
from numba import njit


def stream_key(name: str) -> int:
    """Stable 32-bit key for a stream name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Named generators derived from one seed, for the draws made in Python.

    >>> a = Streams(7)["companies"].random(); b = Streams(7)["companies"].random()
    >>> a == b
    True
    """

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._gen: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        g = self._gen.get(name)
        if g is None:
            ss = np.random.SeedSequence(entropy=self.seed, spawn_key=(stream_key(name),))
            g = self._gen[name] = np.random.default_rng(ss)
        return g


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Explicit list of per-replication seeds derived from a scenario's base seed."""
    ss = np.random.SeedSequence(int(seed))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in ss.spawn(replications)]


class Stream(IntEnum):
    """The counter-based streams of the compiled processes, one per kind of decision.
    A block holds four uniforms; the comment says what each of a block's words decides."""

    TURNOVER = 0       #: per caseworker: leaves this week
    EXIT_ROUTE = 1      #: job or education; the job's hours
    BOOKING = 2         #: where the meeting is held; on which weekday
    ATTENDANCE = 3      #: cancels; does not show up; the no-show is reported; the caseworker sanctions
    MEETING = 4         #: a form is filled in; the weakest rating improves; which factor; a course is ordered
    FORM = 5            #: blocks 0-2: each factor read off; up or down
    PLACEMENT_END = 6   #: the placement turns into ordinary hours
    BREAKDOWN = 7       #: the placement breaks down
    HOURS_GROWTH = 8    #: småjob hours grow this month
    AGREEMENT = 9       #: a job that ends the benefit, or a småjob; the småjob's hours
    VISITORS = 10       #: per open day: visitors without a case (block 0), their arrival times (blocks 1..)
    DROPIN = 11         #: the visit's problem is solved at the desk
    UNSOLVED = 12       #: debt counselling solves it; it escalates; which factor; the placement breaks down
    MENTOR = 13         #: block s: session s+1 takes place; it improves the weakest rating; which factor
    GROUP = 14          #: place in this week's group; attends; improves; which factor
    MATCH = 15          #: blocks 2a, 2a+1: the a-th attempt's seven uniforms (interest, company, insist, ...); block 4: the company service takes an order beyond the consultant's week
    CONSULTANT = 16     #: which consultant's queue the citizen joins
    CASES = 17          #: which cases a replacement caseworker takes over
    POPULATION = 18     #: blocks 0-3: a new citizen's own draws; blocks 4-7: the ratings' (sim.model.barriers.draw_row)
    CHANCES = 19        #: the weekly chances, drawn for every citizen before the week: exits or return; drift; a problem
    CONTACT = 20        #: a discretionary contact: the weakest rating improves; which factor


#: Philox4x32's multipliers and key increments (Salmon et al. 2011, Table 2)
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_ROUNDS = 10


@njit(cache=True, inline="always")
def _round(c0, c1, c2, c3, k0, k1):  # pragma: no cover - compiled
    """One Philox4x32 round of the counter under the round's key."""
    p0 = _M0 * c0
    p1 = _M1 * c2
    return ((p1 >> _SHIFT) ^ c1 ^ k0) & _MASK, p1 & _MASK, ((p0 >> _SHIFT) ^ c3 ^ k1) & _MASK, p0 & _MASK


@njit(cache=True, inline="always")
def _next_key(k0, k1):  # pragma: no cover - compiled
    """The key of the next round (the Weyl sequence of the key schedule)."""
    return (k0 + _W0) & _MASK, (k1 + _W1) & _MASK


@njit(cache=True)
def _philox4x32(c0, c1, c2, c3, k0, k1):  # pragma: no cover - compiled
    """Philox4x32-10 of the counter (c0, c1, c2, c3) under the key (k0, k1): four 32-bit
    words (held in uint64).  Checked against Random123's known-answer vectors in the tests."""
    for _ in range(_ROUNDS):
        c0, c1, c2, c3 = _round(c0, c1, c2, c3, k0, k1)
        k0, k1 = _next_key(k0, k1)
    return c0, c1, c2, c3


#: 2**-32: a 32-bit word as a fraction
_SCALE = 1.0 / 4294967296.0


@njit(cache=True, inline="always")
def _fraction(c):  # pragma: no cover - compiled
    """A 32-bit word as a uniform in (0, 1)."""
    return (float(c) + 0.5) * _SCALE


@njit(cache=True)
def uniforms(key, week, who, block):  # pragma: no cover - compiled
    """Four independent uniforms in (0, 1) for a decision: the stream's ``key`` (a row of
    the model's key table), the week, whose decision it is (a citizen, a caseworker, an
    open day) and the block (0 unless the decision needs more than four numbers)."""
    c0, c1, c2, c3 = _philox4x32(np.uint64(week), np.uint64(who), np.uint64(block), np.uint64(0),
                                 np.uint64(key[0]), np.uint64(key[1]))
    return _fraction(c0), _fraction(c1), _fraction(c2), _fraction(c3)


@njit(cache=True)
def round_keys(key):  # pragma: no cover - compiled
    """The ten round keys of a stream's key (the key schedule), worked out once for many
    blocks."""
    k0s = np.empty(_ROUNDS, dtype=np.uint64)
    k1s = np.empty(_ROUNDS, dtype=np.uint64)
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    for r in range(_ROUNDS):
        k0s[r], k1s[r] = k0, k1
        k0, k1 = _next_key(k0, k1)
    return k0s, k1s


@njit(cache=True)
def _fill(k0s, k1s, week, who, who_step, block_step, out):  # pragma: no cover - compiled
    """Row ``r`` of ``out`` (n, 4): the four uniforms of block ``r × block_step`` of
    ``who + r × who_step`` this week, under the round keys ``k0s``, ``k1s``: the numbers
    :func:`uniforms` gives, drawn several rows at a time."""
    w = np.uint64(week)
    flat = out.reshape(-1)
    for row in range(out.shape[0]):
        c0, c1, c2, c3 = w, np.uint64(who + row * who_step), np.uint64(row * block_step), np.uint64(0)
        for r in range(_ROUNDS):
            c0, c1, c2, c3 = _round(c0, c1, c2, c3, k0s[r], k1s[r])
        flat[4 * row], flat[4 * row + 1], flat[4 * row + 2], flat[4 * row + 3] = (
            _fraction(c0), _fraction(c1), _fraction(c2), _fraction(c3))


@njit(cache=True)
def fill_blocks(key, week, out):  # pragma: no cover - compiled
    """Row ``i`` of ``out`` (n, 4): the four uniforms of citizen ``i``'s block 0 this week,
    the same numbers as ``uniforms(key, week, i, 0)``."""
    k0s, k1s = round_keys(key)
    _fill(k0s, k1s, week, 0, 1, 0, out)


@njit(cache=True)
def blocks_of(k0s, k1s, week, who, out):  # pragma: no cover - compiled
    """Row ``b`` of ``out`` (n, 4): block ``b`` of ``who``'s draws this week under the round
    keys of :func:`round_keys`, the same numbers as ``uniforms(key, week, who, b)``."""
    _fill(k0s, k1s, week, who, 0, 1, out)


@njit(cache=True)
def rescaled(u, p):  # pragma: no cover - compiled
    """Given a uniform ``u`` that fell at or above ``p``, a fresh uniform for the next of
    several competing chances (``(u - p) / (1 - p)``); below ``p``, ``u / p`` is one for
    what follows the event.  Either way the number stays uniform on (0, 1)."""
    if u < p:
        return u / p
    return (u - p) / (1.0 - p) if p < 1.0 else 0.0


@njit(cache=True)
def poisson(mean, u):  # pragma: no cover - compiled
    """A Poisson count with ``mean`` from one uniform, by inversion (for small means)."""
    k = 0
    p = np.exp(-mean)
    cum = p
    while u > cum and k < 10000:
        k += 1
        p *= mean / k
        cum += p
    return k


#: the spawn key of the counter-based streams' keys (apart from every generator's)
KEYS_SPAWN = stream_key("counter-based streams")


def stream_keys(seed: int) -> np.ndarray:
    """The key of every :class:`Stream` for one seed: a (streams, 2) array of 32-bit words,
    two words of one ``SeedSequence`` entropy pool per stream, by the stream's number."""
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=(KEYS_SPAWN,))
    return ss.generate_state(2 * len(Stream), dtype=np.uint32).reshape(len(Stream), 2)
