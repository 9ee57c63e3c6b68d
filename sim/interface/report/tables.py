"""Table rows for the HTML report and the markdown files, with plain labels first and the
code name as a secondary column, values in percent, kroner or plain numbers, one unit per
row; and the CSV files, written as each language's spreadsheets read them."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.experiment.budget import COSTS, REVENUES
from sim.experiment.budget import DEFINITIONS as BUDGET
from sim.interface.i18n import definition, in_millions, label, number, scenario_title, text, value

#: Outcomes shown first (on screen and in the main tables); all are in the full tables.
KEY_OUTCOMES = ("ever_job_or_education_52w", "ever_self_sufficient_52w", "ever_company_activation_52w",
                "active_effort_share", "share_ordinary_hours", "share_self_supporting", "noshow_share",
                "cancel_share", "attendance_share", "staff_utilisation")
#: the budget table over the run: the items, the total, and who pays it
BUDGET_TABLE = COSTS + REVENUES + ("net_cost", "refund_from_state", "municipal_net_cost", "state_net_cost",
                                   "net_cost_per_citizen")
BUDGET_TOTALS = ("net_cost", "municipal_net_cost", "state_net_cost")
#: decimals of a value in a Danish CSV file, by unit (columns without a unit: :data:`CSV_OTHER_DECIMALS`)
CSV_DECIMALS = {"share": 4, "kroner": 0, "persons": 1, "rate": 3, "hours": 2}
CSV_OTHER_DECIMALS = {"z": 2, "same_direction": 3}
VALUE_COLUMNS = ("mean", "p5", "p95", "reported", "reference_mean", "scenario_mean", "difference_mean",
                 "difference_p5", "difference_p95", "kroner_per_citizen", "cumulative_mean")


def with_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with a ``label`` column (plain words in ``lang``) after ``outcome``."""
    out = df.copy()
    out.insert(out.columns.get_loc("outcome") + 1, "label", [label(o, lang) for o in out["outcome"]])
    if "definition" in out.columns:
        out["definition"] = [definition(o, lang) for o in out["outcome"]]
    return out


def write_csv(df: pd.DataFrame, path: Path, lang: str) -> None:
    """A CSV file as the language's spreadsheets read it.  English: ',' between fields, '.'
    decimals, full precision.  Danish: ';' between fields, ',' decimals, and figures rounded
    by their unit (:data:`CSV_DECIMALS`), which is what Danish Excel opens correctly; the
    parquet files keep every digit."""
    fmt = _number_format(lang)
    if fmt["decimal"] == ".":
        df.to_csv(path, index=False)
        return
    out = df.copy()
    for col in out.columns:
        if col in VALUE_COLUMNS and "unit" in out.columns:
            digits = out["unit"].map(CSV_DECIMALS).fillna(3).astype(int)
            out[col] = [round(v, d) if isinstance(v, float) and not math.isnan(v) else v
                        for v, d in zip(pd.to_numeric(out[col], errors="coerce"), digits)]
        elif col in VALUE_COLUMNS or col in CSV_OTHER_DECIMALS:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(CSV_OTHER_DECIMALS.get(col, 0))
    out.to_csv(path, index=False, sep=fmt["csv_separator"], decimal=fmt["decimal"])


def _number_format(lang: str) -> dict:
    from sim.interface.i18n.catalogue import catalogue
    return catalogue(lang)["number"]


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _source(r, scenario: str, lang: str) -> str:
    src = r.reported_source
    if r.reported_from and r.reported_from != scenario:
        key = "table.base_figure" if not _missing(r.z) else "table.base_figure_elsewhere"
        src = text(key, lang, source=src, base=scenario_title(r.reported_from, lang))
    if src and not _missing(r.reported_n):
        src = f"{src}; n = {number(int(r.reported_n), lang)}"
    return src


def summary_rows(summary: pd.DataFrame, scenario: str, lang: str, key_only: bool = False,
                 hidden=frozenset()) -> list[dict]:
    """One scenario's outcomes: mean, 90 % interval, evaluation figure, z and misfit flag
    (``key_only``: the key outcomes and those with an evaluation figure, less ``hidden``)."""
    rows = []
    for r in summary[summary["scenario"] == scenario].itertuples():
        if key_only and ((r.outcome not in KEY_OUTCOMES and not r.reported_source) or r.outcome in hidden):
            continue
        big = _row_million(r.mean, r.p5, r.p95) if r.unit == "kroner" else None
        mean, low, high = (value(x, r.unit, lang, million=big) for x in (r.mean, r.p5, r.p95))
        rows.append({"label": label(r.outcome, lang), "code": r.outcome, "mean": mean, "low": low, "high": high,
                     "evaluation": value(r.reported, r.unit, lang) if r.reported_source else "",
                     "source": _source(r, scenario, lang) if r.reported_source else "",
                     "z": number(r.z, lang, 1, sign=True) if not _missing(r.z) else "",
                     "misfit": bool(r.misfit), "budget": r.outcome in BUDGET,
                     "definition": definition(r.outcome, lang)})
    return rows


def _row_million(*values) -> bool:
    return in_millions(*values)


def comparison_rows(comparison: pd.DataFrame, scenario: str, lang: str,
                    outcomes: list[str] | None = None) -> list[dict]:
    """One scenario against the reference: the two means, the mean paired difference and its
    interval, each row in one unit."""
    sub = comparison[comparison["scenario"] == scenario].set_index("outcome", drop=False)
    order = outcomes if outcomes is not None else list(sub.index)
    rows = []
    for o in order:
        if o not in sub.index:
            continue
        r = sub.loc[o]
        big = _row_million(r.reference_mean, r.scenario_mean) if r.unit == "kroner" else None
        small = _row_million(r.difference_mean, r.difference_p5, r.difference_p95) if r.unit == "kroner" else None
        rows.append({"label": label(o, lang), "code": o, "reference": value(r.reference_mean, r.unit, lang, million=big),
                     "scenario": value(r.scenario_mean, r.unit, lang, million=big),
                     "difference": value(r.difference_mean, r.unit, lang, diff=True, million=small),
                     "low": value(r.difference_p5, r.unit, lang, diff=True, million=small),
                     "high": value(r.difference_p95, r.unit, lang, diff=True, million=small),
                     "verdict": text(f"verdict.short.{r.verdict}", lang),
                     "bold": r.verdict in ("likely", "clear"), "definition": definition(o, lang)})
    return rows


def budget_rows(summary: pd.DataFrame, names: list[str], lang: str) -> list[dict]:
    """Budget items (rows) by scenario (columns): mean and 90 % interval in one unit a row."""
    rows = []
    for o in BUDGET_TABLE:
        s = summary[(summary["outcome"] == o) & summary["scenario"].isin(names)].set_index("scenario")
        if s.empty:
            continue
        big = _row_million(*s["mean"], *s["p5"], *s["p95"]) if o != "net_cost_per_citizen" else False
        cells = []
        for n in names:
            if n not in s.index:
                cells.append(("–", ""))
                continue
            r = s.loc[n]
            cells.append((value(r["mean"], r["unit"], lang, million=big),
                          text("table.range", lang, low=value(r["p5"], r["unit"], lang, million=big),
                               high=value(r["p95"], r["unit"], lang, million=big))))
        rows.append({"label": label(o, lang), "code": o, "cells": cells, "total": o in BUDGET_TOTALS,
                     "transfer": o == "refund_from_state", "definition": definition(o, lang)})
    return rows


def _md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: pd.DataFrame, scenarios, lang: str, preface: list[str] = ()) -> str:
    t = lambda k, **v: text(k, lang, **v)   # noqa: E731
    lines = [f"# {t('md.summary_title')}", "", *preface, t("report.convention"), "", t("md.summary_intro"), ""]
    head = [t("table.outcome"), t("table.mean"), t("table.low"), t("table.high"), t("table.evaluation"),
            t("table.z"), t("table.source"), t("table.code"), t("table.definition")]
    for sc in scenarios:
        lines += [f"## {scenario_title(sc.name, lang)} (`{sc.name}`)", "", sc.description or "", "",
                  "| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---:|---|---|---|"]
        for r in summary_rows(summary, sc.name, lang):
            flag = f" {t('table.misfit_flag')}" if r["misfit"] else ""
            lines.append(f"| {_md(r['label'])} | {r['mean']} | {r['low']} | {r['high']} | {r['evaluation']} | "
                         f"{r['z']}{flag} | {_md(r['source'])} | `{r['code']}` | {_md(r['definition'])} |")
        lines.append("")
    return "\n".join(lines)


def comparison_markdown(comparison: pd.DataFrame, lang: str, preface: list[str] = ()) -> str:
    t = lambda k, **v: text(k, lang, **v)   # noqa: E731
    lines = [f"# {t('md.comparison_title')}", "", *preface, t("report.convention"), "", t("md.comparison_intro"), ""]
    for name, sub in comparison.groupby("scenario", sort=False):
        ref = sub["reference"].iloc[0]
        a, b = scenario_title(ref, lang), scenario_title(name, lang)
        lines += [f"## {t('table.minus', scenario=b, reference=a)}", "",
                  f"| {t('table.outcome')} | {a} | {b} | {t('table.difference')} | {t('table.low')} | "
                  f"{t('table.high')} | {t('table.verdict')} | {t('table.code')} |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for r in comparison_rows(comparison, name, lang):
            diff = f"**{r['difference']}**" if r["bold"] else r["difference"]
            lines.append(f"| {_md(r['label'])} | {r['reference']} | {r['scenario']} | {diff} | {r['low']} | "
                         f"{r['high']} | {r['verdict']} | `{r['code']}` |")
        lines.append("")
    return "\n".join(lines)
