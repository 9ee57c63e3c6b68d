"""The calibration's prior and proposal kernel.

The prior: independent uniform distributions on the priors' box
(``calibration/priors.yaml``), as pyabc's :class:`pyabc.Distribution` of ``RV("uniform")``
gives it, with a density that is quick to evaluate.

pyabc draws a proposal from its kernel and draws again until the prior density is positive;
with a score of parameters most proposals of a wide kernel fall outside the box, and
scipy's per-parameter density took about a millisecond a proposal.  The density here is the
same function (the product of ``1 / (high - low)`` inside the closed box, zero outside),
evaluated in one pass.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pyabc


class BoxPrior(pyabc.Distribution):
    """Uniform on ``[low, high]`` for every parameter; sampling is pyabc's own."""

    def __init__(self, bounds: Mapping[str, tuple[float, float]]):
        super().__init__(**{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in bounds.items()})
        self._bounds: Sequence[tuple[str, float, float]] = tuple((k, lo, hi) for k, (lo, hi) in bounds.items())
        self._density = math.prod(1.0 / (hi - lo) for _, lo, hi in self._bounds)

    def pdf(self, x) -> float:
        for k, lo, hi in self._bounds:
            if not lo <= x[k] <= hi:
                return 0.0
        return self._density

    def copy(self) -> "BoxPrior":
        return BoxPrior({k: (lo, hi) for k, lo, hi in self._bounds})


class FastNormalTransition(pyabc.transition.MultivariateNormalTransition):
    """pyabc's multivariate-normal kernel with the same distribution and a quicker single
    draw: the covariance is factored once per generation rather than at every draw (pyabc's
    own draw took about 0.6 ms with a score of parameters, and a wide kernel needs
    hundreds of draws for one proposal inside the box).  Draws use numpy's global random
    state, which the calibration seeds, as pyabc's do."""

    def fit(self, X, w) -> None:
        super().fit(X, w)
        vals, vecs = np.linalg.eigh(self.cov)                 # the covariance may be singular
        self._factor = vecs * np.sqrt(np.clip(vals, 0.0, None))
        self._cumulative = np.cumsum(self.w)
        self._names = list(X.columns)

    def rvs_single(self) -> pyabc.Parameter:
        i = min(int(np.searchsorted(self._cumulative, np.random.random() * self._cumulative[-1], side="right")),
                len(self._cumulative) - 1)
        x = self._X_arr[i] + self._factor @ np.random.standard_normal(self._factor.shape[1])
        return pyabc.Parameter(dict(zip(self._names, x.tolist())))
