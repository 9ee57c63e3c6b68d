""""What does each step cost and buy?": the dose-response curve of the lever being explored,
for the app.  A few values around the design's current setting
(:func:`sim.interface.app.levers.curve_values`), every other lever as in the design, each
run over the app's replications with the same seeds and parameter draws on the warm pool
(:func:`sim.interface.app.ensemble.run_arms`: cached, cancellable, placed by task), then
measured against the current setting by the rules of ``fremskudt sweep``
(:mod:`sim.experiment.sweep`) and drawn by the report's figure (:mod:`sim.interface.report.curve`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from sim.experiment import sweep as sweeps
from sim.experiment.findings import ComparisonFindings, left_out
from sim.interface.i18n import text
from sim.interface.report import curve
from sim.interface.report.sweep import answer_sentences, lever_value
from sim.spec.scale import scale_to
from sim.spec.scenario import Scenario

from .ensemble import FULL_SIZE_LIMIT, run_arms, settings_key
from .levers import LEVERS, curve_values, design_scenario, shown

#: the app's curve: the headline outcomes, the net cost, the cost per additional citizen,
#: contact per citizen and the staff's time (as the report's figure, fewer panels)
PANELS = (
    ("fig.sweep.citizens", curve.LEVEL, 100.0, ("ever_job_or_education_52w", "ever_company_activation_52w")),
    ("fig.sweep.cost", curve.LEVEL, 1e-6, ("net_cost",)),
    ("fig.sweep.cost_per_citizen", curve.COST_PER_CITIZEN, 1e-3, ()),
    ("fig.sweep.contacts", curve.LEVEL, 1.0, ("meetings_per_case_year", "extra_contacts_per_case_year")),
    ("fig.sweep.minutes", curve.LEVEL, 1.0, ("contact_minutes_per_case_month",)),
    ("fig.sweep.staff_time", curve.STACK, 100.0, ()),
)


def sweep_lever(key: str) -> sweeps.Lever:
    """The app lever as a sweep's lever (its setting's key path; the case load as in ``fremskudt sweep``)."""
    lv = LEVERS[key]
    return sweeps.Lever(sweeps.CASELOAD if key == "caseload" else lv.path, lv.kind == "int", lv.low, lv.high)


@dataclass
class Curve:
    """A finished curve: the sweep (the design at each value) and what it measured."""

    key: str                               # the app lever
    design: Scenario                       # the design the values are set around
    sweep: sweeps.Sweep
    replications: int
    seed: int
    parameters: str
    table: pd.DataFrame = field(repr=False)
    cost: pd.DataFrame = field(repr=False)
    found: dict[float, ComparisonFindings] = field(repr=False)
    hidden: set = field(default_factory=set, repr=False)
    seconds: float = 0.0

    @property
    def request(self) -> tuple:
        return request_key(self.key, self.design, self.replications, self.seed, self.parameters)


def request_key(key: str, design: Scenario, replications: int, seed: int, parameters: str) -> tuple:
    """What a curve depends on: the lever, the design it is drawn around, replications, seed, parameters."""
    return key, settings_key(design), int(replications), int(seed), parameters


def points(base: Scenario, requested: dict[str, Any], key: str) -> tuple[sweeps.Sweep, Scenario]:
    """The sweep of lever ``key`` around the design ``requested`` makes of ``base`` (at full size), and that design."""
    design = design_scenario(base, requested)
    lever = sweep_lever(key)
    current = shown(base, requested)[key]
    pts, seen = [], set()
    values = curve_values(key, current)
    for v in sorted(values, key=lambda x: x != LEVERS[key].clean(current)):     # the current setting first
        sc = design_scenario(base, {**requested, key: v})
        if sweeps.programme_key(sc) in seen:   # a value that runs as another (whole caseworkers): drawn once
            continue
        seen.add(sweeps.programme_key(sc))
        pts.append(sweeps.Point(float(v), sc.model_copy(update={"name": sweeps.point_name(lever, v)})))
    return sweeps.Sweep(base, lever, tuple(sorted(pts, key=lambda p: p.value)), float(current)), design


def run(base: Scenario, requested: dict[str, Any], key: str, replications: int, seed: int | None = None,
        workers: int = 1, progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None, parameters: str = "posterior") -> Curve:
    """Run (or fetch from the cache) every value of the curve and measure it against the
    current setting.  ``progress`` gets the finished share (0-1) after each replication;
    ``cancelled`` is asked between replications (:class:`sim.interface.app.ensemble.Cancelled`)."""
    started = time.perf_counter()
    seed = base.seed if seed is None else int(seed)
    sweep, design = points(base, requested, key)
    total, done = replications * len(sweep.points), [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / total)

    arms = [scale_to(p.scenario, FULL_SIZE_LIMIT) for p in sweep.points]
    tables = run_arms(arms, seed, replications, workers, tick, cancelled or (lambda: False), parameters)
    reps = pd.concat([t.assign(scenario=p.name) for t, p in zip(tables, sweep.points)], ignore_index=True)
    found = sweeps.findings(reps, sweep)
    return Curve(key=key, design=design, sweep=sweep, replications=replications, seed=seed, parameters=parameters,
                 table=sweeps.sweep_frame(reps, sweep), cost=sweeps.cost_effectiveness_frame(found, sweep),
                 found=found, hidden=left_out(reps, sweep.names), seconds=time.perf_counter() - started)


def figure(c: Curve, lang: str, font: float, width: float):
    """The curve for a projector: the report's figure with the app's panels and type size."""
    return curve.fig_sweep(c.table, c.cost, c.sweep.lever.key, c.sweep.reference, None, lang, hidden=c.hidden,
                           font=font, width=width, spec=PANELS)


def sentences(c: Curve, lang: str) -> list[str]:
    """What each step buys and costs against the current setting, answer first, with intervals."""
    return answer_sentences(c.sweep, c.found, c.table, c.hidden, lang)


def intro(key: str, values: list[float], current: float, n: int, lang: str) -> str:
    """What the button runs, in one sentence."""
    return text("app.curve.intro", lang, lever=text(f"app.lever.{key}", lang).lower(),
                values=", ".join(lever_value(v, lang) for v in values), current=lever_value(current, lang), n=n)
