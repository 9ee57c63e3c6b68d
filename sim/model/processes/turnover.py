"""Staff turnover (process 1): caseworkers leave, and replacements start.

A caseworker leaves with the weekly probability of ``staff_turnover_annual`` (not in the
week of hiring).  Each week's chance is the caseworker's own draw of that week, so the week
it leaves is known from the day it is hired: it is worked out then (the first week whose
draw falls under the probability), and a week in which nobody leaves and no replacement
starts costs nothing.  The cases go at once to the least-loaded colleagues of the same office,
one case at a time, else of the whole job centre unless ``organisation.offices`` makes
each office a separate effort (each a change of caseworker: trust falls, and the change
penalty applies for ``caseworker_change_weeks``); ``caseload_cap`` does not apply to them,
since a job centre cannot refuse the cases it already holds (the
cap holds back new referrals, process 8).  With no colleague left the cases wait for the
replacement.  A replacement starts ``vacancy_weeks`` later in the same office and takes
cases, drawn at random, from the most-loaded colleagues of that office until their loads
balance (more changes).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import annual_to_weekly

from .. import build
from ..declare import transition
from ..queues import indices
from ..rng import Stream, uniforms
from ..states import Placement, State
from ..tally import Tally
from ..transitions import change_caseworker, leave_placement, release, set_state, take_ticket
from .base import Process

TurnoverParams = namedtuple("TurnoverParams", ["p_leave", "vacancy_weeks", "across", "horizon"])


@transition(reads=("cw_hired_week",), writes=("cw_leaves_week",), streams=(Stream.TURNOVER,))
@njit(cache=True)
def draw_departures(C, par, first, keys):  # pragma: no cover - compiled
    """The week each caseworker from ``first`` on leaves: the first week after the one it was
    hired in whose draw (word 0 of its block of the turnover stream that week) falls under the
    weekly probability of leaving; the horizon if none does before it (it stays)."""
    for j in range(first, C.cw_hired_week.shape[0]):
        w = C.cw_hired_week[j] + 1
        while w < par.horizon and uniforms(keys[Stream.TURNOVER], w, j, 0)[0] >= par.p_leave:
            w += 1
        C.cw_leaves_week[j] = w


@transition(reads=("cw_active", "cw_leaves_week", "cw_replacement_week"))
@njit(cache=True)
def who_changes(C, week):  # pragma: no cover - compiled
    """The caseworkers who leave this week, and those whose replacement starts."""
    n = C.cw_active.shape[0]
    leave = np.zeros(n, dtype=np.bool_)
    start = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        if C.cw_active[j]:
            leave[j] = C.cw_leaves_week[j] == week
        else:
            start[j] = C.cw_replacement_week[j] == week
    return indices(leave), indices(start)


@transition(reads=("cw_active", "cw_leaves_week", "cw_replacement_week"))
@njit(cache=True)
def next_change(C, par, week):  # pragma: no cover - compiled
    """The first week after ``week`` in which a caseworker leaves or a replacement starts
    (the horizon if none does)."""
    first = par.horizon
    for j in range(C.cw_active.shape[0]):
        if C.cw_active[j]:
            first = min(first, C.cw_leaves_week[j])
        elif C.cw_replacement_week[j] > week:
            first = min(first, C.cw_replacement_week[j])
    return first


@transition(reads=("cw_active", "cw_office"))
@njit(cache=True)
def colleagues(C, office, across):  # pragma: no cover - compiled
    """The active caseworkers of ``office``, else (``across`` offices) of the whole job
    centre (hired first first)."""
    same = indices(C.cw_active & (C.cw_office == office))
    return same if same.shape[0] > 0 or not across else indices(C.cw_active)


@njit(cache=True)
def cases_of(caseworker, j):  # pragma: no cover - compiled
    """The citizens whose caseworker is ``j``, in order (one pass over the citizens)."""
    out = np.empty(caseworker.shape[0], dtype=np.int64)
    k = 0
    for i in range(caseworker.shape[0]):
        if caseworker[i] == j:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True)
def cases_of_donors(caseworker, give):  # pragma: no cover - compiled
    """The citizens whose caseworker has cases to give (``give`` above zero), in order.
    (Not :func:`cases_of` with a mask of the leaver: its comparison with one caseworker is
    compiled to vector instructions, and a departure's pass over the national population
    took 0.35 s in all through the mask against 0.08 s.)"""
    out = np.empty(caseworker.shape[0], dtype=np.int64)
    k = 0
    for i in range(caseworker.shape[0]):
        c = caseworker[i]
        if c >= 0 and give[c] > 0:
            out[k] = i
            k += 1
    return out[:k]


@transition(reads=("caseworker", "cw_office", "cw_caseload"),
            writes=("hours", "waiting_ticket", "cw_caseload", "cw_replacement_week"),
            calls=(colleagues, change_caseworker, leave_placement, release, set_state, take_ticket),
            counts=(Tally.CASEWORKERS_LEFT,))
@njit(cache=True)
def hand_over(C, par, T, j, week, keys, tally):  # pragma: no cover - compiled
    """Caseworker ``j`` has left (no longer active): each case goes in turn to the colleague
    with the fewest cases (ties: hired first)."""
    tally[Tally.CASEWORKERS_LEFT] += 1
    near = colleagues(C, C.cw_office[j], par.across)
    for i in cases_of(C.caseworker, j):
        new = -1
        for c in near:
            if new < 0 or C.cw_caseload[c] < C.cw_caseload[new]:
                new = c
        if new >= 0:
            change_caseworker(C, i, new, week, T, tally)
        else:                  # nobody left: the case waits for the replacement
            leave_placement(C, i)
            C.hours[i] = 0.0
            release(C, i)
            set_state(C, i, State.NOT_ENROLLED, week, T, keys)
            C.waiting_ticket[i] = take_ticket(C)
    C.cw_caseload[j] = 0
    C.cw_replacement_week[j] = week + max(1, par.vacancy_weeks)


@transition(reads=("cw_active", "cw_caseload", "cw_office", "caseworker"), calls=(colleagues, change_caseworker),
            streams=(Stream.CASES,))
@njit(cache=True)
def take_over(C, T, new, week, keys, tally):  # pragma: no cover - compiled
    """The replacement ``new`` takes cases from the most-loaded colleagues of its office
    (else of the whole job centre; ties: hired first) until their loads balance; each donor
    gives cases drawn at random."""
    n_cw = C.cw_active.shape[0]
    team = colleagues(C, C.cw_office[new], True)     # the replacement is in its own office
    target = C.cw_caseload[team].sum() // team.shape[0]
    donors = team[team != new]
    order = np.argsort(-C.cw_caseload[donors].astype(np.int64) * (n_cw + 1) + donors)
    give = np.zeros(n_cw, dtype=np.int64)
    taken = 0
    for d in donors[order]:
        spare = min(C.cw_caseload[d] - (target + 1), target - taken)
        if spare <= 0:
            break              # donors come most loaded first: no later one has cases to spare
        give[d] = spare
        taken += spare
    if taken == 0:
        return
    cases = cases_of_donors(C.caseworker, give)
    draw = np.empty(cases.shape[0])
    for k in range(cases.shape[0]):
        draw[k] = uniforms(keys[Stream.CASES], week, cases[k], 0)[0]
    for i in cases[np.argsort(draw)]:                     # each donor gives cases drawn at random
        d = C.caseworker[i]
        if give[d] > 0:
            give[d] -= 1
            change_caseworker(C, i, new, week, T, tally)


class StaffTurnover(Process):
    name = "staff turnover"
    #: the step itself marks the leavers and hires the replacements (sim.model.build.hire)
    writes = ("cw_active", "cw_office", "cw_estate_days", "cw_optimism", "cw_authority", "cw_hired_week",
              "cw_desk_minutes", "cw_leaves_week")
    calls = (draw_departures, who_changes, next_change, hand_over, take_over)
    counts = (Tally.CASEWORKERS_LEFT,)

    def __init__(self, m):
        super().__init__(m)
        self.par = TurnoverParams(p_leave=float(annual_to_weekly(m.b.staff_turnover_annual)), vacancy_weeks=int(m.b.vacancy_weeks),
                                  across=not m.org.separate_offices, horizon=int(m.horizon))
        self.run(m, draw_departures, self.par, 0, m.keys)          # the staff in post at the start
        self.next_week = self.run(m, next_change, self.par, m.week - 1)   #: the first week with a change

    def step(self, m, week: int) -> None:
        if week < self.next_week:
            return
        leave, start = self.run(m, who_changes, week)
        for j in leave:
            m.cw.active[j] = False
            m.caseworkers_by_index[j].remove()      # nobody meets a caseworker who has left
            self.run(m, hand_over, self.par, m.T, int(j), week, m.keys, m.tally)
        for old in start:
            (new,) = build.hire(m, [int(m.cw.office[old])], [int(m.cw.estate_days[old])])
            self.run(m, draw_departures, self.par, int(new), m.keys)
            self.run(m, take_over, m.T, int(new), week, m.keys, m.tally)
        self.next_week = self.run(m, next_change, self.par, week)
