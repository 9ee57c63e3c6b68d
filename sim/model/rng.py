"""Random streams: one generator per kind of decision, all derived from the scenario seed.

Every random draw in the model comes from a :class:`Streams` object.  Each kind of
decision (no-shows, problems arising, company negotiation, ...) has its own
``numpy.random.Generator`` spawned from ``numpy.random.SeedSequence(seed)`` with a
spawn key derived from the stream's *name*.  Two scenarios run with the same seed
therefore use the same random numbers for the same kind of decision (common random
numbers), and adding a new stream never shifts the numbers of an existing one.

Draws are buffered: scalar draws in a simulation loop are taken from a block of
uniforms, which is much faster than asking numpy for one number at a time.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

_BLOCK = 2048


def stream_key(name: str) -> int:
    """Stable 32-bit key for a stream name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


class Stream:
    """A buffered uniform stream with the few distributions the model needs."""

    __slots__ = ("name", "generator", "_next")

    def __init__(self, name: str, generator: np.random.Generator):
        self.name = name
        self.generator = generator
        self._next = iter(()).__next__

    def random(self) -> float:
        """One uniform draw on [0, 1)."""
        try:
            return self._next()
        except StopIteration:
            self._next = iter(self.generator.random(_BLOCK).tolist()).__next__
            return self._next()

    def geometric(self, p: float) -> int:
        """Number of weeks (>= 1) until an event with weekly probability ``p``.

        Returns a very large number when ``p`` is zero, so that the event never falls
        inside any horizon.
        """
        if p <= 0.0:
            return 1 << 30
        if p >= 1.0:
            return 1
        u = self.random()
        return 1 + int(math.log1p(-u) / math.log1p(-p))

    def exponential(self, mean: float) -> float:
        return -mean * math.log1p(-self.random())

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def integers(self, low: int, high: int) -> int:
        """Integer in [low, high)."""
        return low + int(self.random() * (high - low))

    def poisson(self, lam: float) -> int:
        return int(self.generator.poisson(lam))


class Streams(dict):
    """Named random streams derived from one seed (a dict that creates a stream on first use).

    >>> s = Streams(7)
    >>> a = s["noshow"].random(); b = Streams(7)["noshow"].random()
    >>> a == b
    True
    """

    def __init__(self, seed: int):
        super().__init__()
        self.seed = int(seed)

    def generator(self, name: str) -> np.random.Generator:
        ss = np.random.SeedSequence(entropy=self.seed, spawn_key=(stream_key(name),))
        return np.random.default_rng(ss)

    def __missing__(self, name: str) -> Stream:
        s = self[name] = Stream(name, self.generator(name))
        return s


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Explicit list of per-replication seeds derived from a scenario's base seed."""
    ss = np.random.SeedSequence(int(seed))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in ss.spawn(replications)]
