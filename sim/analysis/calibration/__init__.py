"""Calibration against reported outcomes with ABC-SMC (pyabc).

One parameter set must reproduce all targets at once: an evaluation runs every scenario
named by a target with the same behavioural parameters (and, with ``seeds`` > 1, several
seeds whose results are averaged) and returns every target statistic; the distance is the
sum of squared z-scores.  The package is split along its parts:

* :mod:`.targets`: the reported figures and the priors, read from YAML and validated;
* :mod:`.model`: the scenarios and the evaluation (:class:`MultiScenarioModel`);
* :mod:`.distance`: the z-score distance and the Monte-Carlo error it includes;
* :mod:`.early`: early rejection, an evaluation that stops once its distance is past epsilon;
* :mod:`.abc`: the ABC-SMC run, its sessions, resumption and record;
* :mod:`.fit`, :mod:`.figures`, :mod:`.report`: what a fit says, drawn and written;
* :mod:`.audit`: what a methodologist checks: the generations, the pairwise posterior, how far
  the medians still move, and the verdict on convergence.
"""

from sim.errors import CalibrationError

from .abc import (DEFAULTS, FITTED_DIR, KEPT_SETTINGS, KERNEL_SCALE, RUNS_DIR, CalibrationResult, file_hash,
                  make_sampler, redraw_fit, run_calibration, stored_generations)
from .distance import MC_SD_FLOOR, NAN_Z, ZScoreDistance, estimate_mc_sd
from .fit import (correlation_table, effective_sample_size, fit_table, generation_table, parameter_table,
                  posterior_frame, posterior_predictive, weighted_quantile)
from .model import (MultiScenarioModel, parameter_seed, prior_centre, resolve_named, resolve_scenarios,
                    scale_scenario)
from .report import write_fit
from .targets import (PATTERNS_DEFAULT, PRIORS_DEFAULT, TARGETS_DEFAULT, Prior, Target, integer_parameters,
                      load_patterns, load_population_caps, load_priors, load_scenario_overrides, load_targets,
                      programmes, select)

__all__ = ["CalibrationError", "CalibrationResult", "DEFAULTS", "FITTED_DIR", "KEPT_SETTINGS", "KERNEL_SCALE",
           "MC_SD_FLOOR", "MultiScenarioModel", "NAN_Z", "PATTERNS_DEFAULT", "PRIORS_DEFAULT", "Prior", "RUNS_DIR", "TARGETS_DEFAULT",
           "Target", "ZScoreDistance", "correlation_table", "effective_sample_size", "estimate_mc_sd", "file_hash",
           "fit_table", "generation_table", "integer_parameters", "load_patterns", "load_population_caps", "load_priors",
           "load_scenario_overrides", "load_targets", "make_sampler", "parameter_seed", "parameter_table",
           "posterior_frame", "posterior_predictive", "prior_centre", "programmes", "redraw_fit", "resolve_named",
           "resolve_scenarios", "run_calibration", "scale_scenario", "select", "stored_generations", "weighted_quantile",
           "write_fit"]
