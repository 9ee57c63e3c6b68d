"""The report of a run or comparison: tables (CSV, markdown), figures, and a
self-contained HTML page rendered from a Jinja2 template, in English or Danish.

* :mod:`.tables`   table rows with plain labels, markdown files
* :mod:`.figures`  the figures; :mod:`.forest` the differences chart
* :mod:`.wording`  key findings in words
* :mod:`.html`     the HTML page (templates in ``templates/``)

The numbers come from :mod:`sim.experiment.statistics` (one interval convention) and
:mod:`sim.experiment.findings` (the key-findings rules); every word from
:mod:`sim.interface.i18n`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.spec.scenario import Scenario

from . import explain, forest
from .figures import FIGURES, write_figures
from .html import write_html
from .tables import KEY_OUTCOMES, comparison_markdown, summary_markdown, with_labels
from .wording import comparison_sentences, run_sentences

explain_lines = explain.screen_lines

__all__ = ["FIGURES", "KEY_OUTCOMES", "figure_files", "write_tables_and_figures", "write_html", "summary_markdown",
           "comparison_markdown", "with_labels", "comparison_sentences", "run_sentences", "explain_lines"]


def figure_files(compare: bool) -> list[str]:
    """The PNG files a report folder holds."""
    return list(FIGURES) + ([forest.FILE] if compare else [])


def write_tables_and_figures(out: Path, summary: pd.DataFrame, comparison: pd.DataFrame | None,
                             scenarios: list[Scenario], weekly: pd.DataFrame, citizens: pd.DataFrame,
                             lang: str, decomposition: pd.DataFrame | None = None) -> None:
    """summary.csv/.md, comparison.csv/.md (compare only), explain.csv/.md/.png (explain only)
    and the figures, into ``out``."""
    names = [s.name for s in scenarios]
    with_labels(summary, lang).to_csv(out / "summary.csv", index=False)
    (out / "summary.md").write_text(summary_markdown(summary, scenarios, lang), encoding="utf-8")
    if comparison is not None:
        with_labels(comparison, lang).to_csv(out / "comparison.csv", index=False)
        (out / "comparison.md").write_text(comparison_markdown(comparison, lang), encoding="utf-8")
        forest.fig_forest(comparison, names, out / forest.FILE, lang)
    if decomposition is not None:
        labelled = decomposition.copy()
        labelled.insert(labelled.columns.get_loc("channel") + 1, "channel_label",
                        [explain.channel_label(k, lang) if k not in ("total", "interaction") else k
                         for k in labelled["channel"]])
        with_labels(labelled.drop(columns="label"), lang).to_csv(out / "explain.csv", index=False)
        (out / "explain.md").write_text(explain.markdown(decomposition, lang), encoding="utf-8")
        explain.fig_explain(decomposition, out / explain.FILE, lang)
    write_figures(out, summary, weekly, citizens, names, lang)

