"""Problems and open advice (process 5) and barrier drift (process 9).

Problems (a letter the citizen cannot read, debt, a health worry, a conflict at the
placement) arise as a Poisson process whose rate grows with the number of Udviklingsmål
factors rated 1-2; a citizen meets a problem in a week with probability 1 - exp(-rate).
Barrier drift is a spontaneous improvement or deterioration of one rating.  Both rules
act alike on everyone on benefit, so each week they are drawn for the whole population
at once (:class:`WeeklyHazards`) and only the citizens they hit are handled one by one.

A citizen whose area has an outreach office with open advice drops in on an opening
day with a probability that grows with trust.  A served visit solves
the problem; an unsolved one may worsen a barrier (one rating down) and may break down
a company placement.  Debt counselling by the housing organisation, where offered,
solves a few of the problems open advice did not.
"""

from __future__ import annotations

import math

import numpy as np

from .attendance import expit
from .barriers import deteriorate, improve, is_good
from .office import DAY, WEEK, WORKDAY_START, OfficeDay, Visit
from sim.spec.parameters import annual_to_weekly
from .pathway import add_progress, end_placement
from .states import Placement, State


def problem_rate(b, low_factors: int) -> float:
    """Problems per week for a citizen with ``low_factors`` Udviklingsmål factors rated 1-2."""
    return b.problem_rate * (1.0 + b.problem_barrier_effect * low_factors)


class WeeklyHazards:
    """Each citizen's weekly probability of a problem and of barrier drift.

    Indexed by ``Citizen.idx``; zero while the citizen is off benefit (the rules pause)
    or has left.  :meth:`hits` draws one uniform per citizen and returns the indices hit
    this week, so the per-citizen cost is a few nanoseconds of numpy and Python runs
    only for the citizens something happens to.
    """

    def __init__(self, b, capacity: int):
        # the probability depends on the citizen only through the number of low factors (0-5)
        self.problem_by_low = [1.0 - math.exp(-problem_rate(b, k)) for k in range(6)]
        up, down = drift_hazards(b)
        self.drift_p = min(1.0, up + down)
        self.problem = np.zeros(max(16, capacity))
        self.drift = np.zeros(max(16, capacity))
        self.n = 0

    def add(self) -> int:
        """Room for one more citizen; returns its index."""
        if self.n == len(self.problem):
            self.problem = np.concatenate([self.problem, np.zeros(self.n)])
            self.drift = np.concatenate([self.drift, np.zeros(self.n)])
        self.n += 1
        return self.n - 1

    def update(self, c) -> None:
        """Set the citizen's probabilities from their state and ratings."""
        if c.on_benefit:
            self.problem[c.idx] = self.problem_by_low[c.low_factors]
            self.drift[c.idx] = self.drift_p
        else:
            self.problem[c.idx] = 0.0
            self.drift[c.idx] = 0.0

    def hits(self, probabilities: np.ndarray, generator: np.random.Generator) -> list[int]:
        n = self.n
        return np.flatnonzero(generator.random(n) < probabilities[:n]).tolist()


def weekly_drift_and_problems(m) -> None:
    """This week's barrier drift, then this week's problems (with the ratings after drift)."""
    hz, citizens = m.hazards, m.citizens
    for i in hz.hits(hz.drift, m.streams["drift"].generator):
        drift(m, citizens[i])
    for i in hz.hits(hz.problem, m.streams["problem"].generator):
        problem_arises(m, citizens[i])


def problem_arises(m, c) -> None:
    """A problem this week: a visit to open advice, or an unsolved problem."""
    if not c.on_benefit:
        return
    m.tally["problems"] += 1
    od_days = m.open_days.get(c.area)
    if od_days:
        b, rnd = m.b, m.streams["dropin"].random
        p = expit(m.dropin_logit + b.attendance_trust_effect * (c.trust - 0.5))
        if rnd() < p:
            day = od_days[int(rnd() * len(od_days))]
            m.pending_visits.append((c.area, day, c))
            return
    m.unsolved.append(c)


def build_office_days(m, week: int) -> dict:
    """Open-advice days of every office this week, with the visits that arrive."""
    b, org = m.b, m.org
    out = {}
    rnd = m.streams["visits"]
    open_len = org.open_advice_hours * 60.0
    day_len = m.caseworker_day_minutes
    for office, days in m.open_days.items():
        for d in days:
            t0 = week * WEEK + d * DAY + WORKDAY_START
            close = t0 + day_len
            od = OfficeDay(open_at=close - open_len, close_at=close)
            for _ in range(rnd.poisson(b.other_visitors_per_open_day)):
                od.visits.append(Visit(od.open_at + rnd.random() * open_len, None))
            out[(office, d)] = od
    for office, d, c in m.pending_visits:
        od = out[(office, d)]
        od.visits.append(Visit(od.open_at + rnd.random() * open_len, c))
    m.pending_visits = []
    return out


def settle_visits(m, office_days: dict) -> None:
    """After the week: served visits solve problems; the rest stay unsolved."""
    b = m.b
    for od in office_days.values():
        for v in od.visits:
            c = v.citizen
            if c is None:
                m.tally["visits_other"] += 1
                continue
            m.tally["visits_case"] += 1
            if v.served:
                m.tally["visits_served"] += 1
                c.trust = min(1.0, c.trust + b.trust_gain_dropin)
                add_progress(m, c, b.trin1_progress_per_dropin)
                if c.enrolled and 0 <= c.next_meeting - m.week <= b.dropin_meeting_window_weeks:
                    m.meeting_via_open_advice(c)
                # heavier problems of citizens rated E-G are not always solved at the desk
                if not is_good(c.category) and m.streams["dropin"].random() >= b.dropin_solve_poor:
                    m.tally["visits_not_solved"] += 1
                    m.unsolved.append(c)
            else:
                m.tally["visits_unserved"] += 1
                m.unsolved.append(c)


def settle_unsolved(m) -> None:
    """Consequences of problems that no one solved this week."""
    b, rnd = m.b, m.streams["escalation"].random
    housing = m.housing
    for c in m.unsolved:
        if not c.on_benefit:
            continue
        if housing is not None and housing.debt_counselling and rnd() < b.debt_counselling_solve:
            housing.counselled += 1
            continue
        m.tally["problems_unsolved"] += 1
        if rnd() < b.problem_escalation_probability:
            factor = (3, 4, 2)[int(rnd() * 3)]   # social conditions, health, personal competences
            if deteriorate(c.ratings, rnd, factor):
                m.ratings_changed(c)
        if c.state == State.TRIN3 and c.placement != Placement.NONE and rnd() < b.problem_breakdown_probability:
            end_placement(m, c, broke_down=True)
    m.unsolved = []


def drift_hazards(b) -> tuple[float, float]:
    """Weekly hazards of a spontaneous improvement and deterioration (two annual probabilities)."""
    return annual_to_weekly(b.improve_spontaneous), annual_to_weekly(b.deteriorate_spontaneous)


def drift(m, c) -> None:
    """Spontaneous barrier change this week: one rating improves or deteriorates."""
    rnd = m.streams["drift_direction"].random
    if not c.on_benefit:
        return
    up, down = drift_hazards(m.b)
    if up + down <= 0:
        return
    changed = improve(c.ratings, rnd) if rnd() < up / (up + down) else deteriorate(c.ratings, rnd)
    if changed:
        m.ratings_changed(c)


__all__ = ["WeeklyHazards", "weekly_drift_and_problems", "problem_arises", "build_office_days", "settle_visits",
           "settle_unsolved", "drift"]
