"""Plain-function interface: ``simulate(scenario, seed) -> Outcomes``.

Calibration, sensitivity analysis and exploratory tools call this without knowing
Mesa.  Behavioural parameters can be overridden with a mapping (e.g. a posterior draw).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from sim.model.model import OutreachModel
from .outcomes import Outcomes, citizen_table, compute, weekly_table
from sim.spec.scenario import Scenario, load_scenario


def _as_scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def run_model(scenario: Scenario | str | Path, seed: int | None = None,
              parameters: Mapping[str, float] | None = None) -> OutreachModel:
    """Build and run the Mesa model; returns the finished model."""
    sc = _as_scenario(scenario)
    behaviour = sc.behaviour.model_copy(update=dict(parameters)) if parameters else sc.behaviour
    if parameters:
        behaviour = type(behaviour).model_validate(behaviour.model_dump())
    return OutreachModel(sc, seed=seed, behaviour=behaviour).run()


def simulate(scenario: Scenario | str | Path, seed: int | None = None,
             parameters: Mapping[str, float] | None = None, detail: bool = True) -> Outcomes | dict[str, float]:
    """Run one replication.

    ``parameters`` overrides behavioural parameters by name.  With ``detail=False``
    only the summary dict is returned (fast path for calibration).

    >>> from sim.spec.scenario import Scenario
    >>> out = simulate(Scenario(population={"size": 100}, horizon_weeks=8), seed=3)
    >>> 0.0 <= out.summary["noshow_share"] <= 1.0
    True
    """
    m = run_model(scenario, seed, parameters)
    summary = compute(m)
    if not detail:
        return summary
    return Outcomes(summary=summary, weekly=weekly_table(m), citizens=citizen_table(m), seed=m.seed_used)
