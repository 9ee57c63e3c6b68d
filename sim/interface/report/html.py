"""The HTML report, rendered from a Jinja2 template (``templates/report.html.j2`` and
``report.css``): key findings first, then the differences chart, the budget, the
tables and figures, the prices used and the files of the folder.  One self-contained
file: figures are embedded, nothing is fetched from the network."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim.experiment.findings import compare_findings, run_findings
from sim.interface.i18n import definition, label, lever_value, number, text
from sim.spec.prices import Prices
from sim.spec.scenario import Scenario

from . import explain, forest
from .figures import FIGURES
from .tables import KEY_OUTCOMES, budget_rows, comparison_rows, summary_rows
from .wording import comparison_sentences, run_sentences


def environment() -> Environment:
    return Environment(loader=PackageLoader("sim.interface.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def image(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def citizens_per_replication(citizens: pd.DataFrame) -> dict[str, float]:
    if citizens.empty:
        return {}
    return citizens.groupby(["scenario", "replication"]).size().groupby("scenario").mean().to_dict()


def findings_blocks(summary: pd.DataFrame, comparison: pd.DataFrame | None, scenarios: list[Scenario],
                    citizens: pd.DataFrame, lang: str) -> list[dict]:
    """The key-findings box: one block of sentences per scenario (against the reference)."""
    if comparison is not None and not comparison.empty:
        return [{"heading": text("findings.block_compare", lang, scenario=f.scenario, reference=f.reference),
                 "sentences": comparison_sentences(f, lang)} for f in compare_findings(comparison, scenarios)]
    counts = citizens_per_replication(citizens)
    return [{"heading": sc.name,
             "sentences": run_sentences(run_findings(summary, sc), lang, round(counts.get(sc.name, sc.population.size)))}
            for sc in scenarios]


def _prices_tables(prices: dict[str, Prices], lang: str) -> list[dict]:
    seen, out = set(), []
    for p in prices.values():
        if p.name in seen:
            continue
        seen.add(p.name)
        rows = [{"key": k, "label": f.label, "value": number(f.value, lang, 2 if f.value < 100 else 0),
                 "unit": lever_value(f.unit, lang),
                 "year": f.year, "source": f.source, "assumed": f.assumed} for k, f in p.figures()]
        out.append({"name": p.name, "description": p.description, "rows": rows,
                    "assumed": sum(r["assumed"] for r in rows), "total": len(rows)})
    return out


def _differences(comparison: pd.DataFrame, names: list[str], lang: str) -> list[dict]:
    """Per scenario: the charted outcomes and budget first (then the other key outcomes), and all rows."""
    shown = forest.forest_outcomes(comparison)
    key = shown + [o for o in KEY_OUTCOMES if o not in shown]
    return [{"heading": text("table.minus", lang, scenario=n, reference=names[0]), "reference": names[0],
             "scenario": n, "rows": comparison_rows(comparison, n, lang, key), "all": comparison_rows(comparison, n, lang)}
            for n in names[1:]]


def write_html(out: Path, manifest: dict, summary: pd.DataFrame, comparison: pd.DataFrame | None,
               scenarios: list[Scenario], citizens: pd.DataFrame, prices: dict[str, Prices], lang: str,
               decomposition: pd.DataFrame | None = None) -> None:
    names = [s.name for s in scenarios]
    compare = comparison is not None and not comparison.empty
    git = manifest.get("git", {})
    context = {
        "lang": lang, "t": lambda key, **v: text(key, lang, **v), "label": lambda o: label(o, lang),
        "definition": lambda o: definition(o, lang), "num": lambda x: number(x, lang),
        "title": text("report.title", lang, names=" · ".join(names)),
        "findings": findings_blocks(summary, comparison, scenarios, citizens, lang),
        "manifest": manifest, "commit": git.get("commit") or "unknown", "dirty": bool(git.get("dirty")),
        "scenarios": [{"name": s.name, "description": s.description, "size": number(s.population.size, lang),
                       "weeks": s.horizon_weeks, "caseworkers": number(s.organisation.caseworkers, lang, 1),
                       "prices": prices[s.name].name if s.name in prices else ""} for s in scenarios],
        "forest": image(out / forest.FILE) if compare and (out / forest.FILE).exists() else None,
        "differences": _differences(comparison, names, lang) if compare else [],
        "budget": {"names": names, "rows": budget_rows(summary, names, lang)} if prices else None,
        "main": [] if compare else [{"name": n, "rows": summary_rows(summary, n, lang, key_only=True)} for n in names],
        "figures": [{"caption": text(key, lang), "src": image(out / f)} for f, key in FIGURES.items()
                    if (out / f).exists()],
        "all_outcomes": [{"name": n, "rows": summary_rows(summary, n, lang)} for n in names],
        "prices": _prices_tables(prices, lang),
        "compare": compare,
        "explain": explain.blocks(decomposition, lang) if decomposition is not None else [],
        "explain_figure": image(out / explain.FILE) if decomposition is not None and (out / explain.FILE).exists()
        else None,
    }
    html = environment().get_template("report.html.j2").render(**context)
    (out / "report.html").write_text(html, encoding="utf-8")
