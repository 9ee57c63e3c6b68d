"""The report's figures (matplotlib on an Agg canvas; no global backend change), with
every word from the catalogue of the chosen language.  Points are means over
replications and bars 90 % intervals, as everywhere in the report."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.statistics import DEFINITIONS
from sim.interface.i18n import label, state, text

STATES = ("not_enrolled", "trin1", "trin2", "trin3", "self_sufficient", "exited")
STATE_COLOURS = ("#bdbdbd", "#9ecae1", "#4292c6", "#08519c", "#41ab5d", "#fdae6b")
MISFIT_COLOUR = "#d7301f"
#: file name -> catalogue key of its caption, in report order
FIGURES = {"states.png": "figure.states", "outcomes_vs_evaluation.png": "figure.outcomes",
           "noshows.png": "figure.noshows", "staff.png": "figure.staff", "paid_hours.png": "figure.paid_hours"}


def figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(w, h), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def save(fig, path: Path):
    fig.tight_layout()
    fig.savefig(path, format="png")
    return fig


def colours(n: int) -> list:
    from matplotlib import colormaps
    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def _empty(fig, message: str, path: Path):
    ax = fig.add_subplot(1, 1, 1)
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.set_axis_off()
    save(fig, path)
    return fig


def fig_states(weekly: pd.DataFrame, names: list[str], path: Path, lang: str):
    n = len(names)
    handles, labels = [], []
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig = figure(6.5 * cols, 3.8 * rows + 0.6)
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        w = weekly[weekly["scenario"] == name]
        avg = w.groupby("week")[list(STATES)].mean()   # means: the layers add up to the population
        ax.stackplot(avg.index, [avg[s] for s in STATES], labels=[state(s, lang) for s in STATES],
                     colors=STATE_COLOURS, alpha=0.9)
        ax.set_title(text("fig.states.title", lang, scenario=name))
        ax.set_xlabel(text("fig.week", lang))
        ax.set_ylabel(text("fig.citizens", lang))
        ax.margins(x=0)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.6 / (3.8 * rows + 0.6), 1, 1))
    fig.savefig(path, format="png")
    return fig


def fig_outcomes(summary: pd.DataFrame, names: list[str], path: Path, lang: str):
    """Simulated outcomes against the evaluation figures; misfits (|z| > 2) ringed in red."""
    have = summary[~summary["reported"].isna()]
    outcomes = [o for o in DEFINITIONS if o in set(have["outcome"])]
    fig = figure(9.5, max(2.5, 0.45 * max(len(outcomes), 1) * max(1, len(names)) ** 0.5 + 1.6))
    if not outcomes:
        return _empty(fig, text("fig.outcomes.none", lang), path)
    ax = fig.add_subplot(1, 1, 1)
    step = 0.7 / max(len(names), 1)
    flagged = False
    for j, (name, colour) in enumerate(zip(names, colours(len(names)))):
        s = summary[summary["scenario"] == name].set_index("outcome")
        for i, o in enumerate(outcomes):
            y = i + (j - (len(names) - 1) / 2) * step
            r = s.loc[o]
            if not math.isnan(r["mean"]):
                ax.errorbar(r["mean"], y, xerr=[[max(r["mean"] - r["p5"], 0)], [max(r["p95"] - r["mean"], 0)]],
                            fmt="o", color=colour, capsize=3,
                            label=text("fig.outcomes.simulated", lang, scenario=name) if i == 0 else None)
            if not math.isnan(r["reported"]):
                first = not any(not math.isnan(s.loc[x, "reported"]) for x in outcomes[:i])
                ax.plot(r["reported"], y, marker="x", markersize=9, mew=2, color=colour, linestyle="none",
                        label=text("fig.outcomes.evaluation", lang, scenario=name) if first else None)
            if r["misfit"]:
                ax.plot(r["mean"], y, marker="o", markersize=16, mfc="none", mec=MISFIT_COLOUR, mew=2,
                        linestyle="none", label=None if flagged else text("fig.outcomes.misfit", lang))
                ax.annotate(f"z = {r['z']:+.1f}", (r["mean"], y), xytext=(0, 11), textcoords="offset points",
                            ha="center", fontsize=7, color=MISFIT_COLOUR)
                flagged = True
    ax.set_yticks(range(len(outcomes)))
    ax.set_yticklabels([label(o, lang) for o in outcomes], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(text("fig.outcomes.xlabel", lang))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    save(fig, path)
    return fig


def _bar_with_range(ax, x, vals, colour, legend):
    mean, lo, hi = (np.array(v, dtype=float) for v in zip(*vals))
    ok = ~np.isnan(mean)
    ax.bar(x[ok], mean[ok], width=0.4, color=colour, label=legend)
    ax.errorbar(x[ok], mean[ok], yerr=[np.maximum(mean[ok] - lo[ok], 0), np.maximum(hi[ok] - mean[ok], 0)],
                fmt="none", ecolor="black", capsize=3, lw=1)
    for xi in x[~ok]:
        ax.text(xi, 0.002, "–", ha="center", va="bottom", fontsize=9, color="grey")


def _values(summary: pd.DataFrame, names: list[str], outcome: str) -> list[tuple[float, float, float]]:
    s = summary[summary["outcome"] == outcome].set_index("scenario")
    return [tuple(s.loc[n, ["mean", "p5", "p95"]]) for n in names]


def fig_noshows(summary: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(max(9.0, 2.4 * len(names) + 3), 4.0)
    x = np.arange(len(names), dtype=float)
    for k, kind in enumerate(("noshow", "cancel")):
        ax = fig.add_subplot(1, 2, k + 1)
        for off, loc, colour in ((-0.2, "outreach", "#41ab5d"), (0.2, "central", "#6a51a3")):
            _bar_with_range(ax, x + off, _values(summary, names, f"{kind}_share_{loc}"), colour,
                            text(f"fig.noshows.{loc}", lang))
        ax.set_xticks(x)
        ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
        ax.set_title(text(f"fig.noshows.{kind}", lang))
        ax.set_ylabel(text("fig.noshows.ylabel", lang))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
    save(fig, path)
    return fig


def fig_staff(summary: pd.DataFrame, weekly: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(11, 3.8)
    ax1 = fig.add_subplot(1, 2, 1)
    x = np.arange(len(names), dtype=float)
    _bar_with_range(ax1, x, _values(summary, names, "staff_utilisation"), "#4292c6", None)
    ax1.set_xticks(x)
    ax1.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax1.set_ylabel(text("fig.staff.ylabel", lang))
    ax1.set_title(text("fig.staff.title", lang))
    ax1.set_ylim(bottom=0)
    ax1.set_xlim(-0.8, len(names) - 0.2)
    ax2 = fig.add_subplot(1, 2, 2)
    for colour, name in zip(colours(len(names)), names):
        w = weekly[weekly["scenario"] == name].groupby("week")[["caseworkers", "waiting"]].mean()
        ax2.plot(w.index, w["caseworkers"], color=colour, label=text("fig.staff.caseworkers", lang, scenario=name))
        if w["waiting"].max() > 0:
            ax2.plot(w.index, w["waiting"], color=colour, linestyle="--",
                     label=text("fig.staff.waiting", lang, scenario=name))
    ax2.set_xlabel(text("fig.week", lang))
    ax2.set_ylabel(text("fig.staff.count", lang))
    ax2.set_title(text("fig.staff.title2", lang))
    ax2.set_ylim(bottom=0)
    ax2.legend(fontsize=7)
    save(fig, path)
    return fig


def fig_paid_hours(citizens: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(7.5, 3.8)
    paid = citizens[citizens["hours_end"] > 0]
    if paid.empty:
        return _empty(fig, text("fig.paid_hours.none", lang), path)
    ax = fig.add_subplot(1, 1, 1)
    bins = np.linspace(0, max(40.0, float(paid["hours_end"].quantile(0.99))), 25)
    for colour, name in zip(colours(len(names)), names):
        h = paid.loc[paid["scenario"] == name, "hours_end"].to_numpy(dtype=float)
        if h.size:
            n_reps = max(1, citizens.loc[citizens["scenario"] == name, "replication"].nunique())
            ax.hist(h, bins=bins, histtype="step", lw=2, color=colour, weights=np.full(h.size, 1.0 / n_reps),
                    label=text("fig.paid_hours.legend", lang, scenario=name, n=f"{h.size / n_reps:.1f}"))
    ax.axvline(30, color="black", linestyle=":", lw=1)
    ax.text(30, ax.get_ylim()[1] * 0.95, " " + text("fig.paid_hours.smajob", lang), fontsize=7, va="top")
    ax.set_xlabel(text("fig.paid_hours.xlabel", lang))
    ax.set_ylabel(text("fig.paid_hours.ylabel", lang))
    ax.legend(fontsize=7)
    save(fig, path)
    return fig


def write_figures(out: Path, summary: pd.DataFrame, weekly: pd.DataFrame, citizens: pd.DataFrame,
                  names: list[str], lang: str) -> list[str]:
    fig_states(weekly, names, out / "states.png", lang)
    fig_outcomes(summary, names, out / "outcomes_vs_evaluation.png", lang)
    fig_noshows(summary, names, out / "noshows.png", lang)
    fig_staff(summary, weekly, names, out / "staff.png", lang)
    fig_paid_hours(citizens, names, out / "paid_hours.png", lang)
    return list(FIGURES)
