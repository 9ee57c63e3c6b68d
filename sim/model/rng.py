"""Random streams: one numpy generator per kind of decision, all derived from one seed.

Each kind of decision (no-shows, problems arising, company negotiation, ...) has its own
``numpy.random.Generator`` spawned from ``SeedSequence(seed)`` with a spawn key derived
from the stream's *name*.  Two scenarios run with the same seed therefore use the same
random numbers for the same kind of decision (common random numbers), and adding a new
stream never shifts the numbers of an existing one.

Citizens' decisions draw one number per citizen in the population (:meth:`Streams.per_citizen`)
and each citizen reads its own: a citizen's number does not depend on who else faces the
decision this week, so scenarios compared with the same seed stay aligned citizen by
citizen (the Starsim approach to common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """Stable 32-bit key for a stream name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Named random generators derived from one seed.

    >>> a = Streams(7)["noshow"].random(); b = Streams(7)["noshow"].random()
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

    def per_citizen_columns(self, name: str, n: int, k: int) -> np.ndarray:
        """An (n, k) block of uniforms: row i holds citizen i's numbers for k decisions."""
        return self[name].random((n, k))

    def per_citizen(self, name: str, n: int, ids: np.ndarray) -> np.ndarray:
        """Uniforms for the citizens ``ids`` out of one draw for all ``n`` citizens."""
        return self[name].random(n)[ids]


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Explicit list of per-replication seeds derived from a scenario's base seed."""
    ss = np.random.SeedSequence(int(seed))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in ss.spawn(replications)]


def geometric_weeks(p: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Weeks (>= 1) until an event with weekly probability ``p``, from uniforms ``u``."""
    p = np.clip(p, 1e-12, 1.0)
    with np.errstate(divide="ignore"):
        w = 1 + np.floor(np.log1p(-u) / np.log1p(-np.minimum(p, 1 - 1e-12)))
    return np.where(p >= 1.0, 1, w).astype(np.int64)
