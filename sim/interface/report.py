"""Results of a run on disk: tables, figures, a manifest and a self-contained HTML report.

One folder per run.  Everything is first written to a temporary sibling folder, which
is renamed into place only when all files are complete, so a failed or interrupted run
leaves nothing behind, and an existing folder is replaced only when asked to.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.outcomes import DEFINITIONS
from sim.spec.scenario import Scenario

STATES = ("not_enrolled", "trin1", "trin2", "trin3", "self_sufficient", "exited")
STATE_LABELS = {"not_enrolled": "Waiting (not enrolled)", "trin1": "Trin 1: clarification", "trin2": "Trin 2: towards a job",
                "trin3": "Trin 3: company placement", "self_sufficient": "Self-sufficient", "exited": "Left (other reasons)"}
STATE_COLOURS = ("#bdbdbd", "#9ecae1", "#4292c6", "#08519c", "#41ab5d", "#fdae6b")
#: Outcomes shown first (on screen and at the top of the report); all are in the tables.
KEY_OUTCOMES = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
                "active_effort_share", "share_ordinary_hours", "noshow_share", "cancel_share",
                "attendance_share", "staff_utilisation")
SUMMARY_COLUMNS = ["scenario", "outcome", "median", "p10", "p90", "replications", "reported", "reported_n",
                   "reported_source", "reported_from", "definition"]
COMPARISON_COLUMNS = ["scenario", "reference", "outcome", "reference_median", "scenario_median",
                      "difference_median", "difference_p5", "difference_p95", "pairs", "definition"]
FIGURES = {
    "states.png": "Citizens by pathway state over time (mean over replications, stacked)",
    "outcomes_vs_evaluation.png": "Simulated outcomes (median, 10-90 % range) against the evaluation figures",
    "noshows.png": "No-shows and cancellations at mandatory meetings: outreach office against central job centre",
    "staff.png": "Staff: share of caseworker contact time used, and active caseworkers and waiting referrals over time",
    "paid_hours.png": "Ordinary paid hours per month at the end of the run, citizens with any paid hours",
}


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

def _q(values: np.ndarray, q: float) -> float:
    v = values[~np.isnan(values)]
    return float(np.quantile(v, q)) if v.size else math.nan


def summary_frame(scenario: Scenario, reps: pd.DataFrame, origin: dict[str, str]) -> pd.DataFrame:
    """Every outcome: median, p10, p90 over replications, the evaluation figure and definition."""
    rows = []
    mine = reps[reps["scenario"] == scenario.name]
    for outcome, definition in DEFINITIONS.items():
        v = mine.loc[mine["outcome"] == outcome, "value"].to_numpy(dtype=float)
        rep = scenario.reported.get(outcome)
        rows.append({
            "scenario": scenario.name, "outcome": outcome,
            "median": _q(v, 0.5), "p10": _q(v, 0.1), "p90": _q(v, 0.9),
            "replications": int(np.sum(~np.isnan(v))),
            "reported": rep.value if rep else math.nan,
            "reported_n": rep.n if rep and rep.n is not None else pd.NA,
            "reported_source": rep.source if rep else "",
            "reported_from": origin.get(outcome, scenario.name) if rep else "",
            "definition": definition,
        })
    df = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    df["reported_n"] = df["reported_n"].astype("Int64")
    return df


def comparison_frame(reps: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Each outcome's difference against the first scenario, paired by replication seed."""
    ref = names[0]
    wide = reps.pivot_table(index=["outcome", "seed"], columns="scenario", values="value", aggfunc="first", dropna=False)
    rows = []
    for name in names[1:]:
        for outcome, definition in DEFINITIONS.items():
            try:
                sub = wide.loc[outcome]
            except KeyError:
                continue
            a = sub[ref].to_numpy(dtype=float)
            b = sub[name].to_numpy(dtype=float)
            d = b - a
            rows.append({"scenario": name, "reference": ref, "outcome": outcome,
                         "reference_median": _q(a, 0.5), "scenario_median": _q(b, 0.5),
                         "difference_median": _q(d, 0.5), "difference_p5": _q(d, 0.05), "difference_p95": _q(d, 0.95),
                         "pairs": int(np.sum(~np.isnan(d))), "definition": definition})
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def fmt(x: Any, digits: int = 3) -> str:
    if x is None or x is pd.NA:
        return ""
    try:
        if isinstance(x, float) and math.isnan(x):
            return "–"
    except TypeError:
        pass
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        return f"{x:.{digits}f}"
    return str(x)


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: pd.DataFrame, scenarios: list[Scenario]) -> str:
    lines = ["# Summary", "",
             "Median and 10-90 % range over replications for every outcome. Shares are fractions "
             "(0.174 = 17.4 %). '–' means the run does not cover the outcome (e.g. a 52-week measure in a shorter run).",
             "The evaluation figure is the one the scenario file reports for this setting; when it comes from the "
             "scenario a file extends, that scenario is named.", ""]
    for sc in scenarios:
        lines += [f"## {sc.name}", "", sc.description or "", "",
                  "| Outcome | Median | P10 | P90 | Evaluation | n | Source | Definition |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for r in summary[summary["scenario"] == sc.name].itertuples():
            src = r.reported_source
            if r.reported_from and r.reported_from != sc.name:
                src = f"{src} (figure of base scenario '{r.reported_from}')"
            lines.append(f"| {r.outcome} | {fmt(r.median)} | {fmt(r.p10)} | {fmt(r.p90)} | "
                         f"{fmt(r.reported) if src else ''} | {fmt(r.reported_n)} | {_md_escape(src)} | {_md_escape(r.definition)} |")
        lines.append("")
    return "\n".join(lines)


def comparison_markdown(comp: pd.DataFrame) -> str:
    lines = ["# Comparison", "",
             "Difference of each scenario against the reference (the first scenario), computed replication by "
             "replication with the same seeds (common random numbers): median and 90 % interval (5-95 %) of the "
             "paired differences.", ""]
    for name, sub in comp.groupby("scenario", sort=False):
        ref = sub["reference"].iloc[0]
        lines += [f"## {name} minus {ref}", "",
                  f"| Outcome | {ref} | {name} | Difference (median) | 5 % | 95 % | Pairs |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in sub.itertuples():
            lines.append(f"| {r.outcome} | {fmt(r.reference_median)} | {fmt(r.scenario_median)} | "
                         f"{fmt(r.difference_median)} | {fmt(r.difference_p5)} | {fmt(r.difference_p95)} | {r.pairs} |")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Figures (matplotlib, Agg canvas; no global backend change)
# --------------------------------------------------------------------------------------

def _figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(w, h), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, format="png")


def _colours(n: int) -> list:
    from matplotlib import colormaps
    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def fig_states(weekly: pd.DataFrame, names: list[str], path: Path) -> None:
    n = len(names)
    handles, labels = [], []
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig = _figure(6.5 * cols, 3.8 * rows + 0.6)
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        w = weekly[weekly["scenario"] == name]
        # mean over replications: the layers then add up to the population (medians need not)
        avg = w.groupby("week")[list(STATES)].mean()
        ax.stackplot(avg.index, [avg[s] for s in STATES], labels=[STATE_LABELS[s] for s in STATES],
                     colors=STATE_COLOURS, alpha=0.9)
        ax.set_title(f"{name} (mean over replications)")
        ax.set_xlabel("Week")
        ax.set_ylabel("Citizens")
        ax.margins(x=0)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.6 / (3.8 * rows + 0.6), 1, 1))
    fig.savefig(path, format="png")


def fig_outcomes(summary: pd.DataFrame, names: list[str], path: Path) -> None:
    have = summary[~summary["reported"].isna()]
    outcomes = [o for o in DEFINITIONS if o in set(have["outcome"])]
    fig = _figure(8.5, max(2.5, 0.45 * max(len(outcomes), 1) * max(1, len(names)) ** 0.5 + 1.4))
    ax = fig.add_subplot(1, 1, 1)
    if not outcomes:
        ax.text(0.5, 0.5, "The scenario reports no evaluation figures", ha="center", va="center")
        ax.set_axis_off()
        _save(fig, path)
        return
    colours = _colours(len(names))
    step = 0.7 / max(len(names), 1)
    for j, name in enumerate(names):
        s = summary[summary["scenario"] == name].set_index("outcome")
        for i, o in enumerate(outcomes):
            y = i + (j - (len(names) - 1) / 2) * step
            r = s.loc[o]
            if not math.isnan(r["median"]):
                lo, hi = r["median"] - r["p10"], r["p90"] - r["median"]
                ax.errorbar(r["median"], y, xerr=[[max(lo, 0)], [max(hi, 0)]], fmt="o", color=colours[j],
                            capsize=3, label=f"{name}: simulated" if i == 0 else None)
            if not math.isnan(r["reported"]):
                ax.plot(r["reported"], y, marker="x", markersize=9, mew=2, color=colours[j], linestyle="none",
                        label=f"{name}: evaluation" if not any(
                            not math.isnan(s.loc[x, "reported"]) for x in outcomes[:i]) else None)
    ax.set_yticks(range(len(outcomes)))
    ax.set_yticklabels(outcomes, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Value (shares as fractions)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    _save(fig, path)


def _bar_with_range(ax, x, vals, colour, label):
    med, lo, hi = (np.array(v, dtype=float) for v in zip(*vals))
    ok = ~np.isnan(med)
    ax.bar(x[ok], med[ok], width=0.8 / 2, color=colour, label=label)
    ax.errorbar(x[ok], med[ok], yerr=[np.maximum(med[ok] - lo[ok], 0), np.maximum(hi[ok] - med[ok], 0)],
                fmt="none", ecolor="black", capsize=3, lw=1)
    for xi in x[~ok]:
        ax.text(xi, 0.002, "n/a", ha="center", va="bottom", fontsize=7, color="grey")


def fig_noshows(summary: pd.DataFrame, names: list[str], path: Path) -> None:
    fig = _figure(max(9.0, 2.4 * len(names) + 3), 4.0)
    axes = [fig.add_subplot(1, 2, k + 1) for k in range(2)]
    x = np.arange(len(names), dtype=float)
    for ax, kind, title in ((axes[0], "noshow", "No-shows"), (axes[1], "cancel", "Cancellations")):
        for off, loc, colour in ((-0.2, "outreach", "#41ab5d"), (0.2, "central", "#6a51a3")):
            vals = []
            for name in names:
                r = summary[(summary["scenario"] == name) & (summary["outcome"] == f"{kind}_share_{loc}")].iloc[0]
                vals.append((r["median"], r["p10"], r["p90"]))
            _bar_with_range(ax, x + off, vals, colour, f"{loc} office")
        ax.set_xticks(x)
        ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
        ax.set_title(title)
        ax.set_ylabel("Share of summoned meetings")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
    _save(fig, path)


def fig_staff(summary: pd.DataFrame, weekly: pd.DataFrame, names: list[str], path: Path) -> None:
    fig = _figure(11, 3.8)
    ax1 = fig.add_subplot(1, 2, 1)
    x = np.arange(len(names), dtype=float)
    vals = []
    for name in names:
        r = summary[(summary["scenario"] == name) & (summary["outcome"] == "staff_utilisation")].iloc[0]
        vals.append((r["median"], r["p10"], r["p90"]))
    _bar_with_range(ax1, x, vals, "#4292c6", None)
    ax1.set_xticks(x)
    ax1.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax1.set_ylabel("Share of contact time used")
    ax1.set_title("Caseworker time on meetings and open advice")
    ax1.set_ylim(bottom=0)
    ax1.set_xlim(-0.8, len(names) - 0.2)
    ax2 = fig.add_subplot(1, 2, 2)
    for colour, name in zip(_colours(len(names)), names):
        w = weekly[weekly["scenario"] == name].groupby("week")[["caseworkers", "waiting"]].median()
        ax2.plot(w.index, w["caseworkers"], color=colour, label=f"{name}: caseworkers")
        if w["waiting"].max() > 0:
            ax2.plot(w.index, w["waiting"], color=colour, linestyle="--", label=f"{name}: waiting referrals")
    ax2.set_xlabel("Week")
    ax2.set_ylabel("Count (median)")
    ax2.set_title("Active caseworkers and waiting referrals")
    ax2.set_ylim(bottom=0)
    ax2.legend(fontsize=7)
    _save(fig, path)


def fig_paid_hours(citizens: pd.DataFrame, names: list[str], path: Path) -> None:
    fig = _figure(7.5, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    paid = citizens[citizens["hours_end"] > 0]
    if paid.empty:
        ax.text(0.5, 0.5, "No citizen had ordinary paid hours at the end of the run", ha="center", va="center")
        ax.set_axis_off()
        _save(fig, path)
        return
    top = max(40.0, float(paid["hours_end"].quantile(0.99)))
    bins = np.linspace(0, top, 25)
    for colour, name in zip(_colours(len(names)), names):
        h = paid.loc[paid["scenario"] == name, "hours_end"].to_numpy(dtype=float)
        if h.size:
            n_reps = max(1, citizens.loc[citizens["scenario"] == name, "replication"].nunique())
            ax.hist(h, bins=bins, histtype="step", lw=2, color=colour, weights=np.full(h.size, 1.0 / n_reps),
                    label=f"{name} ({h.size / n_reps:.1f} citizens per replication)")
    ax.axvline(30, color="black", linestyle=":", lw=1)
    ax.text(30, ax.get_ylim()[1] * 0.95, " 30 h/month (småjob rule)", fontsize=7, va="top")
    ax.set_xlabel("Ordinary paid hours per month")
    ax.set_ylabel("Citizens per replication")
    ax.legend(fontsize=7)
    _save(fig, path)


def write_figures(out: Path, summary: pd.DataFrame, weekly: pd.DataFrame, citizens: pd.DataFrame,
                  names: list[str]) -> list[str]:
    fig_states(weekly, names, out / "states.png")
    fig_outcomes(summary, names, out / "outcomes_vs_evaluation.png")
    fig_noshows(summary, names, out / "noshows.png")
    fig_staff(summary, weekly, names, out / "staff.png")
    fig_paid_hours(citizens, names, out / "paid_hours.png")
    return list(FIGURES)


# --------------------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.def{color:#555;font-size:.92em}tr.rep td{background:#fbfbf0}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}.meta{color:#555;font-size:.9em}
"""


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def write_html(out: Path, manifest: dict, summary: pd.DataFrame, scenarios: list[Scenario],
               comparison: pd.DataFrame | None) -> None:
    e = html.escape
    names = [s.name for s in scenarios]
    title = f"Simulation report: {' vs '.join(names)}"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>"
             f"<style>{_CSS}</style></head><body>", f"<h1>{e(title)}</h1>"]
    git = manifest.get("git", {})
    parts.append(
        f"<p class='meta'>Run {e(manifest['started'])} to {e(manifest['finished'])}; "
        f"{manifest['replications']} replications per scenario from base seed {manifest['base_seed']}; "
        f"code version {e(str(git.get('commit') or 'unknown'))}{' (with uncommitted changes)' if git.get('dirty') else ''}. "
        f"Command: <code>{e(manifest['command'])}</code></p>")
    parts.append("<h2>What was simulated</h2><ul>")
    for sc in scenarios:
        parts.append(f"<li><b>{e(sc.name)}</b>: {e(sc.description)} "
                     f"({sc.population.size:,} citizens, {sc.horizon_weeks} weeks, "
                     f"{sc.organisation.caseworkers:g} caseworkers)</li>")
    parts.append("</ul><p>Each scenario was simulated several times with different random numbers "
                 "(replications). The tables give the middle value (median) and the range in which 80 % of the "
                 "replications fall (10 % to 90 %). Shares are fractions: 0.174 means 17.4 %. A dash means the run "
                 "does not cover that measure (for example a 52-week measure in a shorter run). Where an evaluation "
                 "reported a figure for the same setting it is shown next to the simulated value.</p>")
    if manifest.get("posterior"):
        parts.append(f"<p>Behavioural parameters were drawn for each replication from the posterior in "
                     f"<code>{e(manifest['posterior']['path'])}</code>.</p>")
    if comparison is not None and not comparison.empty:
        parts.append("<h2>Differences between scenarios</h2><p>Each scenario against "
                     f"<b>{e(names[0])}</b>, replication by replication with the same random numbers: the median "
                     "difference and the interval holding 90 % of the paired differences (5 % to 95 %).</p>")
        for name, sub in comparison.groupby("scenario", sort=False):
            parts.append(f"<h3>{e(name)} minus {e(names[0])}</h3><table><tr><th>Outcome</th><th>{e(names[0])}</th>"
                         f"<th>{e(name)}</th><th>Difference</th><th>5 %</th><th>95 %</th><th>What it measures</th></tr>")
            for r in sub.itertuples():
                parts.append(f"<tr><td>{e(r.outcome)}</td><td class='n'>{fmt(r.reference_median)}</td>"
                             f"<td class='n'>{fmt(r.scenario_median)}</td><td class='n'><b>{fmt(r.difference_median)}</b></td>"
                             f"<td class='n'>{fmt(r.difference_p5)}</td><td class='n'>{fmt(r.difference_p95)}</td>"
                             f"<td class='def'>{e(r.definition)}</td></tr>")
            parts.append("</table>")
    if comparison is None or comparison.empty:
        for sc in scenarios:
            parts.append(f"<h2>Main results: {e(sc.name)}</h2><table><tr><th>Outcome</th><th>Simulated (median)</th>"
                         "<th>10 % to 90 %</th><th>Evaluation</th></tr>")
            for r in summary[summary["scenario"] == sc.name].itertuples():
                if r.outcome not in KEY_OUTCOMES and not r.reported_source:
                    continue
                rng = f"{fmt(r.p10)} to {fmt(r.p90)}" if not pd.isna(r.p10) else "–"
                parts.append(f"<tr><td>{e(r.outcome)}</td><td class='n'><b>{fmt(r.median)}</b></td>"
                             f"<td class='n'>{rng}</td><td class='n'>{fmt(r.reported) if r.reported_source else ''}</td></tr>")
            parts.append("</table>")
    parts.append("<h2>Figures</h2>")
    for fname, caption in FIGURES.items():
        p = out / fname
        if p.exists():
            parts.append(f"<h3>{e(caption)}</h3>{_img(p)}")
    for sc in scenarios:
        parts.append(f"<h2>All outcomes: {e(sc.name)}</h2><table><tr><th>Outcome</th><th>Median</th><th>10 %</th>"
                     "<th>90 %</th><th>Evaluation</th><th>Source of the evaluation figure</th><th>What it measures</th></tr>")
        for r in summary[summary["scenario"] == sc.name].itertuples():
            src = r.reported_source
            if r.reported_from and r.reported_from != sc.name:
                src = f"{src} (figure of base scenario '{r.reported_from}')"
            if r.reported_source and not (isinstance(r.reported_n, type(pd.NA)) or r.reported_n is None):
                src = f"{src}; n = {fmt(r.reported_n)}"
            cls = " class='rep'" if r.reported_source else ""
            parts.append(f"<tr{cls}><td>{e(r.outcome)}</td><td class='n'><b>{fmt(r.median)}</b></td>"
                         f"<td class='n'>{fmt(r.p10)}</td><td class='n'>{fmt(r.p90)}</td>"
                         f"<td class='n'>{fmt(r.reported) if r.reported_source else ''}</td><td>{e(src)}</td>"
                         f"<td class='def'>{e(r.definition)}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Files in this folder</h2><ul>"
                 "<li><code>summary.csv</code>, <code>summary.md</code>: the tables above</li>"
                 + ("<li><code>comparison.csv</code>, <code>comparison.md</code>: the differences</li>" if comparison is not None else "")
                 + "<li><code>summary_replications.parquet</code>: every outcome of every replication</li>"
                 "<li><code>weekly.parquet</code>: weekly counts per pathway state</li>"
                 "<li><code>citizens.parquet</code>: one row per citizen and replication</li>"
                 "<li><code>manifest.json</code>: scenario files, resolved parameters, seeds, versions</li></ul>")
    parts.append("</body></html>")
    (out / "report.html").write_text("\n".join(parts), encoding="utf-8")
