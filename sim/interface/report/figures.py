"""The report's figures (matplotlib on an Agg canvas; no global backend change), with
every word from the catalogue of the chosen language.  Points are means over
replications and bars 90 % intervals, as everywhere in the report; shares are in percent.

The figures are SVG with their text kept as text, embedded in the page, so a browser
draws every label at its real size (the tests measure it in Chromium: no text under
11 px at 1400 x 900, none overlapping).  They are at most :data:`WIDTH` inches wide at
100 dpi, which the page shows at natural size, and no text is smaller than
:data:`MIN_FONT` points (12.5 px)."""

from __future__ import annotations

import math
import textwrap
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.statistics import DEFINITIONS, unit
from sim.interface.i18n import label, number, scenario_title, state, text

STATES = ("not_enrolled", "trin1", "trin2", "trin3", "self_sufficient", "exited")
STATE_COLOURS = ("#bdbdbd", "#9ecae1", "#4292c6", "#08519c", "#41ab5d", "#fdae6b")
MISFIT_COLOUR = "#d7301f"
FONT = 10.0                 #: points; the report's figure text (13.9 px at 100 dpi)
MIN_FONT = 9.0              #: points; nothing smaller (12.5 px)
WIDTH = 10.8                #: inches: the widest figure, shown at natural size in the page
DPI = 100
#: file name -> catalogue key of its caption, in report order
FIGURES = {"states.svg": "figure.states", "outcomes_vs_evaluation.svg": "figure.outcomes",
           "noshows.svg": "figure.noshows", "staff.svg": "figure.staff", "paid_hours.svg": "figure.paid_hours"}
STYLE = {"font.size": FONT, "axes.titlesize": FONT + 1, "axes.labelsize": FONT, "xtick.labelsize": FONT,
         "ytick.labelsize": FONT, "legend.fontsize": FONT - 0.5, "figure.titlesize": FONT + 1,
         "svg.fonttype": "none", "svg.hashsalt": "fremskudt", "font.family": ["DejaVu Sans"]}


@contextmanager
def style():
    """The report's type sizes and SVG settings, for drawing and saving its figures."""
    import matplotlib
    with matplotlib.rc_context(STYLE):
        yield


def figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(min(w, WIDTH), h), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save(fig, path: Path, layout: bool = True):
    """Write ``fig`` as SVG (text kept as text) or PNG, by the file's suffix."""
    with style():
        if layout:
            fig.tight_layout()
        if Path(path).suffix == ".svg":
            fig.savefig(path, format="svg", metadata={"Date": None})
        else:
            fig.savefig(path, format="png")
    return fig


def colours(n: int) -> list:
    from matplotlib import colormaps
    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def _percent(ax, axis: str = "x") -> None:
    from matplotlib.ticker import FuncFormatter
    fmt = FuncFormatter(lambda v, _: f"{v:g} %")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _empty(fig, message: str, path: Path):
    ax = fig.add_subplot(1, 1, 1)
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.set_axis_off()
    save(fig, path)
    return fig


def fig_states(weekly: pd.DataFrame, names: list[str], path: Path, lang: str):
    n = len(names)
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    legend = 0.9
    fig = figure(WIDTH, 3.6 * rows + legend)
    handles, labels = [], []
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        w = weekly[weekly["scenario"] == name]
        avg = w.groupby("week")[list(STATES)].mean()   # means: the layers add up to the population
        ax.stackplot(avg.index, [avg[s] for s in STATES], labels=[state(s, lang) for s in STATES],
                     colors=STATE_COLOURS, alpha=0.9)
        ax.set_title(textwrap.fill(scenario_title(name, lang), 45))
        ax.set_xlabel(text("fig.week", lang))
        ax.set_ylabel(text("fig.citizens", lang))
        ax.margins(x=0)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="lower center", ncol=3, frameon=False)
    with style():
        fig.tight_layout(rect=(0, legend / fig.get_figheight(), 1, 1))
    save(fig, path, layout=False)
    return fig


def _evaluation_label(r, name: str, lang: str) -> str:
    base = r["reported_from"]
    if base and base != name and math.isnan(r["z"]):
        return text("fig.outcomes.evaluation_base", lang, base=scenario_title(base, lang))
    return text("fig.outcomes.evaluation", lang, scenario=scenario_title(name, lang))


def fig_outcomes(summary: pd.DataFrame, names: list[str], path: Path, lang: str):
    """Simulated outcomes against the evaluation figures, one panel per unit (shares in
    percent, rates); misfits (|z| > 2) ringed in red, their z at the row's right end.  A
    figure inherited from a base scenario of another programme is drawn as that programme's
    and never ringed."""
    have = summary[~summary["reported"].isna()]
    outcomes = [o for o in DEFINITIONS if o in set(have["outcome"])]
    groups = [(k, [o for o in outcomes if (unit(o) == "share") == (k == "share")]) for k in ("share", "rate")]
    groups = [(k, g) for k, g in groups if g]
    per_row = 0.32 * max(1, len(names)) ** 0.5
    fig = figure(WIDTH, max(2.5, sum(0.9 + per_row * len(g) for _, g in groups) + 0.9))
    if not outcomes:
        return _empty(fig, text("fig.outcomes.none", lang), path)
    grid = fig.add_gridspec(len(groups), 1, height_ratios=[0.9 + per_row * len(g) for _, g in groups])
    step = 0.6 / max(len(names), 1)
    entries: dict[str, object] = {}
    for k, (kind, rows) in enumerate(groups):
        ax = fig.add_subplot(grid[k, 0])
        factor = 100.0 if kind == "share" else 1.0
        flags: dict[int, list[str]] = {}
        for j, (name, colour) in enumerate(zip(names, colours(len(names)))):
            s = summary[summary["scenario"] == name].set_index("outcome")
            for i, o in enumerate(rows):
                if o not in s.index:
                    continue
                y = i + (j - (len(names) - 1) / 2) * step
                r = s.loc[o]
                m, lo, hi = r["mean"] * factor, r["p5"] * factor, r["p95"] * factor
                if not math.isnan(m):
                    h = ax.errorbar(m, y, xerr=[[max(m - lo, 0)], [max(hi - m, 0)]], fmt="o", color=colour, capsize=3)
                    entries.setdefault(text("fig.outcomes.simulated", lang, scenario=scenario_title(name, lang)), h)
                if not math.isnan(r["reported"]):
                    h, = ax.plot(r["reported"] * factor, y, marker="x", markersize=9, mew=2, color=colour,
                                 linestyle="none")
                    entries.setdefault(_evaluation_label(r, name, lang), h)
                if r["misfit"]:
                    h, = ax.plot(m, y, marker="o", markersize=15, mfc="none", mec=MISFIT_COLOUR, mew=2,
                                 linestyle="none")
                    entries.setdefault(text("fig.outcomes.misfit", lang), h)
                    flags.setdefault(i, []).append(number(r["z"], lang, 1, sign=True))
        for i, zs in flags.items():      # at the right end of the row, outside the points
            ax.annotate(f"z = {', '.join(zs)}", (1.0, i), xycoords=("axes fraction", "data"), xytext=(6, 0),
                        textcoords="offset points", va="center", color=MISFIT_COLOUR)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([textwrap.fill(label(o, lang), 40) for o in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(text(f"fig.outcomes.{kind}", lang), loc="left")
        if kind == "share":
            _percent(ax)
        ax.grid(axis="x", alpha=0.3)
    fig.legend(list(entries.values()), list(entries.keys()), loc="lower center", ncol=2, frameon=False)
    legend_rows = math.ceil(len(entries) / 2)
    with style():
        fig.tight_layout(rect=(0, (0.3 * legend_rows + 0.1) / fig.get_figheight(), 0.93, 1))
    save(fig, path, layout=False)
    return fig


def _barh(ax, y, vals, colour, legend, height=0.38):
    mean, lo, hi = (np.array(v, dtype=float) * 100 for v in zip(*vals))
    ok = ~np.isnan(mean)
    ax.barh(y[ok], mean[ok], height=height, color=colour, label=legend)
    ax.errorbar(mean[ok], y[ok], xerr=[np.maximum(mean[ok] - lo[ok], 0), np.maximum(hi[ok] - mean[ok], 0)],
                fmt="none", ecolor="black", capsize=3, lw=1)


def _values(summary: pd.DataFrame, names: list[str], outcome: str) -> list[tuple[float, float, float]]:
    s = summary[summary["outcome"] == outcome].set_index("scenario")
    return [tuple(s.loc[n, ["mean", "p5", "p95"]]) if n in s.index else (math.nan,) * 3 for n in names]


def _scenario_axis(ax, names: list[str], lang: str) -> None:
    ax.set_yticks(np.arange(len(names), dtype=float))
    ax.set_yticklabels([textwrap.fill(scenario_title(n, lang), 22) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)


def fig_noshows(summary: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(WIDTH, 1.6 + 0.7 * len(names))
    y = np.arange(len(names), dtype=float)
    for k, kind in enumerate(("noshow", "cancel")):
        ax = fig.add_subplot(1, 2, k + 1)
        for off, loc, colour in ((-0.2, "outreach", "#41ab5d"), (0.2, "central", "#6a51a3")):
            _barh(ax, y + off, _values(summary, names, f"{kind}_share_{loc}"), colour, text(f"fig.noshows.{loc}", lang))
        _scenario_axis(ax, names, lang)
        if k:
            ax.set_yticklabels([])
        ax.set_title(text(f"fig.noshows.{kind}", lang))
        ax.set_xlabel(text("fig.noshows.xlabel", lang))
        ax.set_xlim(left=0)
        _percent(ax)
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    with style():
        fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))
    save(fig, path, layout=False)
    return fig


def fig_staff(summary: pd.DataFrame, weekly: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(WIDTH, 4.2 + 0.25 * len(names))
    ax1 = fig.add_subplot(1, 2, 1)
    y = np.arange(len(names), dtype=float)
    _barh(ax1, y, _values(summary, names, "staff_utilisation"), "#4292c6", None, height=0.6)
    _scenario_axis(ax1, names, lang)
    ax1.set_xlabel(text("fig.staff.xlabel", lang))
    ax1.set_title(textwrap.fill(text("fig.staff.title", lang), 40))
    ax1.set_xlim(left=0)
    _percent(ax1)
    ax2 = fig.add_subplot(1, 2, 2)
    for colour, name in zip(colours(len(names)), names):
        w = weekly[weekly["scenario"] == name].groupby("week")[["caseworkers", "waiting"]].mean()
        ax2.plot(w.index, w["caseworkers"], color=colour, label=text("fig.staff.caseworkers", lang,
                                                                      scenario=scenario_title(name, lang)))
        if w["waiting"].max() > 0:
            ax2.plot(w.index, w["waiting"], color=colour, linestyle="--",
                     label=text("fig.staff.waiting", lang, scenario=scenario_title(name, lang)))
    ax2.set_xlabel(text("fig.week", lang))
    ax2.set_ylabel(text("fig.staff.count", lang))
    ax2.set_title(textwrap.fill(text("fig.staff.title2", lang), 40))
    ax2.set_ylim(bottom=0)
    handles, labels = ax2.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    rows = math.ceil(len(labels) / 2)
    with style():
        fig.tight_layout(rect=(0, (0.3 * rows + 0.1) / fig.get_figheight(), 1, 1))
    save(fig, path, layout=False)
    return fig


def fig_paid_hours(citizens: pd.DataFrame, names: list[str], path: Path, lang: str):
    fig = figure(8.5, 4.4 + 0.3 * len(names))
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
                    label=text("fig.paid_hours.legend", lang, scenario=scenario_title(name, lang),
                               n=number(h.size / n_reps, lang, 1)))
    ax.axvline(30, color="black", linestyle=":", lw=1)
    ax.annotate(text("fig.paid_hours.smajob", lang), (30, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -4),
                textcoords="offset points", va="top")
    ax.set_xlabel(text("fig.paid_hours.xlabel", lang))
    ax.set_ylabel(text("fig.paid_hours.ylabel", lang))
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=1, frameon=False)     # below the plot: clear of the bars
    with style():
        fig.tight_layout(rect=(0, (0.3 * len(labels) + 0.1) / fig.get_figheight(), 1, 1))
    save(fig, path, layout=False)
    return fig


def write_figures(out: Path, summary: pd.DataFrame, weekly: pd.DataFrame, citizens: pd.DataFrame,
                  names: list[str], lang: str) -> list[str]:
    with style():
        fig_states(weekly, names, out / "states.svg", lang)
        fig_outcomes(summary, names, out / "outcomes_vs_evaluation.svg", lang)
        fig_noshows(summary, names, out / "noshows.svg", lang)
        fig_staff(summary, weekly, names, out / "staff.svg", lang)
        fig_paid_hours(citizens, names, out / "paid_hours.svg", lang)
    return list(FIGURES)
