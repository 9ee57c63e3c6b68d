"""Global sensitivity analysis with SALib: Morris screening and Sobol indices, of outcomes
or of the differences between scenarios.

**Factors** are behavioural parameters (range: their ``plausible`` range in
:class:`sim.spec.parameters.Behaviour`, the 90 % interval of a fitted posterior
(:func:`posterior_ranges`), or ``name=low:high``) and numeric policy levers of the
organisation (range: :data:`LEVER_RANGES`, or ``organisation.x=low:high``).  Integer
factors are rounded when applied; staff (:data:`STAFF_LEVERS`) are whole people of the
full-size scenario.  Factors are applied to the full-size scenario, which is then scaled to
the population simulated (:func:`sim.spec.scale.scale_to`: whole people, their capacity per
citizen kept), so a lever's range is what a programme would staff.

**Responses.**  Without a reference, a response is an outcome of the scenario.  With a
reference (:func:`run_sensitivity` ``reference=``), a response is the *difference* of an
outcome between a scenario and the reference: at every design point both run with the same
seeds and parameters, and the response is the mean of the paired differences.  What is
ranked is then what decides the size of an effect, not the level of an outcome.

**Seeds.**  Every design point runs with the same replication seeds (common random
numbers: ``replication_seeds(seed, replications)``), so index differences between factors
are not blurred by seed noise; responses are averaged over the replications.  Common seeds
remove most but not all of the seed noise (a changed parameter changes which random numbers
are used for what), so with two or more replications the noise left is estimated from the
replications themselves and reported beside every index:

* ``seed_sd``: the standard deviation of the index when the replications are resampled with
  replacement (:data:`BOOTSTRAP` resamples, the same resample at every design point);
* ``seed_floor`` (Morris): the mu* that seed noise alone would give a factor, from
  :data:`SIGN_FLIPS` noise-only responses: each replication's deviation from the
  replications' mean, multiplied by a random sign per replication (the same at every design
  point, as the seeds are), averaged.  A factor whose mu* is not above the floor cannot be
  told from seed noise.  A dummy factor cannot measure this: under common random numbers a
  factor that does nothing gives exactly the same runs at every level, so its mu* is zero.

Output (``out_dir``, written by the folder rule of :mod:`sim.experiment.outputs`: reserved
before the first simulation, replaced only with ``force`` and only if this program wrote
it): ``indices.csv`` and ``indices.md`` (one row per response and factor, ranked),
``samples.csv`` (the design and the simulated responses), one ranked bar plot per response
``sensitivity_<response>.png`` and ``manifest.json``.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from sim.errors import ScenarioError, UsageError
from sim.experiment import outputs
from sim.experiment.outcomes import DEFINITIONS
from sim.experiment.runner import parameter_column
from sim.model.rng import replication_seeds
from sim.spec.parameters import Behaviour
from sim.spec.scale import scale_to
from sim.spec.scenario import Scenario, validate_mapping

#: Numeric organisation levers and the range screened by default.  A pair is absolute;
#: ("x", a, b) is a multiple of the scenario's own value.
LEVER_RANGES: dict[str, tuple] = {
    "organisation.caseworkers": ("x", 0.5, 2.0),
    "organisation.caseworker_hours_per_week": (30.0, 45.0),
    "organisation.caseload_cap": (40, 200),
    "organisation.days_in_estate": (0.5, 5.0),
    "organisation.outreach_offices": (1, 8),
    "organisation.open_advice_days": (1, 5),
    "organisation.open_advice_hours": (1.0, 6.0),
    "organisation.meeting_interval_weeks": (2, 26),
    "organisation.meeting_minutes": (10.0, 60.0),
    "organisation.min_meeting_minutes": (3.0, 10.0),
    "organisation.mentors": (0, 8),
    "organisation.mentor_caseload": (10, 40),
    "organisation.company_consultants": (0, 6),
    "organisation.consultant_hours_per_week": (10.0, 45.0),
    "organisation.group_size": (5, 20),
    "organisation.sanctions.k": (1, 5),
    "organisation.housing.placements": (0, 30),
    "organisation.housing.hours_willingness": (0.0, 0.5),
}
#: Levers that count people: screened in whole people of the full-size scenario (the model
#: staffs whole people; ``caseworkers`` is a number of full-time posts, run as whole people).
STAFF_LEVERS = ("organisation.caseworkers", "organisation.mentors", "organisation.company_consultants")
#: Resamples of the replications for ``seed_sd``, and random sign patterns for ``seed_floor``.
BOOTSTRAP = 200
SIGN_FLIPS = 64
#: What the ranges of the factors are, by name (``ranges`` of :func:`parse_factors`).
RANGES = ("plausible", "posterior")


@dataclass(frozen=True)
class Factor:
    name: str          # behavioural parameter name, or 'organisation.x' lever path
    kind: str          # 'parameter' or 'lever'
    low: float
    high: float
    integer: bool = False
    source: str = ""   # where the range comes from

    def shown(self, v: float) -> str:
        return f"{int(round(v))}" if self.integer else f"{v:.4g}"

    @property
    def range_text(self) -> str:
        people = " people" if self.name in STAFF_LEVERS else ""
        return f"{self.shown(self.low)}–{self.shown(self.high)}{people}"


@dataclass(frozen=True)
class Response:
    """What is analysed: an outcome of ``scenario``, or (with ``reference``) its difference
    from the reference's, paired by seed."""

    scenario: str
    outcome: str
    reference: str | None = None

    @property
    def key(self) -> str:
        return self.outcome if self.reference is None else f"{self.scenario}-minus-{self.reference}-{self.outcome}"

    @property
    def title(self) -> str:
        if self.reference is None:
            return f"{self.outcome} — {self.scenario}"
        return f"{self.outcome}: {self.scenario} minus {self.reference}"


def _usage(msg: str) -> Exception:
    return UsageError(msg)


def _split_range(spec: str, what: str) -> tuple[str, tuple[float, float] | None]:
    if "=" not in spec:
        return spec.strip(), None
    name, rng = spec.split("=", 1)
    try:
        lo, hi = (float(x) for x in rng.split(":"))
    except ValueError:
        raise _usage(f"{what} '{spec}': a range must be written name=low:high, e.g. {name.strip()}=0.1:0.3") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise _usage(f"{what} '{spec}': low and high must be finite numbers")
    if not lo < hi:
        raise _usage(f"{what} '{spec}': low must be below high")
    return name.strip(), (lo, hi)


def _lever_field(scenario: Scenario, path: str):
    parts = path.split(".")
    obj = scenario
    for p in parts[:-1]:
        obj = getattr(obj, p, None)
        if obj is None:
            return None, None
    model = type(obj)
    if parts[-1] not in getattr(model, "model_fields", {}):
        return None, None
    return model.model_fields[parts[-1]], getattr(obj, parts[-1])


def posterior_ranges(fit_dir: str | Path) -> pd.DataFrame:
    """The fitted parameters of a calibration folder (its ``parameters.csv``): the 90 %
    posterior interval of each (``post_q05``, ``post_q95``), its posterior sd against its
    prior sd (``sd_ratio``) and the verdict, indexed by parameter."""
    path = Path(fit_dir) / "parameters.csv"
    if not path.is_file():
        raise _usage(f"--fit {fit_dir}: no parameters.csv there; give a fitted calibration folder "
                     "(e.g. calibration/fitted/default)")
    from sim.analysis.calibration.stored import read_parameters
    table = read_parameters(path)               # InputError (one line) for a file fremskudt did not write
    need = ["parameter", "post_q05", "post_q95", "sd_ratio", "verdict"]
    if any(c not in table.columns for c in need):
        raise _usage(f"{path}: expected the columns {', '.join(need)}")
    return table.set_index("parameter")


def _staff_range(current: float, spec: tuple) -> tuple[float, float]:
    lo, hi = current * spec[1], current * spec[2]
    return float(max(1, round(lo))), float(max(1, round(hi)))


def parse_factors(scenario: Scenario, parameters: Sequence[str] = (), levers: Sequence[str] = (), *,
                  ranges: str = "plausible", fit: pd.DataFrame | None = None) -> list[Factor]:
    """Factors from ``name`` or ``name=low:high`` specs; unknown names give a UsageError.

    A parameter without a range gets its plausible range, or with ``ranges="posterior"``
    the 90 % interval of the fit ``fit`` (:func:`posterior_ranges`)."""
    if ranges not in RANGES:
        raise _usage(f"--ranges: '{ranges}' is not allowed; use {' or '.join(RANGES)}")
    out: list[Factor] = []
    ints = {n for n, f in Behaviour.model_fields.items() if f.annotation is int}
    for spec in parameters:
        name, rng = _split_range(spec, "--parameters")
        if name not in Behaviour.model_fields:
            guess = difflib.get_close_matches(name, list(Behaviour.model_fields), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            raise _usage(f"--parameters: unknown behavioural parameter '{name}'{hint}; see `Behaviour().table()`")
        source = "given"
        if rng is None and ranges == "posterior":
            if fit is None or name not in fit.index:
                raise _usage(f"--parameters: '{name}' was not fitted, so it has no posterior range; give its range "
                             f"as {name}=low:high or use --ranges plausible")
            rng, source = (float(fit.loc[name, "post_q05"]), float(fit.loc[name, "post_q95"])), "90 % posterior interval"
        elif rng is None:
            rng, source = tuple(Behaviour.model_fields[name].json_schema_extra["plausible"]), "plausible range"
        bounds = parameter_column(name)
        if not bounds.low <= rng[0] < rng[1] <= bounds.high:
            raise _usage(f"--parameters '{spec}': the range must lie within the parameter's bounds "
                         f"[{bounds.low:g}, {bounds.high:g}] (docs/parameters.md)")
        integer = name in ints
        if integer and round(rng[0]) >= round(rng[1]):
            raise _usage(f"--parameters: '{name}' is a whole number and its range {rng[0]:g}–{rng[1]:g} holds one value")
        out.append(Factor(name, "parameter", float(rng[0]), float(rng[1]), integer, source))
    for spec in levers:
        name, rng = _split_range(spec, "--levers")
        field, current = _lever_field(scenario, name) if name.startswith("organisation.") else (None, None)
        if field is None or name not in LEVER_RANGES and rng is None:
            raise _usage(f"--levers: '{name}' is not a numeric organisation lever; allowed: {', '.join(LEVER_RANGES)}"
                         " (or organisation.<field>=low:high)")
        source = "given"
        if rng is None:
            spec_r = LEVER_RANGES[name]
            if spec_r[0] == "x":
                base = float(current or 0.0)
                if base <= 0:
                    raise _usage(f"--levers: '{name}' is 0 in this scenario; give a range as {name}=low:high")
                rng = _staff_range(base, spec_r) if name in STAFF_LEVERS else (base * spec_r[1], base * spec_r[2])
                source = f"×{spec_r[1]:g} to ×{spec_r[2]:g} of the scenario's {base:g}"
            else:
                rng, source = spec_r, "default lever range"
        ann = field.annotation
        integer = name in STAFF_LEVERS or ann is int or bool(
            getattr(ann, "__args__", None) and int in ann.__args__ and float not in ann.__args__)
        out.append(Factor(name, "lever", float(rng[0]), float(rng[1]), bool(integer), source))
    if not out:
        raise _usage("choose at least one factor with --parameters or --levers")
    names = [f.name for f in out]
    if len(set(names)) != len(names):
        raise _usage("each factor may be given only once")
    # every factor must give a valid scenario at both ends of its range
    for f in out:
        for v in (f.low, f.high):
            try:
                apply(scenario, [f], [v])
            except (ScenarioError, ValueError) as e:
                raise _usage(f"factor {f.name} = {f.shown(v)} gives an invalid scenario: {e}") from None
    return out


def apply(scenario: Scenario, factors: Sequence[Factor], values: Sequence[float]) -> tuple[Scenario, dict]:
    """The scenario with lever values set, and the behavioural-parameter overrides."""
    params: dict[str, float] = {}
    data = None
    for f, v in zip(factors, values):
        v = int(round(v)) if f.integer else float(v)
        if f.kind == "parameter":
            params[f.name] = v
        else:
            if data is None:
                data = scenario.model_dump()
            node = data
            parts = f.name.split(".")
            for p in parts[:-1]:
                node = node[p]
            node[parts[-1]] = float(v) if f.name == "organisation.caseworkers" else v
    sc = scenario if data is None else validate_mapping(data, "<sensitivity>")
    return sc, params


def _evaluate(args) -> np.ndarray:
    """One design point: per replication seed (rows), every response (columns)."""
    from sim.experiment.simulate import simulate
    scenarios, reference, factors, row, outcomes, seeds, population = args
    try:
        runs = {}
        for sc in ([reference] if reference is not None else []) + list(scenarios):
            full, params = apply(sc, factors, row)
            runs[sc.name] = (scale_to(full, population), params)
    except (ScenarioError, ValueError):
        return np.full((len(seeds), len(scenarios) * len(outcomes)), math.nan)
    out = np.empty((len(seeds), len(scenarios) * len(outcomes)))
    for i, s in enumerate(seeds):
        values = {name: simulate(sc, seed=s, parameters=params or None, detail=False) for name, (sc, params) in runs.items()}
        base = values[reference.name] if reference is not None else None
        for j, sc in enumerate(scenarios):
            for k, o in enumerate(outcomes):
                v = float(values[sc.name][o])
                out[i, j * len(outcomes) + k] = v - float(base[o]) if base is not None else v
    return out


def _problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def _check_outcomes(outcomes: Sequence[str]) -> None:
    for o in outcomes:
        if o not in DEFINITIONS:
            guess = difflib.get_close_matches(o, list(DEFINITIONS), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            raise _usage(f"--outcomes: unknown outcome '{o}'{hint}; allowed: {', '.join(DEFINITIONS)}")


def run_sensitivity(scenario: Scenario | Sequence[Scenario], *, outcomes: Sequence[str], factors: Sequence[Factor],
                    method: str = "morris", n: int | None = None, workers: int = 1, seed: int = 20140101,
                    replications: int = 1, out_dir: str | Path | None = None, num_levels: int = 4,
                    force: bool = False, command: str = "", population: int | None = None,
                    reference: Scenario | None = None, scheduler: str | None = None,
                    fit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run the design and return one row per (response, factor) with the indices, the seed
    noise and the rank (and write the folder ``out_dir``, if given).

    ``scenario`` is one full-size scenario, or with ``reference`` one or more whose
    differences from the reference are analysed; ``population`` caps the citizens simulated.
    ``fit`` (:func:`posterior_ranges`) adds each parameter's sd ratio and verdict."""
    scenarios = [scenario] if isinstance(scenario, Scenario) else list(scenario)
    _check_outcomes(outcomes)
    if method not in ("morris", "sobol"):
        raise _usage(f"--method: '{method}' is not allowed; use morris or sobol")
    if not scenarios:
        raise _usage("give at least one scenario")
    if reference is None and len(scenarios) > 1:
        raise _usage("several scenarios need --reference: their differences from it are analysed")
    if reference is not None and any(f.kind == "lever" for f in factors):
        raise _usage("--levers cannot be combined with --reference: a lever set alike in both scenarios would erase "
                     "the difference it is part of; screen levers on one scenario")
    names = [s.name for s in scenarios] + ([reference.name] if reference is not None else [])
    if len(set(names)) != len(names):
        raise _usage("each scenario, and the reference, must have its own name")
    responses = [Response(sc.name, o, reference.name if reference is not None else None)
                 for sc in scenarios for o in outcomes]
    folder = outputs.ResultFolder(out_dir, force) if out_dir is not None else None
    with folder or nullcontext():
        table, X, Y, n = _design(scenarios, reference, responses, outcomes, factors, method, n, workers, seed,
                                 replications, num_levels, population, scheduler)
        if fit is not None:
            table = identification(table, fit)
        if folder is not None:
            write_outputs(folder.work, table, X, Y, factors, responses, scenarios, reference, method, n,
                          replications, population)
            outputs.write_manifest(folder.work, {
                "kind": "sensitivity", "command": command, "scenarios": [s.name for s in scenarios],
                "reference": reference.name if reference is not None else None,
                "resolved": {s.name: s.resolved() for s in scenarios + ([reference] if reference else [])},
                "method": method, "n": n, "seed": seed, "seeds": replication_seeds(seed, replications),
                "replications": replications, "population": population,
                "factors": [{"name": f.name, "low": f.low, "high": f.high, "source": f.source} for f in factors],
                "git": outputs.git_state()})
            folder.commit()
    return table


def identification(table: pd.DataFrame, fit: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each fitted parameter's posterior sd / prior sd and verdict (blank for
    levers and parameters the fit left out)."""
    out = table.copy()
    out["sd_ratio"] = out["factor"].map(fit["sd_ratio"]).astype(float)
    out["verdict"] = out["factor"].map(fit["verdict"]).fillna("")
    return out


def _map(jobs: list, workers: int, scheduler: str | None) -> list:
    from sim.experiment.runner import parallel_map
    return parallel_map(_evaluate, jobs, workers=workers, scheduler=scheduler)


def _design(scenarios, reference, responses, outcomes, factors, method, n, workers, seed, replications, num_levels,
            population, scheduler):
    """Sample the design, simulate it and analyse it: (table, design, per-seed responses, n)."""
    from SALib.sample import morris as morris_s, sobol as sobol_s

    problem = _problem(factors)
    rng_seed = seed % (2**32)
    if method == "morris":
        n = n or 10
        X = morris_s.sample(problem, n, num_levels=num_levels, seed=rng_seed)
    else:
        n = n or 64
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            X = sobol_s.sample(problem, n, calc_second_order=False, seed=rng_seed)
    seeds = replication_seeds(seed, replications)
    jobs = [(list(scenarios), reference, list(factors), list(row), list(outcomes), seeds, population) for row in X]
    Y = np.stack(_map(jobs, workers, scheduler))          # (points, replications, responses)

    rows = []
    rng = np.random.default_rng(np.random.SeedSequence([rng_seed, 7]))
    for j, resp in enumerate(responses):
        y = Y[:, :, j].copy()
        bad = ~np.isfinite(y).all(axis=1)
        if bad.all():
            raise _usage(f"outcome '{resp.outcome}' is undefined (NaN) in {resp.scenario}, e.g. an outreach share in a "
                         "central scenario")
        if bad.any():
            y[bad] = np.nanmean(y[~bad], axis=0)
        index = _indices(problem, X, method, num_levels, rng_seed)
        res = index(y.mean(axis=1))
        noise = _seed_noise(index, y, method, rng)
        for i, f in enumerate(factors):
            row = {"scenario": resp.scenario, "reference": resp.reference, "outcome": resp.outcome,
                   "response": resp.key, "factor": f.name, "kind": f.kind, "low": f.low, "high": f.high,
                   "range": f.range_text, "range_source": f.source, "integer": f.integer,
                   "response_mean": float(y.mean()), "response_low": float(np.quantile(y.mean(axis=1), 0.05)),
                   "response_high": float(np.quantile(y.mean(axis=1), 0.95))}
            row.update({k: float(v[i]) for k, v in res.items()})
            row.update({k: float(v[i]) for k, v in noise.items()})
            row["nan_runs"] = int(bad.sum())
            rows.append(row)
    table = pd.DataFrame(rows)
    key = "mu_star" if method == "morris" else "ST"
    table["rank"] = table.groupby("response", sort=False)[key].rank(ascending=False, method="first").astype(int)
    order = {r.key: i for i, r in enumerate(responses)}       # the responses in the order asked for
    table = table.sort_values(["response", "rank"], key=lambda c: c.map(order) if c.name == "response" else c,
                              kind="stable").reset_index(drop=True)
    table.attrs.update(method=method, n=n, runs=len(X) * replications * (len(scenarios) + (reference is not None)),
                       key=key, points=len(X), replications=replications)
    return table, X, Y, n


def _indices(problem: dict, X: np.ndarray, method: str, num_levels: int, rng_seed: int):
    """The function from one response vector (one value per design point) to its indices."""
    from SALib.analyze import morris as morris_a, sobol as sobol_a

    def morris(y: np.ndarray) -> dict[str, np.ndarray]:
        r = morris_a.analyze(problem, X, y, num_levels=num_levels, seed=rng_seed)
        return {"mu_star": np.asarray(r["mu_star"]), "mu_star_conf": np.asarray(r["mu_star_conf"]),
                "mu": np.asarray(r["mu"]), "sigma": np.asarray(r["sigma"])}

    def sobol(y: np.ndarray) -> dict[str, np.ndarray]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = sobol_a.analyze(problem, y, calc_second_order=False, seed=rng_seed)
        return {"S1": np.asarray(r["S1"]), "S1_conf": np.asarray(r["S1_conf"]), "ST": np.asarray(r["ST"]),
                "ST_conf": np.asarray(r["ST_conf"])}
    return morris if method == "morris" else sobol


def _seed_noise(index, y: np.ndarray, method: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Seed noise of the index from the replications (module docstring); NaN with one."""
    key = "mu_star" if method == "morris" else "ST"
    k = len(index(y.mean(axis=1))[key])
    reps = y.shape[1]
    if reps < 2:
        nan = np.full(k, math.nan)
        return {"seed_sd": nan, **({"seed_floor": nan} if method == "morris" else {})}
    draws = [index(y[:, rng.integers(0, reps, reps)].mean(axis=1))[key] for _ in range(BOOTSTRAP)]
    out = {"seed_sd": np.std(draws, axis=0, ddof=1)}
    if method == "morris":
        dev = y - y.mean(axis=1, keepdims=True)
        # (R-1)/R: the deviations from the replications' own mean are that much smaller than the noise
        scale = math.sqrt(reps / (reps - 1))
        floors = [index(scale * (dev * rng.choice((-1.0, 1.0), reps)).mean(axis=1))["mu_star"] for _ in range(SIGN_FLIPS)]
        out["seed_floor"] = np.mean(floors, axis=0)
    return out


def _file_key(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)


def write_outputs(out_dir: Path, table: pd.DataFrame, X, Y, factors, responses, scenarios, reference, method: str,
                  n: int, replications: int, population: int | None) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table.to_csv(out_dir / "indices.csv", index=False)
    samples = pd.DataFrame(X, columns=[f.name for f in factors])
    for j, r in enumerate(responses):
        samples[r.key] = Y[:, :, j].mean(axis=1)
    samples.to_csv(out_dir / "samples.csv", index=False)
    key = "mu_star" if method == "morris" else "ST"
    conf = f"{key}_conf"
    sizes = ", ".join(f"{s.name} {scale_to(s, population).population.size:,}"
                      for s in list(scenarios) + ([reference] if reference is not None else []))
    L = [f"# Sensitivity ({method}): " + ", ".join(s.name for s in scenarios)
         + (f" against {reference.name}" if reference is not None else ""), "",
         f"{len(X)} design points × {replications} replication(s) × "
         f"{len(scenarios) + (reference is not None)} scenario(s) = {table.attrs['runs']} simulations "
         f"({'Morris, ' + str(n) + ' trajectories' if method == 'morris' else 'Sobol/Saltelli, N = ' + str(n)}); "
         f"citizens simulated: {sizes}; horizon {scenarios[0].horizon_weeks} weeks. Every design point runs with the "
         "same seeds (common random numbers).",
         "Morris mu* is the mean absolute elementary effect: about how much the response moves when the factor "
         "moves across its range (outcome units; shares as fractions); ± is SALib's 95 % bootstrap over the "
         "trajectories. Sobol S1 is the first-order and ST the total-order share of the response's variance.",
         _noise_sentence(method, replications),
         "Staff levers are whole people of the full-size scenario; the simulated population is scaled with their "
         "capacity per citizen kept (sim/spec/scale.py).", ""]
    for r in responses:
        t = table[table["response"] == r.key]
        definition = DEFINITIONS[r.outcome]
        L += [f"## {r.title}", "", definition if r.reference is None else f"Difference of: {definition}", ""]
        ident = "sd_ratio" in t.columns
        extra = " sd ratio | verdict |" if ident else ""
        rule = "---|---|" if ident else ""
        if method == "morris":
            L += ["| rank | factor | kind | range | mu* | ± | seed floor | seed sd | sigma |" + extra,
                  "|---|---|---|---|---|---|---|---|---|" + rule]
            for x in t.itertuples():
                L.append(f"| {x.rank} | `{x.factor}` | {x.kind} | {x.range} | {x.mu_star:.4f} | {x.mu_star_conf:.4f} | "
                         f"{_f(x.seed_floor)} | {_f(x.seed_sd)} | {x.sigma:.4f} |" + _ident_cells(x, ident))
        else:
            L += ["| rank | factor | kind | range | ST | ± | seed sd | S1 | ± |" + extra,
                  "|---|---|---|---|---|---|---|---|---|" + rule]
            for x in t.itertuples():
                L.append(f"| {x.rank} | `{x.factor}` | {x.kind} | {x.range} | {x.ST:.3f} | {x.ST_conf:.3f} | "
                         f"{_f(x.seed_sd, 3)} | {x.S1:.3f} | {x.S1_conf:.3f} |" + _ident_cells(x, ident))
        picture = f"sensitivity_{_file_key(r.key)}.png"
        L += ["", f"![{r.key}]({picture})", ""]
        t = t.sort_values(key)
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(t) + 1.3))
        colours = ["tab:orange" if k == "lever" else "tab:blue" for k in t["kind"]]
        ax.barh(t["factor"], t[key], xerr=t[conf], color=colours, alpha=0.85)
        if method == "morris" and t["seed_floor"].notna().any():
            ax.scatter(t["seed_floor"], t["factor"], color="black", marker="|", s=120, label="seed floor", zorder=3)
            ax.legend(fontsize=7)
        if method == "sobol":
            ax.scatter(t["S1"], t["factor"], color="black", marker="|", s=120, label="S1", zorder=3)
            ax.legend(fontsize=7)
        ax.set_xlabel(f"{key} ({'orange: policy lever, blue: behavioural parameter'})", fontsize=8)
        ax.set_title(r.title, fontsize=9)
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(out_dir / picture, dpi=110)
        plt.close(fig)
    (out_dir / "indices.md").write_text("\n".join(L), encoding="utf-8")


def _f(v: float, nd: int = 4) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.{nd}f}"


def _ident_cells(x, ident: bool) -> str:
    if not ident:
        return ""
    return f" {_f(x.sd_ratio, 2)} | {x.verdict or '–'} |"


def _noise_sentence(method: str, replications: int) -> str:
    if replications < 2:
        return ("Seed noise: not estimated (one replication per design point; give --replications 2 or more to "
                "estimate it).")
    floor = (" The seed floor is the mu* that seed noise alone would give a factor (replications' deviations with "
             f"random signs, {SIGN_FLIPS} patterns): a factor not above it cannot be told from noise."
             if method == "morris" else "")
    return (f"Seed noise, from the {replications} replications: seed sd is the sd of the index when the replications "
            f"are resampled ({BOOTSTRAP} bootstrap resamples, the same at every design point).{floor}")
