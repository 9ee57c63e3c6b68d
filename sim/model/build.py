"""Initialisation (docs/ODD.md §3.1): staff, offices, companies, networks and the citizens
at week 0, from the scenario.

Caseworkers (``round(caseworkers)``, at least one) are spread round-robin over the outreach
offices, or placed as ``organisation.offices`` lists them; the average weekdays in the
estate equals ``days_in_estate`` (fractional parts
spread over the staff).  An office offers open advice on the first ``open_advice_days``
weekdays on which any of its staff sits there.  Companies draw their willingness to agree
ordinary hours and to take interns from Beta distributions around the behavioural means
(``company_willingness_concentration``); each consultant's network is an equal share of
the pool plus the housing organisation's placements.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.spec.parameters import MINUTES_PER_HOUR, WEEKDAYS
from sim.spec.scenario import caseworkers_in_post

from .agents import Caseworker, CompanyConsultant, HousingOrganisation, Mentor, Networks
from .processes.intake import Intake

#: keeps a Beta distribution's parameters positive when a mean willingness is 0 or 1
BETA_FLOOR = 1e-9
#: absorbs floating-point error when fractional estate days are spread over the staff
ROUNDING = 1e-9

#: what the build writes (sim.model.declare): the citizens drawn by intake, the weekly chances (drawn at
#: the start of every week), the staff, companies and open days
BUILT = (*sorted(Intake.declaration().writes), "chance", "cw_office", "cw_estate_days", "cw_optimism", "cw_authority", "cw_hired_week", "cw_active",
         "cw_desk_minutes", "mentors_capacity", "consultants_attempts_per_week", "firm_slots",
         "firm_hours_willingness", "firm_internship_willingness", "firm_housing", "net_members", "net_start",
         "net_length", "day_office", "day_weekday", "day_count", "day_index", "model_hours_hist",
         "model_weekly_counts")


def estate_days(days: float, n: int) -> list[int]:
    """Whole weekdays in the estate per caseworker, averaging ``days``."""
    frac = days - int(days)
    return [min(WEEKDAYS, int(days) + int((i + 1) * frac + ROUNDING) - int(i * frac + ROUNDING)) for i in range(n)]


def hire(m, offices: list[int], days: list[int]) -> np.ndarray:
    """New caseworkers, one per office listed, with their weekdays in the estate; returns
    their indices (the staff at the build, or a replacement)."""
    org, cw = m.org, m.cw
    ids = cw.add(len(offices))
    cw.office[ids] = offices
    cw.estate_days[ids] = days
    spread = m.b.caseworker_optimism_spread
    cw.optimism[ids] = m.streams["staff"].uniform(-spread, spread, size=len(ids))   # one draw each, in order
    cw.authority[ids] = org.sanctions.authority == "all_caseworkers"
    cw.hired_week[ids] = m.week
    if getattr(m, "days", None) is not None:          # a replacement: its office's open afternoons are known
        cw.desk_minutes[ids] = [desk_minutes(m, int(j)) for j in ids]
    m.caseworkers_by_index.extend(Caseworker(m, int(j)) for j in ids)
    return ids


def offices_of(org, n: int, n_offices: int) -> list[int]:
    """The office of each of the ``n`` caseworkers: as ``organisation.offices`` lists them,
    else round-robin over the outreach offices (-1: the central job centre)."""
    if not n_offices:
        return [-1] * n
    if org.separate_offices:
        return [o for o, office in enumerate(org.offices) for _ in range(office.caseworkers)]
    return [i % n_offices for i in range(n)]


def build_staff(m) -> None:
    org = m.org
    n = caseworkers_in_post(org.caseworkers)
    m.n_offices = org.outreach_offices if org.location != "central" else 0
    hire(m, offices_of(org, n, m.n_offices), estate_days(org.days_in_estate, n))
    m.days = None
    build_open_days(m)
    cw = m.cw
    cw.desk_minutes[:] = [desk_minutes(m, j) for j in range(len(cw))]
    mt = m.mentor_table
    ids = mt.add(org.mentors)
    mt.capacity[ids] = org.mentor_caseload
    m.mentors = [Mentor(m, i) for i in ids]
    ct = m.consultant_table
    ids = ct.add(org.company_consultants)
    ct.attempts_per_week[ids] = consultant_attempts(org, m.b)
    m.consultants = [CompanyConsultant(m, i) for i in ids]
    m.n_mentors, m.n_consultants = len(m.mentors), len(m.consultants)


def build_open_days(m) -> None:
    """The open-advice days (``model.days``): each office's first ``open_advice_days``
    weekdays on which any of its staff sits there, in order of office and weekday; for each
    office the number of its open days and their indices."""
    cw, org = m.cw, m.org
    office, weekday = [], []
    count = np.zeros(m.n_offices, dtype=np.int64)
    index = np.full((m.n_offices, WEEKDAYS), -1, dtype=np.int64)
    for o in range(m.n_offices):
        staffed = sorted({d for j in range(len(cw)) if cw.office[j] == o for d in range(int(cw.estate_days[j]))})
        for d in staffed[: org.open_advice_days]:
            index[o, count[o]] = len(office)
            count[o] += 1
            office.append(o)
            weekday.append(d)
    m.days = SimpleNamespace(office=np.array(office, dtype=np.int64), weekday=np.array(weekday, dtype=np.int64),
                             count=count, index=index)


def desk_minutes(m, j: int) -> float:
    """A caseworker's minutes a week at the open-advice desk: the open afternoons of the
    office on the weekdays the caseworker sits there."""
    o = int(m.cw.office[j])
    if o < 0 or o >= len(m.days.count):
        return 0.0
    days = m.days.weekday[m.days.index[o, : m.days.count[o]]]
    return float((days < m.cw.estate_days[j]).sum() * m.org.open_advice_hours * MINUTES_PER_HOUR)


def consultant_attempts(org, b) -> int:
    """The match attempts a company consultant's week allows: the hours after the overhead,
    divided by the time of one attempt."""
    return int(org.consultant_hours_per_week * MINUTES_PER_HOUR * (1.0 - b.overhead_share) // b.attempt_minutes)


def build_companies(m) -> None:
    b, comp, F = m.b, m.scenario.companies, m.firms
    g = m.streams["companies"]
    k = b.company_willingness_concentration
    ids = F.add(comp.count)
    F.slots[ids] = comp.slots_per_company
    # each company's two draws side by side, so that a company's draws do not depend on the pool's size
    w = g.beta([k * b.company_hours_willingness + BETA_FLOOR, k * b.company_internship_willingness + BETA_FLOOR],
               [k * (1 - b.company_hours_willingness) + BETA_FLOOR, k * (1 - b.company_internship_willingness) + BETA_FLOOR],
               size=(len(ids), 2))
    F.hours_willingness[ids], F.internship_willingness[ids] = w[:, 0], w[:, 1]
    m.n_companies = len(ids)
    h = m.org.housing
    m.housing = None
    if h.placements > 0 or h.debt_counselling:
        j = int(F.add(1)[0])
        F.slots[j], F.internship_willingness[j], F.housing[j] = max(0, h.placements), 1.0, True
        F.hours_willingness[j] = h.hours_willingness
        m.housing = HousingOrganisation(m, j, debt_counselling=h.debt_counselling)
    extra = [m.housing.index] if m.housing is not None and h.placements > 0 else []
    k = m.n_consultants
    lists = [ids[ids % k == j].tolist() + extra for j in range(k)]      # an equal share of the pool each
    m.networks = Networks(lists + [ids.tolist() + extra])


def build_citizens(m) -> None:
    """The group at week 0, drawn by the rule of intake (process 7)."""
    Intake(m).add(m, m.scenario.population.size, initial=True)


def build(m) -> None:
    """Staff, offices and companies; the citizens are drawn once the transitions' fixed
    numbers are known (``OutreachModel.__init__``)."""
    build_staff(m)
    build_companies(m)
