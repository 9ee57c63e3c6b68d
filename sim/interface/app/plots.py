"""The app's figures, drawn for a projector: every text at least 12 pt, sized in inches
at 100 dpi so that the page shows them at about their natural size (a 9.5-inch figure is
950 pixels wide), every word from the catalogue.

* :func:`differences` — the report's differences chart (:mod:`sim.interface.report.forest`)
  with the app's key outcomes, larger type and stacked panels;
* :func:`states` — citizens by pathway state over one history, design against baseline;
* :func:`office` — the view of the agents: every citizen a square in the colour of their
  pathway state, in blocks by caseworker, marked with what happened to them this week.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from sim.interface.i18n import state, text
from sim.interface.report import forest
from sim.interface.report.figures import STATE_COLOURS, STATES, figure
from sim.model.states import State

from .history import History

FONT = 12.0                          #: points: the smallest text of every figure (the chart's labels are 13)
WIDTH = 9.5                          #: inches; 950 px at 100 dpi
#: the app's differences chart: the key outcomes and the net cost, one panel per unit
CHART_PANELS = (
    ("fig.forest.citizens", 100.0, ("ever_job_or_education_52w", "ever_self_sufficient_52w",
                                    "ever_company_activation_52w", "share_ordinary_hours")),
    ("fig.forest.meetings", 100.0, ("noshow_share",)),
    ("fig.forest.costs", 1e-6, ("net_cost", "municipal_net_cost")),
)
#: event -> (marker, colour, size factor) drawn over a citizen's square
MARKS = {"came": ("o", "white", 0.25), "cancelled": ("s", "none", 1.0), "noshow": ("x", "#d7301f", 0.9),
         "sanctioned": ("*", "black", 0.9)}


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def differences(comparison: pd.DataFrame, names: list[str], lang: str, width: float = 5.0, hidden=frozenset()):
    """The differences chart for the app (reference first in ``names``): the key outcomes
    and the net public cost, one panel per unit, labels wrapped; outcomes that never vary
    (``hidden``) left out."""
    return forest.fig_forest(comparison, names, None, lang, font=FONT + 1, width=width, spec=CHART_PANELS,
                             hidden=hidden, wrap=24, row=0.62)


def states(history: History, lang: str):
    """Citizens by pathway state, week by week: the design solid, the baseline dashed."""
    fig = figure(WIDTH, 4.6)
    ax = fig.add_subplot(1, 1, 1)
    for arm, style in (("design", "-"), ("baseline", "--")):
        w = history.weekly(arm)
        if w.empty:
            continue
        for key, colour in zip(STATES, STATE_COLOURS):
            ax.plot(w["week"] + 1, w[key], style, color=colour, lw=2.2 if arm == "design" else 1.6,
                    label=state(key, lang) if arm == "design" else None)
    ax.set_xlim(0, history.horizon)
    ax.set_xlabel(text("fig.week", lang), fontsize=FONT)
    ax.set_ylabel(text("fig.citizens", lang), fontsize=FONT)
    ax.tick_params(labelsize=FONT)
    ax.set_title(text("app.history.states_title", lang), fontsize=FONT + 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=FONT, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.tight_layout()
    return fig


def _blocks(m) -> list[tuple[str, np.ndarray]]:
    """Citizens in blocks: waiting, each active caseworker's cases, self-sufficient, left."""
    P = m.pop
    st, cw = P.state[: len(P)], P.caseworker[: len(P)]
    enrolled = (st >= State.TRIN1) & (st <= State.TRIN3)
    out = [("waiting", np.flatnonzero(st == State.NOT_ENROLLED))]
    out += [("caseworker", np.flatnonzero(enrolled & (cw == j))) for j in np.flatnonzero(m.cw.active)]
    out += [("self_sufficient", np.flatnonzero(st == State.SELF_SUFFICIENT)),
            ("exited", np.flatnonzero(st == State.EXITED))]
    return [(k, ids[np.argsort(st[ids], kind="stable")]) for k, ids in out]


def _layout(sizes: list[int], aspect: float) -> int:
    """Rows of squares that make the blocks, side by side, closest to ``aspect``."""
    best, rows = math.inf, 1
    for h in range(2, 400):
        w = sum(math.ceil(s / h) for s in sizes if s) + len(sizes)
        if abs(math.log(w / h / aspect)) < best:
            best, rows = abs(math.log(w / h / aspect)), h
    return rows


def _positions(blocks, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    ids, xs, ys, spans, x0 = [], [], [], [], 0
    for kind, members in blocks:
        k = np.arange(len(members))
        ids.append(members)
        xs.append(x0 + k // rows)
        ys.append(k % rows)
        width = math.ceil(len(members) / rows) if len(members) else 0
        spans.append((kind, x0, x0 + max(width, 1) - 1))
        x0 += width + 1
    return np.concatenate(ids), np.concatenate(xs), np.concatenate(ys), spans


def _group_labels(ax, spans, rows: int, lang: str) -> None:
    """A bracket and a name over each group wide enough to hold it."""
    groups: dict[str, list[float]] = {}
    for kind, a, b in spans:
        lo, hi = groups.get(kind, [a, b])
        groups[kind] = [min(lo, a), max(hi, b)]
    for kind, (a, b) in groups.items():
        ax.plot([a - 0.4, b + 0.4], [-0.8, -0.8], color="#555", lw=1.5, clip_on=False)
        name = text(f"app.office.group.{kind}", lang)
        if (b - a + 1) * 72 * ax.bbox.width / 72 / max(ax.get_xlim()[1] - ax.get_xlim()[0], 1) >= 7.5 * len(name):
            ax.annotate(name, ((a + b) / 2, -1.2), ha="center", va="bottom", fontsize=FONT, annotation_clip=False)


def office(history: History, arm: str, lang: str):
    """The view of the agents for one arm after its last week (see the module docstring)."""
    m, week = history.models[arm], history.last[arm]
    blocks = _blocks(m)
    rows = _layout([len(b) for _, b in blocks], aspect=2.6)
    ids, xs, ys, spans = _positions(blocks, rows)
    cols, used = max(xs.max(initial=0), 1) + 2, int(ys.max(initial=0)) + 1
    fig = figure(WIDTH, min(6.5, max(3.5, WIDTH * (used + 3) / cols + 2.2)))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xlim(-1, cols - 1)
    ax.set_ylim(used, -2.2)
    ax.set_aspect("equal")
    fig.tight_layout(rect=(0, 1.5 / fig.get_figheight(), 1, 0.95))
    size = max(2.0, (0.9 * ax.bbox.width / cols) ** 2 * (72 / fig.dpi) ** 2)
    ax.scatter(xs, ys, s=size, marker="s", c=list(np.array(STATE_COLOURS, dtype=object)[m.pop.state[ids]]),
               linewidths=0)
    where = {c: i for i, c in enumerate(ids)}
    handles = [(Patch(color=c), state(k, lang)) for k, c in zip(STATES, STATE_COLOURS)]
    for event, (marker, colour, f) in MARKS.items():
        who = [where[c] for c in week.citizens.get(event, []) if c in where]
        kw = dict(facecolors="none", edgecolors="black", linewidths=1.2) if colour == "none" else \
            dict(c=colour, linewidths=1.6 if marker == "x" else 0.5, edgecolors="black" if marker == "o" else None)
        h = ax.scatter(xs[who], ys[who], s=max(size * f, 12), marker=marker, **kw)
        handles.append((h, text(f"app.office.{event}", lang, n=len(who))))
    _group_labels(ax, spans, rows, lang)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_axis_off()
    ax.set_title(text("app.office.title", lang, week=week.week), fontsize=FONT + 1, pad=22)
    fig.legend([h for h, _ in handles], [t for _, t in handles], fontsize=FONT, ncol=3, loc="lower center",
               frameon=False, handlelength=1.2, columnspacing=1.2)
    return fig
