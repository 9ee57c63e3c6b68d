"""What the page says, as plain text and HTML: lever readouts and help, the first
screen's sentences and table, the status of the results.  No Solara here, so all of it
is tested without a browser; :mod:`.page` only places it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sim.interface.i18n import definition, label, lever_value, number, text, value, value_range
from sim.experiment.findings import run_findings
from sim.interface.report.tables import comparison_rows
from sim.interface.report.wording import cost_sentences, headline, run_sentences
from sim.spec.scenario import Scenario

from .ensemble import DESIGN, Ensemble, settings_key
from .levers import LEVERS
from .scoreboard import environment

#: the first screen's table: key outcomes, then the budget
RESULT_OUTCOMES = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
                   "share_ordinary_hours", "noshow_share", "cancel_share")
RESULT_BUDGET = ("net_cost", "net_cost_per_citizen")


def readout(key: str, v: Any, sc: Scenario, lang: str) -> str:
    """The value a lever shows at rest, in words ('113 citizens per caseworker (15.5 caseworkers)')."""
    if key == "caseload":
        return text("app.readout.caseload", lang, value=number(v, lang),
                    caseworkers=number(sc.organisation.caseworkers, lang, 1))
    if LEVERS[key].kind in ("choice", "bool"):
        return lever_value(v, lang)
    digits = 0 if float(v).is_integer() else 1
    return text(f"app.readout.{key}", lang, value=number(v, lang, digits))


def lever_title(key: str, v: Any, sc: Scenario, lang: str) -> str:
    """The lever's label with its readout: what a participant reads next to the slider."""
    return f"{text(f'app.lever.{key}', lang)}: {readout(key, v, sc, lang)}"


def lever_help(key: str, lang: str) -> str:
    """The tooltip: the Danish term and what the lever does."""
    return text("app.lever_help", lang, term=text(f"app.lever.{key}.term", lang), help=text(f"app.lever.{key}.help", lang))


def guide(lang: str) -> list[tuple[str, str, str]]:
    """(label, Danish term, explanation) of every lever, for the collapsible guide."""
    return [(text(f"app.lever.{k}", lang), text(f"app.lever.{k}.term", lang), text(f"app.lever.{k}.help", lang))
            for k in LEVERS]


def identical(ens: Ensemble) -> bool:
    """No lever differs from the scenario: there is only the baseline to show."""
    return settings_key(ens.baseline) == settings_key(ens.design)


def sentences(ens: Ensemble, lang: str) -> list[str]:
    """The answer first.  Against the baseline: what the design costs and buys, then the
    net cost with its interval and the cost per additional citizen self-sufficient.  With
    no lever moved: the scenario's cost, main outcomes and fit to the evaluations."""
    if identical(ens):
        f = run_findings(ens.summary, ens.baseline)
        return [text("app.results.baseline_only", lang, n=ens.replications),
                *run_sentences(f, lang, round(_citizens(ens)))[:1]]
    named = replace(ens.findings, scenario=text("app.design_phrase", lang))
    return [headline(named, lang), *cost_sentences(named, lang)]


def _citizens(ens: Ensemble) -> float:
    """Citizens observed per replication (net cost / net cost per citizen)."""
    s = ens.summary[ens.summary["scenario"] == ens.baseline.name].set_index("outcome")
    return float(s.loc["net_cost", "mean"] / s.loc["net_cost_per_citizen", "mean"])


def _level_rows(ens: Ensemble, keys: list[str], lang: str) -> list[dict]:
    s = ens.summary[ens.summary["scenario"] == ens.baseline.name].set_index("outcome")
    return [{"code": o, "label": label(o, lang), "definition": definition(o, lang), "budget": o in RESULT_BUDGET,
             "mean": value(r["mean"], r["unit"], lang), "range": value_range(r["p5"], r["p95"], r["unit"], lang),
             "evaluation": value(r["reported"], r["unit"], lang) if r["reported_source"] else ""}
            for o in keys if o in s.index for r in [s.loc[o]]]


def _difference_rows(ens: Ensemble, keys: list[str], lang: str) -> list[dict]:
    c = ens.comparison[ens.comparison["scenario"] == DESIGN].set_index("outcome")
    rows = comparison_rows(ens.comparison, DESIGN, lang, keys)
    for r in rows:
        d = c.loc[r["code"]]
        r["budget"] = r["code"] in RESULT_BUDGET
        r["range"] = value_range(d["difference_p5"], d["difference_p95"], d["unit"], lang, diff=True)
        if d["verdict"] in ("likely", "clear"):      # 'likely higher', 'clearly lower'
            r["verdict"] = text(f"verdict.{d['verdict']}.{'up' if d['difference_mean'] > 0 else 'down'}", lang)
    return rows


def results_table(ens: Ensemble, lang: str) -> str:
    """The key outcomes and budget: baseline, design, difference with interval and verdict;
    with no lever moved, the scenario's levels with intervals and the evaluation figures."""
    keys = list(RESULT_OUTCOMES + RESULT_BUDGET)
    t = lambda key, **v: text(key, lang, **v)   # noqa: E731
    if identical(ens):
        return environment().get_template("levels.html.j2").render(t=t, rows=_level_rows(ens, keys, lang))
    return environment().get_template("results.html.j2").render(t=t, reference=ens.baseline.name,
                                                                rows=_difference_rows(ens, keys, lang))


def facts(ens: Ensemble, lang: str) -> str:
    """What the numbers are: replications, seed, size, and the convention."""
    key = "app.results.facts_full" if ens.scale == 1 else "app.results.facts_scaled"
    return text(key, lang, n=ens.replications, seed=ens.seed, citizens=number(ens.baseline.population.size, lang),
                weeks=ens.baseline.horizon_weeks, scale=number(ens.scale, lang, 2))


def status(ens: Ensemble | None, current_key: tuple, running: bool, progress: float, lang: str) -> tuple[str, str]:
    """(kind, sentence) of the results' state: running, stale, current or none yet."""
    if running:
        return "running", text("app.status.running", lang, percent=number(progress, lang))
    if ens is None:
        return "none", text("app.status.none", lang)
    if ens.key != current_key:
        return "stale", text("app.status.stale", lang)
    return "current", text("app.status.current", lang, n=ens.replications)
