"""The differences chart (forest plot): for each scenario against the reference, the key
outcomes (percentage points) and the public budget (million kroner), each a mean paired
difference with its 90 % interval.  A filled marker means the interval excludes zero."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from sim.experiment.budget import COSTS, REVENUES
from sim.interface.i18n import label, text

from .figures import colours, figure, save

FILE = "differences.png"
OUTCOMES = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
            "share_ordinary_hours", "share_self_supporting", "noshow_share", "cancel_share", "attendance_share",
            "staff_utilisation")
BUDGET = ("net_cost",) + COSTS + REVENUES


def _rows(comparison: pd.DataFrame, wanted: tuple[str, ...], budget: bool) -> list[str]:
    """Outcomes covered by the comparison; budget items only where some scenario differs."""
    rows = []
    for o in wanted:
        sub = comparison[comparison["outcome"] == o]
        if sub.empty or (sub["verdict"] == "not_covered").all():
            continue
        if budget and o != "net_cost" and not (sub[["difference_p5", "difference_p95"]].abs().to_numpy() > 0).any():
            continue
        rows.append(o)
    return rows


def _panel(ax, comparison: pd.DataFrame, rows: list[str], names: list[str], scale: float, lang: str,
           font: float, wrap: int | None = None) -> None:
    others = names[1:]
    step = 0.6 / max(len(others), 1)
    for j, (name, colour) in enumerate(zip(others, colours(len(names))[1:])):
        sub = comparison[comparison["scenario"] == name].set_index("outcome")
        for i, o in enumerate(rows):
            if o not in sub.index or sub.loc[o, "verdict"] == "not_covered":
                continue
            r = sub.loc[o]
            y = i + (j - (len(others) - 1) / 2) * step
            m, lo, hi = r["difference_mean"] * scale, r["difference_p5"] * scale, r["difference_p95"] * scale
            filled = r["verdict"] in ("likely", "clear")
            ax.errorbar(m, y, xerr=[[max(m - lo, 0)], [max(hi - m, 0)]], fmt="o", color=colour, capsize=font * 3 / 8,
                        mfc=colour if filled else "white", ms=font * 6 / 8)
        ax.plot([], [], "o", color=colour, label=text("fig.forest.legend", lang, scenario=name, reference=names[0]))
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([textwrap.fill(label(o, lang), wrap) if wrap else label(o, lang) for o in rows], fontsize=font)
    ax.tick_params(axis="x", labelsize=font + 2)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)


def fig_forest(comparison: pd.DataFrame, names: list[str], path: Path | None, lang: str, font: float = 8.0,
               width: float = 13.0, outcomes: tuple[str, ...] = OUTCOMES, budget: tuple[str, ...] = BUDGET,
               wrap: int | None = None, stack: bool = False, row: float | None = None):
    """The chart, written to ``path`` (if given).  The report uses the defaults; the
    workshop app draws it for a projector: ``font`` (labels' size in points), ``width``
    (inches), fewer rows, labels wrapped at ``wrap`` characters, panels stacked, ``row``
    inches per row."""
    panels = [(rows, scale, key) for rows, scale, key in (
        (_rows(comparison, outcomes, budget=False), 100.0, "fig.forest.outcomes"),
        (_rows(comparison, budget, budget=True), 1e-6, "fig.forest.budget")) if rows]
    per_row = (row or 0.42 * font / 8) * max(1, len(names) - 1) ** 0.5
    sizes = [len(r) for r, _, _ in panels] or [1]
    if stack:             # each panel's title and axis, then the comparison's name and the note
        height = sum(0.06 * font + per_row * n for n in sizes) + 0.07 * font
    else:
        height = 1.6 * font / 8 + per_row * max(sizes)
    fig = figure(width, height)
    if not panels:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, text("fig.forest.none", lang), ha="center", va="center", fontsize=font)
        ax.set_axis_off()
        return fig if path is None else save(fig, path)
    grid = fig.add_gridspec(len(panels), 1, height_ratios=[n + 1.5 for n in sizes]) if stack else \
        fig.add_gridspec(1, len(panels))
    for k, (rows, scale, key) in enumerate(panels):
        ax = fig.add_subplot(grid[k, 0] if stack else grid[0, k])
        _panel(ax, comparison, rows, names, scale, lang, font, wrap)
        title = text(key, lang)
        if stack:             # over the axis, right-aligned: the labels take the left of the figure
            ax.set_title(textwrap.fill(title, int(1.5 * wrap)) if wrap else title, fontsize=font, loc="right")
        else:
            ax.set_title(title, fontsize=font + 2)
        if k == 0 and not stack:
            ax.legend(fontsize=font - 1, loc="lower right")
    note = text("fig.forest.note", lang)
    if stack:             # one column: the comparison on top, the note wrapped below
        fig.suptitle("; ".join(fig.axes[0].get_legend_handles_labels()[1]), fontsize=font)
        note = textwrap.fill(note, 2 * wrap if wrap else 60)
    fig.text(0.01, 0.005, note, fontsize=font - 1, color="#555")
    fig.tight_layout(rect=(0, 0.1 if stack else 0.04, 1, 1))
    if path is not None:
        fig.savefig(path, format="png")
    return fig


def forest_outcomes(comparison: pd.DataFrame) -> list[str]:
    """The rows the chart shows (for the tables that go with it)."""
    return _rows(comparison, OUTCOMES, budget=False) + _rows(comparison, BUDGET, budget=True)

