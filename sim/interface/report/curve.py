"""The dose-response figure of a sweep: each key outcome against the lever's value with its
90 % band, the net public cost, the cost per additional citizen in a job or education
against the reference value with its 90 % interval, and the caseworkers' time by use
when the run reports it.  The report draws it as SVG (:data:`FILE`); the workshop app
draws the same figure for a projector, with larger type and its own panels.

The panels (:data:`PANELS`) each hold outcomes of one unit.  A panel is drawn when the
sweep reports at least one of its outcomes and that outcome varies, so outcomes added to
:mod:`sim.experiment.outcomes` appear without a change here: every outcome named
``time_<use>_share`` (a share of the caseworkers' hours) joins the stacked panel of staff
time by use, and contact per citizen joins its panel when it is reported.  A line is the
mean over replications at each value and its band the 90 % interval; the dotted line
marks the reference value."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from sim.interface.i18n import label, lever, number, text

from .figures import FONT, MIN_FONT, WIDTH, colours, figure, save

FILE = "sweep.svg"
LEVEL, STACK, COST_PER_CITIZEN = "level", "stack", "cost_per_citizen"
#: the stacked panel takes every outcome named time_<use>_share
TIME_PREFIX, TIME_SUFFIX = "time_", "_share"
#: (catalogue key of the panel's title, kind, factor from the outcome's unit to the axis's, outcomes)
PANELS: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    ("fig.sweep.citizens", LEVEL, 100.0, ("ever_job_or_education_52w", "ever_self_sufficient_52w",
                                          "ever_company_activation_52w")),
    ("fig.sweep.cost", LEVEL, 1e-6, ("net_cost",)),
    ("fig.sweep.cost_per_citizen", COST_PER_CITIZEN, 1e-3, ()),
    ("fig.sweep.contacts", LEVEL, 1.0, ("meetings_per_case_year", "extra_contacts_per_case_year")),
    ("fig.sweep.minutes", LEVEL, 1.0, ("contact_minutes_per_case_month",)),
    ("fig.sweep.staff", LEVEL, 100.0, ("staff_utilisation",)),
    ("fig.sweep.staff_time", STACK, 100.0, ()),
)
BAND_ALPHA = 0.18
REFERENCE_COLOUR = "#555555"
UNDEFINED_COLOUR = "#888888"
#: inches: the height of one row of panels, and of the figure's foot (its note)
PANEL_HEIGHT, FOOT = 3.6, 0.5
#: characters to a line of a panel's title and legend at the report's type size
WRAP = 48
#: the swept values label the x axis when there are at most MAX_TICKS of them and each lies
#: at least TICK_SPACING of the range from the next
MAX_TICKS, TICK_SPACING = 8, 0.07


def outcome_label(outcome: str, lang: str) -> str:
    """An outcome's label, or its code name for an outcome the catalogue does not know yet."""
    try:
        return label(outcome, lang)
    except KeyError:
        return outcome


def lever_label(key: str, lang: str) -> str:
    """The lever's name for the x axis (cases per caseworker, or the setting's plain name)."""
    if key == "caseload":
        return text("sweep.caseload_name", lang)
    try:
        return lever(key, lang)
    except KeyError:
        return key


def time_outcomes(outcomes) -> list[str]:
    """The outcomes that are shares of the caseworkers' hours by use, in the order given."""
    return [o for o in outcomes if o.startswith(TIME_PREFIX) and o.endswith(TIME_SUFFIX)]


def panels(table: pd.DataFrame, hidden=frozenset(), spec=PANELS, cost: pd.DataFrame | None = None
           ) -> list[tuple[str, str, float, list[str]]]:
    """The panels the figure draws: (title key, kind, factor, outcomes), empty ones dropped."""
    present = [o for o in dict.fromkeys(table["outcome"]) if o not in hidden
               and table.loc[table["outcome"] == o, "mean"].notna().any()]
    out = []
    for key, kind, factor, wanted in spec:
        if kind == STACK:
            rows = time_outcomes(present)
        elif kind == COST_PER_CITIZEN:
            rows = ["cost_per_citizen"] if cost is not None and not cost.empty else []
        else:
            rows = [o for o in wanted if o in present]
        if rows:
            out.append((key, kind, factor, rows))
    return out


def _series(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return table[table["outcome"] == outcome].sort_values("value")


def _level(ax, table: pd.DataFrame, rows: list[str], factor: float, lang: str, font: float) -> None:
    for o, colour in zip(rows, colours(len(rows))):
        s = _series(table, o)
        x = s["value"].to_numpy(dtype=float)
        ax.fill_between(x, s["p5"] * factor, s["p95"] * factor, color=colour, alpha=BAND_ALPHA, lw=0)
        ax.plot(x, s["mean"] * factor, "o-", color=colour, lw=2, ms=5,
                label=textwrap.fill(outcome_label(o, lang), WRAP) if len(rows) > 1 else None)


def _stack(ax, table: pd.DataFrame, rows: list[str], factor: float, lang: str, font: float) -> None:
    means = [_series(table, o) for o in rows]
    x = means[0]["value"].to_numpy(dtype=float)
    ax.stackplot(x, [m["mean"].to_numpy(dtype=float) * factor for m in means], colors=colours(len(rows)),
                 labels=[textwrap.fill(outcome_label(o, lang), WRAP) for o in rows], alpha=0.85)
    ax.set_ylim(bottom=0)


def _cost_per_citizen(ax, cost: pd.DataFrame, reference: float, factor: float, lang: str, font: float) -> None:
    defined = cost[cost["defined"].astype(bool)].sort_values("value")
    if not defined.empty:
        m = defined["kroner_per_citizen"].to_numpy(dtype=float) * factor
        lo, hi = defined["p5"].to_numpy(dtype=float) * factor, defined["p95"].to_numpy(dtype=float) * factor
        ax.errorbar(defined["value"], m, yerr=[np.maximum(m - lo, 0), np.maximum(hi - m, 0)], fmt="o",
                    color=colours(1)[0], capsize=4, ms=6, label=text("fig.sweep.cpc_defined", lang))
    undefined = cost[~cost["defined"].astype(bool)]
    if not undefined.empty:
        ax.plot(undefined["value"], np.zeros(len(undefined)), "x", color=UNDEFINED_COLOUR, ms=9, mew=2,
                linestyle="none", label=textwrap.fill(text("fig.sweep.cpc_undefined", lang), WRAP))
    ax.axhline(0, color="black", lw=0.8)
    if defined.empty:                   # no amount to scale the axis by: only the crosses
        ax.set_yticks([])
    ax.set_xlim(*_xlim(list(cost["value"]) + [reference]))


def _readable_ticks(values: list[float]) -> bool:
    """Whether the swept values can each label a tick: few, and none closer to the next
    than :data:`TICK_SPACING` of the range."""
    if len(values) > MAX_TICKS or len(values) < 2:
        return False
    gaps = np.diff(sorted(values))
    return bool(gaps.min() >= TICK_SPACING * (max(values) - min(values)))


def _xlim(values) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    return lo - pad, hi + pad


def fig_sweep(table: pd.DataFrame, cost: pd.DataFrame | None, lever_key: str, reference: float, path: Path | None,
              lang: str, hidden=frozenset(), font: float = FONT, width: float = WIDTH, spec=PANELS,
              columns: int = 2):
    """The figure (written to ``path`` if given).  ``table``: the sweep table
    (:func:`sim.experiment.sweep.sweep_frame`: value, outcome, mean, p5, p95); ``cost``: the
    cost per additional citizen by value (:func:`sim.experiment.sweep.cost_effectiveness_frame`)."""
    drawn = panels(table, hidden, spec, cost)
    rows = max(1, math.ceil(len(drawn) / columns))
    fig = figure(width, PANEL_HEIGHT * rows * font / FONT + FOOT)
    if not drawn:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, text("fig.sweep.none", lang), ha="center", va="center", fontsize=font)
        ax.set_axis_off()
        return fig if path is None else save(fig, path)
    # constrained layout keeps each panel's legend below it clear of the next row
    fig.set_layout_engine("constrained", h_pad=0.08, w_pad=0.1, hspace=0.06, wspace=0.06)
    values = sorted(set(table["value"]))
    xlabel = textwrap.fill(lever_label(lever_key, lang)[:1].upper() + lever_label(lever_key, lang)[1:], WRAP)
    wrap = int(WRAP * (width / columns) / (WIDTH / 2) * FONT / font)
    for k, (key, kind, factor, outcomes) in enumerate(drawn):
        ax = fig.add_subplot(rows, columns, k + 1)
        if kind == STACK:
            _stack(ax, table, outcomes, factor, lang, font)
        elif kind == COST_PER_CITIZEN:
            _cost_per_citizen(ax, cost, reference, factor, lang, font)
        else:
            _level(ax, table, outcomes, factor, lang, font)
        if kind != COST_PER_CITIZEN:
            ax.set_xlim(*_xlim(values))
        if _readable_ticks(values):        # a tick at each value swept, where they fit
            ax.set_xticks(values, [number(v, lang, 0 if float(v).is_integer() else 2) for v in values])
        title = text(key, lang) if kind != LEVEL or len(outcomes) > 1 else \
            text(f"{key}_one", lang, outcome=outcome_label(outcomes[0], lang))
        ax.set_title(textwrap.fill(title, wrap), fontsize=font, loc="left")
        ax.axvline(reference, color=REFERENCE_COLOUR, lw=1, linestyle=":")
        ax.set_xlabel(xlabel, fontsize=font)
        ax.tick_params(labelsize=font)
        ax.grid(alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        if labels:
            ax.legend(handles, [textwrap.fill(x, wrap) for x in labels], fontsize=max(font - 1, MIN_FONT),
                      loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, ncol=1)
    note = text("fig.sweep.note", lang, reference=number(reference, lang, 0 if float(reference).is_integer() else 2))
    fig.supxlabel(textwrap.fill(note, int(width * 72 / (0.5 * font))), fontsize=max(font - 1, MIN_FONT), color="#555",
                  x=0.005, ha="left")
    fig.draw_without_rendering()    # the layout once more when drawn: the ticks settle to the panels' final size
    if path is not None:
        save(fig, path, layout=False)
    return fig
