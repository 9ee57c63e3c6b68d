"""Orders and queues, compiled: the ids a mask selects, grouping ids by a key and working a
long queue in order without sorting more of it than is worked.  Pure functions over arrays
(no model state)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def indices(mask):  # pragma: no cover - compiled
    """The positions where ``mask`` is true, in order: ``np.flatnonzero(mask)`` without a
    branch per element.  Every position is written and the count moves on where the mask is
    true, so a mask that mixes true and false at random costs no mispredicted branches (about
    8 times faster than ``np.flatnonzero`` for half of 100,000 citizens)."""
    out = np.empty(mask.shape[0], dtype=np.int64)
    k = 0
    for i in range(mask.shape[0]):
        out[k] = i
        k += mask[i] != 0
    return out[:k]


@njit(cache=True)
def group_by(group_of, n_groups, ids):  # pragma: no cover - compiled
    """``ids`` grouped by ``group_of[k]`` (0 .. n_groups - 1, for the k-th id), keeping their
    order within a group (a counting sort): (the grouped ids, the start of each group and the
    end of the last)."""
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    for k in range(ids.shape[0]):
        bounds[group_of[k] + 1] += 1
    for g in range(n_groups):
        bounds[g + 1] += bounds[g]
    place = bounds[:-1].copy()
    out = np.empty(ids.shape[0], dtype=np.int64)
    for k in range(ids.shape[0]):
        g = group_of[k]
        out[place[g]] = ids[k]
        place[g] += 1
    return out, bounds


@njit(cache=True)
def sort_within(ids, bounds, key):  # pragma: no cover - compiled
    """Sort each group ``ids[bounds[g]:bounds[g+1]]`` in place by ``key[id]`` (groups are
    small: an insertion sort, stable)."""
    for g in range(bounds.shape[0] - 1):
        for k in range(bounds[g] + 1, bounds[g + 1]):
            i = ids[k]
            q = k
            while q > bounds[g] and key[ids[q - 1]] > key[i]:
                ids[q] = ids[q - 1]
                q -= 1
            ids[q] = i


@njit(cache=True)
def split_queue(tickets, head):  # pragma: no cover - compiled
    """The positions of the ``head`` smallest tickets in ticket order, and the others
    (unsorted): a long queue is sorted only as far as it is worked (mentors' and company
    consultants' queues)."""
    if head >= tickets.shape[0]:
        return np.argsort(tickets), np.zeros(0, dtype=np.int64)
    cut = np.partition(tickets, head - 1)[head - 1]
    first = indices(tickets <= cut)
    return first[np.argsort(tickets[first])], indices(tickets > cut)
