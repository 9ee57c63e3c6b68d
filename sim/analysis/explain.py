"""Why two designs differ: the difference between a scenario and its reference decomposed by
channel, with counterfactual runs (``fremskudt explain A B``, and ``compare --explain``).

**Channels** (:data:`CHANNELS`, documented in docs/ODD.md, section 2) are the parts of a
design: each names the scenario settings it consists of (key paths; a path covers everything
below it).  Every setting a design can change belongs to exactly one channel (a test checks
it), so a new lever needs a one-line entry here.  A channel is *switched back* by copying the
reference's values of its settings into the scenario.  Where a channel cannot act without
another (open advice is held in an outreach office), it ``needs`` that channel: switching the
other back switches it back too, and keeping it on keeps the other on.

**Counterfactual runs.**  Of the channels in which A and B differ, each channel ``c`` gets two
runs beside A and B themselves:

* *B without c*: B with ``c`` (and what needs it) switched back to A; the channel's
  **contribution** is ``B - (B without c)``, what the design loses without it;
* *A with only c*: A with ``c`` (and what it needs) switched to B; its **effect alone** is
  ``(A with only c) - A``.

All runs share the replication seeds and, with a posterior, the parameter row each seed
draws (common random numbers), so every effect is a paired difference per replication, with
its mean and 90 % interval by the rules of :mod:`sim.experiment.statistics`.  The
**interaction** is the difference not carried by the contributions: ``(B - A) - sum of the
contributions``, per replication, summed over the channels that need no other channel the
designs differ in (a channel that needs another is switched back with it, so its contribution
is already part of that one's).  Channels act together (more caseworker time makes open
advice reach more citizens, for instance), so neither the contributions nor the effects alone
need sum to the whole difference, and the report says so.  A channel's **share** is the ratio
of its mean contribution to the mean difference, given where the difference is detectable,
with a 90 % interval from a bootstrap over the replications (a single replication's share is
not defined where its own difference is near zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from sim.errors import ScenarioError, UsageError
from sim.experiment.statistics import DEFINITIONS, LOW, HIGH, paired, unit
from sim.spec.scenario import Scenario, validate_mapping


@dataclass(frozen=True)
class Channel:
    key: str                        #: short name, used in file names and tables
    label: str                      #: plain words
    fields: tuple[str, ...]         #: scenario settings (key paths; a path covers everything below it)
    needs: tuple[str, ...] = ()     #: channels it cannot act without


#: The channels of a design.  One line per channel; a new lever is added to one of them, or
#: as a new line.  Keys name what the channel is; ``needs`` keeps a counterfactual valid.
CHANNELS: tuple[Channel, ...] = (
    Channel("caseload", "Case load: caseworkers and their weekly hours, case-load cap, the staff of separate offices",
            ("organisation.caseworkers", "organisation.caseworker_hours_per_week", "organisation.caseload_cap",
             "organisation.offices")),
    Channel("offices", "Location: outreach offices, days in the estate, who is summoned locally",
            ("organisation.location", "organisation.days_in_estate", "organisation.outreach_offices",
             "organisation.summon_vulnerable_locally")),
    Channel("open_advice", "Open advice in the outreach offices",
            ("organisation.open_advice_days", "organisation.open_advice_hours"), needs=("offices",)),
    Channel("meetings", "Meetings: interval, length, an intensive start",
            ("organisation.meeting_interval_weeks", "organisation.meeting_minutes", "organisation.min_meeting_minutes",
             "organisation.intensive")),
    Channel("courses", "Courses ordered and the team structure", ("organisation.courses", "organisation.team_structure")),
    Channel("mentors", "Mentors and group courses",
            ("organisation.mentors", "organisation.mentor_caseload", "organisation.mentor_hours_per_week",
             "organisation.group_courses", "organisation.group_size")),
    Channel("consultants", "Company consultants, their stance and what they offer companies",
            ("organisation.company_consultants", "organisation.consultant_hours_per_week",
             "organisation.consultant_stance", "organisation.drop_refusing_companies", "organisation.include_job_ready",
             "organisation.payment_counts_internships")),
    Channel("sanctions", "Sanctions", ("organisation.sanctions",)),
    Channel("trin", "The trin model (trin 1-3) and retention support",
            ("organisation.trin_model", "organisation.retention_support")),
    Channel("housing", "The housing organisation: placements, debt counselling", ("organisation.housing",)),
    Channel("companies", "The companies in the consultants' networks", ("companies",)),
    Channel("population", "The target group", ("population",)),
    Channel("behaviour", "Behavioural parameters the scenario sets", ("behaviour",)),
    Channel("prices", "Prices of the public budget", ("prices",)),
)
#: Settings that are not part of a design: they name, describe or repeat a run.
NOT_DESIGN = ("name", "description", "seed", "replications", "reported")
#: Settings two explained scenarios must share: outcomes are defined over them.
SAME = ("horizon_weeks",)
#: Outcomes shown in the report's decomposition (the CSV has every outcome).
SHOWN = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
         "share_ordinary_hours", "noshow_share", "net_cost")
BOOTSTRAP = 1000


def channel(key: str) -> Channel:
    return next(c for c in CHANNELS if c.key == key)


def _get(d: dict, path: str) -> Any:
    for p in path.split("."):
        d = d[p]
    return d


def _set(d: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        d = d[p]
    d[parts[-1]] = value


def leaves(d: dict, prefix: str = "") -> dict[str, Any]:
    """Every setting of a resolved scenario by key path (a mapping's entries, or a value)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(leaves(v, path + "."))
        else:
            out[path] = v
    return out


def owner(path: str) -> Channel | None:
    """The channel a setting belongs to (None for the settings that are not a design)."""
    top = path.split(".")[0]
    if top in NOT_DESIGN or top in SAME:
        return None
    found = [c for c in CHANNELS if any(path == f or path.startswith(f + ".") for f in c.fields)]
    if len(found) != 1:
        raise ValueError(f"setting {path!r} belongs to {len(found)} channels of sim.analysis.explain.CHANNELS; "
                         "give it exactly one")
    return found[0]


def differing(a: Scenario, b: Scenario) -> list[Channel]:
    """The channels in which ``b`` differs from ``a``, in the order of :data:`CHANNELS`."""
    la, lb = leaves(a.resolved()), leaves(b.resolved())
    keys = {owner(p).key for p in set(la) | set(lb) if owner(p) is not None and la.get(p, None) != lb.get(p, None)}
    return [c for c in CHANNELS if c.key in keys]


def _closure(keys: Iterable[str], follow) -> set[str]:
    out, todo = set(), list(keys)
    while todo:
        k = todo.pop()
        if k not in out:
            out.add(k)
            todo.extend(follow(k))
    return out


def switched_off(key: str) -> set[str]:
    """``key`` and every channel that needs it (switched back together)."""
    return _closure([key], lambda k: [c.key for c in CHANNELS if k in c.needs])


def switched_on(key: str) -> set[str]:
    """``key`` and every channel it needs (kept on together)."""
    return _closure([key], lambda k: channel(k).needs)


def switch(target: Scenario, source: Scenario, keys: Iterable[str], name: str) -> Scenario:
    """``target`` with the settings of the channels ``keys`` taken from ``source``."""
    data, src = target.resolved(), source.resolved()
    for k in keys:
        for f in channel(k).fields:
            _set(data, f, _get(src, f))
    data["name"] = name
    data["reported"] = {}
    return validate_mapping(data, f"<{name}>")


@dataclass
class Counterfactual:
    scenario: Scenario | None       #: None when the switched design is impossible
    channel: str
    kind: str                       #: 'without' (B with the channel switched back) or 'alone' (A with only it)
    switched: tuple[str, ...]       #: every channel switched (with what needs it, or what it needs)
    problem: str = ""               #: why the design is impossible


@dataclass
class Plan:
    """The counterfactual runs that explain ``design`` against ``reference``."""

    reference: Scenario
    design: Scenario
    channels: list[Channel]
    runs: list[Counterfactual] = field(default_factory=list)

    @property
    def scenarios(self) -> list[Scenario]:
        """The counterfactual scenarios to simulate (each once)."""
        seen, out = set(), []
        for r in self.runs:
            if r.scenario is not None and r.scenario.name not in seen:
                seen.add(r.scenario.name)
                out.append(r.scenario)
        return out


def plan(reference: Scenario, design: Scenario) -> Plan:
    """The runs that explain ``design`` against ``reference``: a :class:`UsageError` when the
    two cannot be compared channel by channel."""
    for s in SAME:
        if getattr(reference, s) != getattr(design, s):
            raise UsageError(f"explain needs the same {s} in both scenarios ({reference.name}: "
                             f"{getattr(reference, s)}, {design.name}: {getattr(design, s)}): outcomes are measured "
                             "over it")
    active = differing(reference, design)
    p = Plan(reference, design, active)
    keys = {c.key for c in active}
    for c in active:
        for kind, base, other, keys_of in (("without", design, reference, switched_off),
                                           ("alone", reference, design, switched_on)):
            switched = tuple(k for k in (c2.key for c2 in CHANNELS) if k in keys_of(c.key) & keys)
            # named after the design in both kinds: several designs explained against one reference each get their own
            suffix = f"-{'without' if kind == 'without' else 'only'}-{c.key}"
            name = design.name[:80 - len(suffix)] + suffix
            if set(switched) == keys:                  # everything switched: the other scenario itself
                p.runs.append(Counterfactual(other, c.key, kind, switched))
                continue
            try:
                p.runs.append(Counterfactual(switch(base, other, switched, name), c.key, kind, switched))
            except ScenarioError as e:
                p.runs.append(Counterfactual(None, c.key, kind, switched, str(e)))
    return p


def _wide(reps: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    sub = reps[reps["scenario"].isin(list(names))]
    return sub.pivot_table(index=["outcome", "seed"], columns="scenario", values="value", aggfunc="first",
                           dropna=False)


def _share(num: np.ndarray, den: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float]:
    """mean(num) / mean(den) with a 90 % bootstrap interval over the replications."""
    ok = ~(np.isnan(num) | np.isnan(den))
    num, den = num[ok], den[ok]
    if len(num) < 2 or den.mean() == 0:
        return math.nan, math.nan, math.nan
    idx = rng.integers(0, len(num), (BOOTSTRAP, len(num)))
    d = den[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = np.where(d != 0, num[idx].mean(axis=1) / d, np.nan)
    boot = boot[np.isfinite(boot)]
    lo, hi = (np.quantile(boot, [LOW, HIGH]) if boot.size else (math.nan, math.nan))
    return float(num.mean() / den.mean()), float(lo), float(hi)


COLUMNS = ["reference", "scenario", "channel", "label", "effect", "switched", "outcome", "unit", "difference_mean",
           "difference_p5", "difference_p95", "pairs", "same_direction", "verdict", "share", "share_p5",
           "share_p95", "problem"]


def decompose(p: Plan, reps: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """One row per channel, kind of effect and outcome (and the whole difference and the
    interaction per outcome): mean paired difference, 90 % interval, verdict and share."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 26]))
    a, b = p.reference.name, p.design.name
    active = {c.key for c in p.channels}
    wide = _wide(reps, [a, b] + [r.scenario.name for r in p.runs if r.scenario is not None])
    rows = []
    for outcome in [o for o in DEFINITIONS if o in wide.index.get_level_values(0)]:
        sub = wide.loc[outcome]
        ya, yb = sub[a].to_numpy(float), sub[b].to_numpy(float)
        total = yb - ya
        whole = paired(ya, yb)
        base = {"reference": a, "scenario": b, "outcome": outcome, "unit": unit(outcome), "problem": ""}
        rows.append({**base, "channel": "total", "label": "The whole difference", "effect": "total", "switched": "",
                     **_stats(whole), "share": 1.0, "share_p5": 1.0, "share_p95": 1.0})
        summed = np.zeros_like(total)
        for r in p.runs:
            label = channel(r.channel).label
            row = {**base, "channel": r.channel, "label": label, "effect": "contribution" if r.kind == "without"
                   else "alone", "switched": " ".join(r.switched)}
            if r.scenario is None:
                missing = np.full_like(ya, np.nan)
                rows.append({**row, **_stats(paired(missing, missing)), "share": math.nan, "share_p5": math.nan,
                             "share_p95": math.nan, "problem": r.problem})
                if r.kind == "without" and not set(channel(r.channel).needs) & active:
                    summed = summed + missing
                continue
            yc = sub[r.scenario.name].to_numpy(float)
            diff_a, diff_b = (yc, yb) if r.kind == "without" else (ya, yc)   # contribution: B - (B without c)
            if r.kind == "without" and not set(channel(r.channel).needs) & active:
                summed = summed + (yb - yc)
            share = _share(diff_b - diff_a, total, rng) if whole["verdict"] in ("likely", "clear") else (math.nan,) * 3
            rows.append({**row, **_stats(paired(diff_a, diff_b)), "share": share[0], "share_p5": share[1],
                         "share_p95": share[2]})
        rest = total - summed
        inter = paired(np.zeros_like(rest), rest)
        share = _share(rest, total, rng) if whole["verdict"] in ("likely", "clear") else (math.nan,) * 3
        rows.append({**base, "channel": "interaction", "label": "Interaction: the difference the contributions "
                     "do not carry", "effect": "interaction", "switched": "", **_stats(inter), "share": share[0],
                     "share_p5": share[1], "share_p95": share[2]})
    return pd.DataFrame(rows, columns=COLUMNS)


def _stats(s: dict) -> dict:
    return {k: s[k] for k in ("difference_mean", "difference_p5", "difference_p95", "pairs", "same_direction",
                              "verdict")}


def plans(scenarios: Sequence[Scenario]) -> list[Plan]:
    """One plan per scenario after the first, against the first."""
    return [plan(scenarios[0], sc) for sc in scenarios[1:]]


def scenarios_of(ps: Sequence[Plan], taken: Iterable[str]) -> list[Scenario]:
    """The counterfactual scenarios of every plan, once each, none with a name in ``taken``."""
    used, out = set(taken), []
    for p in ps:
        for sc in p.scenarios:
            if sc.name not in used:
                used.add(sc.name)
                out.append(sc)
    return out
