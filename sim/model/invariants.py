"""What must hold after every week (checked by the tests, not during normal runs)."""

from __future__ import annotations

import numpy as np

from .states import Placement, State


def check(m) -> None:
    P, cw, F = m.pop, m.cw, m.firms
    state = P.state
    enrolled = (state >= State.TRIN1) & (state <= State.TRIN3)
    assert (P.hours >= 0).all(), "negative paid hours"
    has_cw = P.caseworker >= 0
    assert (has_cw == enrolled).all(), "a citizen in trin 1-3 without a caseworker, or one outside with a caseworker"
    assert cw.active[P.caseworker[has_cw]].all(), "a case held by a caseworker who has left"
    assert (np.bincount(P.caseworker[has_cw], minlength=len(cw)) == cw.caseload).all(), "case loads out of step"
    placed = P.placement != Placement.NONE
    assert (placed == (state == State.TRIN3)).all(), "a placement outside trin 3, or trin 3 without one"
    assert (np.bincount(P.company[placed], minlength=len(F)) == F.placed).all(), "company places out of step"
    assert (F.placed <= F.slots).all(), "a company holds more than its places"
    paid = P.hours > 0
    assert np.isin(state[paid], (State.TRIN3, State.SELF_SUFFICIENT)).all(), "paid hours outside trin 3 or a job"
    assert np.isin(state[P.in_course], (State.TRIN1, State.TRIN2)).all(), "a course outside trin 1-2"
    mentored = P.mentor >= 0
    assert (np.bincount(P.mentor[mentored], minlength=len(m.mentor_table)) == m.mentor_table.mentees).all()
    assert (m.mentor_table.mentees <= m.mentor_table.capacity).all(), "a mentor above capacity"
    assert not (P.in_group & ~mentored).any(), "a group member without a mentor"
    assert P.in_group.sum() <= m.org.group_size * max(1, m.n_mentors), "group courses hold more than their places"
    queued = P.consultant >= 0
    assert (state[queued] == State.TRIN2).all(), "a consultant queue holds a citizen outside trin 2"
    if m.n_consultants > 0:      # an order in trin 2 is taken from the citizen's consultant's week (process 14)
        assert (queued == (state == State.TRIN2)).all(), "a citizen in trin 2 without a company consultant"
    assert ((P.off_kind > 0) == (state == State.SELF_SUFFICIENT)).all(), "route off benefit out of step with the state"
