"""The HTML report, rendered from a Jinja2 template (``templates/report.html.j2`` and
``report.css``): the answer first (key findings with the cost per additional citizen and
its interval), then how far to trust it, the differences chart, the public budget over
several years and over the run, the tables and figures, the prices used and the files of
the folder.  One self-contained file: the figures are embedded as SVG, nothing is fetched
from the network."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim.experiment.horizon import HorizonBudget
from sim.interface.i18n import (definition, label, lever_value, number, percent, scenario_description,
                                scenario_title, text, value_range, kroner, when)
from sim.paths import display_path
from sim.spec.prices import Prices

from . import explain, forest
from .figures import FIGURES
from .results import Results
from .tables import KEY_OUTCOMES, budget_rows, comparison_rows, summary_rows
from .wording import budget_sentences, comparison_sentences, parameters_sentence, run_sentences, trust_items, years

_ID = re.compile(r'\bid="([^"]+)"')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_NAMESPACES = re.compile(r'\s+xmlns:(dc|cc|rdf)="[^"]*"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def environment() -> Environment:
    return Environment(loader=PackageLoader("sim.interface.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def inline_svg(path: Path, prefix: str) -> str:
    """An SVG file as markup for the page: without its XML prologue, its ids prefixed so
    that several figures on one page never share one, scaled to the page's width."""
    svg = path.read_text(encoding="utf-8")
    svg = _NAMESPACES.sub("", _METADATA.sub("", svg[svg.index("<svg"):]))      # no licence metadata
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return svg.replace("<svg ", '<svg class="figure" role="img" ', 1)


def citizens_per_replication(citizens: pd.DataFrame) -> dict[str, float]:
    if citizens.empty:
        return {}
    return citizens.groupby(["scenario", "replication"]).size().groupby("scenario").mean().to_dict()


def findings_blocks(r: Results) -> list[dict]:
    """The key-findings box: one block of sentences per scenario (against the reference)."""
    lang = r.lang
    if r.compare:
        budgets = {b.scenario: b for b in r.budgets}
        return [{"heading": text("findings.block_compare", lang, scenario=scenario_title(f.scenario, lang),
                                 reference=scenario_title(f.reference, lang)),
                 "sentences": comparison_sentences(f, lang, budgets.get(f.scenario))} for f in r.comparisons]
    counts = citizens_per_replication(r.citizens)
    return [{"heading": scenario_title(f.scenario, lang),
             "sentences": run_sentences(f, lang, round(counts.get(sc.name, sc.population.size)))}
            for f, sc in zip(r.runs, r.scenarios)]


def _prices_tables(prices: dict[str, Prices], lang: str) -> list[dict]:
    seen, out = set(), []
    for p in prices.values():
        if p.name in seen:
            continue
        seen.add(p.name)
        rows = [{"key": k, "label": f.label, "value": number(f.value, lang, 3 if f.value < 1 else 2 if f.value < 100 else 0),
                 "unit": lever_value(f.unit, lang), "year": f.year, "source": f.source, "assumed": f.assumed}
                for k, f in p.figures()]
        out.append({"name": p.name, "description": p.description, "rows": rows,
                    "assumed": sum(r["assumed"] for r in rows), "total": len(rows)})
    return out


def _differences(r: Results) -> list[dict]:
    """Per scenario: the charted outcomes and budget first (then the other key outcomes), and all rows."""
    lang, names = r.lang, r.names
    shown = forest.forest_outcomes(r.comparison, r.hidden)
    key = shown + [o for o in KEY_OUTCOMES if o not in shown and o not in r.hidden]
    ref = scenario_title(names[0], lang)
    return [{"heading": text("table.minus", lang, scenario=scenario_title(n, lang), reference=ref), "reference": ref,
             "scenario": scenario_title(n, lang), "rows": comparison_rows(r.comparison, n, lang, key),
             "all": comparison_rows(r.comparison, n, lang)} for n in names[1:]]


def _refund_rules(p: Prices, lang: str) -> list[str]:
    refund = p.public_split.refund
    if refund.rule == "duration":
        bounds = [s.from_week for s in refund.steps[1:]] + [None]
        return [text("budget.rule.step" if upto else "budget.rule.step_last", lang, first=s.from_week,
                     last=(upto - 1) if upto else "", rate=percent(s.rate.value, lang, 0), source=s.rate.source)
                for s, upto in zip(refund.steps, bounds)]
    return [text("budget.rule.company", lang, rate=percent(refund.company_or_education.value, lang, 0),
                 source=refund.company_or_education.source),
            text("budget.rule.other", lang, rate=percent(refund.other.value, lang, 0), source=refund.other.source)]


def _horizon_block(b: HorizonBudget, p: Prices, lang: str) -> dict:
    """One scenario's multi-year budget against the reference: sentences, a table by payer
    and year (discounted), and every assumption with its source."""
    rows = []
    for key in ("public", "municipality", "state"):
        pb = b.payers[key]
        rows.append({"payer": text(f"budget.payer.{key}", lang),
                     "years": [kroner(x, lang, True, million=True) for x in pb.yearly],
                     "total": kroner(pb.total["mean"], lang, True, million=True),
                     "range": value_range(pb.total["p5"], pb.total["p95"], "kroner", lang, True, million=True),
                     "verdict": text(f"verdict.short.{pb.total['verdict']}", lang), "bold": key == "public"})
    split = p.public_split
    assumptions = [text("budget.assume.rate", lang, rate=percent(b.horizon.rate, lang, 1), source=p.discount_rate.source),
                   text("budget.assume.effect", lang, effect=years(b.horizon.effect_years, lang)),
                   text("budget.assume.refund", lang, rules=" ".join(_refund_rules(p, lang))),
                   text("budget.assume.tax", lang, benefits=percent(split.municipal_share_of_tax_on_benefits.value, lang, 0),
                        earnings=percent(split.municipal_share_of_tax_on_earnings.value, lang, 0),
                        source=split.municipal_share_of_tax_on_benefits.source)]
    return {"heading": text("budget.heading_pair", lang, scenario=scenario_title(b.scenario, lang),
                            reference=scenario_title(b.reference, lang)),
            "sentences": budget_sentences(b, lang), "years": list(range(1, b.horizon.years + 1)), "rows": rows,
            "assumptions": assumptions}


def _figures(out: Path, compare: bool, lang: str) -> tuple[str | None, list[dict]]:
    chart = inline_svg(out / forest.FILE, "fd") if compare and (out / forest.FILE).exists() else None
    figs = [{"caption": text(key, lang), "svg": inline_svg(out / f, f"f{i}"), "file": f}
            for i, (f, key) in enumerate(FIGURES.items()) if (out / f).exists()]
    return chart, figs


def write_html(out: Path, r: Results) -> None:
    lang, names, manifest = r.lang, r.names, r.manifest
    git = manifest.get("git", {})
    chart, figures = _figures(out, r.compare, lang)
    posterior = (manifest.get("posterior") or {}).get("path", "")
    reference_prices = r.prices.get(names[0]) if r.prices else None
    context = {
        "lang": lang, "t": lambda key, **v: text(key, lang, **v), "label": lambda o: label(o, lang),
        "definition": lambda o: definition(o, lang), "num": lambda x: number(x, lang),
        "title": text("report.title", lang, names=" · ".join(scenario_title(n, lang) for n in names)),
        "parameters": parameters_sentence(r.parameters, lang, display_path(posterior) if posterior else ""),
        "findings": findings_blocks(r),
        "trust": trust_items(r.trust, names, r.prices, lang),
        "manifest": manifest, "commit": git.get("commit") or "unknown", "dirty": bool(git.get("dirty")),
        "started": when(manifest.get("started"), lang), "finished": when(manifest.get("finished"), lang),
        "scenarios": [{"name": s.name, "title": scenario_title(s.name, lang),
                       "description": scenario_description(s.name, lang, s.description),
                       "size": number(s.population.size, lang), "weeks": s.horizon_weeks,
                       "caseworkers": number(s.organisation.caseworkers, lang, 1),
                       "prices": r.prices[s.name].name if s.name in r.prices else ""} for s in r.scenarios],
        "forest": chart,
        "horizon": [_horizon_block(b, reference_prices, lang) for b in r.budgets] if reference_prices else [],
        "differences": _differences(r) if r.compare else [],
        "budget": {"names": [scenario_title(n, lang) for n in names], "rows": budget_rows(r.summary, names, lang)}
        if r.prices else None,
        "main": [] if r.compare else [{"name": scenario_title(n, lang),
                                       "rows": summary_rows(r.summary, n, lang, key_only=True, hidden=r.hidden)}
                                      for n in names],
        "figures": figures,
        "all_outcomes": [{"name": scenario_title(n, lang), "rows": summary_rows(r.summary, n, lang)} for n in names],
        "prices": _prices_tables(r.prices, lang),
        "compare": r.compare,
        "explain": explain.blocks(r.decomposition, lang) if r.decomposition is not None else [],
        "explain_figure": inline_svg(out / explain.FILE, "fe")
        if r.decomposition is not None and (out / explain.FILE).exists() else None,
    }
    html = environment().get_template("report.html.j2").render(**context)
    (out / "report.html").write_text(html, encoding="utf-8")
