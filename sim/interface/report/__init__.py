"""The report of a run or comparison: tables (CSV, markdown), figures, and a
self-contained HTML page rendered from a Jinja2 template, in English or Danish.

* :mod:`.results`  everything a report is made from, computed once (:class:`Results`)
* :mod:`.tables`   table rows with plain labels, markdown and CSV files
* :mod:`.figures`  the figures; :mod:`.forest` the differences chart
* :mod:`.wording`  key findings, the multi-year budget and the trust section in words
* :mod:`.html`     the HTML page (templates in ``templates/``)

The numbers come from :mod:`sim.experiment.statistics` (one interval convention),
:mod:`sim.experiment.findings` (the key-findings rules) and :mod:`sim.experiment.horizon`
(the budget over several years); what they rest on from :mod:`sim.analysis.trust`; every
word from :mod:`sim.interface.i18n`.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiment.horizon import horizon_frame

from . import explain, forest
from .figures import FIGURES, style, write_figures
from .html import write_html
from .results import Results
from .tables import KEY_OUTCOMES, comparison_markdown, summary_markdown, with_labels, write_csv
from .wording import comparison_sentences, parameters_sentence, run_sentences

explain_lines = explain.screen_lines

__all__ = ["FIGURES", "KEY_OUTCOMES", "Results", "figure_files", "write_tables_and_figures", "write_html",
           "summary_markdown", "comparison_markdown", "with_labels", "comparison_sentences", "run_sentences",
           "explain_lines"]


def figure_files(compare: bool) -> list[str]:
    """The figure files a report folder holds."""
    return list(FIGURES) + ([forest.FILE] if compare else [])


def write_tables_and_figures(out: Path, r: Results) -> None:
    """summary.csv/.md, comparison.csv/.md, cost_effectiveness.csv and budget_years.csv
    (compare only), explain.csv/.md/.svg (explain only) and the figures, into ``out``."""
    lang = r.lang
    posterior = (r.manifest.get("posterior") or {}).get("path", "")
    preface = [parameters_sentence(r.parameters, lang, posterior), ""]
    write_csv(with_labels(r.summary, lang), out / "summary.csv", lang)
    (out / "summary.md").write_text(summary_markdown(r.summary, r.scenarios, lang, preface), encoding="utf-8")
    if r.compare:
        write_csv(with_labels(r.comparison, lang), out / "comparison.csv", lang)
        (out / "comparison.md").write_text(comparison_markdown(r.comparison, lang, preface), encoding="utf-8")
        write_csv(r.cost_effectiveness(), out / "cost_effectiveness.csv", lang)
        if r.budgets:
            write_csv(horizon_frame(r.budgets).assign(unit="kroner"), out / "budget_years.csv", lang)
        with style():
            forest.fig_forest(r.comparison, r.names, out / forest.FILE, lang, hidden=r.hidden)
    if r.decomposition is not None:
        d = r.decomposition
        labelled = d.copy()
        labelled.insert(labelled.columns.get_loc("channel") + 1, "channel_label",
                        [explain.channel_label(k, lang) if k not in ("total", "interaction") else k for k in d["channel"]])
        write_csv(with_labels(labelled.drop(columns="label"), lang), out / "explain.csv", lang)
        (out / "explain.md").write_text(explain.markdown(d, lang, preface), encoding="utf-8")
        with style():
            explain.fig_explain(d, out / explain.FILE, lang)
    write_figures(out, r.summary, r.weekly, r.citizens, r.names, lang)
