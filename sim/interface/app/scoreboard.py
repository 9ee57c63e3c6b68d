"""The team scoreboard: every saved design on the outcomes a workshop argues about, each
with its 90 % interval and its difference from its own baseline (paired by seed, with
the report's verdict), its programme cost against the exercise's cap, a chart of cost
against effect, and the debrief exports: a CSV table and a one-page HTML file.

Numbers and rules are the report's (:mod:`sim.experiment.statistics`), words the
catalogue's: nothing here computes an interval or decides a verdict.  An outcome that
never varied in any saved design's ensemble gets no column (it says nothing about the
difference between designs); the CSV keeps every outcome.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from datetime import datetime

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim.interface.i18n import kroner, label, lever_value, number, scenario_title, text, value, value_range, when
from sim.interface.report.figures import colours, figure
from sim.interface.report.tables import write_csv

from .ensemble import DESIGN, Ensemble
from .exercise import programme_cost, within
from .levers import changed
from .store import SavedDesign

#: the headline effect, ordinary hours, no-shows and the net public budget
OUTCOMES = ("ever_job_or_education_52w", "share_ordinary_hours", "noshow_share", "net_cost")
#: the chart of cost against effect: (effect on the x axis, cost on the y axis)
CHART = ("ever_job_or_education_52w", "net_cost")
CHART_FONT = 12.0
#: What a spreadsheet reads as the start of a formula (and the characters it strips first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["team", "design", "scenario", "outcome", "label", "unit", "mean", "p5", "p95", "baseline_mean",
               "difference_mean", "difference_p5", "difference_p95", "verdict", "replications", "seed", "levers",
               "programme_cost", "parameters", "saved"]


def figures(ens: Ensemble, outcomes=OUTCOMES) -> dict[str, dict]:
    """The design's figures on ``outcomes``: level with interval, difference with interval,
    verdict, and whether the outcome varied at all in this ensemble."""
    s = ens.summary[ens.summary["scenario"] == DESIGN].set_index("outcome")
    c = ens.comparison.set_index("outcome")
    out = {}
    for o in outcomes:
        if o not in s.index or o not in c.index:
            continue
        r, d = s.loc[o], c.loc[o]
        out[o] = {"unit": r["unit"], "mean": r["mean"], "p5": r["p5"], "p95": r["p95"],
                  "baseline_mean": d["reference_mean"], "difference": d["difference_mean"],
                  "low": d["difference_p5"], "high": d["difference_p95"], "verdict": d["verdict"],
                  "varies": o not in ens.hidden}
    return out


def saved_design(ens: Ensemble, team: str, name: str) -> SavedDesign:
    """What a team saves: its levers against the scenario, the ensemble's figures and the
    design's programme cost a year."""
    levers = {k: [a, b] for k, (a, b) in changed(ens.baseline, ens.design).items()}
    return SavedDesign(team=team, name=name, scenario=ens.baseline.name, levers=levers,
                       replications=ens.replications, seed=ens.seed, figures=figures(ens),
                       programme_cost=programme_cost(ens.design), parameters=ens.parameters)


def lever_text(d: SavedDesign, lang: str) -> str:
    if not d.levers:
        return text("app.levers.none", lang)
    return "; ".join(text("findings.lever_item", lang, lever=text(f"app.lever.{k}", lang), old=lever_value(a, lang),
                          new=lever_value(b, lang)) for k, (a, b) in d.levers.items())


def columns(designs: list[SavedDesign]) -> list[str]:
    """The outcomes the board shows: those that varied in at least one design's ensemble."""
    return [o for o in OUTCOMES if any(d.figures.get(o, {}).get("varies", True) for d in designs if o in d.figures)]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _cell(f: dict | None, lang: str) -> dict:
    if not f or _missing(f["mean"]):
        return {"value": "–", "range": "", "difference": "", "diff_range": "", "verdict": "", "detectable": False}
    u = f["unit"]
    return {"value": value(f["mean"], u, lang), "range": value_range(f["p5"], f["p95"], u, lang),
            "difference": value(f["difference"], u, lang, diff=True),
            "diff_range": value_range(f["low"], f["high"], u, lang, diff=True),
            "verdict": text(f"verdict.short.{f['verdict']}", lang), "detectable": f["verdict"] in ("likely", "clear")}


def _budget(d: SavedDesign, cap: float | None, lang: str) -> dict:
    cost = d.programme_cost
    if cost is None:
        return {"cost": "–", "within": None}
    return {"cost": kroner(cost, lang, million=True), "within": None if cap is None else within(cost, cap)}


def rows(designs: list[SavedDesign], lang: str, cap: float | None = None) -> list[dict]:
    """The scoreboard's rows, one per design."""
    shown = columns(designs)
    return [{"id": d.id, "number": i, "team": d.team, "name": d.name, "scenario": scenario_title(d.scenario, lang),
             "levers": lever_text(d, lang), "replications": d.replications, "budget": _budget(d, cap, lang),
             "cells": [_cell(d.figures.get(o), lang) for o in shown]} for i, d in enumerate(designs, 1)]


def headers(designs: list[SavedDesign], lang: str) -> list[str]:
    return [label(o, lang) for o in columns(designs)]


def plain_cell(value):
    """A text cell a spreadsheet shows as text: one that starts like a formula (a team named
    ``=HYPERLINK(...)``) gets a leading apostrophe.  Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(designs: list[SavedDesign], lang: str) -> str:
    """One row per design and outcome (plain labels in ``lang``), as the language's
    spreadsheets read it (:func:`sim.interface.report.tables.write_csv`), with text cells
    that a spreadsheet would read as a formula made plain (:func:`plain_cell`)."""
    out = []
    for d in designs:
        for o, f in d.figures.items():
            out.append({"team": d.team, "design": d.name, "scenario": d.scenario, "outcome": o,
                        "label": label(o, lang), "unit": f["unit"], "mean": f["mean"], "p5": f["p5"], "p95": f["p95"],
                        "baseline_mean": f["baseline_mean"], "difference_mean": f["difference"],
                        "difference_p5": f["low"], "difference_p95": f["high"], "verdict": f["verdict"],
                        "replications": d.replications, "seed": d.seed, "levers": lever_text(d, lang),
                        "programme_cost": d.programme_cost, "parameters": d.parameters, "saved": when(d.saved, lang)})
    buf = io.StringIO()
    rows_ = [{k: plain_cell(v) for k, v in row.items()} for row in out]
    write_csv(pd.DataFrame(rows_, columns=CSV_COLUMNS), buf, lang)
    return buf.getvalue()


def cost_effect_chart(designs: list[SavedDesign], lang: str, width: float = 7.5):
    """Each design's difference from its baseline: the effect on the headline outcome
    (percentage points, across) against the net public cost (million kroner, up), each
    with its 90 % interval; numbered as on the board."""
    fig = figure(width, 4.8)
    ax = fig.add_subplot(1, 1, 1)
    x_key, y_key = CHART
    drawn = 0
    for i, (d, colour) in enumerate(zip(designs, colours(max(len(designs), 1))), 1):
        fx, fy = d.figures.get(x_key), d.figures.get(y_key)
        if not fx or not fy or _missing(fx["difference"]) or _missing(fy["difference"]):
            continue
        x, y = 100 * fx["difference"], fy["difference"] / 1e6
        filled = fx["verdict"] in ("likely", "clear")
        ax.errorbar(x, y, xerr=[[max(x - 100 * fx["low"], 0)], [max(100 * fx["high"] - x, 0)]],
                    yerr=[[max(y - fy["low"] / 1e6, 0)], [max(fy["high"] / 1e6 - y, 0)]], fmt="o", ms=9,
                    color=colour, mfc=colour if filled else "white", capsize=4)
        ax.annotate(str(i), (x, y), xytext=(7, 5), textcoords="offset points", fontsize=CHART_FONT, color=colour,
                    fontweight="bold")
        drawn += 1
    ax.axhline(0, color="black", lw=1)
    ax.axvline(0, color="black", lw=1)
    ax.set_xlabel(textwrap.fill(text("app.chart.x", lang, outcome=label(x_key, lang)), 60), fontsize=CHART_FONT)
    ax.set_ylabel(textwrap.fill(text("app.chart.y", lang), 30), fontsize=CHART_FONT)
    ax.tick_params(labelsize=CHART_FONT)
    ax.grid(alpha=0.3)
    if not drawn:
        ax.text(0.5, 0.5, text("app.team.empty", lang), ha="center", va="center", transform=ax.transAxes,
                fontsize=CHART_FONT, wrap=True)
    fig.tight_layout()
    return fig


def chart_src(designs: list[SavedDesign], lang: str) -> str:
    buf = io.BytesIO()
    cost_effect_chart(designs, lang).savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def environment() -> Environment:
    return Environment(loader=PackageLoader("sim.interface.app", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def table_html(designs: list[SavedDesign], lang: str, cap: float | None = None) -> str:
    """The scoreboard table (for the page and the export)."""
    return environment().get_template("scoreboard_table.html.j2").render(
        t=lambda key, **v: text(key, lang, **v), headers=headers(designs, lang), rows=rows(designs, lang, cap),
        cap=kroner(cap, lang, million=True) if cap is not None else None)


def page_html(designs: list[SavedDesign], lang: str, when_: datetime | None = None, cap: float | None = None) -> str:
    """A one-page, self-contained HTML file for the debrief."""
    moment = when_ or datetime.now().astimezone()
    return environment().get_template("scoreboard.html.j2").render(
        lang=lang, t=lambda key, **v: text(key, lang, **v), table=table_html(designs, lang, cap),
        chart=chart_src(designs, lang) if designs else None, date=when(moment, lang), n=number(len(designs), lang))
