"""The model a calibration evaluates: every scenario a target names, run with the same
behavioural parameters and seeds, returning every target statistic.

**Seeds.**  Every model evaluation is seeded deterministically from its parameter values
and the run seed (:func:`parameter_seed`): the same parameter vector always gives the same
simulated statistics, whichever worker evaluates it and in whatever order.  With ``seeds``
> 1 each scenario runs that many times (seeds derived from the evaluation's seed) and every
statistic is the mean of the runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from sim.experiment.outcomes import DEFINITIONS
from sim.experiment.pool import ensure_dies_with
from sim.model.rng import replication_seeds
from sim.paths import SCENARIO_DIR
from sim.spec.scenario import Scenario, load_scenario

from .targets import Prior, Target, integer_parameters


def scale_scenario(sc: Scenario, size: int | None) -> Scenario:
    """Scale the population (and inflow) down to at most ``size`` citizens, with staff,
    offices, mentors, consultants, companies and housing placements scaled by the same
    factor, so case loads and capacity per citizen stay as in the full scenario."""
    if size is None or sc.population.size <= size:
        return sc
    f = size / sc.population.size

    def count(v: int) -> int:
        return 0 if v == 0 else max(1, int(round(v * f)))

    d = sc.model_dump()
    d["population"]["size"] = int(size)
    d["population"]["inflow_per_week"] = sc.population.inflow_per_week * f
    o = d["organisation"]
    o["caseworkers"] = max(0.5, sc.organisation.caseworkers * f)
    for key in ("outreach_offices", "mentors", "company_consultants"):
        o[key] = count(getattr(sc.organisation, key))
    o["housing"]["placements"] = count(sc.organisation.housing.placements)
    d["companies"]["count"] = count(sc.companies.count)
    return Scenario.model_validate(d)


def resolve_scenarios(targets: Sequence[Target], *, population: int | None = None,
                      scenario_dir: str | Path = SCENARIO_DIR,
                      scenarios: Mapping[str, Scenario] | None = None,
                      overrides: Mapping[str, dict] | None = None,
                      caps: Mapping[str, int] | None = None) -> dict[str, Scenario]:
    """The scenario of every target, loaded once (with its ``overrides``) and scaled to
    ``population`` or its own cap in ``caps``, whichever is smaller."""
    names = list(dict.fromkeys(t.scenario for t in targets))
    return resolve_named(names, population=population, scenario_dir=scenario_dir, scenarios=scenarios,
                         overrides=overrides, caps=caps)


def resolve_named(names: Sequence[str], *, population: int | None = None, scenario_dir: str | Path = SCENARIO_DIR,
                  scenarios: Mapping[str, Scenario] | None = None, overrides: Mapping[str, dict] | None = None,
                  caps: Mapping[str, int] | None = None) -> dict[str, Scenario]:
    """The scenarios ``names`` (files in ``scenario_dir`` or entries of ``scenarios``), as
    :func:`resolve_scenarios` sets them up."""
    from sim.spec.scenario import _deep_merge, validate_mapping
    out: dict[str, Scenario] = {}
    for name in names:
        over = (overrides or {}).get(name)
        if scenarios and name in scenarios:
            sc = scenarios[name]
            if over:
                sc = validate_mapping(_deep_merge(sc.model_dump(), over), f"<{name} with scenario_overrides>")
        else:
            sc = load_scenario(Path(scenario_dir) / name, over, outcomes=DEFINITIONS)
        size = min((v for v in (population, (caps or {}).get(name)) if v is not None), default=None)
        out[name] = scale_scenario(sc, size)
    return out


def parameter_seed(params: Mapping[str, float], run_seed: int) -> int:
    """Deterministic 32-bit seed from the parameter values (rounded to 12 significant
    digits, sorted by name) and the run seed."""
    blob = json.dumps([int(run_seed), sorted((k, float(f"{float(v):.12g}")) for k, v in params.items())])
    return int.from_bytes(hashlib.sha256(blob.encode()).digest()[:4], "little")


class MultiScenarioModel:
    """pyabc model: runs each needed scenario with the same parameters and returns
    ``{target id: simulated statistic}`` for all targets.

    With ``seeds`` > 1 each scenario runs that many times (seeds derived from the
    evaluation's seed) and every statistic is the mean over the runs, which lowers the
    Monte-Carlo noise an evaluation carries into the distance."""

    def __init__(self, targets: Sequence[Target], scenarios: Mapping[str, Scenario], run_seed: int = 20140101,
                 seeds: int = 1):
        self.targets = list(targets)
        self.scenarios = dict(scenarios)
        self.run_seed = int(run_seed)
        self.seeds = int(seeds)
        self.int_params = integer_parameters()
        self.owner = os.getpid()      # the command; evaluations in other processes are its workers

    def clean(self, params: Mapping[str, float]) -> dict[str, float]:
        return {k: (int(round(float(v))) if k in self.int_params else float(v)) for k, v in dict(params).items()}

    def replications(self, seed: int) -> list[int]:
        """The seeds of an evaluation's runs: ``seed`` itself, or ``seeds`` derived from it."""
        return [seed] if self.seeds == 1 else replication_seeds(seed, self.seeds)

    def scenario_statistics(self, name: str, params: Mapping[str, float], seeds: Sequence[int]) -> dict[str, float]:
        """The statistics of the targets of scenario ``name``: the mean over its runs at
        ``seeds`` with the (cleaned) parameters ``params``.  Every run is seeded by its own
        seed alone, so a scenario's statistics do not depend on which scenarios ran before."""
        from sim.experiment.simulate import simulate
        runs = [simulate(self.scenarios[name], seed=s, parameters=params, detail=False) for s in seeds]
        return {t.id: float(np.mean([float(r[t.statistic]) for r in runs])) for t in self.targets if t.scenario == name}

    def simulate(self, params: Mapping[str, float], seed: int) -> dict[str, float]:
        p, seeds = self.clean(params), self.replications(seed)
        stats: dict[str, float] = {}
        for name in self.scenarios:
            stats.update(self.scenario_statistics(name, p, seeds))
        return {t.id: stats[t.id] for t in self.targets}

    def ensure_worker(self) -> None:
        """In a worker process pyabc forked: make it end with the command."""
        ensure_dies_with(self.owner)

    def __call__(self, params: Mapping[str, float]) -> dict[str, float]:
        self.ensure_worker()
        p = dict(params)
        return self.simulate(p, parameter_seed(p, self.run_seed))


def prior_centre(priors: Sequence[Prior]) -> dict[str, float]:
    return {p.name: (p.low + p.high) / 2 for p in priors}
