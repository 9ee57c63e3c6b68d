"""Dose-response sweeps: one numeric setting of a scenario at several values, each value
run with the same replication seeds and the same parameter draws, and every outcome's
level and paired difference from a reference value.

The rules, written once here and tested in ``tests/test_sweep.py``:

* **The lever** is any numeric setting of the scenario schema, named by its key path
  (``organisation.caseworkers``, ``organisation.meeting_interval_weeks``,
  ``population.size``, ``behaviour.noshow_central``): a whole number or a number, not
  true/false, text, a group or a set of shares, and not ``seed`` or ``replications`` (they
  are options of the run).  A behavioural parameter that the posterior draws in every
  replication cannot be swept while parameters are drawn: the draw would replace the
  value.  A setting inside an optional group the scenario does not have
  (``organisation.intensive.*`` without an intensive period) is refused too: setting it
  would switch the group on with its defaults.
* **Case load** (:data:`CASELOAD`), the shortcut for the first policy question: a value is
  cases per caseworker and sets ``organisation.caseworkers`` to the population size
  divided by it, keeping every other setting of the scenario.
* **Values**: from :data:`MIN_VALUES` to :data:`MAX_VALUES` distinct numbers within the
  setting's range (whole numbers for a whole-number setting), run and shown ascending; values
  times replications at most :data:`MAX_SIMULATIONS`.  Values that the model would run
  identically are refused: it staffs whole caseworkers (:func:`sim.spec.scenario.caseworkers_in_post`), so
  two caseworker numbers that round to the same people are one design.
* **The reference** is what differences and the cost per additional citizen are measured
  against: the value asked for, else the scenario's own value when it is among the values
  (for case loads: within :data:`CASELOAD_MATCH` of the scenario's own, since case loads
  are given in whole cases and caseworkers are not), else the first value given.
* **Common random numbers**: every value runs the runner's plan
  (:func:`sim.experiment.runner.plan`) with the same seeds, so replication *i* has the same
  seed and draws the same posterior row at every value, and a difference is paired
  replication by replication (:mod:`sim.experiment.statistics`).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, get_origin

import pandas as pd
from pydantic import BaseModel

from sim.errors import ScenarioError, UsageError, shown
from sim.spec.keys import unwrap
from sim.spec.scenario import Organisation, Scenario, caseworkers_in_post, validate_mapping

from . import runner
from .findings import COST_EFFECT_OUTCOME, ComparisonFindings, compare_findings
from .statistics import DEFINITIONS, comparison_frame, describe, unit

MIN_VALUES = 2
MAX_VALUES = 12
#: values times replications: a sweep runs at most this many simulations
MAX_SIMULATIONS = 20_000
#: the case-load shortcut's key (cases per caseworker)
CASELOAD = "caseload"
CASELOAD_SETTING = "organisation.caseworkers"
#: how near (relative) a case load must be to the scenario's own to count as its value
CASELOAD_MATCH = 0.01
#: top-level numbers that are options of a run, not settings of the programme
RUN_OPTIONS = {"seed": "--seed", "replications": "--replications"}
REFERENCE_VERDICT = "reference"

SWEEP_COLUMNS = ["lever", "value", "reference_value", "caseworkers", "caseworkers_staffed", "outcome", "unit",
                 "mean", "p5", "p95", "replications", "difference_mean", "difference_p5", "difference_p95", "pairs",
                 "same_direction", "verdict", "definition"]
CE_COLUMNS = ["lever", "value", "reference_value", "effect", "kroner_per_citizen", "p5", "p95", "defined", "reason"]


@dataclass(frozen=True)
class Lever:
    """A numeric setting a sweep varies (or the case-load shortcut)."""

    key: str                      # the setting's key path, or CASELOAD
    whole: bool                   # values must be whole numbers
    low: float                    # the range the schema allows (inclusive; -inf/inf when open)
    high: float

    @property
    def caseload(self) -> bool:
        return self.key == CASELOAD

    @property
    def setting(self) -> str:
        """The scenario setting a value is written to."""
        return CASELOAD_SETTING if self.caseload else self.key

    @property
    def option(self) -> str:
        return "--caseload" if self.caseload else "--values"


def programme_key(sc: Scenario) -> str:
    """What the model runs, whatever the scenario is called: its settings with the
    caseworkers it puts in post (two scenarios with the same key give the same results)."""
    d = sc.model_dump(mode="json")
    d["name"], d["description"] = "-", ""
    d["organisation"]["caseworkers"] = caseworkers_in_post(sc.organisation.caseworkers)
    return Scenario.model_validate(d).digest()


def _bounds(info) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    for m in getattr(info, "metadata", ()):
        lo = m.ge if getattr(m, "ge", None) is not None else m.gt if getattr(m, "gt", None) is not None else lo
        hi = m.le if getattr(m, "le", None) is not None else m.lt if getattr(m, "lt", None) is not None else hi
    return float(lo), float(hi)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def numeric_settings(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every key path of the schema that holds one number (the settings a sweep can vary)."""
    out = []
    for name, info in model.model_fields.items():
        kind = unwrap(info.annotation)
        if _is_model(kind):
            out += numeric_settings(kind, f"{prefix}{name}.")
        elif kind in (int, float) and f"{prefix}{name}" not in RUN_OPTIONS:
            out.append(f"{prefix}{name}")
    return out


def find_lever(path: str) -> Lever:
    """The numeric setting at ``path``, or a :class:`UsageError` saying why not."""
    if path == CASELOAD:
        return caseload_lever()
    if path in RUN_OPTIONS:
        raise UsageError(f"--lever {path}: is an option of the run, not a setting of the programme; "
                         f"use {RUN_OPTIONS[path]}")
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            guess = difflib.get_close_matches(path, numeric_settings(), n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise UsageError(f"--lever {shown(path)}: no such setting in the scenario schema; {hint}give the key path "
                             "of a numeric setting, e.g. organisation.caseworkers (or use --caseload)")
        kind = unwrap(info.annotation)
        last = i == len(parts) - 1
        if _is_model(kind) and not last:
            model = kind
            continue
        if not last:
            raise UsageError(f"--lever {path}: '{'.'.join(parts[:i + 1])}' is a single setting, not a group")
        if kind is bool or kind not in (int, float):
            what = ("true or false" if kind is bool else "a group of settings" if _is_model(kind)
                    else "a set of shares or values" if get_origin(kind) is dict else "a word, not a number")
            inside = [p for p in numeric_settings() if p.startswith(f"{path}.")] if _is_model(kind) else []
            raise UsageError(f"--lever {path}: is {what}; a sweep needs a numeric setting, e.g. "
                             f"{inside[0] if inside else 'organisation.caseworkers'}")
        lo, hi = _bounds(info)
        return Lever(path, kind is int, lo, hi)
    raise UsageError(f"--lever {shown(path)}: give the key path of a numeric setting")   # an empty path


def caseload_lever() -> Lever:
    """Cases per caseworker: its range follows from the population size (:func:`caseload_bounds`)."""
    return Lever(CASELOAD, False, 0.0, math.inf)


def caseload_bounds(base: Scenario) -> tuple[float, float]:
    """The case loads that give a caseworker number within the schema's range."""
    lo, hi = _bounds(Organisation.model_fields["caseworkers"])
    return base.population.size / hi, base.population.size / lo


def _number(v: float) -> str:
    return f"{v:.10g}"


def parse_values(text: str, lever: Lever) -> list[float]:
    """The values of ``--values`` / ``--caseload``, in the order given: comma-separated numbers
    (the rules of the module docstring that need no scenario)."""
    items = [t.strip() for t in str(text).split(",")]
    if len(items) > MAX_VALUES:
        raise UsageError(f"{lever.option}: {len(items)} values; a sweep takes at most {MAX_VALUES}")
    values = []
    for t in items:
        try:
            v = float(t)
        except ValueError:
            raise UsageError(f"{lever.option} {shown(text)}: {shown(t)} is not a number; give numbers separated "
                             "by commas, e.g. 8,16,32") from None
        if not math.isfinite(v):
            raise UsageError(f"{lever.option}: {shown(t)} is not a finite number")
        if lever.whole and not v.is_integer():
            raise UsageError(f"{lever.option}: {lever.key} takes whole numbers; {shown(t)} is not one")
        values.append(v)
    if len(values) < MIN_VALUES:
        raise UsageError(f"{lever.option}: a sweep needs at least {MIN_VALUES} values, got {len(values)}")
    seen = set()
    for v in values:
        if v in seen:
            raise UsageError(f"{lever.option}: {_number(v)} is given twice; give each value once")
        seen.add(v)
    if lever.caseload:
        bad = next((v for v in values if v <= 0), None)
        if bad is not None:
            raise UsageError(f"--caseload: {_number(bad)} cases per caseworker; a case load must be above 0")
    else:
        bad = next((v for v in values if not lever.low <= v <= lever.high), None)
        if bad is not None:
            raise UsageError(f"--values: {_number(bad)} is outside the range of {lever.key}: "
                             f"{_range(lever.low, lever.high)}")
    return values


def _range(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"at least {_number(lo)}"
    if math.isinf(lo):
        return f"at most {_number(hi)}"
    return f"from {_number(lo)} to {_number(hi)}"


@dataclass(frozen=True)
class Point:
    """One value of the sweep and the scenario it runs."""

    value: float
    scenario: Scenario

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def caseworkers(self) -> float:
        return float(self.scenario.organisation.caseworkers)

    @property
    def staffed(self) -> int:
        return caseworkers_in_post(self.caseworkers)


@dataclass(frozen=True)
class Sweep:
    base: Scenario
    lever: Lever
    points: tuple[Point, ...]          # ascending by value
    reference: float

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]

    @property
    def reference_point(self) -> Point:
        return next(p for p in self.points if p.value == self.reference)

    @property
    def names(self) -> list[str]:
        """The points' scenario names, the reference first (the order of the comparison)."""
        ref = self.reference_point
        return [ref.name] + [p.name for p in self.points if p is not ref]

    @property
    def scenarios(self) -> list[Scenario]:
        ref = self.reference_point
        return [ref.scenario] + [p.scenario for p in self.points if p is not ref]

    def point(self, name: str) -> Point:
        return next(p for p in self.points if p.name == name)


def own_value(base: Scenario, lever: Lever) -> float | None:
    """The scenario's own value of the lever (None when the setting is unset)."""
    if lever.caseload:
        return base.population.size / base.organisation.caseworkers
    v: Any = base
    for part in lever.key.split("."):
        v = getattr(v, part, None)
        if v is None:
            return None
    return float(v)


def default_reference(base: Scenario, lever: Lever, values: list[float]) -> float:
    """The module docstring's rule: the scenario's own value if it is among ``values``, else the first given."""
    own = own_value(base, lever)
    if own is not None:
        if lever.caseload:
            near = min(values, key=lambda v: abs(v - own))
            if abs(near - own) <= CASELOAD_MATCH * own:
                return near
        elif own in values:
            return own
    return values[0]


def _setting(d: dict, path: str, value: Any) -> None:
    *groups, leaf = path.split(".")
    for g in groups:
        d = d[g]
    d[leaf] = value


def _optional_group(base: Scenario, lever: Lever) -> str | None:
    """The first group on the lever's path that the scenario does not have, if any."""
    v: Any = base
    parts = lever.setting.split(".")
    for i, part in enumerate(parts[:-1]):
        v = getattr(v, part)
        if v is None:
            return ".".join(parts[: i + 1])
    return None


def point_name(lever: Lever, value: float) -> str:
    """A point's scenario name: the setting's last key and the value (``caseload-25``)."""
    return f"{lever.key.rsplit('.', 1)[-1]}-{_number(value)}"


def build(base: Scenario, lever: Lever, values: list[float], reference: float | None = None,
          drawn: tuple[str, ...] = ()) -> Sweep:
    """The sweep of ``base`` over ``values`` (already parsed); ``drawn``: the behavioural
    parameters the posterior draws in every replication (none with fixed parameters)."""
    group = _optional_group(base, lever)
    if group is not None:
        raise UsageError(f"--lever {lever.key}: {base.name} has no {group} (it is off); setting {lever.key} would "
                         f"switch it on with its defaults. Give the scenario a {group.rsplit('.', 1)[-1]} first")
    if lever.key.startswith("behaviour.") and lever.key.split(".", 1)[1] in drawn:
        raise UsageError(f"--lever {lever.key}: every replication draws this behavioural parameter from the fit, "
                         "which would replace the values; sweep it with --fixed-parameters")
    if lever.caseload:
        lo, hi = caseload_bounds(base)
        bad = next((v for v in values if not lo <= v <= hi), None)
        if bad is not None:
            raise UsageError(f"--caseload: {_number(bad)} cases per caseworker gives "
                             f"{base.population.size / bad:.4g} caseworkers for {base.population.size} citizens, "
                             f"outside the range of organisation.caseworkers; case loads here run "
                             f"{_range(round(lo, 4), round(hi, 4))}")
    points = []
    for v in sorted(values):
        d = base.model_dump(mode="json")
        setting = base.population.size / v if lever.caseload else (int(v) if lever.whole else v)
        _setting(d, lever.setting, setting)
        d["name"] = point_name(lever, v)
        try:
            sc = validate_mapping(d, f"{lever.option} {_number(v)}")
        except ScenarioError as e:
            raise UsageError(str(e)) from None
        points.append(Point(v, sc))
    runs: dict[str, Point] = {}
    for p in points:
        other = runs.setdefault(programme_key(p.scenario), p)
        if other is not p:
            why = (f"put the same number of caseworkers in post ({p.staffed}: the model staffs whole people)"
                   if p.staffed == other.staffed and p.caseworkers != other.caseworkers else "set the same programme")
            raise UsageError(f"{lever.option}: {_number(other.value)} and {_number(p.value)} {why}, so they would run "
                             "the same programme; choose values further apart")
    if reference is None:
        reference = default_reference(base, lever, values)
    elif reference not in values:
        raise UsageError(f"--reference {_number(reference)}: is not among the values "
                         f"({', '.join(_number(v) for v in values)})")
    return Sweep(base, lever, tuple(points), float(reference))


def check_size(sweep: Sweep, replications: int) -> None:
    """Values times replications within :data:`MAX_SIMULATIONS`."""
    total = len(sweep.points) * replications
    if total > MAX_SIMULATIONS:
        raise UsageError(f"{len(sweep.points)} values x {replications} replications = {total:,} simulations; a sweep "
                         f"runs at most {MAX_SIMULATIONS:,}: fewer values or replications")


def plan(sweep: Sweep, seed: int, replications: int, posterior: pd.DataFrame | None = None
         ) -> tuple[list[int], list[runner.Task]]:
    """The runner's plan for every value with the same seeds and parameter draws (common
    random numbers), in the points' order, without the per-citizen tables."""
    seeds, tasks = runner.plan([p.scenario for p in sweep.points], seed, replications, posterior)
    for t in tasks:
        t.detail = False
    return seeds, tasks


def with_values(reps: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """The replications table with the lever's value of each row (``lever_value``) after ``scenario``."""
    out = reps.copy()
    values = {p.name: p.value for p in sweep.points}
    out.insert(1, "lever_value", out["scenario"].map(values).astype(float))
    return out


def sweep_frame(reps: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """The tidy table: per value and outcome the mean and 90 % interval over replications,
    and the paired difference from the reference value with its 90 % interval and verdict."""
    names = sweep.names
    comparison = comparison_frame(reps, names).set_index(["scenario", "outcome"])
    present = set(reps["outcome"])
    groups = {k: g["value"].to_numpy(dtype=float) for k, g in reps.groupby(["scenario", "outcome"], sort=False)}
    ref = sweep.reference_point
    rows = []
    for p in sweep.points:
        for outcome, definition in DEFINITIONS.items():
            if outcome not in present:
                continue
            mean, lo, hi, count = describe(groups.get((p.name, outcome), []))
            row = {"lever": sweep.lever.key, "value": p.value, "reference_value": sweep.reference,
                   "caseworkers": p.caseworkers, "caseworkers_staffed": p.staffed, "outcome": outcome,
                   "unit": unit(outcome), "mean": mean, "p5": lo, "p95": hi, "replications": count,
                   "definition": definition}
            if p is ref:
                same = 0.0 if count else math.nan
                row.update(difference_mean=same, difference_p5=same, difference_p95=same, pairs=count,
                           same_direction=math.nan, verdict=REFERENCE_VERDICT if count else "not_covered")
            else:
                c = comparison.loc[(p.name, outcome)]
                row.update(difference_mean=c["difference_mean"], difference_p5=c["difference_p5"],
                           difference_p95=c["difference_p95"], pairs=int(c["pairs"]),
                           same_direction=c["same_direction"], verdict=c["verdict"])
            rows.append(row)
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)


def findings(reps: pd.DataFrame, sweep: Sweep) -> dict[float, ComparisonFindings]:
    """Each value's key findings against the reference value (by value; the reference has none)."""
    comparison = comparison_frame(reps, sweep.names)
    found = compare_findings(comparison, sweep.scenarios, reps)
    return {sweep.point(f.scenario).value: f for f in found}


def cost_effectiveness_frame(found: dict[float, ComparisonFindings], sweep: Sweep) -> pd.DataFrame:
    """Per value: the cost per additional citizen in a job or education against the
    reference value with its 90 % interval, or why it is not defined."""
    rows = []
    for value, f in sorted(found.items()):
        c = f.cost_per_citizen
        rows.append({"lever": sweep.lever.key, "value": value, "reference_value": sweep.reference,
                     "effect": COST_EFFECT_OUTCOME, "kroner_per_citizen": c.value, "p5": c.low, "p95": c.high,
                     "defined": c.value is not None, "reason": c.reason or ""})
    return pd.DataFrame(rows, columns=CE_COLUMNS)
