"""Figures of a fit: reported against posterior-predictive intervals, prior against
posterior for every parameter, and the posterior correlations between parameters."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import pandas as pd

from sim.spec.parameters import Behaviour

from .fit import correlation_matrix
from .targets import Prior


def plot_targets(fit: pd.DataFrame, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = len(fit)
    fig, ax = plt.subplots(figsize=(8.5, 0.38 * n + 1.4))
    for i, r in enumerate(fit.itertuples()):
        y = n - 1 - i
        colour = "tab:green" if r.inside_90 else "tab:red"
        ax.plot([r.q05, r.q95], [y, y], color=colour, lw=4, alpha=0.6, solid_capstyle="butt")
        ax.plot(r.median, y, "o", color=colour, ms=5)
        if r.range_low is not None and not pd.isna(r.range_low):
            ax.plot([r.range_low, r.range_high], [y, y], color="black", lw=1.5, marker="|", ms=12)
        else:
            ax.plot(r.reported_value, y, "kx", ms=8, mew=2)
    ax.set_yticks(range(n))
    ax.set_yticklabels([r.id for r in fit.itertuples()][::-1], fontsize=8)
    ax.set_xlabel("share (or visits per case per month)")
    ax.set_title("Reported (x / black range) vs posterior predictive median and 90 % interval\n"
                 "green: reported value inside the interval, red: outside", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


#: the parameter panels' layout, in inches: a panel, the gaps between panels (a title above,
#: the x-axis's numbers below) and the figure's margins (the overall title at the top)
PANEL_WIDTH, PANEL_HEIGHT = 3.4, 2.4
PANEL_GAP_WIDE, PANEL_GAP_HIGH = 0.3, 0.6
MARGIN_SIDE, MARGIN_BOTTOM, MARGIN_TOP = 0.2, 0.35, 0.6


def plot_parameters(priors: Sequence[Prior], posterior: pd.DataFrame, path: Path) -> None:
    """Each parameter's weighted posterior density (a step histogram of 20 bins over the
    prior's range) against the uniform prior and the default.  The densities' scale is left
    off (the prior's flat line is the reference) and the panels are placed at fixed distances
    in inches: a figure of 22 panels is drawn in about a third of the time that fitting the
    layout to the labels (``tight_layout``) and the y-axis's numbers took."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    k = len(priors)
    cols = 3 if k > 4 else k
    rows = math.ceil(k / cols)
    width = 2 * MARGIN_SIDE + cols * PANEL_WIDTH + (cols - 1) * PANEL_GAP_WIDE
    height = MARGIN_BOTTOM + MARGIN_TOP + rows * PANEL_HEIGHT + (rows - 1) * PANEL_GAP_HIGH
    fig, axes = plt.subplots(rows, cols, figsize=(width, height), squeeze=False)
    fig.subplots_adjust(left=MARGIN_SIDE / width, right=1 - MARGIN_SIDE / width, bottom=MARGIN_BOTTOM / height,
                        top=1 - MARGIN_TOP / height, wspace=PANEL_GAP_WIDE / PANEL_WIDTH,
                        hspace=PANEL_GAP_HIGH / PANEL_HEIGHT)
    weights = posterior["weight"].to_numpy(float)
    for ax, p in zip(axes.flat, priors):
        density, edges = np.histogram(posterior[p.name].to_numpy(float), bins=20, range=(p.low, p.high),
                                      weights=weights, density=True)
        ax.stairs(density, edges, fill=True, color="tab:blue", alpha=0.7, label="posterior")
        ax.plot([p.low, p.high], [1 / (p.high - p.low)] * 2, color="tab:orange", lw=2, label="prior")
        ax.axvline(Behaviour.model_fields[p.name].default, color="grey", ls=":", lw=1, label="default")
        ax.set_title(p.name, fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.suptitle("Prior (uniform) vs posterior marginals (density)", fontsize=10, y=1 - 0.15 / height, va="top")
    fig.savefig(path, dpi=110)
    plt.close(fig)


#: the correlation figure's layout, in inches: a cell of the matrix, the width of one
#: character of a parameter's name at the labels' size 7 (generous, so that the longest name
#: fits), the matrix's least side (its title fits above a matrix of few parameters), the colour
#: bar, its numbers and its label (the label's middle that far right of the bar), and the
#: margins (the title at the top)
CELL, LABEL_CHARACTER, LEAST_SIDE = 0.45, 0.065, 3.0
COLOURBAR_GAP, COLOURBAR_WIDTH, COLOURBAR_NUMBERS, COLOURBAR_LABEL = 0.3, 0.25, 0.6, 0.9
MARGIN, MARGIN_TITLE = 0.25, 0.5


def plot_correlations(posterior: pd.DataFrame, path: Path) -> None:
    """Heat map of the weighted posterior correlations between the parameters.  The matrix,
    its labels and the colour bar are placed at fixed distances in inches, worked out from
    the longest parameter name: fitting the layout to the drawn labels (``tight_layout``)
    took about half of the figure's time."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    pars, r = correlation_matrix(posterior)
    k = len(pars)
    side = max(CELL * k, LEAST_SIDE)
    labels = LABEL_CHARACTER * max((len(p) for p in pars), default=1)
    width = MARGIN + labels + side + COLOURBAR_GAP + COLOURBAR_WIDTH + COLOURBAR_LABEL
    height = MARGIN + labels + side + MARGIN_TITLE
    fig = plt.figure(figsize=(width, height))
    left, bottom = (MARGIN + labels) / width, (MARGIN + labels) / height
    ax = fig.add_axes((left, bottom, side / width, side / height))
    bar = fig.add_axes(((MARGIN + labels + side + COLOURBAR_GAP) / width, bottom + 0.15 * side / height,
                        COLOURBAR_WIDTH / width, 0.7 * side / height))
    im = ax.imshow(r, vmin=-1, vmax=1, cmap="RdBu_r")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xticklabels(pars, rotation=90, fontsize=7)
    ax.set_yticklabels(pars, fontsize=7)
    for i in range(k):
        for j in range(k):
            if i != j and np.isfinite(r[i, j]) and abs(r[i, j]) >= 0.3:
                ax.text(j, i, f"{r[i, j]:.1f}", ha="center", va="center", fontsize=6)
    fig.colorbar(im, cax=bar, label="posterior correlation")
    bar.yaxis.set_label_coords(1 + COLOURBAR_NUMBERS / COLOURBAR_WIDTH, 0.5)
    ax.set_title("Posterior correlations (|r| ≥ 0.3 labelled)", fontsize=9)
    fig.savefig(path, dpi=110)
    plt.close(fig)
