"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

Factors are behavioural parameters (range: their ``plausible`` range in
:class:`sim.parameters.Behaviour`, or ``name=low:high``) and numeric policy levers of
the organisation (range: :data:`LEVER_RANGES`, or ``organisation.x=low:high``).
Integer factors are rounded when applied.  Every sample row is simulated with the same
seeds (common random numbers: ``replication_seeds(seed, replications)``), so index
differences between factors are not blurred by seed noise; outcomes are averaged over
the replications.

Output (``out_dir``, written by the folder rule of :mod:`sim.experiment.outputs`: reserved
before the first simulation, replaced only with ``force`` and only if this program wrote
it): ``indices.csv`` and ``indices.md`` (one row per outcome and factor, ranked),
``samples.csv`` (the design and simulated outcomes), one ranked bar plot per outcome
``sensitivity_<outcome>.png`` and ``manifest.json``.
"""

from __future__ import annotations

import difflib
import math
import warnings
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from sim.experiment import outputs
from sim.experiment.outcomes import DEFINITIONS
from sim.experiment.pool import local_pool
from sim.experiment.runner import parameter_column
from sim.spec.parameters import Behaviour
from sim.model.rng import replication_seeds
from sim.errors import ScenarioError, UsageError
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


@dataclass(frozen=True)
class Factor:
    name: str          # behavioural parameter name, or 'organisation.x' lever path
    kind: str          # 'parameter' or 'lever'
    low: float
    high: float
    integer: bool = False


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


def parse_factors(scenario: Scenario, parameters: Sequence[str] = (), levers: Sequence[str] = ()) -> list[Factor]:
    """Factors from ``name`` or ``name=low:high`` specs; unknown names give a UsageError."""
    out: list[Factor] = []
    ints = {n for n, f in Behaviour.model_fields.items() if f.annotation is int}
    for spec in parameters:
        name, rng = _split_range(spec, "--parameters")
        if name not in Behaviour.model_fields:
            guess = difflib.get_close_matches(name, list(Behaviour.model_fields), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            raise _usage(f"--parameters: unknown behavioural parameter '{name}'{hint}; see `Behaviour().table()`")
        if rng is None:
            rng = tuple(Behaviour.model_fields[name].json_schema_extra["plausible"])
        bounds = parameter_column(name)
        if not bounds.low <= rng[0] < rng[1] <= bounds.high:
            raise _usage(f"--parameters '{spec}': the range must lie within the parameter's bounds "
                         f"[{bounds.low:g}, {bounds.high:g}] (docs/parameters.md)")
        out.append(Factor(name, "parameter", float(rng[0]), float(rng[1]), name in ints))
    for spec in levers:
        name, rng = _split_range(spec, "--levers")
        field, current = _lever_field(scenario, name) if name.startswith("organisation.") else (None, None)
        if field is None or name not in LEVER_RANGES and rng is None:
            raise _usage(f"--levers: '{name}' is not a numeric organisation lever; allowed: {', '.join(LEVER_RANGES)}"
                         " (or organisation.<field>=low:high)")
        if rng is None:
            spec_r = LEVER_RANGES[name]
            if spec_r[0] == "x":
                base = float(current or 0.0)
                if base <= 0:
                    raise _usage(f"--levers: '{name}' is 0 in this scenario; give a range as {name}=low:high")
                rng = (base * spec_r[1], base * spec_r[2])
            else:
                rng = spec_r
        ann = field.annotation
        integer = ann is int or (getattr(ann, "__args__", None) and int in ann.__args__ and float not in ann.__args__)
        out.append(Factor(name, "lever", float(rng[0]), float(rng[1]), bool(integer)))
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
                raise _usage(f"factor {f.name} = {v:g} gives an invalid scenario: {e}") from None
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
            node[parts[-1]] = v
    sc = scenario if data is None else validate_mapping(data, "<sensitivity>")
    return sc, params


def _evaluate(args) -> list[float]:
    from sim.experiment.simulate import simulate
    scenario, factors, row, outcomes, seeds = args
    try:
        sc, params = apply(scenario, factors, row)
    except ScenarioError:
        return [math.nan] * len(outcomes)
    acc = np.zeros(len(outcomes))
    for s in seeds:
        out = simulate(sc, seed=s, parameters=params or None, detail=False)
        acc += np.array([out[o] for o in outcomes], dtype=float)
    return list(acc / len(seeds))


def _problem(factors: Sequence[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def run_sensitivity(scenario: Scenario, *, outcomes: Sequence[str], factors: Sequence[Factor], method: str = "morris",
                    n: int | None = None, workers: int = 1, seed: int = 20140101, replications: int = 1,
                    out_dir: str | Path | None = None, num_levels: int = 4, force: bool = False,
                    command: str = "") -> pd.DataFrame:
    """Run the design and return one row per (outcome, factor) with the indices and the rank
    (and write the folder ``out_dir``, if given)."""
    for o in outcomes:
        if o not in DEFINITIONS:
            guess = difflib.get_close_matches(o, list(DEFINITIONS), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            raise _usage(f"--outcomes: unknown outcome '{o}'{hint}; allowed: {', '.join(DEFINITIONS)}")
    if method not in ("morris", "sobol"):
        raise _usage(f"--method: '{method}' is not allowed; use morris or sobol")
    folder = outputs.ResultFolder(out_dir, force) if out_dir is not None else None
    with folder or nullcontext():
        table, X, Y, n = _design(scenario, outcomes, factors, method, n, workers, seed, replications, num_levels)
        if folder is not None:
            write_outputs(folder.work, table, X, Y, factors, outcomes, scenario, method, n, replications)
            outputs.write_manifest(folder.work, {"kind": "sensitivity", "command": command, "scenario": scenario.name,
                                                 "resolved": scenario.resolved(), "method": method, "n": n,
                                                 "seed": seed, "replications": replications,
                                                 "git": outputs.git_state()})
            folder.commit()
    return table


def _design(scenario, outcomes, factors, method, n, workers, seed, replications, num_levels):
    """Sample the design, simulate it and analyse it: (table, design, outcomes, n)."""
    from SALib.analyze import morris as morris_a, sobol as sobol_a
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
    jobs = [(scenario, list(factors), list(row), list(outcomes), seeds) for row in X]
    if workers > 1:
        with local_pool(workers, "fork") as ex:
            Y = np.array(list(ex.map(_evaluate, jobs, chunksize=max(1, len(jobs) // (4 * workers)))))
    else:
        Y = np.array([_evaluate(j) for j in jobs])

    rows = []
    for j, o in enumerate(outcomes):
        y = Y[:, j].copy()
        bad = ~np.isfinite(y)
        if bad.all():
            raise _usage(f"outcome '{o}' is undefined (NaN) in this scenario, e.g. an outreach share in a central scenario")
        if bad.any():
            y[bad] = np.nanmean(y)
        if method == "morris":
            res = morris_a.analyze(problem, X, y, num_levels=num_levels, seed=rng_seed)
            for i, f in enumerate(factors):
                rows.append({"outcome": o, "factor": f.name, "kind": f.kind, "low": f.low, "high": f.high,
                             "mu_star": float(res["mu_star"][i]), "mu_star_conf": float(res["mu_star_conf"][i]),
                             "mu": float(res["mu"][i]), "sigma": float(res["sigma"][i]), "nan_runs": int(bad.sum())})
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sobol_a.analyze(problem, y, calc_second_order=False, seed=rng_seed)
            for i, f in enumerate(factors):
                rows.append({"outcome": o, "factor": f.name, "kind": f.kind, "low": f.low, "high": f.high,
                             "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                             "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i]), "nan_runs": int(bad.sum())})
    table = pd.DataFrame(rows)
    key = "mu_star" if method == "morris" else "ST"
    table["rank"] = table.groupby("outcome")[key].rank(ascending=False, method="first").astype(int)
    table = table.sort_values(["outcome", "rank"]).reset_index(drop=True)
    table.attrs.update(method=method, n=n, runs=len(X) * replications, key=key)
    return table, X, Y, n


def write_outputs(out_dir: Path, table: pd.DataFrame, X, Y, factors, outcomes, scenario: Scenario, method: str,
                  n: int, replications: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table.to_csv(out_dir / "indices.csv", index=False)
    samples = pd.DataFrame(X, columns=[f.name for f in factors])
    for j, o in enumerate(outcomes):
        samples[o] = Y[:, j]
    samples.to_csv(out_dir / "samples.csv", index=False)
    key = "mu_star" if method == "morris" else "ST"
    conf = f"{key}_conf"
    L = [f"# Sensitivity: {scenario.name} ({method})", "",
         f"{len(X)} design points × {replications} replication(s) = {len(X) * replications} simulations "
         f"({'Morris, ' + str(n) + ' trajectories' if method == 'morris' else 'Sobol/Saltelli, N = ' + str(n)}); "
         f"population {scenario.population.size}, horizon {scenario.horizon_weeks} weeks.",
         "Morris mu* is the mean absolute elementary effect (outcome units over the full factor range / levels);"
         " Sobol S1 is the first-order and ST the total-order share of variance.", ""]
    for o in outcomes:
        t = table[table["outcome"] == o]
        L += [f"## {o}", "", DEFINITIONS[o], ""]
        if method == "morris":
            L += ["| rank | factor | kind | range | mu* | ± conf | sigma |", "|---|---|---|---|---|---|---|"]
            for r in t.itertuples():
                L.append(f"| {r.rank} | `{r.factor}` | {r.kind} | {r.low:g}–{r.high:g} | {r.mu_star:.4f} | "
                         f"{r.mu_star_conf:.4f} | {r.sigma:.4f} |")
        else:
            L += ["| rank | factor | kind | range | ST | ± conf | S1 | ± conf |", "|---|---|---|---|---|---|---|---|"]
            for r in t.itertuples():
                L.append(f"| {r.rank} | `{r.factor}` | {r.kind} | {r.low:g}–{r.high:g} | {r.ST:.3f} | {r.ST_conf:.3f} | "
                         f"{r.S1:.3f} | {r.S1_conf:.3f} |")
        L += ["", f"![{o}](sensitivity_{o}.png)", ""]
        t = t.sort_values(key)
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(t) + 1.3))
        colours = ["tab:orange" if k == "lever" else "tab:blue" for k in t["kind"]]
        ax.barh(t["factor"], t[key], xerr=t[conf], color=colours, alpha=0.85)
        if method == "sobol":
            ax.scatter(t["S1"], t["factor"], color="black", marker="|", s=120, label="S1", zorder=3)
            ax.legend(fontsize=7)
        ax.set_xlabel(f"{key} ({'orange: policy lever, blue: behavioural parameter'})", fontsize=8)
        ax.set_title(f"{o} — {scenario.name}", fontsize=9)
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(out_dir / f"sensitivity_{o}.png", dpi=110)
        plt.close(fig)
    (out_dir / "indices.md").write_text("\n".join(L), encoding="utf-8")
