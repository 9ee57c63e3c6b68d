"""Targets and priors: the reported figures a calibration reproduces and the uniform priors
of its free parameters, read from YAML and validated.

Each target names the outcome (:data:`sim.experiment.outcomes.DEFINITIONS`) that is defined
as the figure is, the scenario that represents its setting, the programme whose evaluation
reports it (the unit ``fremskudt check-fit`` leaves out), the reported value or range, its
sampling error (``n`` or ``sd``) and, where stated, a model-discrepancy sd.  Any problem
raises :class:`~sim.errors.CalibrationError` naming the file, the key path, the value and
what is allowed.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from sim.errors import CalibrationError
from sim.experiment.outcomes import DEFINITIONS
from sim.paths import CALIBRATION_DIR, SCENARIO_DIR
from sim.spec.loading import read_mapping
from sim.spec.parameters import Behaviour


TARGETS_DEFAULT = CALIBRATION_DIR / "targets.yaml"


PRIORS_DEFAULT = CALIBRATION_DIR / "priors.yaml"


@dataclass(frozen=True)
class Target:
    """One reported figure and where the model reproduces it."""

    id: str
    statistic: str
    scenario: str
    value: float
    n: int | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    model_sd: float = 0.0
    source: str = ""
    note: str = ""
    programme: str = ""
    #: what the figure is: a level, a difference between arms (``minus``: the scenario it
    #: is subtracted from), a cell of a transition table, ...  (patterns file)
    kind: str = "level"
    minus: str | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def sampling_sd(self) -> float:
        """Standard deviation of the reported figure itself."""
        if self.sd is not None:
            return float(self.sd)
        p = min(max(self.value, 1e-6), 1 - 1e-6)
        return math.sqrt(p * (1 - p) / self.n)

    @property
    def error_sd(self) -> float:
        """Sd of the reported figure around what the model computes, before Monte-Carlo
        noise: its sampling sd and, where given, a model-discrepancy sd in quadrature."""
        return math.sqrt(self.sampling_sd ** 2 + self.model_sd ** 2)

    def describe_value(self) -> str:
        if self.is_range:
            return f"{self.low:.3g}–{self.high:.3g}"
        return f"{self.value:.3g}"

    def deviation(self, simulated: float) -> float:
        """Simulated minus reported (0 inside a range, distance to the nearer bound outside)."""
        if self.is_range:
            if simulated < self.low:
                return simulated - self.low
            if simulated > self.high:
                return simulated - self.high
            return 0.0
        return simulated - self.value

    def covers(self, lo: float, hi: float) -> bool:
        """Does the interval [lo, hi] contain the reported value (or touch the range)?"""
        if self.is_range:
            return hi >= self.low and lo <= self.high
        return lo <= self.value <= hi


_TOP_KEYS = ("targets", "scenario_overrides", "population_cap")
_TARGET_KEYS = ("id", "statistic", "scenario", "programme", "value", "range", "n", "sd", "model_sd", "source", "note")
_PATTERN_KEYS = (*_TARGET_KEYS, "kind", "minus")
PATTERNS_DEFAULT = CALIBRATION_DIR / "patterns.yaml"


def _num(file, key, v, allowed, *, positive=False, integer=False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not float(v).is_integer()):
        raise CalibrationError(file, key, v, allowed)
    if not math.isfinite(float(v)) or (positive and v <= 0):
        raise CalibrationError(file, key, v, allowed)
    return float(v)


def _read_mapping(path: Path) -> dict:
    """A targets or priors file, read with the limits of :mod:`sim.spec.loading`."""
    return read_mapping(path, error=CalibrationError)


def _scenario_exists(name: str, scenario_dir: Path, scenarios: Mapping[str, Any] | None) -> bool:
    if scenarios and name in scenarios:
        return True
    p = scenario_dir / name
    return p.is_file() or (not p.suffix and (scenario_dir / f"{name}.yaml").is_file())


def load_targets(path: str | Path = TARGETS_DEFAULT, *, scenario_dir: str | Path = SCENARIO_DIR,
                 scenarios: Mapping[str, Any] | None = None) -> list[Target]:
    """Read and validate a targets file.

    ``scenarios`` may supply scenarios by name (used instead of files in
    ``scenario_dir``).  Any problem raises :class:`CalibrationError` naming the file, the
    key path (``targets[3].statistic``), the value and what is allowed.
    """
    path, scenario_dir = Path(path), Path(scenario_dir)
    data = _read_mapping(path)
    for key in data:
        if key not in _TOP_KEYS:
            raise CalibrationError(path, str(key), key, f"unknown key; valid keys: {', '.join(_TOP_KEYS)}")
    items = data.get("targets")
    if not isinstance(items, list) or not items:
        raise CalibrationError(path, "targets", items, "a non-empty list of targets is required")
    out: list[Target] = []
    for i, t in enumerate(items):
        target = _target(path, f"targets[{i}]", t, scenario_dir, scenarios)
        if any(o.id == target.id for o in out):
            raise CalibrationError(path, f"targets[{i}].id", target.id, "ids must be unique")
        out.append(target)
    return out


def _target(path: Path, k: str, t: Any, scenario_dir: Path, scenarios: Mapping[str, Any] | None,
            keys: Sequence[str] = _TARGET_KEYS) -> Target:
    """One entry of the targets (or patterns) list, validated."""
    if not isinstance(t, dict):
        raise CalibrationError(path, k, t, "each entry must be a mapping")
    for key in t:
        if key not in keys:
            guess = difflib.get_close_matches(str(key), keys, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise CalibrationError(path, f"{k}.{key}", key, f"unknown key; {hint}valid keys: {', '.join(keys)}")
    tid = t.get("id")
    if not isinstance(tid, str) or not tid:
        raise CalibrationError(path, f"{k}.id", tid, "a non-empty string is required")
    stat = t.get("statistic")
    if stat not in DEFINITIONS:
        guess = difflib.get_close_matches(str(stat), list(DEFINITIONS), n=3)
        hint = f"did you mean {', '.join(repr(g) for g in guess)}? " if guess else ""
        raise CalibrationError(path, f"{k}.statistic", stat,
                               f"unknown outcome; {hint}allowed: {', '.join(sorted(DEFINITIONS))}")
    sc = _scenario(path, f"{k}.scenario", t.get("scenario"), scenario_dir, scenarios)
    minus = None if t.get("minus") is None else _scenario(path, f"{k}.minus", t["minus"], scenario_dir, scenarios)
    if minus is not None and t.get("sd") is None:
        raise CalibrationError(path, f"{k}.sd", None, "a difference between two scenarios needs an explicit 'sd'")
    kind = t.get("kind", "difference between arms" if minus else "level")
    if not isinstance(kind, str) or not kind.strip():
        raise CalibrationError(path, f"{k}.kind", kind, "a short description of the kind of figure, e.g. 'level'")
    value, low, high = _value(path, k, t)
    n, sd, model_sd = _errors(path, k, t, value)
    src = t.get("source")
    if not isinstance(src, str) or not src.strip():
        raise CalibrationError(path, f"{k}.source", src,
                               "a non-empty source (publication and its table, figure or section) is required")
    programme = t.get("programme", src.split(",")[0])
    if not isinstance(programme, str) or not programme.strip():
        raise CalibrationError(path, f"{k}.programme", programme, "the publication key of the programme, e.g. "
                               "copenhagen-outreach-2015 (default: the source's first part)")
    return Target(id=tid, statistic=stat, scenario=sc, value=value, n=n, sd=sd, low=low, high=high,
                  model_sd=model_sd, source=src.strip(), note=str(t.get("note") or "").strip(),
                  programme=programme.strip(), kind=kind.strip(), minus=minus)


def _scenario(path: Path, key: str, sc: Any, scenario_dir: Path, scenarios: Mapping[str, Any] | None) -> str:
    if not isinstance(sc, str) or not _scenario_exists(sc, scenario_dir, scenarios):
        known = sorted(p.name for p in scenario_dir.glob("*.yaml")) if scenario_dir.is_dir() else []
        known += sorted(scenarios or ())
        raise CalibrationError(path, key, sc, f"unknown scenario; allowed: a file in {scenario_dir}"
                               + (f" ({', '.join(known)})" if known else " (none found)"))
    return sc


def _value(path: Path, k: str, t: dict) -> tuple[float, float | None, float | None]:
    """(value, low, high) of a target: a value, or a range [low, high] whose middle is the value."""
    if ("value" in t) == ("range" in t):
        raise CalibrationError(path, k, t.get("id"), "give exactly one of 'value' or 'range: [low, high]'")
    if "value" in t:
        return _num(path, f"{k}.value", t["value"], "a finite number (a share as a fraction, e.g. 0.178)"), None, None
    r = t["range"]
    if not (isinstance(r, list) and len(r) == 2):
        raise CalibrationError(path, f"{k}.range", r, "a list [low, high] is required")
    low = _num(path, f"{k}.range", r[0], "numbers with low < high are required")
    high = _num(path, f"{k}.range", r[1], "numbers with low < high are required")
    if not low < high:
        raise CalibrationError(path, f"{k}.range", r, "numbers with low < high are required")
    return (low + high) / 2, low, high


def _errors(path: Path, k: str, t: dict, value: float) -> tuple[int | None, float | None, float]:
    """(n, sd, model_sd) of a target: its sampling error and its stated model discrepancy."""
    n = sd = None
    if t.get("n") is not None:
        n = int(_num(path, f"{k}.n", t["n"], "a positive whole number", positive=True, integer=True))
    if t.get("sd") is not None:
        sd = _num(path, f"{k}.sd", t["sd"], "a positive number", positive=True)
    if n is None and sd is None:
        raise CalibrationError(path, k, t.get("id"), "give 'n' (denominator of the reported share) or an explicit 'sd'")
    model_sd = 0.0
    if t.get("model_sd") is not None:
        model_sd = _num(path, f"{k}.model_sd", t["model_sd"], "a positive number (model-discrepancy sd)", positive=True)
    if sd is None and not 0.0 < value < 1.0:
        raise CalibrationError(path, f"{k}.value", value, "a share strictly between 0 and 1 when only 'n' is given")
    return n, sd, model_sd


def load_patterns(path: str | Path = PATTERNS_DEFAULT, *, scenario_dir: str | Path = SCENARIO_DIR,
                  scenarios: Mapping[str, Any] | None = None) -> list[Target]:
    """Read and validate a patterns file: reported figures the model is checked against but
    not fitted to (``patterns: [...]``, each like a target, plus ``kind`` and, for a
    difference between arms, ``minus``: the scenario whose statistic is subtracted)."""
    path, scenario_dir = Path(path), Path(scenario_dir)
    data = _read_mapping(path)
    for key in data:
        if key != "patterns":
            raise CalibrationError(path, str(key), key, "unknown key; valid keys: patterns")
    items = data.get("patterns")
    if not isinstance(items, list) or not items:
        raise CalibrationError(path, "patterns", items, "a non-empty list of patterns is required")
    out: list[Target] = []
    for i, t in enumerate(items):
        p = _target(path, f"patterns[{i}]", t, scenario_dir, scenarios, keys=_PATTERN_KEYS)
        if any(o.id == p.id for o in out):
            raise CalibrationError(path, f"patterns[{i}].id", p.id, "ids must be unique")
        out.append(p)
    return out


def programmes(targets: Sequence[Target]) -> list[str]:
    """The programmes the targets describe, in the order they first appear."""
    return list(dict.fromkeys(t.programme for t in targets))


def select(targets: Sequence[Target], keep: Sequence[str]) -> list[Target]:
    """The targets of the programmes ``keep``."""
    return [t for t in targets if t.programme in set(keep)]


def load_scenario_overrides(path: str | Path = TARGETS_DEFAULT, *, scenario_dir: str | Path = SCENARIO_DIR,
                            scenarios: Mapping[str, Any] | None = None) -> dict[str, dict]:
    """Optional ``scenario_overrides: {scenario: {key: value}}`` of a targets file: settings
    that define the observation window of a target's setting (e.g. the 26 weeks of an
    intensive-contact trial), applied on top of the scenario file when calibrating."""
    path = Path(path)
    over = _per_scenario_section(path, "scenario_overrides", "overrides")
    for name, o in over.items():
        if not isinstance(o, dict):
            raise CalibrationError(path, f"scenario_overrides.{name}", o, "a mapping of scenario keys to values")
    return {k: dict(v) for k, v in over.items()}


def _per_scenario_section(path: Path, section: str, what: str) -> dict:
    """An optional ``section: {scenario: ...}`` of a targets file, whose scenarios must be
    ones a target uses."""
    data = _read_mapping(path)
    entries = data.get(section) or {}
    if not isinstance(entries, dict):
        raise CalibrationError(path, section, entries, f"a mapping of scenario file to {what}")
    used = {t.get("scenario") for t in data.get("targets") or [] if isinstance(t, dict)}
    for name in entries:
        if name not in used:
            raise CalibrationError(path, f"{section}.{name}", name,
                                   f"{what} must name a scenario used by a target: {', '.join(sorted(used))}")
    return entries


def load_population_caps(path: str | Path = TARGETS_DEFAULT) -> dict[str, int]:
    """Optional ``population_cap: {scenario: citizens}`` of a targets file: simulate that
    scenario at most at this size when calibrating (staff, offices and companies scaled
    alike, see :func:`scale_scenario`).  Meant for targets that do not depend on scale,
    such as attendance, so that their scenario costs less per evaluation."""
    path = Path(path)
    caps = _per_scenario_section(path, "population_cap", "caps")
    return {name: int(_num(path, f"population_cap.{name}", v, "a positive whole number of citizens",
                           positive=True, integer=True)) for name, v in caps.items()}


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one behavioural parameter."""

    name: str
    low: float
    high: float
    reason: str = ""

    @property
    def sd(self) -> float:
        return (self.high - self.low) / math.sqrt(12.0)


def _field_bounds(name: str) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    for m in Behaviour.model_fields[name].metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "le", None) is not None:
            hi = m.le
    return lo, hi


def integer_parameters() -> set[str]:
    return {n for n, f in Behaviour.model_fields.items() if f.annotation is int}


def load_priors(path: str | Path = PRIORS_DEFAULT) -> list[Prior]:
    """Read and validate a priors file (``parameters: {name: {low, high, reason}}``)."""
    path = Path(path)
    data = _read_mapping(path)
    pars = data.get("parameters")
    if not isinstance(pars, dict) or not pars:
        raise CalibrationError(path, "parameters", pars, "a non-empty mapping of parameter name to {low, high, reason}")
    valid = list(Behaviour.model_fields)
    out = []
    for name, spec in pars.items():
        k = f"parameters.{name}"
        if name not in Behaviour.model_fields:
            guess = difflib.get_close_matches(str(name), valid, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise CalibrationError(path, k, name, f"unknown behavioural parameter; {hint}allowed: {', '.join(valid)}")
        if not isinstance(spec, dict):
            raise CalibrationError(path, k, spec, "a mapping with low, high and reason")
        extra = set(spec) - {"low", "high", "reason"}
        if extra:
            raise CalibrationError(path, f"{k}.{sorted(extra)[0]}", sorted(extra)[0], "allowed keys: low, high, reason")
        flo, fhi = _field_bounds(name)
        allowed = f"a number within the parameter's bounds [{flo}, {fhi}] with low < high"
        low = _num(path, f"{k}.low", spec.get("low"), allowed)
        high = _num(path, f"{k}.high", spec.get("high"), allowed)
        if not (flo <= low < high <= fhi):
            raise CalibrationError(path, k, [low, high], allowed)
        out.append(Prior(name, low, high, str(spec.get("reason") or "").strip()))
    return out
