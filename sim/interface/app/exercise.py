"""The design exercise of a workshop: a cap on what the programme itself costs a year, and a
design written out as a scenario file that ``fremskudt run`` accepts.

The programme's cost a year (:func:`programme_cost`) is what a design decides before any
citizen is seen: its caseworkers, mentors and company consultants at their yearly cost,
and its outreach offices, in the scenario's prices.  Courses and benefits depend on what
happens to the citizens, so they are the simulation's to tell (the results and the
budget over several years).  The cap defaults to the scenario's own programme cost: the
exercise asks for a better design for the same money.
"""

from __future__ import annotations

import re
from datetime import datetime

import yaml

from sim.spec.prices import Prices, load_prices
from sim.spec.scenario import NAME_ALLOWED, Scenario, valid_name

from .levers import changed


def programme_cost(sc: Scenario, prices: Prices | None = None) -> float:
    """Kroner a year: staff at their yearly cost (salary with pension and overhead) and outreach offices."""
    p = prices or load_prices(sc.prices)
    org, staff = sc.organisation, p.staff
    return (org.caseworkers * staff.caseworker.annual() + org.mentors * staff.mentor.annual()
            + org.company_consultants * staff.company_consultant.annual()
            + org.outreach_offices * p.outreach_office.value)


def within(cost: float, cap: float | None) -> bool:
    """Whether a programme cost keeps to the cap (no cap: always)."""
    return cap is None or cost <= cap * (1 + 1e-9)


def file_name(base: Scenario, design_name: str = "") -> str:
    """A scenario name for the exported design: the design's name where it is a plain name."""
    wanted = re.sub(r"[^\w.]+", "-", design_name.strip().lower()).strip("-.")
    return wanted if wanted and valid_name(wanted) else f"{base.name}-design"


def scenario_file(base: Scenario, design: Scenario, name: str, when: datetime | None = None) -> str:
    """The design as a complete scenario file: every setting that runs, without the base
    scenario's evaluation figures (they describe the base, not this design)."""
    if not valid_name(name):
        raise ValueError(f"{name!r} cannot name a scenario; use {NAME_ALLOWED}")
    moved = "; ".join(f"{k} {a} -> {b}" for k, (a, b) in changed(base, design).items()) or "no lever moved"
    data = design.resolved()
    data.pop("reported", None)
    data["name"] = name
    data["description"] = f"Design made in the workshop app from {base.name}: {moved}"
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    head = (f"# A design made in the fremskudt workshop app on {stamp}, from the scenario {base.name}.\n"
            f"# Levers moved: {moved}.\n"
            f"# Run it with: fremskudt run {name}.yaml (it draws behavioural parameters from the committed fit).\n")
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
