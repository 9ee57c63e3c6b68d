"""The differences chart (forest plot): for each scenario against the reference, the key
outcomes (percentage points) and the public budget (million kroner), each a mean paired
difference with its 90 % interval.  A filled marker means the interval excludes zero."""

from __future__ import annotations

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


def _panel(ax, comparison: pd.DataFrame, rows: list[str], names: list[str], scale: float, lang: str) -> None:
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
            ax.errorbar(m, y, xerr=[[max(m - lo, 0)], [max(hi - m, 0)]], fmt="o", color=colour, capsize=3,
                        mfc=colour if filled else "white", ms=6)
        ax.plot([], [], "o", color=colour, label=text("fig.forest.legend", lang, scenario=name, reference=names[0]))
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([label(o, lang) for o in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)


def fig_forest(comparison: pd.DataFrame, names: list[str], path: Path, lang: str):
    out_rows = _rows(comparison, OUTCOMES, budget=False)
    budget_rows = _rows(comparison, BUDGET, budget=True)
    panels = [(rows, scale, key) for rows, scale, key in ((out_rows, 100.0, "fig.forest.outcomes"),
                                                         (budget_rows, 1e-6, "fig.forest.budget")) if rows]
    height = 1.6 + 0.42 * max([len(r) for r, _, _ in panels] + [1]) * max(1, len(names) - 1) ** 0.5
    fig = figure(13.0, height)
    if not panels:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, text("fig.forest.none", lang), ha="center", va="center")
        ax.set_axis_off()
        return save(fig, path)
    for k, (rows, scale, key) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        _panel(ax, comparison, rows, names, scale, lang)
        ax.set_title(text(key, lang), fontsize=10)
        if k == 0:
            ax.legend(fontsize=7, loc="lower right")
    fig.text(0.01, 0.005, text("fig.forest.note", lang), fontsize=7, color="#555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, format="png")
    return fig


def forest_outcomes(comparison: pd.DataFrame) -> list[str]:
    """The rows the chart shows (for the tables that go with it)."""
    return _rows(comparison, OUTCOMES, budget=False) + _rows(comparison, BUDGET, budget=True)

