"""Table rows for the HTML report and the markdown files, with plain labels first and the
code name as a secondary column, values in percent, kroner or plain numbers."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiment.budget import DEFINITIONS as BUDGET
from sim.interface.i18n import definition, label, number, text, value, value_range

#: Outcomes shown first (on screen and in the main tables); all are in the full tables.
KEY_OUTCOMES = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
                "active_effort_share", "share_ordinary_hours", "share_self_supporting", "noshow_share",
                "cancel_share", "attendance_share", "staff_utilisation")


def with_labels(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with a ``label`` column (plain words in ``lang``) after ``outcome``."""
    out = df.copy()
    out.insert(out.columns.get_loc("outcome") + 1, "label", [label(o, lang) for o in out["outcome"]])
    return out


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _source(r, scenario: str, lang: str) -> str:
    src = r.reported_source
    if r.reported_from and r.reported_from != scenario:
        src = text("table.base_figure", lang, source=src, base=r.reported_from)
    if src and not _missing(r.reported_n):
        src = f"{src}; n = {number(int(r.reported_n), lang)}"
    return src


def summary_rows(summary: pd.DataFrame, scenario: str, lang: str, key_only: bool = False) -> list[dict]:
    """One scenario's outcomes: mean, 90 % interval, evaluation figure, z and misfit flag."""
    rows = []
    for r in summary[summary["scenario"] == scenario].itertuples():
        if key_only and r.outcome not in KEY_OUTCOMES and not r.reported_source:
            continue
        rows.append({"label": label(r.outcome, lang), "code": r.outcome, "mean": value(r.mean, r.unit, lang),
                     "low": value(r.p5, r.unit, lang), "high": value(r.p95, r.unit, lang),
                     "evaluation": value(r.reported, r.unit, lang) if r.reported_source else "",
                     "source": _source(r, scenario, lang) if r.reported_source else "",
                     "z": number(r.z, lang, 1, sign=True) if not _missing(r.z) else "",
                     "misfit": bool(r.misfit), "budget": r.outcome in BUDGET,
                     "definition": definition(r.outcome, lang)})
    return rows


def comparison_rows(comparison: pd.DataFrame, scenario: str, lang: str,
                    outcomes: list[str] | None = None) -> list[dict]:
    """One scenario against the reference: the two means, the mean paired difference and its interval."""
    sub = comparison[comparison["scenario"] == scenario].set_index("outcome", drop=False)
    order = outcomes if outcomes is not None else list(sub.index)
    rows = []
    for o in order:
        if o not in sub.index:
            continue
        r = sub.loc[o]
        rows.append({"label": label(o, lang), "code": o, "reference": value(r.reference_mean, r.unit, lang),
                     "scenario": value(r.scenario_mean, r.unit, lang),
                     "difference": value(r.difference_mean, r.unit, lang, diff=True),
                     "low": value(r.difference_p5, r.unit, lang, diff=True),
                     "high": value(r.difference_p95, r.unit, lang, diff=True),
                     "verdict": text(f"verdict.short.{r.verdict}", lang),
                     "bold": r.verdict in ("likely", "clear"), "definition": definition(o, lang)})
    return rows


def budget_rows(summary: pd.DataFrame, names: list[str], lang: str) -> list[dict]:
    """Budget items (rows) by scenario (columns): mean and 90 % interval."""
    rows = []
    for o in BUDGET:
        cells = []
        for n in names:
            s = summary[(summary["scenario"] == n) & (summary["outcome"] == o)]
            if s.empty:
                cells.append(("–", ""))
                continue
            r = s.iloc[0]
            cells.append((value(r["mean"], r["unit"], lang), value_range(r["p5"], r["p95"], r["unit"], lang)))
        rows.append({"label": label(o, lang), "code": o, "cells": cells, "total": o == "net_cost",
                     "definition": definition(o, lang)})
    return rows


def _md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: pd.DataFrame, scenarios, lang: str) -> str:
    t = lambda k, **v: text(k, lang, **v)   # noqa: E731
    lines = [f"# {t('md.summary_title')}", "", t("report.convention"), "", t("md.summary_intro"), ""]
    head = [t("table.outcome"), t("table.mean"), t("table.low"), t("table.high"), t("table.evaluation"),
            t("table.z"), t("table.source"), t("table.code"), t("table.definition")]
    for sc in scenarios:
        lines += [f"## {sc.name}", "", sc.description or "", "", "| " + " | ".join(head) + " |",
                  "|---|---:|---:|---:|---:|---:|---|---|---|"]
        for r in summary_rows(summary, sc.name, lang):
            flag = f" {t('table.misfit_flag')}" if r["misfit"] else ""
            lines.append(f"| {_md(r['label'])} | {r['mean']} | {r['low']} | {r['high']} | {r['evaluation']} | "
                         f"{r['z']}{flag} | {_md(r['source'])} | `{r['code']}` | {_md(r['definition'])} |")
        lines.append("")
    return "\n".join(lines)


def comparison_markdown(comparison: pd.DataFrame, lang: str) -> str:
    t = lambda k, **v: text(k, lang, **v)   # noqa: E731
    lines = [f"# {t('md.comparison_title')}", "", t("report.convention"), "", t("md.comparison_intro"), ""]
    for name, sub in comparison.groupby("scenario", sort=False):
        ref = sub["reference"].iloc[0]
        lines += [f"## {t('table.minus', scenario=name, reference=ref)}", "",
                  f"| {t('table.outcome')} | {ref} | {name} | {t('table.difference')} | {t('table.low')} | "
                  f"{t('table.high')} | {t('table.verdict')} | {t('table.code')} |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for r in comparison_rows(comparison, name, lang):
            diff = f"**{r['difference']}**" if r["bold"] else r["difference"]
            lines.append(f"| {_md(r['label'])} | {r['reference']} | {r['scenario']} | {diff} | {r['low']} | "
                         f"{r['high']} | {r['verdict']} | `{r['code']}` |")
        lines.append("")
    return "\n".join(lines)
