"""What the page says, as plain text and HTML: lever readouts and help, the first
screen's sentences and table, the status of the results.  No Solara here, so all of it
is tested without a browser; :mod:`.page` only places it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sim.analysis.trust import trust
from sim.interface.i18n import definition, label, lever_value, number, scenario_title, text, value, value_row
from sim.experiment.findings import run_findings
from sim.interface.report.tables import comparison_rows
from sim.interface.report.wording import budget_sentences, cost_effect_sentence, headline, run_sentences, trust_items
from sim.spec.evidence import KINDS, evidence
from sim.spec.prices import load_prices
from sim.spec.scenario import Scenario

from .ensemble import DESIGN, Ensemble, settings_key
from .levers import LEVERS
from .scoreboard import environment

#: the first screen's table: key outcomes (those that vary), then the budget
RESULT_OUTCOMES = ("ever_job_or_education_52w", "ever_self_sufficient_52w", "ever_company_activation_52w",
                   "share_ordinary_hours", "noshow_share", "cancel_share")
RESULT_BUDGET = ("net_cost", "municipal_net_cost", "net_cost_per_citizen")


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


def _term(key: str, lang: str) -> str | None:
    """The Danish term of a lever, unless it is the lever's own name (no 'Sagsstamme (sagsstamme)')."""
    term = text(f"app.lever.{key}.term", lang)
    return None if term.lower() == text(f"app.lever.{key}", lang).lower() else term


def lever_help(key: str, lang: str) -> str:
    """The tooltip: the Danish term and what the lever does."""
    term = _term(key, lang)
    return text("app.lever_help", lang, term=term, help=text(f"app.lever.{key}.help", lang)) if term \
        else text(f"app.lever.{key}.help", lang)


def guide(lang: str) -> list[tuple[str, str | None, str]]:
    """(label, Danish term or None, explanation) of every lever, for the collapsible guide."""
    return [(text(f"app.lever.{k}", lang), _term(k, lang), text(f"app.lever.{k}.help", lang)) for k in LEVERS]


def scenario_items(names: list[str], lang: str) -> list[dict]:
    """The scenario menu: plain titles, the file's name as the value."""
    return [{"text": scenario_title(n, lang), "value": n} for n in names]


def identical(ens: Ensemble) -> bool:
    """No lever differs from the scenario: there is only the baseline to show."""
    return settings_key(ens.baseline) == settings_key(ens.design)


def sentences(ens: Ensemble, lang: str, stale: bool = False) -> list[str]:
    """The answer first.  Against the baseline: what the design costs and buys, the cost
    per additional citizen in a job or education with its interval (or why it is not
    defined), and the budget over several years with its payback.  With no lever moved: the
    scenario's cost and main outcomes, and (``stale``: a lever has moved since) that the
    design has not run yet."""
    if identical(ens):
        f = run_findings(ens.summary, ens.baseline, ens.hidden)
        first = text("app.results.baseline_stale" if stale else "app.results.baseline_only", lang, n=ens.replications)
        return [first, *run_sentences(f, lang, round(_citizens(ens)))[:1]]
    named = replace(ens.findings, scenario=text("app.design_phrase", lang))
    out = [headline(named, lang), cost_effect_sentence(named, lang)]
    if ens.budget is not None:
        out += budget_sentences(ens.budget, lang)[:2]
    return out


def _citizens(ens: Ensemble) -> float:
    """Citizens observed per replication (net cost / net cost per citizen)."""
    s = ens.summary[ens.summary["scenario"] == ens.baseline.name].set_index("outcome")
    return float(s.loc["net_cost", "mean"] / s.loc["net_cost_per_citizen", "mean"])


def _level_rows(ens: Ensemble, keys: list[str], lang: str) -> list[dict]:
    s = ens.summary[ens.summary["scenario"] == ens.baseline.name].set_index("outcome")
    rows = []
    for o in keys:
        if o not in s.index:
            continue
        r = s.loc[o]
        mean, span = value_row(r["mean"], r["p5"], r["p95"], r["unit"], lang)
        rows.append({"code": o, "label": label(o, lang), "definition": definition(o, lang), "budget": o in RESULT_BUDGET,
                     "mean": mean, "range": span,
                     "evaluation": value(r["reported"], r["unit"], lang) if r["reported_source"] else ""})
    return rows


def _difference_rows(ens: Ensemble, keys: list[str], lang: str) -> list[dict]:
    c = ens.comparison[ens.comparison["scenario"] == DESIGN].set_index("outcome")
    rows = comparison_rows(ens.comparison, DESIGN, lang, keys)
    for r in rows:
        d = c.loc[r["code"]]
        r["budget"] = r["code"] in RESULT_BUDGET
        r["difference"], r["range"] = value_row(d["difference_mean"], d["difference_p5"], d["difference_p95"], d["unit"],
                                                lang, diff=True)
        if d["verdict"] in ("likely", "clear"):      # 'likely higher', 'clearly lower'
            r["verdict"] = text(f"verdict.{d['verdict']}.{'up' if d['difference_mean'] > 0 else 'down'}", lang)
    return rows


def results_table(ens: Ensemble, lang: str) -> str:
    """The key outcomes and budget: baseline, design, difference with interval and verdict;
    with no lever moved, the scenario's levels with intervals and the evaluation figures."""
    keys = [o for o in RESULT_OUTCOMES if o not in ens.hidden] + list(RESULT_BUDGET)
    t = lambda key, **v: text(key, lang, **v)   # noqa: E731
    if identical(ens):
        return environment().get_template("levels.html.j2").render(t=t, rows=_level_rows(ens, keys, lang))
    return environment().get_template("results.html.j2").render(t=t, reference=scenario_title(ens.baseline.name, lang),
                                                                rows=_difference_rows(ens, keys, lang))


def facts(ens: Ensemble, lang: str) -> str:
    """What the numbers are: replications, seed, size, and the convention."""
    key = "app.results.facts_full" if ens.scale == 1 else "app.results.facts_scaled"
    return text(key, lang, n=ens.replications, seed=ens.seed, citizens=number(ens.baseline.population.size, lang),
                weeks=ens.baseline.horizon_weeks, scale=number(ens.scale, lang, 2))


def parameters(ens: Ensemble, lang: str) -> str:
    """How the behavioural parameters were set, in one sentence (as in the report)."""
    return text(f"app.results.parameters.{ens.parameters}", lang)


def info(base: Scenario, lang: str) -> list[tuple[str, list[str]]]:
    """The Info panel: (heading, paragraphs) on how the model works, what to notice, what
    to try, and how far to trust it (the report's trust section for this scenario)."""
    prices = {base.name: load_prices(base.prices)}
    sections = [(text(f"app.info.{k}.heading", lang), [text(f"app.info.{k}.{i}", lang) for i in (1, 2, 3)])
                for k in ("how", "notice", "try")]
    kinds: dict[str, list[str]] = {}
    for key, lv in LEVERS.items():
        kinds.setdefault(evidence(lv.path).kind, []).append(text(f"app.lever.{key}", lang).lower())
    levers = [text(f"trust.lever.{k}", lang, levers=", ".join(kinds[k])) for k in KINDS if k in kinds]
    sections.append((text("app.info.trust.heading", lang), trust_items(trust([base]), [base.name], prices, lang) + levers))
    return sections


def status(ens: Ensemble | None, current_key: tuple, running: bool, progress: float, lang: str) -> tuple[str, str]:
    """(kind, sentence) of the results' state: running, stale, current or none yet."""
    if running:
        return "running", text("app.status.running", lang, percent=number(progress, lang))
    if ens is None:
        return "none", text("app.status.none", lang)
    if ens.key != current_key:
        return "stale", text("app.status.stale", lang)
    return "current", text("app.status.current", lang, n=ens.replications)
