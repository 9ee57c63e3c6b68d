"""The benchmark settings (scenarios), built from the scenario files where they exist."""

from __future__ import annotations

from sim.spec.scenario import SCENARIO_DIR, Scenario, load_scenario, validate_mapping

COPENHAGEN_FILE = SCENARIO_DIR / "copenhagen-outreach.yaml"

# Used only when scenarios/copenhagen-outreach.yaml is missing: the same levers.
_COPENHAGEN_FALLBACK = {
    "name": "copenhagen-outreach",
    "horizon_weeks": 52,
    "population": {"size": 1750},
    "organisation": {"caseworkers": 15.5, "location": "split", "outreach_offices": 6, "days_in_estate": 2.7,
                     "open_advice_days": 3, "open_advice_hours": 3, "summon_vulnerable_locally": True,
                     "mentors": 4, "company_consultants": 2, "meeting_interval_weeks": 13, "meeting_minutes": 20,
                     "team_structure": "order_and_deliver", "consultant_stance": "accept_internships",
                     "trin_model": False},
}

NATIONAL = {
    "name": "national",
    "horizon_weeks": 260,
    "population": {"size": 100_000},
    # half of the caseworkers sit centrally all week, half spend one day in an estate office
    "organisation": {"caseworkers": 1000, "mentors": 250, "company_consultants": 130, "location": "split",
                     "outreach_offices": 100, "days_in_estate": 0.5, "open_advice_days": 1},
    "companies": {"count": 5000},
}

SCALING_SIZES = (1_000, 10_000, 100_000)
QUICK_SCALING_SIZES = (200, 400, 800)


def copenhagen_source() -> str:
    return "scenarios/copenhagen-outreach.yaml" if COPENHAGEN_FILE.exists() else "built in code (file missing)"


def copenhagen(weeks: int = 52) -> Scenario:
    """The Copenhagen outreach scenario (file if present), ``weeks`` long."""
    if COPENHAGEN_FILE.exists():
        return load_scenario(COPENHAGEN_FILE, {"horizon_weeks": weeks})
    return validate_mapping({**_COPENHAGEN_FALLBACK, "horizon_weeks": weeks})


def scaled(base: Scenario, size: int, weeks: int | None = None) -> Scenario:
    """``base`` with ``size`` citizens; staff, offices, companies and inflow in proportion."""
    d = base.model_dump()
    k = size / d["population"]["size"]
    org = d["organisation"]
    d["population"]["size"] = size
    d["population"]["inflow_per_week"] = d["population"]["inflow_per_week"] * k
    org["caseworkers"] = max(1.0, org["caseworkers"] * k)
    for key in ("mentors", "company_consultants", "outreach_offices"):
        if org[key] > 0:
            org[key] = max(1, round(org[key] * k))
    org["housing"]["placements"] = round(org["housing"]["placements"] * k)
    d["companies"]["count"] = max(1, round(d["companies"]["count"] * k))
    d["name"] = f"{d['name']}-{size}"
    if weeks is not None:
        d["horizon_weeks"] = weeks
    return Scenario.model_validate(d)


def national(size: int = 100_000, weeks: int = 260) -> Scenario:
    """The national setting: Copenhagen's behaviour, national staffing; ``size`` rescales it."""
    base = copenhagen()
    d = base.model_dump()
    for key, value in NATIONAL.items():
        if isinstance(value, dict):
            d[key].update(value)
        else:
            d[key] = value
    d["reported"] = {}
    sc = Scenario.model_validate(d)
    if size != NATIONAL["population"]["size"]:
        sc = scaled(sc, size)
    return sc.model_copy(update={"horizon_weeks": weeks, "name": "national"})


def build(setting: str, size: int | None = None, weeks: int | None = None) -> Scenario:
    if setting == "national":
        return national(size or NATIONAL["population"]["size"], weeks or NATIONAL["horizon_weeks"])
    if setting == "copenhagen":
        sc = copenhagen(weeks or 52)
        return sc if size is None else scaled(sc, size)
    raise ValueError(f"unknown setting {setting!r}")


def describe(sc: Scenario) -> str:
    o = sc.organisation
    return (f"{sc.population.size:,} citizens, {o.caseworkers:g} caseworkers, {o.mentors} mentors, "
            f"{o.company_consultants} consultants, {sc.companies.count:,} companies, {o.location} "
            f"({o.outreach_offices} offices, {o.days_in_estate:g} estate days), {sc.horizon_weeks} weeks")


__all__ = ["build", "copenhagen", "national", "scaled", "describe", "copenhagen_source", "SCALING_SIZES",
           "QUICK_SCALING_SIZES"]
