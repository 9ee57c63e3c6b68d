"""The policy levers of the workshop app and the one rule that turns them into a scenario.

One source of truth: a participant *requests* lever values; :func:`design_scenario`
applies them to the chosen scenario (at full size); the widgets then show
:func:`lever_values` of that design, i.e. the values the model uses.  A lever the
participant did not move keeps the scenario's exact setting, a request the design cannot
honour (open advice without days in the estate) shows what the model runs instead, and
choosing another scenario starts from that scenario's own values.

>>> from sim.spec.scenario import Scenario
>>> base = Scenario(name="b")
>>> d = design_scenario(base, {"caseload": 50, "sanctions": "strict"})
>>> round(d.organisation.caseworkers, 1), d.organisation.sanctions.policy
(35.0, 'strict')
>>> lever_values(d)["caseload"], design_scenario(base, lever_values(base)) is base
(50, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.spec.scenario import Scenario

#: offices a design gets when its base scenario is central (Copenhagen's six housing areas)
DEFAULT_OFFICES = 6


@dataclass(frozen=True)
class Lever:
    """A lever: its key (also its catalogue id ``app.lever.<key>``), widget and range."""

    key: str
    kind: str                     # int | float | choice | bool
    low: float = 0
    high: float = 0
    step: float = 1
    choices: tuple[str, ...] = ()
    path: str = ""                # the scenario setting it changes (for the catalogue's names)

    def bounds(self, current: Any) -> tuple[float, float]:
        """The slider's range, on a grid of ``step`` through ``current`` (a scenario's own
        value), so that a slider never moves the scenario's value to its nearest step:
        within ``low``-``high``, widened to hold ``current``.

        >>> LEVERS["caseload"].bounds(113)
        (23, 298)
        """
        below = math.floor((current - self.low) / self.step + 1e-9) if current > self.low else 0
        above = math.floor((self.high - current) / self.step + 1e-9) if current < self.high else 0
        lo, hi = current - below * self.step, current + above * self.step
        return (round(lo, 6), round(hi, 6)) if self.kind == "float" else (int(lo), int(hi))

    def clean(self, v: Any) -> Any:
        """A requested value in the lever's type and range."""
        if self.kind == "bool":
            return bool(v)
        if self.kind == "choice":
            if v not in self.choices:
                raise ValueError(f"{self.key}: {v!r} is not one of {', '.join(self.choices)}")
            return v
        return int(round(float(v))) if self.kind == "int" else round(float(v), 2)


LEVERS: dict[str, Lever] = {lv.key: lv for lv in (
    Lever("caseload", "int", 20, 300, 5, path="organisation.caseworkers"),
    Lever("days_in_estate", "float", 0.0, 5.0, 0.1, path="organisation.days_in_estate"),
    Lever("open_advice_days", "int", 0, 5, 1, path="organisation.open_advice_days"),
    Lever("open_advice_hours", "float", 0.0, 8.0, 0.5, path="organisation.open_advice_hours"),
    Lever("meeting_interval_weeks", "int", 1, 26, 1, path="organisation.meeting_interval_weeks"),
    Lever("sanctions", "choice", choices=("never", "after_k", "strict"), path="organisation.sanctions.policy"),
    Lever("consultant_stance", "choice", choices=("accept_internships", "balanced", "demand_hours"),
          path="organisation.consultant_stance"),
    Lever("mentors", "int", 0, 20, 1, path="organisation.mentors"),
    Lever("company_consultants", "int", 0, 10, 1, path="organisation.company_consultants"),
    Lever("trin_model", "bool", path="organisation.trin_model"),
)}


#: "What does each step cost and buy?": values of the explored lever around the current
#: setting, at most CURVE_POINTS, spaced by multiplying the current value (case load,
#: meeting interval) or by adding steps to it (the others); nearer steps first
CURVE_POINTS = 5
CURVE_SPACING: dict[str, tuple[str, tuple[float, ...]]] = {
    "caseload": ("times", (0.75, 1.5, 0.5, 2.0, 0.35, 3.0)),
    "meeting_interval_weeks": ("times", (0.75, 1.5, 0.5, 2.0, 0.25, 3.0)),
    "days_in_estate": ("plus", (-1.0, 1.0, -2.0, 2.0, -3.0, 3.0, 4.0, -4.0)),
    "open_advice_days": ("plus", (-1, 1, -2, 2, -3, 3, -4, 4)),
    "open_advice_hours": ("plus", (-1.0, 1.0, -2.0, 2.0, -3.0, 3.0, -4.0, 4.0)),
    "mentors": ("plus", (-2, 2, -4, 4, -6, 6, 8)),
    "company_consultants": ("plus", (-1, 1, -2, 2, -3, 3, 4)),
}


def curve_levers(design: Scenario) -> list[str]:
    """The levers whose curve the app can draw for this design (numeric, and able to act)."""
    off = disabled(design)
    return [k for k in CURVE_SPACING if k not in off]


def curve_values(key: str, current: Any) -> list[Any]:
    """The curve's values of lever ``key``: the current setting and the nearest steps around
    it within the lever's range (:data:`CURVE_SPACING`), ascending.

    >>> curve_values("caseload", 113), curve_values("mentors", 0)
    ([56, 85, 113, 170, 226], [0, 2, 4, 6, 8])
    """
    lv = LEVERS[key]
    how, steps = CURVE_SPACING[key]
    out = [lv.clean(current)]
    for step in steps:
        v = lv.clean(current * step if how == "times" else current + step)
        if lv.low <= v <= lv.high and v not in out:
            out.append(v)
        if len(out) == CURVE_POINTS:
            break
    return sorted(out)


def lever_values(sc: Scenario) -> dict[str, Any]:
    """The scenario's settings in the levers' units (what the widgets show)."""
    org = sc.organisation
    return {
        "caseload": int(round(sc.population.size / org.caseworkers)),
        "days_in_estate": round(float(org.days_in_estate), 2),
        "open_advice_days": int(org.open_advice_days),
        "open_advice_hours": float(org.open_advice_hours),
        "meeting_interval_weeks": int(org.meeting_interval_weeks),
        "sanctions": org.sanctions.policy,
        "consultant_stance": org.consultant_stance,
        "mentors": int(org.mentors),
        "company_consultants": int(org.company_consultants),
        "trin_model": bool(org.trin_model),
    }


def _place(org: dict, base: Scenario) -> None:
    """Where caseworkers sit follows the days in the estate (0: the central job centre)."""
    if org["days_in_estate"] <= 0:
        org.update(location="central", days_in_estate=0.0, open_advice_days=0, outreach_offices=0)
    elif org["location"] == "central":
        org.update(location="split", outreach_offices=base.organisation.outreach_offices or DEFAULT_OFFICES)


def design_scenario(base: Scenario, requested: dict[str, Any] | None = None) -> Scenario:
    """``base`` with the requested levers applied; ``base`` itself when the result is the
    scenario (nothing requested differs, or nothing can act)."""
    own = lever_values(base)
    fixed = FIXED_BY_OFFICES if base.organisation.separate_offices else frozenset()
    want = {k: LEVERS[k].clean(v) for k, v in (requested or {}).items() if k in LEVERS and k not in fixed}
    want = {k: v for k, v in want.items() if v != own[k]}
    if not want:
        return base
    d = base.model_dump()
    org = d["organisation"]
    if "caseload" in want:
        org["caseworkers"] = max(0.5, base.population.size / max(1, want["caseload"]))
    for key in ("days_in_estate", "open_advice_days", "open_advice_hours", "meeting_interval_weeks",
                "consultant_stance", "mentors", "company_consultants", "trin_model"):
        if key in want:
            org[key] = want[key]
    if "sanctions" in want:
        org["sanctions"]["policy"] = want["sanctions"]
    _place(org, base)
    if org["mentors"] == 0:
        org["group_courses"] = False
    out = Scenario.model_validate(d)
    return base if out == base else out


def shown(base: Scenario, requested: dict[str, Any] | None) -> dict[str, Any]:
    """What the widgets show: the levers of the design the model runs."""
    return lever_values(design_scenario(base, requested))


def changed(base: Scenario, design: Scenario) -> dict[str, tuple[Any, Any]]:
    """Levers whose value differs between two scenarios: key -> (base value, design value)."""
    a, b = lever_values(base), lever_values(design)
    return {k: (a[k], b[k]) for k in LEVERS if a[k] != b[k]}


#: the levers a scenario staffed office by office (``organisation.offices``) fixes: how many
#: caseworkers each office has and where they sit
FIXED_BY_OFFICES = frozenset({"caseload", "days_in_estate"})


def disabled(design: Scenario) -> set[str]:
    """Levers that cannot act in this design (open advice needs days in the estate; separate
    offices fix their own staff)."""
    off = {"open_advice_days", "open_advice_hours"} if design.organisation.location == "central" else set()
    return off | FIXED_BY_OFFICES if design.organisation.separate_offices else off
