"""The report of a dose-response sweep (``fremskudt sweep``): the tables, the figure and a
self-contained HTML page, answer first: what each value buys and costs against the
reference value, with the 90 % interval of every estimate, then how far to trust it.

The numbers come from :mod:`sim.experiment.sweep` (the sweep's rules and its tidy table),
:mod:`sim.experiment.statistics` and :mod:`sim.experiment.findings` (the interval
convention, the verdicts and the cost per additional citizen); every word from the
catalogue (``sweep.*`` and the shared ``findings.*`` keys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from sim.analysis.trust import trust
from sim.experiment import sweep as sweeps
from sim.experiment.findings import FINDING_OUTCOMES, ComparisonFindings, Effect, left_out
from sim.experiment.sweep import Sweep
from sim.interface.i18n import (kroner, number, phrase, scenario_description, scenario_title, text, value,
                                value_range, value_row, when)
from sim.paths import display_path
from sim.spec.evidence import evidence
from sim.spec.prices import Prices

from . import curve
from .figures import style
from .html import _prices_tables, environment, inline_svg
from .tables import with_labels, write_csv
from .wording import cost_effect_sentence, interval, parameters_sentence, trust_items

TABLE_FILE, COST_FILE, REPLICATIONS_FILE, DRAWS_FILE = ("sweep.csv", "cost_effectiveness.csv",
                                                        "summary_replications.parquet", "posterior_draws.parquet")
#: the columns of the report's key table (those the sweep reports and that vary), in order
KEY_OUTCOMES = ("ever_job_or_education_52w", "ever_self_sufficient_52w", "ever_company_activation_52w",
                "meetings_per_case_year", "contact_minutes_per_case_month", "staff_utilisation", "net_cost")


@dataclass
class SweepResults:
    """Everything the sweep's files and summary are made from, computed once."""

    sweep: Sweep
    reps: pd.DataFrame                 # runner.replications_table of every value
    prices: Prices
    replications: int
    seed: int
    lang: str = "en"
    parameters: str = "posterior"      # posterior | fixed
    manifest: dict = field(default_factory=dict)

    @cached_property
    def table(self) -> pd.DataFrame:
        return sweeps.sweep_frame(self.reps, self.sweep)

    @cached_property
    def found(self) -> dict[float, ComparisonFindings]:
        return sweeps.findings(self.reps, self.sweep)

    @cached_property
    def cost(self) -> pd.DataFrame:
        return sweeps.cost_effectiveness_frame(self.found, self.sweep)

    @cached_property
    def hidden(self) -> set[str]:
        """Outcomes that never vary over the sweep (left out of the figure and the key table)."""
        return left_out(self.reps, self.sweep.names)


# --------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------

def lever_value(v: float, lang: str) -> str:
    """A value of the lever as people write it (whole numbers without decimals)."""
    return number(v, lang, 0 if float(v).is_integer() else 2)


def _caseworkers(x: float, lang: str) -> str:
    return number(x, lang, 0 if float(x).is_integer() else 1)


def _cost(e: Effect | None, weeks: int, lang: str) -> str:
    if e is None or e.verdict == "not_covered":
        return text("sweep.cost.unknown", lang)
    values = {"interval": interval(e, lang, True), "weeks": weeks}
    if e.verdict == "none":
        return text("sweep.cost.same", lang, difference=kroner(e.difference, lang, True), **values)
    return text(f"sweep.cost.{'more' if e.difference > 0 else 'less'}", lang, amount=kroner(abs(e.difference), lang),
                **values)


def _buys(e: Effect | None, lang: str) -> str:
    if e is None:
        return text("findings.buys.not_covered", lang)
    values = {"outcome": phrase(e.outcome, lang), "before": value(e.reference, e.unit, lang),
              "after": value(e.scenario, e.unit, lang), "difference": value(e.difference, e.unit, lang, True),
              "interval": interval(e, lang, True)}
    if e.verdict == "none":
        return text("sweep.buys.none", lang, **values)
    return text(f"sweep.buys.{e.verdict}.{'up' if e.difference > 0 else 'down'}", lang, **values)


def step_sentence(s: Sweep, f: ComparisonFindings, lang: str) -> str:
    """'Going from X to Y cases per caseworker buys … and costs …' for one value against the reference."""
    ref, p = s.reference_point, s.point(f.scenario)
    common = {"old": lever_value(ref.value, lang), "new": lever_value(p.value, lang), "buys": _buys(f.headline, lang),
              "cost": _cost(f.net_cost, f.weeks, lang)}
    if s.lever.caseload:
        return text("sweep.step.caseload", lang, old_caseworkers=_caseworkers(ref.caseworkers, lang),
                    new_caseworkers=_caseworkers(p.caseworkers, lang), **common)
    return text("sweep.step.lever", lang, lever=curve.lever_label(s.lever.key, lang), **common)


#: besides the headline, what a step's sentence names when its difference is detectable:
#: the key findings' outcomes, contact per citizen and the caseworkers' time
ALSO = FINDING_OUTCOMES + ("meetings_per_case_year", "extra_contacts_per_case_year", "contact_minutes_per_case_month",
                           "staff_utilisation")


def also_sentence(table: pd.DataFrame, value: float, hidden, lang: str, headline: str | None) -> str | None:
    """The other outcomes (:data:`ALSO`) whose difference from the reference is detectable at ``value``."""
    rows = table[(table["value"] == value) & table["verdict"].isin(("likely", "clear"))].set_index("outcome")
    items = []
    for o in ALSO:
        if o in rows.index and o != headline and o not in hidden:
            r = rows.loc[o]
            diff, span = value_row(r["difference_mean"], r["difference_p5"], r["difference_p95"], r["unit"], lang, True)
            items.append(text("sweep.also_item", lang, outcome=curve.outcome_label(o, lang)[:1].lower()
                              + curve.outcome_label(o, lang)[1:], difference=diff,
                              interval=text("findings.interval", lang, range=span)))
    return text("sweep.also", lang, items="; ".join(items)) if items else None


def heading(r: SweepResults) -> str:
    """What was swept, over which values, against which reference."""
    s, lang = r.sweep, r.lang
    return text("sweep.head", lang, scenario=scenario_title(s.base.name, lang),
                lever=curve.lever_label(s.lever.key, lang), values=", ".join(lever_value(v, lang) for v in s.values),
                n=r.replications, seed=r.seed, reference=lever_value(s.reference, lang))


def caseworkers_sentence(s: Sweep, lang: str) -> str | None:
    """Which caseworker numbers the values gave, and the whole people the model puts in post."""
    if s.lever.setting != sweeps.CASELOAD_SETTING:
        return None
    key = "sweep.caseworkers.caseload" if s.lever.caseload else "sweep.caseworkers.setting"
    return text(key, lang, values=", ".join(lever_value(p.value, lang) for p in s.points),
                caseworkers=", ".join(_caseworkers(p.caseworkers, lang) for p in s.points),
                staffed=", ".join(number(p.staffed, lang) for p in s.points),
                cases=", ".join(number(s.base.population.size / p.staffed, lang) for p in s.points))


def answer_sentences(s: Sweep, found: dict[float, ComparisonFindings], table: pd.DataFrame, hidden,
                     lang: str) -> list[str]:
    """The key findings, one paragraph a value against the reference: what it buys and costs,
    the cost per additional citizen in a job or education (or why it is not defined), and
    what else changes detectably."""
    out = []
    for value, f in sorted(found.items()):
        also = also_sentence(table, value, hidden, lang, f.headline.outcome if f.headline else None)
        out.append(" ".join(x for x in (step_sentence(s, f, lang), cost_effect_sentence(f, lang), also) if x))
    return out


def answer(r: SweepResults) -> list[str]:
    return answer_sentences(r.sweep, r.found, r.table, r.hidden, r.lang)


def trust_list(r: SweepResults) -> list[str]:
    """How far to trust it: the validation and calibration targets of the scenario's programme,
    the evidence for the lever, the prices and what the budget leaves out, and the pairing."""
    s, lang = r.sweep, r.lang
    items = trust_items(trust([s.base]), [s.base.name], {s.base.name: r.prices}, lang)
    kind = evidence(s.lever.setting).kind
    items.insert(2, text(f"trust.lever.{kind}", lang, levers=curve.lever_label(s.lever.key, lang)))
    items.insert(3, text("sweep.trust.pairs", lang, n=r.replications))
    return items


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

def _cell(row: pd.Series, lang: str) -> dict:
    """A value's level with its 90 % interval and, except at the reference, its difference
    from the reference with the interval of the paired differences."""
    mean, level = value_row(row["mean"], row["p5"], row["p95"], row["unit"], lang)
    if row["verdict"] in (sweeps.REFERENCE_VERDICT, "not_covered"):
        return {"mean": mean, "range": level, "difference": "", "bold": False}
    diff, span = value_row(row["difference_mean"], row["difference_p5"], row["difference_p95"], row["unit"], lang, True)
    return {"mean": mean, "range": level, "difference": text("sweep.table.difference", lang, difference=diff, range=span),
            "bold": row["verdict"] in ("likely", "clear")}


def key_table(r: SweepResults) -> dict:
    """Rows by value, columns the key outcomes and the cost per additional citizen."""
    lang, t = r.lang, r.table
    present = set(t["outcome"])
    outcomes = [o for o in KEY_OUTCOMES if o in present and o not in r.hidden]
    cost = r.cost.set_index("value")
    rows = []
    for p in r.sweep.points:
        sub = t[t["value"] == p.value].set_index("outcome")
        cells = [_cell(sub.loc[o], lang) for o in outcomes]
        if p.value in cost.index:
            c = cost.loc[p.value]
            big = c["defined"] and max(abs(c["kroner_per_citizen"]), abs(c["p5"]), abs(c["p95"])) >= 1e6
            cells.append({"mean": kroner(c["kroner_per_citizen"], lang, million=big) if c["defined"]
                          else text("sweep.table.not_defined", lang),
                          "range": value_range(c["p5"], c["p95"], "kroner", lang, million=big) if c["defined"] else
                          text(f"findings.cpc.reason.{c['reason']}", lang), "difference": "", "bold": False})
        else:
            cells.append({"mean": text("sweep.table.reference", lang), "range": "", "difference": "", "bold": False})
        rows.append({"value": lever_value(p.value, lang), "reference": p.value == r.sweep.reference,
                     "caseworkers": _caseworkers(p.caseworkers, lang), "cells": cells})
    return {"outcomes": [{"label": curve.outcome_label(o, lang), "code": o} for o in outcomes], "rows": rows}


def all_rows(r: SweepResults) -> list[dict]:
    lang = r.lang
    out = []
    for row in r.table.itertuples():
        c = _cell(pd.Series(row._asdict()), lang)
        out.append({"label": curve.outcome_label(row.outcome, lang), "code": row.outcome,
                    "value": lever_value(row.value, lang), **c,
                    "verdict": text(f"verdict.short.{row.verdict}", lang) if row.verdict != sweeps.REFERENCE_VERDICT
                    else text("sweep.table.reference", lang)})
    return out


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------

def write_files(out: Path, r: SweepResults, draws: pd.DataFrame | None) -> None:
    """The sweep's tables, figure and report into ``out`` (manifest.json excepted)."""
    lang = r.lang
    write_csv(with_labels(r.table, lang), out / TABLE_FILE, lang)
    write_csv(r.cost.assign(unit="kroner"), out / COST_FILE, lang)
    sweeps.with_values(r.reps, r.sweep).to_parquet(out / REPLICATIONS_FILE, index=False)
    if draws is not None:
        sweeps.with_values(draws, r.sweep).to_parquet(out / DRAWS_FILE, index=False)
    with style():
        curve.fig_sweep(r.table, r.cost, r.sweep.lever.key, r.sweep.reference, out / curve.FILE, lang, hidden=r.hidden)
    write_html(out, r)


def write_html(out: Path, r: SweepResults) -> None:
    s, lang, manifest = r.sweep, r.lang, r.manifest
    git = manifest.get("git", {})
    posterior = (manifest.get("posterior") or {}).get("path", "")
    context = {
        "lang": lang, "t": lambda key, **v: text(key, lang, **v),
        "title": text("sweep.title", lang, lever=curve.lever_label(s.lever.key, lang),
                      scenario=scenario_title(s.base.name, lang)),
        "parameters": parameters_sentence(r.parameters, lang, display_path(posterior) if posterior else ""),
        "head": heading(r), "caseworkers": caseworkers_sentence(s, lang), "answer": answer(r),
        "trust": trust_list(r),
        "figure": inline_svg(out / curve.FILE, "sw"),
        "key": key_table(r), "lever": curve.lever_label(s.lever.key, lang), "caseload": s.lever.setting ==
        sweeps.CASELOAD_SETTING, "all": all_rows(r),
        "scenario": {"title": scenario_title(s.base.name, lang), "name": s.base.name,
                     "description": scenario_description(s.base.name, lang, s.base.description),
                     "size": number(s.base.population.size, lang), "weeks": s.base.horizon_weeks},
        "prices": _prices_tables({s.base.name: r.prices}, lang),
        "manifest": manifest, "commit": git.get("commit") or "unknown", "dirty": bool(git.get("dirty")),
        "started": when(manifest.get("started"), lang), "finished": when(manifest.get("finished"), lang),
    }
    html = environment().get_template("sweep.html.j2").render(**context)
    (out / "report.html").write_text(html, encoding="utf-8")


def screen_summary(out: Path, r: SweepResults) -> str:
    """The answer on screen: how the parameters were set, what was swept, which caseworker
    numbers it gave, what each value buys and costs, then the report's path."""
    lang = r.lang
    posterior = (r.manifest.get("posterior") or {}).get("path", "")
    lines = [parameters_sentence(r.parameters, lang, posterior), heading(r)]
    cw = caseworkers_sentence(r.sweep, lang)
    if cw:
        lines.append(cw)
    lines += [f"  {a}" for a in answer(r)]
    lines.append(text("sweep.cli.report", lang, path=out / "report.html"))
    return "\n".join(lines)
