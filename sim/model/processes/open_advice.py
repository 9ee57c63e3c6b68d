"""Open advice (process 10): the afternoon queues at the estate offices (åben rådgivning).

The week's planned visits (from process 6) arrive at random times while the office is open,
with ``other_visitors_per_open_day`` visitors without a case (Poisson); the staff of that
office present that day serve them first come, first served (:mod:`sim.model.office`).  A
served visit raises trust (``trust_gain_dropin``: being received builds trust, whether or not
the problem is solved), adds a little job-plan progress, and solves the problem, except that
a problem of a citizen whose barriers are E-G is solved only with ``dropin_solve_poor``: the
problem's weight is the citizen's real situation, not the form (heavier problems are not
always solved at the desk: open advice helps keep A-D, not E-G, copenhagen-outreach-2015,
Udviklingsmål tables after Bilag 2).  If the citizen's meeting is due within
``dropin_meeting_window_weeks`` the visit counts as that meeting held
(copenhagen-outreach-2015, part on open advice).  Unserved and unsolved problems go on to
process 12.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import MINUTES_PER_HOUR, WEEKDAYS

from .. import office
from ..barriers import is_good
from ..declare import transition
from ..queues import indices
from ..rng import Stream, poisson, uniforms
from ..states import Occasion, State
from ..tally import Tally
from ..transitions import add_progress, book_regular, hold_meeting, interval_for
from .base import WEEK, Process

OpenAdviceParams = namedtuple("OpenAdviceParams", ["open_at", "length", "close", "service", "patience", "other_visitors",
                                         "trust_gain", "progress", "window", "solve_poor"])
#: visitors without a case have no citizen id
NOBODY = -1


@transition(reads=("visit_day", "day_office", "day_weekday", "cw_active", "cw_office", "cw_estate_days",
                   "cw_morning_used"),
            streams=(Stream.VISITORS, Stream.DROPIN), counts=(Tally.VISITS_OTHER, Tally.VISITS_CASE))
@njit(cache=True)
def arrivals(C, par, week, keys, tally):  # pragma: no cover - compiled
    """Every visit of the week with its arrival time, sorted by open day and time, and the
    staff of each open day: (arrival, first visit of each day, the visitor's citizen id or
    NOBODY, staff member, ready at, minutes used before the desk, minutes at the end of the
    desk's afternoon, first staff member of each day).  A staff member at the desk serves
    from when the office opens or the morning's meetings end, whichever is later."""
    n_days = C.day_office.shape[0]
    others = np.zeros(n_days, dtype=np.int64)
    for d in range(n_days):
        others[d] = poisson(par.other_visitors, uniforms(keys[Stream.VISITORS], week, d, 0)[0])
    citizens = indices(C.visit_day >= 0)
    total = others.sum() + citizens.shape[0]
    tally[Tally.VISITS_OTHER] += others.sum()
    tally[Tally.VISITS_CASE] += citizens.shape[0]
    day = np.empty(total, dtype=np.int64)
    arrival = np.empty(total)
    visitor = np.full(total, NOBODY, dtype=np.int64)
    k = 0
    for d in range(n_days):
        for v in range(others[d]):
            day[k] = d
            arrival[k] = par.open_at + par.length * uniforms(keys[Stream.VISITORS], week, d, 1 + v // 4)[v % 4]
            k += 1
    for i in citizens:
        day[k] = C.visit_day[i]
        arrival[k] = par.open_at + par.length * uniforms(keys[Stream.DROPIN], week, i, 0)[1]
        visitor[k] = i
        k += 1
    order = np.argsort(day * (2.0 * par.close) + arrival)
    day, arrival, visitor = day[order], arrival[order], visitor[order]
    visit_start = np.searchsorted(day, np.arange(n_days + 1))
    # the staff of each open day: caseworkers of the office who sit there that weekday
    server = np.empty(0, dtype=np.int64)
    server_start = np.zeros(n_days + 1, dtype=np.int64)
    for d in range(n_days):
        present = indices(C.cw_active & (C.cw_office == C.day_office[d]) & (C.cw_estate_days > C.day_weekday[d]))
        server = np.concatenate((server, present))
        server_start[d + 1] = server.shape[0]
    used = np.empty(server.shape[0])
    for d in range(n_days):
        for s in range(server_start[d], server_start[d + 1]):
            used[s] = C.cw_morning_used[server[s], C.day_weekday[d]]
    ready = np.maximum(par.open_at, used)
    return arrival, visit_start, visitor, server, ready, used, used + par.length, server_start


@transition(reads=("state", "next_meeting", "category"), writes=("trust", "unsolved"),
            calls=(add_progress, hold_meeting, book_regular, interval_for), streams=(Stream.DROPIN,),
            counts=(Tally.VISITS_SERVED, Tally.VISITS_UNSERVED, Tally.VISITS_NOT_SOLVED, Tally.SUMMONED_OUTREACH,
                    Tally.HELD_OUTREACH, Tally.HELD_VIA_OPEN_ADVICE, Tally.CONTACT_MINUTES))
@njit(cache=True)
def settle(C, par, T, visitor, served, server, minutes, week, keys, tally):  # pragma: no cover - compiled
    """What the served and unserved visits do, citizen by citizen (the staff's minutes at
    the desk were set aside in the week's budget, process 9)."""
    tally[Tally.CONTACT_MINUTES] += minutes.sum()
    got = np.zeros(C.state.shape[0], dtype=np.int8)          # 0: no visit, 1: unserved, 2: served
    for v in range(visitor.shape[0]):
        if visitor[v] != NOBODY:
            got[visitor[v]] = 2 if served[v] else 1
    for i in range(got.shape[0]):
        if got[i] == 0:
            continue
        if got[i] == 1:
            tally[Tally.VISITS_UNSERVED] += 1
            C.unsolved[i] = True
            continue
        tally[Tally.VISITS_SERVED] += 1
        C.trust[i] = min(1.0, C.trust[i] + par.trust_gain)
        add_progress(C, i, par.progress, week, T, keys)
        gap = C.next_meeting[i] - week
        if State.TRIN1 <= C.state[i] <= State.TRIN3 and 0 <= gap <= par.window:
            tally[Tally.SUMMONED_OUTREACH] += 1
            tally[Tally.HELD_OUTREACH] += 1
            tally[Tally.HELD_VIA_OPEN_ADVICE] += 1
            hold_meeting(C, i, True, 1.0, week, Occasion.OPEN_ADVICE, T, keys, tally)
            book_regular(C, i, interval_for(C, i, week, T), week)
        if not is_good(C.category[i]) and uniforms(keys[Stream.DROPIN], week, i, 0)[0] >= par.solve_poor:
            tally[Tally.VISITS_NOT_SOLVED] += 1
            C.unsolved[i] = True


@transition(calls=(arrivals, settle))
@njit(cache=True)
def open_advice(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    """The week's open advice with the compiled queue (:func:`sim.model.office.serve_queue`)."""
    arrival, visit_start, visitor, server, ready, used, budget, server_start = arrivals(C, par, week, keys, tally)
    close = np.full(visit_start.shape[0] - 1, par.close)
    served, minutes = office.serve_queue(arrival, visit_start, close, ready, used, budget, server_start,
                                         par.service, par.patience)
    settle(C, par, T, visitor, served, server, minutes, week, keys, tally)


class OpenAdvice(Process):
    name = "open advice"
    calls = (open_advice,)

    def __init__(self, m):
        super().__init__(m)
        org, b = m.org, m.b
        close = org.caseworker_hours_per_week * MINUTES_PER_HOUR / WEEKDAYS       # minutes from the start of the workday
        length = org.open_advice_hours * MINUTES_PER_HOUR
        self.par = OpenAdviceParams(open_at=float(close - length), length=float(length), close=float(close),
                          service=float(b.dropin_minutes), patience=float(b.walkin_patience_minutes),
                          other_visitors=float(b.other_visitors_per_open_day), trust_gain=float(b.trust_gain_dropin),
                          progress=float(b.trin1_progress_per_dropin), window=int(b.dropin_meeting_window_weeks),
                          solve_poor=float(b.dropin_solve_poor))
        self.engine = m.office_engine

    def active(self, m) -> bool:
        return len(m.days.office) > 0

    def plan(self, m):
        """The compiled queue; none with the SimPy reference, which has Python work."""
        return ((open_advice, (self.par, m.T, WEEK, m.keys, m.tally)),) if self.engine == "compiled" else None

    def step(self, m, week: int) -> None:
        if self.engine == "compiled":
            super().step(m, week)
            return
        if not self.active(m):
            return
        # the readable reference: the same week with the SimPy queue (sim.model.office.serve_simpy)
        arrival, visit_start, visitor, server, ready, used, budget, server_start = self.run(
            m, arrivals, self.par, week, m.keys, m.tally)
        close = np.full(len(visit_start) - 1, self.par.close)
        served, minutes = office.serve(arrival, visit_start, close, ready, used, budget, server_start,
                                       self.par.service, self.par.patience, engine="simpy")
        self.run(m, settle, self.par, m.T, visitor, served, server, minutes, week, m.keys, m.tally)
