"""The differences chart (forest plot): for each scenario against the reference, the mean
paired difference with its 90 % interval, one panel per unit, key outcomes first.  A filled
marker means the interval excludes zero.

The panels (:data:`PANELS`) each hold outcomes measured in one unit: percentage points of
citizens, of summoned meetings, of the caseworkers' contact time, counts per case-year,
and million kroner of cost and of tax revenue (a cost above zero costs more, a revenue
above zero brings in more, so they never share an axis).  Outcomes that never vary in
the compared scenarios are left out (``hidden``), and so are budget items that no
scenario changes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from sim.experiment.budget import COSTS, REVENUES
from sim.interface.i18n import label, scenario_title, text

from .figures import FONT, MIN_FONT, colours, figure, save

FILE = "differences.svg"
#: (catalogue key of the panel's title, factor from the outcome's unit to the axis's, outcomes in order)
PANELS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("fig.forest.citizens", 100.0, ("ever_job_or_education_52w", "ever_self_sufficient_52w",
                                    "ever_company_activation_52w", "share_self_supporting", "share_ordinary_hours",
                                    "share_internship_without_hours", "active_effort_share")),
    ("fig.forest.meetings", 100.0, ("noshow_share", "cancel_share", "attendance_share")),
    ("fig.forest.staff", 100.0, ("staff_utilisation",)),
    ("fig.forest.rates", 1.0, ("meetings_per_case_year", "sanctions_per_case_year")),
    ("fig.forest.costs", 1e-6, ("net_cost", "municipal_net_cost", "state_net_cost") + COSTS),
    ("fig.forest.revenues", 1e-6, REVENUES),
)
BUDGET_PANELS = ("fig.forest.costs", "fig.forest.revenues")
#: inches per row of a panel, and for a panel's title and axis
ROW, FRAME = 0.34, 0.85


def _rows(comparison: pd.DataFrame, wanted: tuple[str, ...], budget: bool, hidden) -> list[str]:
    """Outcomes covered by the comparison and not hidden; budget items only where some
    scenario's interval is not a single zero (net cost always)."""
    rows = []
    for o in wanted:
        sub = comparison[comparison["outcome"] == o]
        if o in hidden or sub.empty or (sub["verdict"] == "not_covered").all():
            continue
        if budget and o != "net_cost" and not (sub[["difference_p5", "difference_p95"]].abs().to_numpy() > 0).any():
            continue
        rows.append(o)
    return rows


def panels(comparison: pd.DataFrame, hidden=frozenset(), spec=PANELS) -> list[tuple[str, float, list[str]]]:
    """The panels the chart draws: (title key, factor, rows), empty panels dropped."""
    out = []
    for key, factor, wanted in spec:
        rows = _rows(comparison, wanted, key in BUDGET_PANELS, hidden)
        if rows:
            out.append((key, factor, rows))
    return out


def _panel(ax, comparison: pd.DataFrame, rows: list[str], names: list[str], factor: float, lang: str, font: float,
           wrap: int) -> None:
    others = names[1:]
    step = 0.6 / max(len(others), 1)
    for j, (name, colour) in enumerate(zip(others, colours(len(names))[1:])):
        sub = comparison[comparison["scenario"] == name].set_index("outcome")
        for i, o in enumerate(rows):
            if o not in sub.index or sub.loc[o, "verdict"] == "not_covered":
                continue
            r = sub.loc[o]
            y = i + (j - (len(others) - 1) / 2) * step
            m, lo, hi = r["difference_mean"] * factor, r["difference_p5"] * factor, r["difference_p95"] * factor
            filled = r["verdict"] in ("likely", "clear")
            ax.errorbar(m, y, xerr=[[max(m - lo, 0)], [max(hi - m, 0)]], fmt="o", color=colour, capsize=4,
                        mfc=colour if filled else "white", ms=7)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([textwrap.fill(label(o, lang), wrap) for o in rows], fontsize=font)
    ax.tick_params(axis="x", labelsize=font)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)
    left, right = ax.get_xlim()
    span = max(abs(left), abs(right))
    ax.set_xlim(-span * 1.05, span * 1.05)     # zero in the middle: which side a difference is on reads at once


def fig_forest(comparison: pd.DataFrame, names: list[str], path: Path | None, lang: str, font: float = FONT,
               width: float = 10.8, spec=PANELS, hidden=frozenset(), wrap: int = 38, row: float = ROW):
    """The chart, written to ``path`` (if given).  The report uses the defaults; the
    workshop app draws it for a projector with its own panels (``spec``), type size
    ``font`` (points), ``width`` (inches), labels wrapped at ``wrap`` characters and
    ``row`` inches per row."""
    drawn = panels(comparison, hidden, spec)
    others = names[1:]
    per_row = row * max(1, len(others)) ** 0.5
    legend_height = 0.3 * len(others) + 0.2
    height = legend_height + sum(FRAME * font / FONT + per_row * len(r) for _, _, r in drawn) + 0.4
    fig = figure(width, max(height, 2.0))
    if not drawn:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, text("fig.forest.none", lang), ha="center", va="center", fontsize=font)
        ax.set_axis_off()
        return fig if path is None else save(fig, path)
    grid = fig.add_gridspec(len(drawn), 1, height_ratios=[FRAME * font / FONT + per_row * len(r) for _, _, r in drawn])
    for k, (key, factor, rows) in enumerate(drawn):
        ax = fig.add_subplot(grid[k, 0])
        _panel(ax, comparison, rows, names, factor, lang, font, wrap)
        ax.set_title(textwrap.fill(text(key, lang), int(width * 72 * 0.6 / (0.5 * font))), fontsize=font, loc="left")
    handles = [fig.axes[0].plot([], [], "o", color=c)[0] for c in colours(len(names))[1:]]
    fig.legend(handles, [textwrap.fill(text("fig.forest.legend", lang, scenario=scenario_title(n, lang),
                                            reference=scenario_title(names[0], lang)), int(width * 72 / (0.55 * font)))
                         for n in others],
               loc="upper left", fontsize=font, frameon=False, ncol=1, bbox_to_anchor=(0.0, 1.0))
    fig.text(0.005, 0.005, textwrap.fill(text("fig.forest.note", lang), int(width * 72 / (0.5 * font))),
             fontsize=max(font - 1, MIN_FONT), color="#555")
    fig.tight_layout(rect=(0, 0.3 / fig.get_figheight(), 1, 1 - legend_height / fig.get_figheight()))
    if path is not None:
        save(fig, path, layout=False)
    return fig


def forest_outcomes(comparison: pd.DataFrame, hidden=frozenset()) -> list[str]:
    """The rows the chart shows, in its order (for the tables that go with it)."""
    return [o for _, _, rows in panels(comparison, hidden) for o in rows]
