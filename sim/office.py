"""The office inside a week, simulated with SimPy.

Mesa advances the model a week at a time; inside the week a SimPy environment holds
time in minutes.  Each caseworker works five days.  On a day in the estate the
caseworker sits in an outreach office; on the other days at the central job centre.

* **Booked meetings** (mandatory follow-up conversations) are held in the morning.  The
  caseworker's contact time for the day is shared among them: when there are more
  meetings than time, meetings are shortened (down to a minimum length) and the rest
  postponed to the next week.
* **Open advice** (åben rådgivning): on an office's opening days the office is open in
  the afternoon.  Visitors arrive at random times; any staff member present serves the
  first waiting visitor when free.  A visitor who waits longer than their patience, or
  is still waiting at closing time, leaves unserved.

Cost grows with events: a caseworker-day with nothing to do creates no SimPy event,
and a morning of meetings is one timeout.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import simpy

DAY = 24 * 60
WEEK = 7 * DAY
WORKDAY_START = 8 * 60


@dataclass(slots=True)
class Visit:
    """One open-advice visit: a citizen with a problem, or a visitor without a case."""

    arrival: float
    citizen: object | None
    served: bool = False
    left: bool = False


@dataclass(slots=True)
class OfficeDay:
    """The open-advice queue of one office on one day."""

    open_at: float
    close_at: float
    visits: list = field(default_factory=list)
    queue: deque = field(default_factory=deque)


class Office:
    """Runs one week of staff time in a persistent SimPy environment."""

    def __init__(self, model):
        self.model = model
        self.env = simpy.Environment()

    def run_week(self, week: int, agendas: dict, office_days: dict) -> None:
        """Simulate one week.

        ``agendas[(caseworker, day)]`` is the list of booked meetings (citizens);
        ``office_days[(office, day)]`` an :class:`OfficeDay` with its visits.
        """
        env = self.env
        start = week * WEEK
        for od in office_days.values():
            od.visits.sort(key=lambda v: v.arrival)
            od.queue = deque(od.visits)
        busy = {cw for (cw, _d) in agendas} | {cw for cw in self.model.caseworkers
                                                if cw.active and cw.office is not None and cw.estate_days
                                                and any((cw.office, d) in office_days for d in range(cw.estate_days))}
        for cw in sorted(busy, key=lambda k: k.unique_id):   # a fixed order keeps runs reproducible
            env.process(self._workweek(cw, start, agendas, office_days))
        env.run(until=start + WEEK)

    def _meetings(self, cw, day, meetings) -> float:
        """Hold one day's booked meetings within the day's contact minutes; returns minutes used."""
        m, org = self.model, self.model.org
        budget = cw.contact_minutes_per_day
        share = max(org.min_meeting_minutes, budget / len(meetings))
        used = 0.0
        for c in meetings:
            standard = m.standard_minutes(c)
            length = min(standard, share)
            if used + length > budget + 1e-9:
                m.meeting_postponed(c)
                continue
            used += m.meeting_at_appointment(c, cw, day, length, standard)
        return used

    def _workweek(self, cw, start, agendas, office_days):
        env, b = self.env, self.model.b
        duty = [d for d in range(cw.estate_days) if (cw.office, d) in office_days] if cw.office is not None else []
        if not duty:
            # no open advice this week: the caseworker's days do not interact with anyone
            # else's, so the week's meetings are held in order and time advances once
            used = 0.0
            for day in range(5):
                meetings = agendas.get((cw, day))
                if meetings:
                    used += self._meetings(cw, day, meetings)
            cw.minutes_used += used
            if used > 0:
                yield env.timeout(used)
            return
        for day in range(5):
            meetings = agendas.get((cw, day))
            od = office_days.get((cw.office, day)) if cw.in_estate(day) else None
            if not meetings and od is None:
                continue
            t_day = start + day * DAY + WORKDAY_START
            if env.now < t_day:
                yield env.timeout(t_day - env.now)
            budget = cw.contact_minutes_per_day
            used = 0.0
            if meetings:
                used = self._meetings(cw, day, meetings)
                if used > 0:
                    yield env.timeout(used)
            if od is not None:
                if env.now < od.open_at:
                    yield env.timeout(od.open_at - env.now)
                q = od.queue
                patience = b.walkin_patience_minutes
                while q and env.now < od.close_at and used + b.dropin_minutes <= budget:
                    v = q[0]
                    if v.arrival > env.now:
                        yield env.timeout(min(v.arrival, od.close_at) - env.now)
                        continue
                    q.popleft()
                    if env.now - v.arrival > patience:
                        v.left = True
                        continue
                    yield env.timeout(b.dropin_minutes)
                    used += b.dropin_minutes
                    v.served = True
            cw.minutes_used += used
