"""How far to trust a report: what its numbers rest on, read from the project's own files,
never typed in.

* the validation (``calibration/validation/*.csv``, written by ``fremskudt check-fit`` with
  ``docs/VALIDATION.md``): how many targets and unfitted patterns lie inside their 90 %
  intervals, how many held-out figures the leave-one-programme-out folds predict, and every
  figure outside its interval, by name;
* which of a scenario's outcomes are calibration targets (``calibration/targets.yaml``): the
  model was fitted to reproduce them for that programme, so agreement there is not evidence;
  every other figure of the report is a prediction;
* the differences between two programmes that an evaluation reports
  (``calibration/patterns.yaml``), with what the validation simulated for them;
* for each setting in which a scenario differs from the reference, what evidence there is
  for its effect (:mod:`sim.spec.evidence`).

A scenario shares the targets of a target's scenario file when the two describe the same
programme: the same organisation, companies, population size and horizon
(:func:`sim.experiment.findings.changed_levers` finds no difference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.experiment.findings import changed_levers
from sim.paths import CALIBRATION_DIR, SCENARIO_DIR
from sim.spec.reading import Column, read_table
from sim.spec.evidence import LeverEvidence, evidence
from sim.spec.scenario import Scenario, load_scenario

from .calibration.targets import Target, load_patterns, load_targets

VALIDATION_DIR = CALIBRATION_DIR / "validation"
VALIDATION_DOC = "docs/VALIDATION.md"
DIFFERENCE_KIND = "difference between arms"


@dataclass(frozen=True)
class Miss:
    """A figure outside the 90 % interval the validation simulated for it."""

    id: str
    role: str                  # target | prediction
    statistic: str
    scenario: str              # scenario file's stem
    reported: str
    simulated: float
    z: float


@dataclass(frozen=True)
class Validation:
    targets_inside: int
    targets: int
    predictions_inside: int
    predictions: int
    heldout_inside: int
    heldout: int
    misses: tuple[Miss, ...]


@dataclass(frozen=True)
class Difference:
    """A difference between two programmes that an evaluation reports, and what the
    validation simulated for it (a prediction: never fitted)."""

    statistic: str
    reported: float
    source: str
    simulated: float
    low: float
    high: float
    inside: bool


@dataclass
class Trust:
    validation: Validation | None
    targets: dict[str, list[str]] = field(default_factory=dict)          # scenario -> statistics fitted to
    differences: dict[str, list[Difference]] = field(default_factory=dict)   # scenario -> reported differences
    levers: dict[str, list[tuple[str, LeverEvidence]]] = field(default_factory=dict)   # scenario -> changed settings


def _stem(name: str) -> str:
    return Path(name).stem


#: The columns of the validation's tables (``fremskudt check-fit``), as the reader checks them.
_TEXT = ("fold", "id", "role", "programme", "kind", "statistic", "scenario", "reported", "source")
_NUMBERS = ("reported_value", "sd_reported", "sd_model", "median", "q05", "q95", "sd_predicted", "z", "median_full",
            "z_full")
VALIDATION_COLUMNS = {**{c: Column(kind="text") for c in _TEXT}, **{c: Column(missing=True) for c in _NUMBERS},
                      "inside_90": Column(kind="flag"), "off_2sd": Column(kind="flag")}


def _table(path: Path) -> pd.DataFrame | None:
    """A validation table, read with the limits of :mod:`sim.spec.reading` (None when it is
    not there or cannot be used: the report then goes without the validation's figures)."""
    try:
        return read_table(path, VALIDATION_COLUMNS, required=("id", "role", "inside_90"))
    except InputError:
        return None


def validation(folder: Path = VALIDATION_DIR) -> Validation | None:
    """The validation's counts and misses (None when its tables are not there)."""
    items, loo = _table(folder / "items.csv"), _table(folder / "loo.csv")
    if items is None or loo is None:
        return None
    t, p = items[items["role"] == "target"], items[items["role"] == "prediction"]
    held = loo[loo["role"] == "held out"]
    misses = tuple(Miss(r.id, r.role, r.statistic, _stem(r.scenario), str(r.reported), float(r.median), float(r.z))
                   for r in items[~items["inside_90"].astype(bool)].itertuples())
    return Validation(int(t["inside_90"].sum()), len(t), int(p["inside_90"].sum()), len(p),
                      int(held["inside_90"].sum()), len(held), misses)


@lru_cache(maxsize=None)
def _programme(stem: str) -> Scenario:
    return load_scenario(SCENARIO_DIR / f"{stem}.yaml")


@lru_cache(maxsize=1)
def _targets() -> tuple[Target, ...]:
    return tuple(load_targets())


@lru_cache(maxsize=1)
def _patterns() -> tuple[Target, ...]:
    return tuple(load_patterns())


def same_programme(a: Scenario, b: Scenario) -> bool:
    return not changed_levers(a, b)


def fitted_statistics(scenario: Scenario) -> list[str]:
    """The outcomes the calibration fitted for this scenario's programme, in targets order."""
    out = []
    for t in _targets():
        if t.statistic not in out and same_programme(_programme(_stem(t.scenario)), scenario):
            out.append(t.statistic)
    return out


def reported_differences(reference: Scenario, scenario: Scenario, items: pd.DataFrame | None) -> list[Difference]:
    """Differences between the two programmes an evaluation reports (scenario minus reference)."""
    out = []
    for p in _patterns():
        if p.kind != DIFFERENCE_KIND or not p.minus:
            continue
        if not (same_programme(_programme(_stem(p.scenario)), scenario)
                and same_programme(_programme(_stem(p.minus)), reference)):
            continue
        row = items[items["id"] == p.id] if items is not None else pd.DataFrame()
        sim, lo, hi, inside = ((float(row["median"].iloc[0]), float(row["q05"].iloc[0]), float(row["q95"].iloc[0]),
                                bool(row["inside_90"].iloc[0])) if len(row) else (math.nan, math.nan, math.nan, False))
        out.append(Difference(p.statistic, p.value, p.source, sim, lo, hi, inside))
    return out


def trust(scenarios: list[Scenario], folder: Path = VALIDATION_DIR) -> Trust:
    """What the report on ``scenarios`` (the first the reference) rests on."""
    items = _table(folder / "items.csv")
    out = Trust(validation(folder))
    ref = scenarios[0]
    for sc in scenarios:
        out.targets[sc.name] = fitted_statistics(sc)
    for sc in scenarios[1:]:
        out.differences[sc.name] = reported_differences(ref, sc, items)
        out.levers[sc.name] = [(k, evidence(k)) for k, _, _ in changed_levers(ref, sc)]
    return out
