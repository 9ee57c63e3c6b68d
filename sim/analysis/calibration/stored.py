"""The files of a fitted folder (``calibration/fitted/NAME/``), read with the limits of
:mod:`sim.spec.reading`: what the fit report is drawn again from (``calibrate --redraw``),
the posterior ranges of a sensitivity analysis and the recovery study's projections.  A file
that is not what fremskudt writes is refused with one :class:`~sim.errors.InputError` line
naming the file, the column and row, and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.experiment.runner import not_a_parameter, parameter_column
from sim.spec.reading import Column, read_record, read_table

from .restore import GENERATION_COLUMNS, X

#: what a run record must hold for its report to be drawn
REPORT_KEYS = ("name", "targets", "priors", "population", "run_seed", "particles", "sessions", "scenario_sizes",
               "seed_rule")
#: the whole-number columns of a generation table
_WHOLE_GENERATION = ("t", "samples", "particles")
_NUMBER = Column(missing=True)
PARAMETER_TEXT = ("parameter", "verdict")
FIT_TEXT = ("id", "statistic", "scenario", "reported", "source")
FIT_FLAGS = ("consistent", "inside_90")
FIT_COLUMNS = {**{c: Column(kind="text") for c in FIT_TEXT}, **{c: Column(kind="flag") for c in FIT_FLAGS},
               **{c: _NUMBER for c in ("reported_value", "range_low", "range_high", "sd_reported", "sd_model", "sd_mc",
                                        "median", "q05", "q95", "z_median")}}
PARAMETER_COLUMNS = {**{c: Column(kind="text") for c in PARAMETER_TEXT},
                     **{c: _NUMBER for c in ("prior_low", "prior_high", "default", "post_mean", "post_median",
                                              "post_q05", "post_q95", "prior_sd", "post_sd", "sd_ratio")}}
CORRELATION_COLUMNS = {"first": Column(kind="text"), "second": Column(kind="text"), "correlation": Column(-1.0, 1.0,
                                                                                                          missing=True)}


def _columns(names) -> str:
    return f"not a column of this table; allowed: {', '.join(names)}"


def read_generations(path: Path) -> pd.DataFrame:
    """``generations.csv``: one row per generation, every column of :data:`GENERATION_COLUMNS`."""
    rules = {c: Column(0.0, whole=c in _WHOLE_GENERATION) for c in GENERATION_COLUMNS}
    df = read_table(path, rules, required=GENERATION_COLUMNS, unknown=lambda c: _columns(GENERATION_COLUMNS))
    return df[GENERATION_COLUMNS]


def read_run(path: Path, keys=REPORT_KEYS) -> dict:
    """``run.json``: the run's record, with the ``keys`` the caller needs."""
    return read_record(path, keys, what="run record")


def read_parameters(path: Path) -> pd.DataFrame:
    """``parameters.csv``: prior against posterior, one row per fitted parameter."""
    return read_table(path, PARAMETER_COLUMNS, required=("parameter", "post_q05", "post_q95", "post_sd", "prior_sd"),
                      unknown=lambda c: _columns(PARAMETER_COLUMNS))


def read_fit(path: Path) -> pd.DataFrame:
    """``fit.csv``: the posterior predictive against each target."""
    return read_table(path, FIT_COLUMNS, required=tuple(FIT_COLUMNS), unknown=lambda c: _columns(FIT_COLUMNS))


def read_correlations(path: Path) -> pd.DataFrame:
    """``correlations.csv``: the posterior's pairwise correlations (it may have no rows)."""
    return read_table(path, CORRELATION_COLUMNS, required=tuple(CORRELATION_COLUMNS), min_rows=0,
                      unknown=lambda c: _columns(CORRELATION_COLUMNS))


def _particle_column(name: str) -> Column | None:
    if name == "t":
        return Column(0.0, whole=True)
    if name == "weight":
        return Column(0.0)
    if name == "distance":
        return Column(0.0, missing=True)
    if name.startswith(X):
        return None
    rule = parameter_column(name)
    return None if rule is None else Column(rule.low, rule.high)     # pyabc's particles: not rounded


def read_populations(path: Path) -> pd.DataFrame:
    """``populations.parquet``: the particles of every stored generation (``t``, the
    parameters, ``weight``, ``distance``)."""
    return read_table(path, _particle_column, required=("t", "weight"), unknown=not_a_parameter)
