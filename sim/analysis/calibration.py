"""Calibration against reported outcomes with ABC-SMC (pyabc).

One parameter set must reproduce all targets at once: the model function runs every
scenario named by a target once, with the same behavioural parameters and the same
seed, and returns every target statistic.  The distance is the sum of squared
z-scores, where each target's standard deviation combines

* the sampling error of the reported figure: binomial ``sqrt(p(1-p)/n)`` when the
  source gives its denominator ``n``, otherwise the stated ``sd`` of the target, and
* the model's own Monte-Carlo error at the simulated population size, estimated once
  before the first generation from replications at the centre of the prior and stored
  with the run, so a resumed run uses exactly the same distance.

A target given as a range contributes zero inside the range and is scored against the
nearer bound outside it.

**Seeds.**  Every model evaluation is seeded deterministically from its parameter
values and the run seed (:func:`parameter_seed`): the same parameter vector always gives
the same simulated statistics, whichever worker evaluates it and in whatever order.
Posterior-predictive runs use seeds from :func:`sim.rng.replication_seeds` of the run
seed.  pyabc's own proposal draws are not part of this guarantee.

**Store.**  pyabc's SQLite history ``calibration/runs/NAME.db`` (git-ignored) holds every
finished generation; ``NAME.json`` next to it records the settings, the Monte-Carlo
sd and the wall time of every session.  ``resume=True`` loads the history and runs only
the generations still missing, so no finished generation is lost or recomputed.

**Output.**  ``calibration/fitted/NAME/``: ``posterior.parquet`` (one column per
parameter plus ``weight``; read by ``fremskudt run --posterior``), ``report.md``,
``targets.png``, ``parameters.png``, ``predictive.csv``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import math
import os
import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.experiment import outputs
from sim.experiment.outcomes import DEFINITIONS
from sim.experiment.pool import ensure_dies_with, local_pool
from sim.spec.parameters import Behaviour
from sim.model.rng import replication_seeds
from sim.errors import CalibrationError, UsageError
from sim.paths import CALIBRATION_DIR, ROOT, SCENARIO_DIR
from sim.spec.loading import read_mapping
from sim.spec.scenario import NAME_ALLOWED, Scenario, load_scenario, valid_name

TARGETS_DEFAULT = CALIBRATION_DIR / "targets.yaml"
PRIORS_DEFAULT = CALIBRATION_DIR / "priors.yaml"
RUNS_DIR = CALIBRATION_DIR / "runs"
FITTED_DIR = CALIBRATION_DIR / "fitted"

#: z-score given to a statistic the model could not compute (NaN), so that such a
#: parameter set is strongly penalised but the adaptive epsilon stays finite.
NAN_Z = 10.0
#: Factor on the covariance of the ABC-SMC proposal kernel (pyabc's Silverman bandwidth
#: times this).  The importance weight of a particle is prior / proposal density.  With a
#: flat prior and a roughly normal posterior of covariance S, a proposal of covariance
#: s2 * S gives weights of finite variance only if s2 > 2 in every identified direction;
#: the default kernel (Silverman: about 0.5 S at 200 particles, so s2 about 1.5) made the
#: weights collapse onto a handful of particles in 14 dimensions (effective sample size
#: 6 of 200 after three generations).  A factor of 3 makes the kernel about 1.4 S (s2
#: about 2.4), at the price of a lower acceptance rate.
KERNEL_SCALE = 3.0

#: Floor on the Monte-Carlo sd, so that a statistic that happened not to vary in the
#: pilot replications does not get an infinite weight.
MC_SD_FLOOR = 0.002

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Targets and priors
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One reported figure and where the model reproduces it."""

    id: str
    statistic: str
    scenario: str
    value: float
    n: int | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    model_sd: float = 0.0
    source: str = ""
    note: str = ""

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def sampling_sd(self) -> float:
        """Standard deviation of the reported figure itself."""
        if self.sd is not None:
            return float(self.sd)
        p = min(max(self.value, 1e-6), 1 - 1e-6)
        return math.sqrt(p * (1 - p) / self.n)

    @property
    def error_sd(self) -> float:
        """Sd of the reported figure around what the model computes, before Monte-Carlo
        noise: its sampling sd and, where given, a model-discrepancy sd in quadrature."""
        return math.sqrt(self.sampling_sd ** 2 + self.model_sd ** 2)

    def describe_value(self) -> str:
        if self.is_range:
            return f"{self.low:.3g}–{self.high:.3g}"
        return f"{self.value:.3g}"

    def deviation(self, simulated: float) -> float:
        """Simulated minus reported (0 inside a range, distance to the nearer bound outside)."""
        if self.is_range:
            if simulated < self.low:
                return simulated - self.low
            if simulated > self.high:
                return simulated - self.high
            return 0.0
        return simulated - self.value

    def covers(self, lo: float, hi: float) -> bool:
        """Does the interval [lo, hi] contain the reported value (or touch the range)?"""
        if self.is_range:
            return hi >= self.low and lo <= self.high
        return lo <= self.value <= hi


_TOP_KEYS = ("targets", "scenario_overrides", "population_cap")
_TARGET_KEYS = ("id", "statistic", "scenario", "value", "range", "n", "sd", "model_sd", "source", "note")


def _num(file, key, v, allowed, *, positive=False, integer=False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not float(v).is_integer()):
        raise CalibrationError(file, key, v, allowed)
    if not math.isfinite(float(v)) or (positive and v <= 0):
        raise CalibrationError(file, key, v, allowed)
    return float(v)


def _read_mapping(path: Path) -> dict:
    """A targets or priors file, read with the limits of :mod:`sim.spec.loading`."""
    return read_mapping(path, error=CalibrationError)


def _scenario_exists(name: str, scenario_dir: Path, scenarios: Mapping[str, Any] | None) -> bool:
    if scenarios and name in scenarios:
        return True
    p = scenario_dir / name
    return p.is_file() or (not p.suffix and (scenario_dir / f"{name}.yaml").is_file())


def load_targets(path: str | Path = TARGETS_DEFAULT, *, scenario_dir: str | Path = SCENARIO_DIR,
                 scenarios: Mapping[str, Any] | None = None) -> list[Target]:
    """Read and validate a targets file.

    ``scenarios`` may supply scenarios by name (used instead of files in
    ``scenario_dir``).  Any problem raises :class:`CalibrationError` naming the file, the
    key path (``targets[3].statistic``), the value and what is allowed.
    """
    path, scenario_dir = Path(path), Path(scenario_dir)
    data = _read_mapping(path)
    for key in data:
        if key not in _TOP_KEYS:
            raise CalibrationError(path, str(key), key, f"unknown key; valid keys: {', '.join(_TOP_KEYS)}")
    items = data.get("targets")
    if not isinstance(items, list) or not items:
        raise CalibrationError(path, "targets", items, "a non-empty list of targets is required")
    out: list[Target] = []
    seen: set[str] = set()
    for i, t in enumerate(items):
        k = f"targets[{i}]"
        if not isinstance(t, dict):
            raise CalibrationError(path, k, t, "each target must be a mapping")
        for key in t:
            if key not in _TARGET_KEYS:
                guess = difflib.get_close_matches(str(key), _TARGET_KEYS, n=1)
                hint = f"did you mean '{guess[0]}'? " if guess else ""
                raise CalibrationError(path, f"{k}.{key}", key, f"unknown key; {hint}valid keys: {', '.join(_TARGET_KEYS)}")
        tid = t.get("id")
        if not isinstance(tid, str) or not tid:
            raise CalibrationError(path, f"{k}.id", tid, "a non-empty string is required")
        if tid in seen:
            raise CalibrationError(path, f"{k}.id", tid, "ids must be unique")
        seen.add(tid)
        stat = t.get("statistic")
        if stat not in DEFINITIONS:
            guess = difflib.get_close_matches(str(stat), list(DEFINITIONS), n=3)
            hint = f"did you mean {', '.join(repr(g) for g in guess)}? " if guess else ""
            raise CalibrationError(path, f"{k}.statistic", stat,
                                   f"unknown outcome; {hint}allowed: {', '.join(sorted(DEFINITIONS))}")
        sc = t.get("scenario")
        if not isinstance(sc, str) or not _scenario_exists(sc, scenario_dir, scenarios):
            known = sorted(p.name for p in scenario_dir.glob("*.yaml")) if scenario_dir.is_dir() else []
            known += sorted(scenarios or ())
            raise CalibrationError(path, f"{k}.scenario", sc,
                                   f"unknown scenario; allowed: a file in {scenario_dir}"
                                   + (f" ({', '.join(known)})" if known else " (none found)"))
        low = high = None
        if ("value" in t) == ("range" in t):
            raise CalibrationError(path, k, tid, "give exactly one of 'value' or 'range: [low, high]'")
        if "range" in t:
            r = t["range"]
            if not (isinstance(r, list) and len(r) == 2):
                raise CalibrationError(path, f"{k}.range", r, "a list [low, high] is required")
            low = _num(path, f"{k}.range", r[0], "numbers with low < high are required")
            high = _num(path, f"{k}.range", r[1], "numbers with low < high are required")
            if not low < high:
                raise CalibrationError(path, f"{k}.range", r, "numbers with low < high are required")
            value = (low + high) / 2
        else:
            value = _num(path, f"{k}.value", t["value"], "a finite number (a share as a fraction, e.g. 0.178)")
        n = sd = None
        if t.get("n") is not None:
            n = int(_num(path, f"{k}.n", t["n"], "a positive whole number", positive=True, integer=True))
        if t.get("sd") is not None:
            sd = _num(path, f"{k}.sd", t["sd"], "a positive number", positive=True)
        if n is None and sd is None:
            raise CalibrationError(path, k, tid, "give 'n' (denominator of the reported share) or an explicit 'sd'")
        model_sd = 0.0
        if t.get("model_sd") is not None:
            model_sd = _num(path, f"{k}.model_sd", t["model_sd"], "a positive number (model-discrepancy sd)", positive=True)
        if sd is None and not 0.0 < value < 1.0:
            raise CalibrationError(path, f"{k}.value", value, "a share strictly between 0 and 1 when only 'n' is given")
        src = t.get("source")
        if not isinstance(src, str) or not src.strip():
            raise CalibrationError(path, f"{k}.source", src,
                                   "a non-empty source (publication and its table, figure or section) is required")
        out.append(Target(id=tid, statistic=stat, scenario=sc, value=value, n=n, sd=sd, low=low, high=high,
                          model_sd=model_sd, source=src.strip(), note=str(t.get("note") or "").strip()))
    return out


def load_scenario_overrides(path: str | Path = TARGETS_DEFAULT, *, scenario_dir: str | Path = SCENARIO_DIR,
                            scenarios: Mapping[str, Any] | None = None) -> dict[str, dict]:
    """Optional ``scenario_overrides: {scenario: {key: value}}`` of a targets file: settings
    that define the observation window of a target's setting (e.g. the 26 weeks of an
    intensive-contact trial), applied on top of the scenario file when calibrating."""
    path = Path(path)
    over = _per_scenario_section(path, "scenario_overrides", "overrides")
    for name, o in over.items():
        if not isinstance(o, dict):
            raise CalibrationError(path, f"scenario_overrides.{name}", o, "a mapping of scenario keys to values")
    return {k: dict(v) for k, v in over.items()}


def _per_scenario_section(path: Path, section: str, what: str) -> dict:
    """An optional ``section: {scenario: ...}`` of a targets file, whose scenarios must be
    ones a target uses."""
    data = _read_mapping(path)
    entries = data.get(section) or {}
    if not isinstance(entries, dict):
        raise CalibrationError(path, section, entries, f"a mapping of scenario file to {what}")
    used = {t.get("scenario") for t in data.get("targets") or [] if isinstance(t, dict)}
    for name in entries:
        if name not in used:
            raise CalibrationError(path, f"{section}.{name}", name,
                                   f"{what} must name a scenario used by a target: {', '.join(sorted(used))}")
    return entries


def load_population_caps(path: str | Path = TARGETS_DEFAULT) -> dict[str, int]:
    """Optional ``population_cap: {scenario: citizens}`` of a targets file: simulate that
    scenario at most at this size when calibrating (staff, offices and companies scaled
    alike, see :func:`scale_scenario`).  Meant for targets that do not depend on scale,
    such as attendance, so that their scenario costs less per evaluation."""
    path = Path(path)
    caps = _per_scenario_section(path, "population_cap", "caps")
    return {name: int(_num(path, f"population_cap.{name}", v, "a positive whole number of citizens",
                           positive=True, integer=True)) for name, v in caps.items()}


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one behavioural parameter."""

    name: str
    low: float
    high: float
    reason: str = ""

    @property
    def sd(self) -> float:
        return (self.high - self.low) / math.sqrt(12.0)


def _field_bounds(name: str) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    for m in Behaviour.model_fields[name].metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "le", None) is not None:
            hi = m.le
    return lo, hi


def integer_parameters() -> set[str]:
    return {n for n, f in Behaviour.model_fields.items() if f.annotation is int}


def load_priors(path: str | Path = PRIORS_DEFAULT) -> list[Prior]:
    """Read and validate a priors file (``parameters: {name: {low, high, reason}}``)."""
    path = Path(path)
    data = _read_mapping(path)
    pars = data.get("parameters")
    if not isinstance(pars, dict) or not pars:
        raise CalibrationError(path, "parameters", pars, "a non-empty mapping of parameter name to {low, high, reason}")
    valid = list(Behaviour.model_fields)
    out = []
    for name, spec in pars.items():
        k = f"parameters.{name}"
        if name not in Behaviour.model_fields:
            guess = difflib.get_close_matches(str(name), valid, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise CalibrationError(path, k, name, f"unknown behavioural parameter; {hint}allowed: {', '.join(valid)}")
        if not isinstance(spec, dict):
            raise CalibrationError(path, k, spec, "a mapping with low, high and reason")
        extra = set(spec) - {"low", "high", "reason"}
        if extra:
            raise CalibrationError(path, f"{k}.{sorted(extra)[0]}", sorted(extra)[0], "allowed keys: low, high, reason")
        flo, fhi = _field_bounds(name)
        allowed = f"a number within the parameter's bounds [{flo}, {fhi}] with low < high"
        low = _num(path, f"{k}.low", spec.get("low"), allowed)
        high = _num(path, f"{k}.high", spec.get("high"), allowed)
        if not (flo <= low < high <= fhi):
            raise CalibrationError(path, k, [low, high], allowed)
        out.append(Prior(name, low, high, str(spec.get("reason") or "").strip()))
    return out


# --------------------------------------------------------------------------------------
# Scenarios, model and distance
# --------------------------------------------------------------------------------------

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
    from sim.spec.scenario import _deep_merge, validate_mapping
    out: dict[str, Scenario] = {}
    for t in targets:
        if t.scenario in out:
            continue
        over = (overrides or {}).get(t.scenario)
        if scenarios and t.scenario in scenarios:
            sc = scenarios[t.scenario]
            if over:
                sc = validate_mapping(_deep_merge(sc.model_dump(), over), f"<{t.scenario} with scenario_overrides>")
        else:
            sc = load_scenario(Path(scenario_dir) / t.scenario, over, outcomes=DEFINITIONS)
        size = min((v for v in (population, (caps or {}).get(t.scenario)) if v is not None), default=None)
        out[t.scenario] = scale_scenario(sc, size)
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

    def simulate(self, params: Mapping[str, float], seed: int) -> dict[str, float]:
        from sim.experiment.simulate import simulate
        p = self.clean(params)
        seeds = [seed] if self.seeds == 1 else replication_seeds(seed, self.seeds)
        runs = [{name: simulate(sc, seed=s, parameters=p, detail=False) for name, sc in self.scenarios.items()}
                for s in seeds]
        return {t.id: float(np.mean([float(r[t.scenario][t.statistic]) for r in runs])) for t in self.targets}

    def __call__(self, params: Mapping[str, float]) -> dict[str, float]:
        ensure_dies_with(self.owner)   # a worker pyabc forked must not outlive the command
        p = dict(params)
        return self.simulate(p, parameter_seed(p, self.run_seed))


class ZScoreDistance:
    """Sum of squared z-scores: (simulated - reported) / sqrt(sampling sd^2 + model sd^2 + MC sd^2).

    The model sd (``model_sd`` of a target, default 0) is a stated model discrepancy:
    how far the model may be from a figure it represents only approximately."""

    def __init__(self, targets: Sequence[Target], mc_sd: Mapping[str, float] | None = None):
        self.targets = list(targets)
        self.mc_sd = {t.id: float((mc_sd or {}).get(t.id, 0.0)) for t in self.targets}
        self.sd = {t.id: math.sqrt(t.error_sd ** 2 + self.mc_sd[t.id] ** 2) for t in self.targets}

    def z(self, x: Mapping[str, float]) -> dict[str, float]:
        out = {}
        for t in self.targets:
            v = x.get(t.id, math.nan)
            v = float(v) if v is not None else math.nan
            out[t.id] = NAN_Z if not math.isfinite(v) else t.deviation(v) / self.sd[t.id]
        return out

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float] | None = None) -> float:
        return float(sum(z * z for z in self.z(x).values()))


def estimate_mc_sd(model: MultiScenarioModel, params: Mapping[str, float], reps: int, seed: int) -> dict[str, float]:
    """Monte-Carlo sd of every target statistic at ``params`` from ``reps`` replications."""
    rows = [model.simulate(params, s) for s in replication_seeds(seed, reps)]
    df = pd.DataFrame(rows)
    sd = df.std(ddof=1) if reps > 1 else pd.Series(0.0, index=df.columns)
    return {k: float(max(MC_SD_FLOOR, v if math.isfinite(v) else MC_SD_FLOOR)) for k, v in sd.items()}


def prior_centre(priors: Sequence[Prior]) -> dict[str, float]:
    return {p.name: (p.low + p.high) / 2 for p in priors}


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------

def make_sampler(workers: int, scheduler: str | None):
    import pyabc
    if scheduler:
        from sim.experiment.runner import connect_dask
        return pyabc.sampler.DaskDistributedSampler(dask_client=connect_dask(scheduler), batch_size=1)
    if workers <= 1:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)


@dataclass
class CalibrationResult:
    name: str
    db: Path
    out_dir: Path | None
    generations: int
    simulations: int
    seconds: float
    posterior: pd.DataFrame
    meta: dict = field(repr=False, default_factory=dict)


def _relative(path: Path) -> str:
    """A path inside the project as written from its root (so records do not name a machine's folders)."""
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def _usage(msg: str) -> Exception:
    return UsageError(msg)


#: Settings a calibration keeps for its whole history, with the option that sets each: a
#: resumed calibration runs with the settings it was started with.
KEPT_SETTINGS = {"population": "--population", "particles": "--particles", "seeds": "--seeds",
                 "kernel_scale": "--kernel-scale", "min_epsilon": "--min-epsilon", "run_seed": "--seed"}
DEFAULTS = {"population": None, "particles": 200, "seeds": 1, "kernel_scale": KERNEL_SCALE, "run_seed": 20140101}


def _stored_settings(meta: dict) -> dict[str, Any]:
    return {"population": meta["population"], "particles": meta["particles"], "seeds": meta.get("seeds", 1),
            "kernel_scale": meta.get("kernel_scale", 1.0), "min_epsilon": meta.get("min_epsilon"),
            "run_seed": meta["run_seed"]}


def _resumed(name: str, runs_dir: Path, targets_path: Path, priors_path: Path, asked: dict) -> dict:
    """The stored record of calibration ``name``, if the files and the settings asked for
    (None: not asked) are those it was started with; a :class:`UsageError` otherwise."""
    db, meta_path = runs_dir / f"{name}.db", runs_dir / f"{name}.json"
    if not db.exists() or not meta_path.exists():
        raise _usage(f"--resume: no calibration named '{name}' in {runs_dir} (expected {db.name} and {meta_path.name}); "
                     f"start it first with: fremskudt calibrate --name {name}")
    meta = json.loads(meta_path.read_text())
    meta["targets"], meta["priors"] = _relative(meta["targets"]), _relative(meta["priors"])
    for key, p in (("targets_hash", targets_path), ("priors_hash", priors_path)):
        if meta[key] != file_hash(p):
            raise _usage(f"--resume: {p} changed since calibration '{name}' started; "
                         "start a new calibration with another --name")
    stored = _stored_settings(meta)
    changed = [f"{KEPT_SETTINGS[k]} {asked[k]} (started with {stored[k] if stored[k] is not None else 'full size'})"
               for k in KEPT_SETTINGS if asked.get(k) is not None and asked[k] != stored[k]]
    if changed:
        raise _usage(f"--resume continues calibration '{name}' with the settings it was started with, and these "
                     f"differ: {'; '.join(changed)}. Leave them out to continue, or start a new calibration with "
                     "another --name")
    return meta


def _new_meta(name: str, targets_path: Path, priors_path: Path, targets: Sequence[Target], caps: dict,
              asked: dict, mc_reps: int) -> dict:
    v = {k: (asked.get(k) if asked.get(k) is not None else DEFAULTS[k]) for k in DEFAULTS}
    min_epsilon = asked.get("min_epsilon")
    return {"name": name, "targets": _relative(targets_path), "priors": _relative(priors_path),
            "targets_hash": file_hash(targets_path), "priors_hash": file_hash(priors_path),
            "population": v["population"], "population_cap": caps, "run_seed": v["run_seed"],
            "particles": v["particles"], "seeds": v["seeds"],
            "min_epsilon": float(len(targets) if min_epsilon is None else min_epsilon),
            "transition": f"MultivariateNormalTransition (Silverman bandwidth × {v['kernel_scale']:g} on the covariance)",
            "kernel_scale": v["kernel_scale"], "mc_reps": mc_reps,
            "seed_rule": "sha256(run seed, parameter values) per evaluation"
            + (f", {v['seeds']} replication seeds derived from it" if v["seeds"] > 1 else ""),
            "sessions": []}


def run_calibration(name: str = "default", *, targets_path: str | Path = TARGETS_DEFAULT,
                    priors_path: str | Path = PRIORS_DEFAULT, population: int | None = None,
                    generations: int = 6, particles: int | None = None, seeds: int | None = None,
                    min_epsilon: float | None = None, kernel_scale: float | None = None, workers: int | None = None,
                    scheduler: str | None = None, resume: bool = False, max_minutes: float | None = None,
                    runs_dir: str | Path | None = None, fitted_dir: str | Path | None = FITTED_DIR,
                    scenario_dir: str | Path = SCENARIO_DIR, scenarios: Mapping[str, Scenario] | None = None,
                    run_seed: int | None = None, mc_reps: int = 6, predictive_draws: int = 60,
                    force: bool = False, progress: bool = True) -> CalibrationResult:
    """Run (or resume) an ABC-SMC calibration and write the fitted output.

    ``generations`` is the total number of generations wanted in the history; a resumed
    run only adds the missing ones.  ``max_minutes`` bounds the wall time of this call
    (pyabc stops after the generation in which the limit is passed).  ``seeds`` runs of
    every scenario per evaluation are averaged.  The run also stops once epsilon (the
    summed squared z) reaches ``min_epsilon``, by default the number of targets: the
    distance expected when the model is right and the remaining differences are the
    stated errors, so the fit is not pushed on into selecting lucky random draws.

    The settings in :data:`KEPT_SETTINGS` (None: the default, or for a resumed run the
    stored value) belong to the history: ``resume=True`` with a different value is
    refused.  The fitted folder ``fitted_dir/name`` follows the rule of
    :mod:`sim.experiment.outputs` (``force`` or ``resume`` may replace a fit this program
    wrote; its ``notes.md`` is carried over) and is reserved before the first simulation.
    """
    if not valid_name(name):
        raise _usage(f"--name {name!r}: the calibration's name names files and folders; use {NAME_ALLOWED}")
    runs_dir = Path(runs_dir if runs_dir is not None else RUNS_DIR)
    db, meta_path = runs_dir / f"{name}.db", runs_dir / f"{name}.json"
    workers = workers or os.cpu_count() or 1
    targets_path, priors_path = Path(targets_path), Path(priors_path)
    targets = load_targets(targets_path, scenario_dir=scenario_dir, scenarios=scenarios)
    overrides = load_scenario_overrides(targets_path, scenario_dir=scenario_dir, scenarios=scenarios)
    priors = load_priors(priors_path)
    caps = load_population_caps(targets_path)
    asked = {"population": population, "particles": particles, "seeds": seeds, "kernel_scale": kernel_scale,
             "min_epsilon": min_epsilon, "run_seed": run_seed}
    if resume:
        meta = _resumed(name, runs_dir, targets_path, priors_path, asked)
    else:
        if db.exists() and not force:
            raise _usage(f"calibration '{name}' already exists ({db}); use --resume to continue it, --force to "
                         "start it afresh, or another --name")
        meta = _new_meta(name, targets_path, priors_path, targets, caps, asked, mc_reps)
    folder = (outputs.ResultFolder(Path(fitted_dir) / name, force=force or resume, keep=("notes.md",), other="--name")
              if fitted_dir is not None else None)        # checked before anything is run or removed
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _usage(f"cannot create the history folder {runs_dir}: {e.strerror}") from None
    if not resume:
        for p in (db, meta_path):
            p.unlink(missing_ok=True)
    with folder or nullcontext():
        history, model, distance = _abc_session(name, meta, targets, priors, overrides, db, meta_path, resume=resume,
                                                generations=generations, workers=workers, scheduler=scheduler,
                                                max_minutes=max_minutes, scenario_dir=scenario_dir,
                                                scenarios=scenarios, progress=progress)
        post = posterior_frame(history, order=[p.name for p in priors])
        out_dir = None
        if folder is not None:
            notes = folder.previous("notes.md")
            if notes is not None:
                shutil.copy2(notes, folder.work / "notes.md")
            write_fit(folder.work, history, targets, priors, model, distance, meta, workers=workers,
                      draws=predictive_draws, run_seed=meta["run_seed"])
            outputs.write_manifest(folder.work, {"kind": "calibrate", "name": name, "run": "run.json",
                                                 "git": outputs.git_state()})
            out_dir = folder.commit()
    total_seconds = sum(s["seconds"] for s in meta["sessions"]) + meta.get("mc_seconds", 0.0)
    return CalibrationResult(name, db, out_dir, int(history.max_t + 1), int(history.total_nr_simulations),
                             total_seconds, post, meta)


def _abc_session(name, meta, targets, priors, overrides, db, meta_path, *, resume, generations, workers, scheduler,
                 max_minutes, scenario_dir, scenarios, progress):
    """Run the missing generations of the history; every session is recorded, also an
    interrupted one (its finished generations are kept)."""
    import pyabc

    logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    run_seed = meta["run_seed"]
    sc = resolve_scenarios(targets, population=meta["population"], scenario_dir=scenario_dir, scenarios=scenarios,
                           overrides=overrides, caps=meta.get("population_cap"))
    model = MultiScenarioModel(targets, sc, run_seed, seeds=meta.get("seeds", 1))
    if not resume:
        t0 = time.time()
        meta["mc_sd"] = estimate_mc_sd(model, prior_centre(priors), meta["mc_reps"], run_seed + 1)
        meta["mc_seconds"] = time.time() - t0
        meta["scenario_sizes"] = {k: s.population.size for k, s in sc.items()}
        meta["scenario_overrides"] = overrides
    distance = ZScoreDistance(targets, meta["mc_sd"])
    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors})
    sampler = make_sampler(workers, scheduler)
    np.random.seed(run_seed % (2**32))
    # a wide multivariate-normal proposal, see KERNEL_SCALE
    transition = pyabc.transition.MultivariateNormalTransition(scaling=meta.get("kernel_scale", 1.0))
    abc = pyabc.ABCSMC(model, prior, distance, population_size=meta["particles"], sampler=sampler,
                       transitions=transition)
    url = f"sqlite:///{db}"
    if resume:
        history = abc.load(url, meta["run_id"])
    else:
        history = abc.new(url, {t.id: t.value for t in targets})
        meta["run_id"] = int(history.id)
        meta_path.write_text(json.dumps(meta, indent=2))

    done = history.max_t + 1
    remaining = generations - done
    start = time.time()
    sims_before = int(history.total_nr_simulations)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    interrupted = False
    try:
        if remaining > 0:
            kwargs: dict[str, Any] = {"max_nr_populations": remaining, "minimum_epsilon": meta["min_epsilon"]}
            if max_minutes:
                kwargs["max_walltime"] = timedelta(minutes=float(max_minutes))
            abc.run(**kwargs)
        elif progress:
            print(f"calibration '{name}' already has {done} generation(s); nothing to run")
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        seconds = time.time() - start
        history = pyabc.History(url)
        history.id = meta["run_id"]
        if remaining > 0:
            meta["sessions"].append({"started": started, "seconds": round(seconds, 1), "workers": workers,
                                     "scheduler": scheduler, "generations_after": int(history.max_t + 1),
                                     "simulations": int(history.total_nr_simulations) - sims_before,
                                     "interrupted": interrupted})
        meta_path.write_text(json.dumps(meta, indent=2))
        _close_sampler(sampler)
    return history, model, distance


def _close_sampler(sampler) -> None:
    client = getattr(sampler, "client", None)
    if client is not None:
        try:
            client.close()
        except Exception:  # pragma: no cover - best effort
            pass


def posterior_frame(history, t: int | None = None, order: Sequence[str] | None = None) -> pd.DataFrame:
    """The population at generation ``t`` (default: last) as parameter columns (in
    ``order``, e.g. the priors file's) + ``weight``."""
    df, w = history.get_distribution(m=0, t=history.max_t if t is None else t)
    out = df.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    if order:
        out = out[[c for c in order if c in out.columns] + [c for c in out.columns if c not in order]]
    out["weight"] = np.asarray(w, dtype=float) / np.sum(w)
    return out


# --------------------------------------------------------------------------------------
# Posterior predictive, report and figures
# --------------------------------------------------------------------------------------

def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: Sequence[float]) -> np.ndarray:
    v, w = np.asarray(values, float), np.asarray(weights, float)
    order = np.argsort(v)
    v, w = v[order], w[order]
    cw = np.cumsum(w) - 0.5 * w
    cw /= w.sum()
    return np.interp(q, cw, v)


def _predict_one(args):
    model, params, seed = args
    return model.simulate(params, seed)


def posterior_predictive(model: MultiScenarioModel, posterior: pd.DataFrame, draws: int, run_seed: int,
                         workers: int = 1) -> pd.DataFrame:
    """Simulate ``draws`` weighted draws from the posterior with fresh seeds."""
    rng = np.random.default_rng(run_seed + 2)
    pars = [c for c in posterior.columns if c != "weight"]
    idx = rng.choice(len(posterior), size=draws, replace=True, p=posterior["weight"].to_numpy())
    seeds = replication_seeds(run_seed + 3, draws)
    jobs = [(model, {p: float(posterior.iloc[i][p]) for p in pars}, s) for i, s in zip(idx, seeds)]
    if workers > 1 and draws > 1:
        with local_pool(workers, "fork") as ex:
            rows = list(ex.map(_predict_one, jobs))
    else:
        rows = [_predict_one(j) for j in jobs]
    return pd.DataFrame(rows)


def fit_table(targets: Sequence[Target], predictive: pd.DataFrame, distance: ZScoreDistance) -> pd.DataFrame:
    rows = []
    for t in targets:
        col = predictive[t.id].astype(float)
        fin = col[np.isfinite(col)]
        if len(fin):
            lo, med, hi = np.quantile(fin, [0.05, 0.5, 0.95])
        else:
            lo = med = hi = math.nan
        rows.append({"id": t.id, "statistic": t.statistic, "scenario": t.scenario, "reported": t.describe_value(),
                     "reported_value": t.value, "range_low": t.low, "range_high": t.high,
                     "sd_reported": t.sampling_sd, "sd_model": t.model_sd, "sd_mc": distance.mc_sd[t.id], "median": med, "q05": lo, "q95": hi,
                     "z_median": t.deviation(med) / distance.sd[t.id] if math.isfinite(med) else math.nan,
                     "consistent": bool(math.isfinite(med) and abs(t.deviation(med)) <= 2 * distance.sd[t.id]),
                     "inside_90": bool(math.isfinite(med) and t.covers(lo, hi)), "source": t.source})
    return pd.DataFrame(rows)


def effective_sample_size(weights) -> float:
    w = np.asarray(weights, float)
    w = w / w.sum()
    return float(1.0 / np.sum(w ** 2))


def parameter_table(priors: Sequence[Prior], posterior: pd.DataFrame, min_ess: float = 10.0) -> pd.DataFrame:
    """Prior vs posterior per parameter.  When the effective sample size of the weights
    is below ``min_ess`` the sd ratio says nothing about identification (the posterior
    is a handful of particles) and the verdict says so."""
    rows = []
    w = posterior["weight"].to_numpy()
    ess = effective_sample_size(w)
    for p in priors:
        v = posterior[p.name].to_numpy(float)
        mean = float(np.sum(w * v))
        sd = float(math.sqrt(max(0.0, np.sum(w * (v - mean) ** 2))))
        q05, q50, q95 = weighted_quantile(v, w, [0.05, 0.5, 0.95])
        ratio = sd / p.sd
        verdict = ("identified" if ratio < 0.5 else "partly identified" if ratio < 0.8 else "not identified (prior ≈ posterior)")
        if ess < min_ess:
            verdict = f"not assessable (effective sample size {ess:.1f})"
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high, "default": Behaviour.model_fields[p.name].default,
                     "post_mean": mean, "post_median": q50, "post_q05": q05, "post_q95": q95,
                     "prior_sd": p.sd, "post_sd": sd, "sd_ratio": ratio, "verdict": verdict})
    return pd.DataFrame(rows)


def generation_table(history) -> pd.DataFrame:
    """Per generation: epsilon, evaluations, accepted, acceptance rate and effective
    sample size of the importance weights (1 / sum w^2)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].copy()
    pops["acceptance"] = pops["particles"] / pops["samples"]
    ess = []
    for t in pops["t"]:
        _, w = history.get_distribution(m=0, t=int(t))
        w = np.asarray(w, float) / np.sum(w)
        ess.append(float(1.0 / np.sum(w ** 2)))
    pops["ess"] = ess
    return pops[["t", "epsilon", "samples", "particles", "acceptance", "ess"]].reset_index(drop=True)


def plot_targets(fit: pd.DataFrame, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = len(fit)
    fig, ax = plt.subplots(figsize=(8.5, 0.38 * n + 1.4))
    for i, r in enumerate(fit.itertuples()):
        y = n - 1 - i
        colour = "tab:green" if r.inside_90 else "tab:red"
        ax.plot([r.q05, r.q95], [y, y], color=colour, lw=4, alpha=0.6, solid_capstyle="butt")
        ax.plot(r.median, y, "o", color=colour, ms=5)
        if r.range_low is not None and not pd.isna(r.range_low):
            ax.plot([r.range_low, r.range_high], [y, y], color="black", lw=1.5, marker="|", ms=12)
        else:
            ax.plot(r.reported_value, y, "kx", ms=8, mew=2)
    ax.set_yticks(range(n))
    ax.set_yticklabels([r.id for r in fit.itertuples()][::-1], fontsize=8)
    ax.set_xlabel("share (or visits per case per month)")
    ax.set_title("Reported (x / black range) vs posterior predictive median and 90 % interval\n"
                 "green: reported value inside the interval, red: outside", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_parameters(priors: Sequence[Prior], posterior: pd.DataFrame, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    k = len(priors)
    cols = 3 if k > 4 else k
    rows = math.ceil(k / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.4 * rows), squeeze=False)
    for ax, p in zip(axes.flat, priors):
        ax.hist(posterior[p.name], bins=20, range=(p.low, p.high), weights=posterior["weight"], density=True,
                color="tab:blue", alpha=0.7, label="posterior")
        ax.plot([p.low, p.high], [1 / (p.high - p.low)] * 2, color="tab:orange", lw=2, label="prior")
        ax.axvline(Behaviour.model_fields[p.name].default, color="grey", ls=":", lw=1, label="default")
        ax.set_title(p.name, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.suptitle("Prior (uniform) vs posterior marginals", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(v: Any, nd: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def write_fit(out_dir: Path, history, targets: Sequence[Target], priors: Sequence[Prior], model: MultiScenarioModel,
              distance: ZScoreDistance, meta: dict, *, workers: int = 1, draws: int = 60, run_seed: int = 20140101) -> None:
    """posterior.parquet, predictive.csv, fit/parameter tables, figures and report.md."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    post = posterior_frame(history, order=[p.name for p in priors])
    post.to_parquet(out_dir / "posterior.parquet", index=False)
    (out_dir / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
    t0 = time.time()
    pred = posterior_predictive(model, post, draws, run_seed, workers)
    pred_seconds = time.time() - t0
    pred.to_csv(out_dir / "predictive.csv", index=False)
    fit = fit_table(targets, pred, distance)
    par = parameter_table(priors, post)
    gens = generation_table(history)
    fit.to_csv(out_dir / "fit.csv", index=False)
    par.to_csv(out_dir / "parameters.csv", index=False)
    plot_targets(fit, out_dir / "targets.png")
    plot_parameters(priors, post, out_dir / "parameters.png")

    seconds = sum(s["seconds"] for s in meta["sessions"])
    evals = int(history.total_nr_simulations)
    n_sc = len(model.scenarios)
    inside = int(fit["inside_90"].sum())
    L: list[str] = [f"# Calibration '{meta['name']}'", ""]
    L += [f"ABC-SMC (pyabc) of {len(priors)} behavioural parameters against {len(targets)} reported figures "
          f"in {n_sc} scenarios at once. Generated by `fremskudt calibrate`; do not edit by hand.", ""]
    L += ["## Run", "",
          f"- Wall time of the ABC-SMC: **{seconds / 60:.1f} min** over {len(meta['sessions'])} session(s) "
          f"(plus {meta.get('mc_seconds', 0):.0f} s estimating the Monte-Carlo sd and {pred_seconds:.0f} s for the "
          f"posterior predictive); workers: {', '.join(str(s['workers']) for s in meta['sessions'])}.",
          f"- Model evaluations: **{evals}** (each runs all {n_sc} scenarios, i.e. {evals * n_sc} simulations), "
          f"plus {meta.get('mc_reps', 0)} for the Monte-Carlo sd and {draws} for the posterior predictive.",
          f"- Generations: {int(history.max_t + 1)}; particles per generation: {meta['particles']}; "
          f"final epsilon (sum of squared z): {_fmt(float(gens['epsilon'].iloc[-1]), 1)}.",
          "- Simulated population: "
          + (f"at most {meta['population']} citizens per scenario" if meta['population'] else "scenarios at full size")
          + (f", capped per scenario by the targets file ({', '.join(f'{k}: {v}' for k, v in meta['population_cap'].items())})"
             if meta.get("population_cap") else "")
          + "; where a scenario is made smaller, its staff, offices and companies are scaled by the same factor "
          f"({', '.join(f'{k}: {v}' for k, v in meta['scenario_sizes'].items())} citizens)"
          + (f"; each evaluation averages {meta['seeds']} runs of every scenario" if meta.get("seeds", 1) > 1 else "")
          + ".",
          f"- Proposal: {meta.get('transition', 'LocalTransition (k_fraction 0.25)')}; epsilon: pyabc's median "
          "of the previous generation's distances"
          + (f", stopping once it reaches {meta['min_epsilon']:g} (the number of targets: the summed squared z "
             "expected when the model is right)" if meta.get("min_epsilon") else "") + ".",
          f"- Seeds: {meta['seed_rule']} (run seed {meta['run_seed']}); posterior-predictive draws use "
          "`replication_seeds(run seed + 3, draws)`.",
          f"- Targets: `{meta['targets']}`; priors: `{meta['priors']}`."
          + (f" Scenario overrides from the targets file: {meta['scenario_overrides']}." if meta.get("scenario_overrides") else ""),
          "",
          "| generation | epsilon | evaluations | accepted | acceptance | effective sample size |",
          "|---|---|---|---|---|---|"]
    for g in gens.itertuples():
        L.append(f"| {g.t} | {g.epsilon:.1f} | {g.samples} | {g.particles} | {g.acceptance:.3f} | {g.ess:.1f} |")
    L += ["", "## Fit to the targets", "",
          f"Posterior predictive from {draws} weighted posterior draws, each simulated with a fresh seed at the "
          "simulated population size (so the interval includes the model's Monte-Carlo noise at that size). "
          f"**{inside} of {len(fit)}** reported values lie inside the 90 % interval. "
          "z = (median − reported) / sqrt(sd_reported² + sd_model² + sd_MC²); for a range the distance to the "
          "nearer bound. sd model is a stated model discrepancy (targets file, `model_sd`, with its reason in the "
          "target's note); blank where none is stated.", "",
          "![targets](targets.png)", "",
          f"|z| ≤ 2 (the median within two combined sd of the reported figure, so consistent with its own "
          f"sampling error): **{int(fit['consistent'].sum())} of {len(fit)}**.", "",
          "| target | statistic | scenario | reported | sd rep. | sd model | sd MC | median | 90 % interval | z | inside 90 % | \\|z\\| ≤ 2 |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in fit.itertuples():
        L.append(f"| {r.id} | `{r.statistic}` | {r.scenario} | {r.reported} | {_fmt(r.sd_reported)} | "
                 f"{_fmt(r.sd_model) if r.sd_model else ''} | {_fmt(r.sd_mc)} | "
                 f"{_fmt(r.median)} | {_fmt(r.q05)}–{_fmt(r.q95)} | {_fmt(r.z_median, 1)} | {'yes' if r.inside_90 else '**no**'} | "
                 f"{'yes' if r.consistent else '**no**'} |")
    bad = fit[~fit["inside_90"]]
    if len(bad):
        L += ["", "Outside the interval: " + "; ".join(
            f"{r.id} (reported {r.reported}, simulated {_fmt(r.median)})" for r in bad.itertuples()) + "."]
    L += ["", "## Parameters: prior vs posterior", "",
          "sd ratio = posterior sd / prior sd (uniform prior sd = width/√12). Below 0.5: the targets identify the "
          "parameter; 0.5–0.8: partly; above 0.8: the data leave it open.", "",
          "![parameters](parameters.png)", "",
          "| parameter | prior | default | posterior median | 90 % interval | sd ratio | verdict |",
          "|---|---|---|---|---|---|---|"]
    for r in par.itertuples():
        L.append(f"| `{r.parameter}` | U({r.prior_low:g}, {r.prior_high:g}) | {r.default:g} | {_fmt(r.post_median)} | "
                 f"{_fmt(r.post_q05)}–{_fmt(r.post_q95)} | {r.sd_ratio:.2f} | {r.verdict} |")
    ess = effective_sample_size(post["weight"])
    if ess < 10:
        L += ["", f"**Caution: the final population has an effective sample size of {ess:.1f} of {len(post)} "
              "particles** (importance weights concentrated on very few particles). The posterior sd, the sd ratios "
              "and the intervals above then describe a handful of particles, not what the targets identify; "
              "nothing is claimed about identification from this run."]
    else:
        ident = par[par["sd_ratio"] < 0.5]["parameter"].tolist()
        open_ = par[par["sd_ratio"] >= 0.8]["parameter"].tolist()
        L += ["", f"Identified: {', '.join(ident) or 'none'}. Left open by the data: {', '.join(open_) or 'none'}."]
    L += ["", "Priors and reasons:", ""]
    for p in priors:
        L.append(f"- `{p.name}` U({p.low:g}, {p.high:g}): {p.reason}")
    L += ["", "## Files", "",
          "- `posterior.parquet`: final generation, one column per parameter plus `weight` (normalised); "
          "`fremskudt run --posterior` draws from it.",
          "- `predictive.csv`: the posterior-predictive simulations; `fit.csv`, `parameters.csv`: the tables above.",
          "- `run.json`: the run's record (targets and priors with their hashes, population, seeds, Monte-Carlo sd, "
          "sessions with their wall time and evaluations).",
          f"- pyabc history: `calibration/runs/{meta['name']}.db` (run id {meta['run_id']}), not versioned.", ""]
    notes = out_dir / "notes.md"
    if notes.exists():
        L += ["## Notes", "", notes.read_text(encoding="utf-8").strip(), ""]
    (out_dir / "report.md").write_text("\n".join(L), encoding="utf-8")
