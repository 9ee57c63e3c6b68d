"""A scenario at a fraction of its population, with the capacity of its staff kept exact.

Scaling a programme down is only useful if it answers the same question: the capacity
per citizen must stay what it is at full size.  Staff are people, though, and the model
staffs whole people (``round(caseworkers)``, whole mentors and consultants).  Rounding the
scaled staff changes capacity by up to half a person: central-jobcentre's 8 caseworkers
at a tenth of the population are 0.8 of a person, staffed as one, 25 % more capacity than
the programme has; at 200 citizens, 0.89 become one.  That is enough to change
conclusions (a design comparison at 200 citizens once showed small case loads raising
company activation by 4.5 points, against 0.2 at full size).

:func:`scale_scenario` therefore keeps whole people and moves the fraction into what each
person can do:

* caseworkers: ``n = round(k * N)`` people (``N`` the people the full scenario staffs),
  each with ``caseworker_hours_per_week`` scaled by ``k * N / n``, so the minutes per
  citizen of every part of the week (overhead, case administration, meetings, the time left)
  are exact; a ``caseload_cap`` scales the same way;
* mentors: whole mentors with ``mentor_caseload`` and ``mentor_hours_per_week`` scaled by
  the same rule; company consultants: whole consultants with ``consultant_hours_per_week``
  scaled;
* counts that are not capacity per person (outreach offices, companies, housing
  placements) are rounded, at least one where the full scenario has any; the inflow of
  new referrals is scaled exactly.

At ``k = 1`` the scenario is returned unchanged.  A scenario whose offices are separate
efforts (``organisation.offices``) is refused below full size: each office's whole people
would need hours of their own.  Behaviour, horizon, seed and the
reported evaluation figures are kept.  What stays approximate: whole offices and
companies, and staff turnover, where one departure is a larger share of a small team.
``benchmarks/scale.py`` checks that a design comparison agrees across scales.

>>> from sim.spec.scenario import Scenario
>>> sc = Scenario(organisation={"caseworkers": 7.8})
>>> small = scale_scenario(sc, 0.1)
>>> small.population.size, small.organisation.caseworkers, round(small.organisation.caseworker_hours_per_week, 2)
(175, 1.0, 29.6)
"""

from __future__ import annotations

import math

from sim.errors import ScaleError

from .scenario import Scenario, caseworkers_in_post

#: the bounds of the per-person settings that absorb the fraction (sim/spec/scenario.py)
HOURS = (1.0, 45.0)
MENTOR_CASELOAD = (1, 200)


def whole_people(target: float, per_person: float, upper: float) -> tuple[int, float]:
    """``(n, scaled per_person)``: ``n`` whole people (at least one) doing ``target``
    people's work, ``per_person * target / n`` each, taking one more person when the
    per-person figure would exceed ``upper``."""
    n = max(1, int(round(target)))
    if per_person * target / n > upper:
        n = max(1, math.ceil(target))
    return n, per_person * target / n


def _count(v: int, k: float) -> int:
    return 0 if v == 0 else max(1, int(round(v * k)))


def _caseworkers(org: dict, k: float) -> None:
    full = caseworkers_in_post(org["caseworkers"])    # the people the full scenario staffs
    n, hours = whole_people(k * full, org["caseworker_hours_per_week"], HOURS[1])
    if hours < HOURS[0]:
        raise ScaleError(f"scale {k:g} leaves {k * full:.2f} caseworkers: below what one person with the fewest "
                         f"hours ({HOURS[0]:g} a week) can represent; use a larger scale")
    org["caseworkers"], org["caseworker_hours_per_week"] = float(n), hours
    if org["caseload_cap"] is not None:
        org["caseload_cap"] = max(1, int(round(org["caseload_cap"] * k * full / n)))


def _mentors(org: dict, k: float) -> None:
    if org["mentors"] == 0:
        return
    n, hours = whole_people(k * org["mentors"], org["mentor_hours_per_week"], HOURS[1])
    factor = hours / org["mentor_hours_per_week"]
    org["mentors"], org["mentor_hours_per_week"] = n, max(HOURS[0], hours)
    org["mentor_caseload"] = min(MENTOR_CASELOAD[1], max(MENTOR_CASELOAD[0], int(round(org["mentor_caseload"] * factor))))


def _consultants(org: dict, k: float) -> None:
    if org["company_consultants"] == 0:
        return
    n, hours = whole_people(k * org["company_consultants"], org["consultant_hours_per_week"], HOURS[1])
    org["company_consultants"], org["consultant_hours_per_week"] = n, max(HOURS[0], hours)


def scale_scenario(sc: Scenario, k: float) -> Scenario:
    """``sc`` at ``k`` (0 < k <= 1) of its population, staff capacity per citizen kept."""
    if not 0 < k <= 1:
        raise ValueError(f"scale must be above 0 and at most 1, not {k!r}")
    if k == 1:
        return sc
    if sc.organisation.separate_offices:
        raise ScaleError(f"scenario {sc.name!r} runs its offices as separate efforts (organisation.offices), "
                         "whose staff cannot be scaled down office by office; run it at full size")
    d = sc.model_dump()
    d["population"]["size"] = max(1, int(round(sc.population.size * k)))
    d["population"]["inflow_per_week"] = sc.population.inflow_per_week * k
    org = d["organisation"]
    _caseworkers(org, k)
    _mentors(org, k)
    _consultants(org, k)
    org["outreach_offices"] = _count(sc.organisation.outreach_offices, k)
    org["housing"]["placements"] = _count(sc.organisation.housing.placements, k)
    d["companies"]["count"] = _count(sc.companies.count, k)
    return Scenario.model_validate(d)


def scale_to(sc: Scenario, citizens: int | None) -> Scenario:
    """``sc`` with at most ``citizens`` citizens (unchanged when it has no more, or ``None``)."""
    if citizens is None or sc.population.size <= citizens:
        return sc
    return scale_scenario(sc, citizens / sc.population.size)
