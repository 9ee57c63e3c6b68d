"""Small scenarios for fast tests."""

from __future__ import annotations

from sim.spec.scenario import Scenario

OUTREACH = dict(location="split", outreach_offices=2, days_in_estate=2.7, open_advice_days=3, mentors=1,
                company_consultants=1, caseworkers=5)
CENTRAL = dict(location="central", caseworkers=3, company_consultants=1)


def scenario(size=500, weeks=52, org=None, behaviour=None, population=None, **kw) -> Scenario:
    pop = {"size": size}
    pop.update(population or {})
    return Scenario(population=pop, horizon_weeks=weeks, organisation=org or dict(OUTREACH),
                    behaviour=behaviour or {}, **kw)


def with_org(base: dict, **changes) -> dict:
    d = dict(base)
    d.update(changes)
    return d
