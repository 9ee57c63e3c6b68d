"""Problems and open advice (process 5) and barrier drift (process 9).

Problems (a letter the citizen cannot read, debt, a health worry, a conflict at the
placement) arise as a Poisson process whose rate grows with the number of Udviklingsmål
factors rated 1-2.  A citizen whose area has an outreach office with open advice drops
in on an opening day with a probability that grows with trust.  A served visit solves
the problem; an unsolved one may worsen a barrier (one rating down) and may break down
a company placement.  Debt counselling by the housing organisation, where offered,
solves a few of the problems open advice did not.
"""

from __future__ import annotations

from .attendance import expit
from .barriers import deteriorate, improve, is_good
from .office import DAY, WEEK, WORKDAY_START, OfficeDay, Visit
from .parameters import annual_to_weekly
from .pathway import add_progress, end_placement
from .states import Placement, State


def problem_rate(m, c) -> float:
    b = m.b
    return b.problem_rate * (1.0 + b.problem_barrier_effect * c.low_factors)


def schedule_problem(m, c) -> None:
    p = 1.0 - pow(2.718281828459045, -problem_rate(m, c))
    m.schedule(m.streams["problem"].geometric(p), "problem", c)


def problem_arises(m, c) -> None:
    """A problem this week: a visit to open advice, or an unsolved problem."""
    schedule_problem(m, c)
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


def schedule_drift(m, c) -> None:
    """Spontaneous barrier change: the next improvement or deterioration of one rating."""
    up, down = drift_hazards(m.b)
    m.schedule(m.streams["drift"].geometric(min(1.0, up + down)), "drift", c)


def drift(m, c) -> None:
    rnd = m.streams["drift"].random
    schedule_drift(m, c)
    if not c.on_benefit:
        return
    up, down = drift_hazards(m.b)
    if up + down <= 0:
        return
    changed = improve(c.ratings, rnd) if rnd() < up / (up + down) else deteriorate(c.ratings, rnd)
    if changed:
        m.ratings_changed(c)


__all__ = ["problem_arises", "build_office_days", "settle_visits", "settle_unsolved", "schedule_drift", "drift",
           "schedule_problem"]
