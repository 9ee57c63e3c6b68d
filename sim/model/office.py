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

Booked meetings involve only the caseworker and the citizen, so each caseworker-day's
meetings are held in a plain loop (caseworkers in id order, days in order) and only give
the minutes they used.  SimPy runs where staff time is shared: each open-advice
afternoon is a queue served by the staff of that office present that day, each
starting when the office opens or when their meetings end, whichever is later.  Cost
grows with events: a day without visitors creates no SimPy event.
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
    watching: bool = False    # an idle staff member is waiting at the door for the next visitor
    idle: deque = field(default_factory=deque)   # other idle staff, each waiting for their turn (an event)


class Office:
    """Runs one week of staff time; the open-advice queues in a persistent SimPy environment."""

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
        # mornings: booked meetings
        used_on = {}
        for cw, day in sorted(agendas, key=lambda k: (k[0].unique_id, k[1])):
            used = self._meetings(cw, day, agendas[(cw, day)])
            cw.minutes_used += used
            used_on[(cw, day)] = used
        # afternoons: open advice, staff of the office present that day share the visitors
        staff = {}
        for cw in self.model.caseworkers:
            if cw.active and cw.office is not None:
                for d in range(cw.estate_days):
                    if (cw.office, d) in office_days:
                        staff.setdefault((cw.office, d), []).append(cw)
        for key in sorted(office_days):
            od = office_days[key]
            if not od.visits or key not in staff:
                continue
            od.visits.sort(key=lambda v: v.arrival)
            od.queue = deque(od.visits)
            day = key[1]
            for cw in staff[key]:
                used = used_on.get((cw, day), 0.0)
                ready = max(od.open_at, start + day * DAY + WORKDAY_START + used)
                env.process(self._open_advice(cw, od, ready, used))
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

    def _open_advice(self, cw, od: OfficeDay, ready: float, used: float):
        """A caseworker on open-advice duty: from ``ready`` serve the first waiting visitor
        while the office is open and the day's contact minutes last (``used`` already
        went to meetings).  A visitor who waited longer than their patience leaves.

        When no one is waiting, one idle staff member watches the door for the next
        visitor and the others wait their turn in order; whoever stops watching hands the
        door to the next, so an arrival wakes one process, not every idle one."""
        env, b = self.env, self.model.b
        budget = cw.contact_minutes_per_day
        if env.now < ready:
            yield env.timeout(ready - env.now)
        q = od.queue
        patience = b.walkin_patience_minutes
        served = 0.0
        while q and env.now < od.close_at and used + served + b.dropin_minutes <= budget:
            v = q[0]
            if v.arrival > env.now:
                if od.watching:
                    turn = env.event()
                    od.idle.append(turn)
                    yield turn
                    continue
                od.watching = True
                yield env.timeout(min(v.arrival, od.close_at) - env.now)
                od.watching = False
                if od.idle:
                    od.idle.popleft().succeed()
                continue
            q.popleft()
            if env.now - v.arrival > patience:
                v.left = True
                continue
            yield env.timeout(b.dropin_minutes)
            served += b.dropin_minutes
            v.served = True
        cw.minutes_used += served
        if od.idle:
            od.idle.popleft().succeed()   # leaving: the next in line takes over
