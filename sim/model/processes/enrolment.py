"""Enrolment (process 8): waiting citizens enter case loads, in the order they joined the
waiting list, while a caseworker has room under ``caseload_cap``: the least-loaded active
caseworker of the citizen's area, else of the whole job centre (ties: the one hired
first), except where ``organisation.offices`` makes each office a separate effort; without
room the citizen keeps waiting.  A citizen with a clarified job wish starts
in trin 2, the others in trin 1.  The first meeting is booked within the first interval
for the stock at week 0, next week for later referrals."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..declare import transition
from ..queues import indices
from ..rng import Stream, uniforms
from ..states import State
from ..transitions import assign, enter_trin2, interval_for, open_cycle, set_state
from .base import WEEK, Process

NO_CAP = -1


@transition(reads=("cw_active", "cw_office", "cw_caseload"))
@njit(cache=True)
def caseworker_with_room(C, area, cap, across):  # pragma: no cover - compiled
    """The least-loaded active caseworker with room under ``cap`` (NO_CAP: no cap) in the
    office of ``area``, else (``across`` offices) in the whole job centre (ties: hired
    first); -1 if none."""
    best = -1
    for local in (True, False):
        if local and area < 0:
            continue
        if not local and area >= 0 and not across:
            break
        for j in range(C.cw_active.shape[0]):
            if C.cw_active[j] and (not local or C.cw_office[j] == area) and (cap == NO_CAP or C.cw_caseload[j] < cap):
                if best < 0 or C.cw_caseload[j] < C.cw_caseload[best]:
                    best = j
        if best >= 0:
            return best
    return best


@transition(reads=("state", "waiting_ticket", "area", "job_wish", "enrolled_week"),
            writes=("waiting_ticket", "enrolled_week"),
            calls=(caseworker_with_room, assign, enter_trin2, set_state, interval_for, open_cycle),
            streams=(Stream.BOOKING,))
@njit(cache=True)
def enrol(C, cap, across, T, week, keys):  # pragma: no cover - compiled
    n = C.state.shape[0]
    is_waiting = np.empty(n, dtype=np.bool_)
    for i in range(n):
        is_waiting[i] = C.state[i] == State.NOT_ENROLLED and C.waiting_ticket[i] >= 0
    waiting = indices(is_waiting)
    for i in waiting[np.argsort(C.waiting_ticket[waiting])]:
        j = caseworker_with_room(C, C.area[i], cap, across)
        if j < 0:
            continue
        assign(C, i, j, T)
        C.waiting_ticket[i] = -1
        if C.enrolled_week[i] < 0:
            C.enrolled_week[i] = week
        if C.job_wish[i]:
            enter_trin2(C, i, week, T, keys)
        else:
            set_state(C, i, State.TRIN1, week, T, keys)
        first = 1
        if week == 0:
            first = 1 + int(uniforms(keys[Stream.BOOKING], week, i, 1)[0] * interval_for(C, i, week, T))
        open_cycle(C, i, first, week)


class Enrolment(Process):
    name = "enrolment"
    calls = (enrol,)

    def __init__(self, m):
        super().__init__(m)
        cap = m.org.caseload_cap
        self.cap = NO_CAP if cap is None else int(cap)
        self.across = not m.org.separate_offices      #: separate efforts enrol only their own area's citizens

    def plan(self, m):
        return ((enrol, (self.cap, self.across, m.T, WEEK, m.keys)),)
