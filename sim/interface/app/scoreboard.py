"""The team scoreboard: every saved design on the outcomes a workshop argues about, each
with its 90 % interval and its difference from its own baseline (paired by seed, with
the report's verdict), and the debrief exports: a CSV table and a one-page HTML file.

Numbers and rules are the report's (:mod:`sim.experiment.statistics`), words the
catalogue's: nothing here computes an interval or decides a verdict.
"""

from __future__ import annotations

import io
import math
from datetime import datetime

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim.interface.i18n import label, lever_value, text, value, value_range

from .ensemble import DESIGN, Ensemble
from .levers import changed
from .store import SavedDesign

#: self-sufficiency, ordinary hours, no-shows and the net public budget
OUTCOMES = ("ever_self_sufficient_52w", "share_ordinary_hours", "noshow_share", "net_cost")
#: What a spreadsheet reads as the start of a formula (and the characters it strips first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["team", "design", "scenario", "outcome", "label", "unit", "mean", "p5", "p95", "baseline_mean",
               "difference_mean", "difference_p5", "difference_p95", "verdict", "replications", "seed", "levers",
               "saved"]


def figures(ens: Ensemble, outcomes=OUTCOMES) -> dict[str, dict]:
    """The design's figures on ``outcomes``: level with interval, difference with interval, verdict."""
    s = ens.summary[ens.summary["scenario"] == DESIGN].set_index("outcome")
    c = ens.comparison.set_index("outcome")
    out = {}
    for o in outcomes:
        if o not in s.index or o not in c.index:
            continue
        r, d = s.loc[o], c.loc[o]
        out[o] = {"unit": r["unit"], "mean": r["mean"], "p5": r["p5"], "p95": r["p95"],
                  "baseline_mean": d["reference_mean"], "difference": d["difference_mean"],
                  "low": d["difference_p5"], "high": d["difference_p95"], "verdict": d["verdict"]}
    return out


def saved_design(ens: Ensemble, team: str, name: str) -> SavedDesign:
    """What a team saves: its levers against the scenario and the ensemble's figures."""
    levers = {k: [a, b] for k, (a, b) in changed(ens.baseline, ens.design).items()}
    return SavedDesign(team=team, name=name, scenario=ens.baseline.name, levers=levers,
                       replications=ens.replications, seed=ens.seed, figures=figures(ens))


def lever_text(d: SavedDesign, lang: str) -> str:
    if not d.levers:
        return text("app.levers.none", lang)
    return "; ".join(text("findings.lever_item", lang, lever=text(f"app.lever.{k}", lang), old=lever_value(a, lang),
                          new=lever_value(b, lang)) for k, (a, b) in d.levers.items())


def _cell(f: dict | None, lang: str) -> dict:
    if not f or f["mean"] is None or (isinstance(f["mean"], float) and math.isnan(f["mean"])):
        return {"value": "–", "range": "", "difference": "", "diff_range": "", "verdict": "", "detectable": False}
    u = f["unit"]
    return {"value": value(f["mean"], u, lang), "range": value_range(f["p5"], f["p95"], u, lang),
            "difference": value(f["difference"], u, lang, diff=True),
            "diff_range": value_range(f["low"], f["high"], u, lang, diff=True),
            "verdict": text(f"verdict.short.{f['verdict']}", lang), "detectable": f["verdict"] in ("likely", "clear")}


def rows(designs: list[SavedDesign], lang: str) -> list[dict]:
    """The scoreboard's rows, one per design."""
    return [{"id": d.id, "team": d.team, "name": d.name, "scenario": d.scenario, "levers": lever_text(d, lang),
             "replications": d.replications, "cells": [_cell(d.figures.get(o), lang) for o in OUTCOMES]}
            for d in designs]


def headers(lang: str) -> list[str]:
    return [label(o, lang) for o in OUTCOMES]


def plain_cell(value):
    """A text cell a spreadsheet shows as text: one that starts like a formula (a team named
    ``=HYPERLINK(...)``) gets a leading apostrophe.  Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(designs: list[SavedDesign], lang: str) -> str:
    """One row per design and outcome (plain labels in ``lang``, numbers unformatted, text
    cells that a spreadsheet would read as a formula made plain, :func:`plain_cell`)."""
    out = []
    for d in designs:
        for o, f in d.figures.items():
            out.append({"team": d.team, "design": d.name, "scenario": d.scenario, "outcome": o,
                        "label": label(o, lang), "unit": f["unit"], "mean": f["mean"], "p5": f["p5"], "p95": f["p95"],
                        "baseline_mean": f["baseline_mean"], "difference_mean": f["difference"],
                        "difference_p5": f["low"], "difference_p95": f["high"], "verdict": f["verdict"],
                        "replications": d.replications, "seed": d.seed, "levers": lever_text(d, lang),
                        "saved": d.saved})
    buf = io.StringIO()
    rows_ = [{k: plain_cell(v) for k, v in row.items()} for row in out]
    pd.DataFrame(rows_, columns=CSV_COLUMNS).to_csv(buf, index=False)
    return buf.getvalue()


def environment() -> Environment:
    return Environment(loader=PackageLoader("sim.interface.app", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def table_html(designs: list[SavedDesign], lang: str) -> str:
    """The scoreboard table (for the page and the export)."""
    return environment().get_template("scoreboard_table.html.j2").render(
        t=lambda key, **v: text(key, lang, **v), headers=headers(lang), rows=rows(designs, lang))


def page_html(designs: list[SavedDesign], lang: str, when: datetime | None = None) -> str:
    """A one-page, self-contained HTML file for the debrief."""
    when = when or datetime.now()
    return environment().get_template("scoreboard.html.j2").render(
        lang=lang, t=lambda key, **v: text(key, lang, **v), table=table_html(designs, lang),
        date=when.strftime("%Y-%m-%d %H:%M"), n=len(designs))
