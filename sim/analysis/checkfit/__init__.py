"""Out-of-sample validation of the fitted model (``fremskudt check-fit``).

Three checks, written to one results folder (``calibration/validation`` by default) and,
if asked, to ``docs/VALIDATION.md``:

* **every pattern**: the targets (calibration/targets.yaml) and the patterns that were not
  fitted (calibration/patterns.yaml: differences between arms, transition tables, office,
  activation and hours figures), predicted from the fitted posterior at fresh seeds
  (:mod:`.predict`);
* **leave one programme out** (:mod:`.holdout`): calibrate on the Copenhagen arms only and
  predict the rest (the jobgaranti pool, weekly-meetings attendance, the national
  activation figures), and calibrate on the jobgaranti pool only and predict the rest;
* **fit at fresh seeds** (:mod:`.score`): the summed squared z over the targets at the
  documented defaults against draws from the posterior.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.calibration import (FITTED_DIR, PATTERNS_DEFAULT, TARGETS_DEFAULT, load_patterns, load_targets)
from sim.errors import RunError, UsageError
from sim.experiment import outputs
from sim.experiment.runner import load_posterior
from sim.spec.reading import read_text, starts_with
from sim.paths import CALIBRATION_DIR, ROOT, display_path

from . import holdout, predict, report, score
from .holdout import FOLDS, FoldSettings

VALIDATION_DIR = CALIBRATION_DIR / "validation"


@dataclass
class CheckSettings:
    posterior: Path = FITTED_DIR / "default"
    draws: int = 100
    score_seeds: int = 40
    seed: int = 20240601
    workers: int = 2
    folds: FoldSettings = field(default_factory=FoldSettings)
    targets_path: Path = TARGETS_DEFAULT
    patterns_path: Path = PATTERNS_DEFAULT


def _posterior(folder: Path) -> pd.DataFrame:
    """The posterior of a fitted folder, read as ``--posterior`` reads it (:func:`load_posterior`)."""
    try:
        return load_posterior(folder)
    except RunError:
        raise UsageError(f"--posterior {folder}: no posterior.parquet there; run `fremskudt calibrate` first") from None


def _items(s: CheckSettings):
    targets, patterns = load_targets(s.targets_path), load_patterns(s.patterns_path)
    return targets, patterns, predict.scenarios_for(targets + patterns, s.targets_path)


def _table(targets, patterns, values: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([predict.summarise(targets, values, "target"), predict.summarise(patterns, values, "prediction")],
                     ignore_index=True)


def check_fit(s: CheckSettings, progress: bool = True) -> dict[str, pd.DataFrame]:
    """Run the three checks; returns the tables ``items``, ``loo`` and ``score``."""
    targets, patterns, scenarios = _items(s)
    say = print if progress else (lambda *a, **k: None)
    post = _posterior(s.posterior)
    say(f"check-fit: {s.draws} posterior draws of {len(scenarios)} scenarios")
    runs = predict.simulate_draws(scenarios, predict.parameter_draws(post, s.draws, s.seed), s.seed + 1, s.workers)
    values = predict.item_values(targets + patterns, runs)
    items = _table(targets, patterns, values)
    say(f"check-fit: {s.score_seeds} seeds at the documented defaults")
    defaults = predict.simulate_draws(scenarios, [{}] * s.score_seeds, s.seed + 2, s.workers)
    scored = score.compare(targets, {"documented defaults": defaults, "posterior draws": runs[: s.score_seeds]},
                           reference="documented defaults")
    folds, used = [], []
    for k, programme in enumerate(FOLDS):
        say(f"check-fit: fold {k + 1} of {len(FOLDS)}, calibrated on {programme} only")
        fold_post, fold_meta = holdout.fit_fold(programme, s.folds, progress)
        used.append(holdout.describe_fold(programme, fold_meta, s.folds))
        fold_runs = predict.simulate_draws(scenarios, predict.parameter_draws(fold_post, s.draws, s.seed + 10 + k),
                                           s.seed + 20 + k, s.workers)
        folds.append(_fold_table(programme, targets, patterns, fold_runs, items))
    loo = pd.concat(folds, ignore_index=True)
    loo.attrs["folds"] = "; ".join(used)
    return {"items": items, "loo": loo, "score": scored}


def _fold_table(programme: str, targets, patterns, runs, items: pd.DataFrame) -> pd.DataFrame:
    """A fold's predictions of every item, the held-out ones first, with the full fit's."""
    values = predict.item_values(targets + patterns, runs)
    out = pd.concat([predict.summarise([t for t in targets if t.programme == programme], values, "fitted"),
                     predict.summarise(holdout.held_out(targets, programme), values, "held out"),
                     predict.summarise(holdout.held_out(patterns, programme), values, "held out (pattern)")],
                    ignore_index=True)
    full = items.set_index("id")
    out["median_full"] = out["id"].map(full["median"])
    out["z_full"] = out["id"].map(full["z"])
    out.insert(0, "fold", programme)
    order = {"held out": 0, "held out (pattern)": 1, "fitted": 2}
    return out.sort_values("role", key=lambda r: r.map(order), kind="stable").reset_index(drop=True)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def check_docs(docs: Path | None) -> None:
    """Refuse a ``--docs`` file that exists and that this command did not write."""
    if docs is not None and os.path.lexists(docs) and not starts_with(docs, report.MARKER):
        raise UsageError(f"--docs {docs}: the file exists and was not written by check-fit; it is left untouched")


def write(tables: dict[str, pd.DataFrame], s: CheckSettings, out: Path, docs: Path | None, command: str,
          force: bool = False) -> Path:
    """The results folder (tables, VALIDATION.md with the folder's notes.md appended) and,
    if asked, the same document at ``docs`` (only replacing a file this command wrote)."""
    check_docs(docs)
    fs, post = s.folds, Path(s.posterior).resolve()
    meta = {"command": command, "commit": _commit(), "draws": s.draws,
            "posterior": display_path(post),
            "fold_settings": tables["loo"].attrs.get("folds") or (
                f"{fs.particles} particles, {fs.seeds} seeds per evaluation, "
                f"{fs.generations or holdout.NEW_FOLD_GENERATIONS} generations")}
    with outputs.ResultFolder(out, force=force, keep=("notes.md",)) as folder:
        notes = folder.previous("notes.md")
        text = read_text(notes) if notes is not None else ""
        if notes is not None:
            (folder.work / "notes.md").write_text(text, encoding="utf-8")
        for name, table in tables.items():
            table.to_csv(folder.work / f"{name}.csv", index=False)
        doc = report.markdown(tables["items"], tables["loo"], tables["score"], meta, text)
        (folder.work / "VALIDATION.md").write_text(doc, encoding="utf-8")
        outputs.write_manifest(folder.work, {"kind": "check-fit", "command": command, "git": outputs.git_state()})
        done = folder.commit()
    if docs is not None:
        docs.write_text(doc, encoding="utf-8")
    return done
