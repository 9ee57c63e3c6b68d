"""The compiled helpers for orders and queues (sim.model.queues) against numpy's own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.queues import group_by, indices, split_queue


@settings(max_examples=60, deadline=None)
@given(arrays(np.bool_, st.integers(0, 300)))
def test_indices_are_the_positions_where_a_mask_is_true(mask):
    assert np.array_equal(indices(mask), np.flatnonzero(mask))


@settings(max_examples=30, deadline=None)
@given(arrays(np.uint8, st.integers(0, 300), elements=st.integers(0, 7)))
def test_indices_of_a_mask_of_flags_count_every_nonzero_once(flags):
    assert np.array_equal(indices(flags), np.flatnonzero(flags))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=60))
def test_group_by_keeps_the_order_within_each_group(groups):
    group_of = np.array(groups, dtype=np.int64)
    ids = np.arange(100, 100 + len(groups), dtype=np.int64)
    out, bounds = group_by(group_of, 6, ids)
    assert np.array_equal(out, ids[np.argsort(group_of, kind="stable")])
    assert np.array_equal(np.diff(bounds), np.bincount(group_of, minlength=6))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**6), unique=True, max_size=80), st.integers(1, 100))
def test_split_queue_puts_the_smallest_tickets_first_in_order(tickets, head):
    t = np.array(tickets, dtype=np.int64)
    first, rest = split_queue(t, head)
    assert np.array_equal(t[first], np.sort(t)[: len(first)])
    assert len(first) >= min(head, len(t))
    assert sorted([*first, *rest]) == list(range(len(t)))
    if len(rest):
        assert t[rest].min() > t[first].max()
