"""Open advice (process 10): the afternoon queues at the estate offices (åben rådgivning).

The week's visits (from process 6) arrive at random times while the office is open, with
``other_visitors_per_open_day`` visitors without a case (Poisson); the staff of that office
present that day serve them first come, first served (:mod:`sim.model.office`).  A served
visit raises trust, adds a little job-plan progress and solves the problem, except that a
problem of a citizen rated E-G is solved only with ``dropin_solve_poor`` (heavier problems
are not always solved at the desk, copenhagen-outreach-2015, Bilag 2); if the citizen's meeting
is due within ``dropin_meeting_window_weeks`` the visit counts as that meeting held
(copenhagen-outreach-2015, part on open advice (visitor registration, March 2015)).  Unserved and unsolved problems go on to process 11.
"""

from __future__ import annotations

import numpy as np

from .. import barriers, office, pathway
from ..states import ST
from ..tally import Tally
from .base import Process
from .meetings import book_meeting, hold_meetings, interval_for


class OpenAdvice(Process):
    name = "open advice"
    counts = (Tally.VISITS_CASE, Tally.VISITS_OTHER, Tally.VISITS_SERVED, Tally.VISITS_UNSERVED,
              Tally.VISITS_NOT_SOLVED, Tally.SUMMONED_OUTREACH, Tally.HELD_OUTREACH, Tally.HELD_VIA_OPEN_ADVICE)

    def __init__(self, m):
        org = m.org
        self.close = org.caseworker_hours_per_week * 60.0 / 5.0       # minutes from the start of the workday
        self.length = org.open_advice_hours * 60.0
        self.open_at = self.close - self.length
        self.days = sorted((o, d) for o, days in m.open_days.items() for d in days)
        self.index = np.full((max(1, m.n_offices), 5), -1, dtype=np.int64)   # (office, weekday) -> open day
        for i, (o, d) in enumerate(self.days):
            self.index[o, d] = i
        self._staff_key = None

    def step(self, m, week: int) -> None:
        if not self.days:
            return
        who, office_of, day_of = m.visits
        n_days = len(self.days)
        others = m.streams["visits"].poisson(m.b.other_visitors_per_open_day, size=n_days)
        m.tally[Tally.VISITS_OTHER] += others.sum()
        m.tally[Tally.VISITS_CASE] += len(who)
        if len(who) == 0 and others.sum() == 0:
            return
        # every visit: its open day and arrival time; citizens' visits after the others
        day = np.concatenate([np.repeat(np.arange(n_days), others), self.index[office_of, day_of]])
        arrival = self.open_at + self.length * np.concatenate([m.streams["visits"].random(int(others.sum())),
                                                               m.draw("visit_time", who)])
        order = np.lexsort((arrival, day))
        visit_start = np.searchsorted(day[order], np.arange(n_days + 1))
        staff, staff_day, server_start = self.staff(m)
        used = m.morning_used[staff, staff_day]
        served, minutes = office.serve(arrival[order], visit_start, np.full(n_days, self.close),
                                       np.maximum(self.open_at, used), used, m.cw.contact_minutes_per_day[staff],
                                       server_start, m.b.dropin_minutes, m.b.walkin_patience_minutes, m.office_engine)
        np.add.at(m.cw.minutes_used, staff, minutes)
        back = np.empty(len(order), dtype=bool)
        back[order] = served
        self.settle(m, who, back[len(day) - len(who):], week)

    def staff(self, m):
        """The staff of each open day's office present that day (kept until staff change)."""
        cw = m.cw
        key = m.staff_version
        if key != self._staff_key:
            per_day = [np.flatnonzero(cw.active & (cw.office == o) & (cw.estate_days > d)) for o, d in self.days]
            self._staff = (np.concatenate(per_day).astype(np.int64),
                           np.concatenate([np.full(len(s), d) for s, (o, d) in zip(per_day, self.days)]).astype(np.int64),
                           np.r_[0, np.cumsum([len(s) for s in per_day])].astype(np.int64))
            self._staff_key = key
        return self._staff

    def settle(self, m, who, served, week: int) -> None:
        P, b = m.pop, m.b
        m.tally[Tally.VISITS_SERVED] += served.sum()
        m.tally[Tally.VISITS_UNSERVED] += (~served).sum()
        ok = who[served]
        P.trust[ok] = np.minimum(1.0, P.trust[ok] + b.trust_gain_dropin)
        pathway.add_progress(m, ok, b.trin1_progress_per_dropin)
        st, gap = P.state[ok], P.next_meeting[ok] - week
        enrolled = (st >= ST.TRIN1) & (st <= ST.TRIN3)
        due = ok[enrolled & (gap >= 0) & (gap <= b.dropin_meeting_window_weeks)]
        m.tally[Tally.SUMMONED_OUTREACH] += len(due)
        m.tally[Tally.HELD_OUTREACH] += len(due)
        m.tally[Tally.HELD_VIA_OPEN_ADVICE] += len(due)
        hold_meetings(m, due, np.ones(len(due), dtype=bool), np.ones(len(due)))
        book_meeting(m, due, interval_for(m, due))
        poor = ok[~barriers.is_good(P.category[ok])]
        unsolved = poor[m.draw("dropin_solve", poor) >= b.dropin_solve_poor]
        m.tally[Tally.VISITS_NOT_SOLVED] += len(unsolved)
        m.unsolved = np.concatenate([m.unsolved, who[~served], unsolved])
