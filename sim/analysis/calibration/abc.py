"""The ABC-SMC run (pyabc): sessions, resumption and the run's record.

**Store.**  pyabc's SQLite history ``calibration/runs/NAME.db`` (git-ignored) holds every
finished generation; ``NAME.json`` next to it records the settings, the Monte-Carlo sd and
the wall time of every session.  ``resume=True`` loads the history and runs only the
generations still missing, so no finished generation is lost or recomputed.  Where the
history is not at hand but the committed fitted folder is, ``resume=True`` starts a new
history from the fit's last generation (:mod:`.restore`).  pyabc's own
proposal draws are seeded from the run seed but are not part of the determinism guarantee.

**Output.**  ``calibration/fitted/NAME/`` (:mod:`.report`): ``posterior.parquet`` (one
column per parameter plus ``weight``; read by ``fremskudt run --posterior``),
``population.parquet`` and ``generations.csv`` (what a continuation needs), ``report.md``,
the figures and tables.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.errors import InputError, UsageError
from sim.experiment import outputs, resources
from sim.experiment.pool import kill_started_since
from sim.spec.reading import file_sha256, read_json, read_record, sqlite_file
from sim.paths import CALIBRATION_DIR, SCENARIO_DIR, display_path
from sim.spec.scenario import NAME_ALLOWED, Scenario, valid_name

from .distance import ZScoreDistance, estimate_mc_sd
from .model import MultiScenarioModel, prior_centre, resolve_scenarios
from .fit import posterior_frame
from .restore import restore_history, stored_fit
from .targets import (PRIORS_DEFAULT, TARGETS_DEFAULT, Target, load_population_caps, load_priors,
                      load_scenario_overrides, load_targets, select)


RUNS_DIR = CALIBRATION_DIR / "runs"
FITTED_DIR = CALIBRATION_DIR / "fitted"


#: Factor on the covariance of the ABC-SMC proposal kernel (pyabc's Silverman bandwidth
#: times this).  The importance weight of a particle is prior / proposal density.  With a
#: flat prior and a roughly normal posterior of covariance S, a proposal of covariance
#: s2 * S gives weights of finite variance only if s2 > 2 in every identified direction;
#: the default kernel (Silverman: about 0.5 S at 200 particles, so s2 about 1.5) made the
#: weights collapse onto a handful of particles in 14 dimensions (effective sample size
#: 6 of 200 after three generations).  A factor of 3 makes the kernel about 1.4 S (s2
#: about 2.4), at the price of a lower acceptance rate and of proposals outside the priors'
#: box, which pyabc draws again (:mod:`.prior` makes that cheap).  With 21 parameters and
#: 300 particles from the priors, a factor of 3 kept 0.10 % of the proposals inside; a
#: factor of 2 (0.43 % inside) let the effective sample size fall to 1-3 of 300 by the sixth
#: generation.
KERNEL_SCALE = 3.0


def file_hash(path: Path) -> str:
    return file_sha256(path)[:16]


def make_sampler(workers: int, scheduler: str | None):
    import pyabc
    if scheduler:
        from sim.experiment.runner import connect_dask
        return pyabc.sampler.DaskDistributedSampler(dask_client=connect_dask(scheduler), batch_size=1)
    if workers <= 1:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)


@dataclass
class CalibrationResult:
    name: str
    db: Path
    out_dir: Path | None
    generations: int
    simulations: int
    seconds: float
    posterior: pd.DataFrame
    meta: dict = field(repr=False, default_factory=dict)
    initial: int = 0        #: evaluations of the prior sample that set the first epsilon (not in ``simulations``)


def _usage(msg: str) -> Exception:
    return UsageError(msg)


#: Settings a calibration keeps for its whole history, with the option that sets each: a
#: resumed calibration runs with the settings it was started with.
KEPT_SETTINGS = {"population": "--population", "particles": "--particles", "seeds": "--seeds",
                 "kernel_scale": "--kernel-scale", "min_epsilon": "--min-epsilon", "run_seed": "--seed",
                 "programmes": "--programme"}
DEFAULTS = {"population": None, "particles": 200, "seeds": 1, "kernel_scale": KERNEL_SCALE, "run_seed": 20140101,
            "programmes": None}


def _stored_settings(meta: dict) -> dict[str, Any]:
    return {"population": meta["population"], "particles": meta["particles"], "seeds": meta.get("seeds", 1),
            "kernel_scale": meta.get("kernel_scale", 1.0), "min_epsilon": meta.get("min_epsilon"),
            "run_seed": meta["run_seed"], "programmes": meta.get("programmes")}


def _resumed(name: str, runs_dir: Path, targets_path: Path, priors_path: Path, asked: dict,
             fit_dir: Path | None) -> tuple[dict, pd.DataFrame | None]:
    """The stored record of calibration ``name`` and, when its history is not here but its
    fitted folder is, that folder's generation table (the run is then restored from the
    folder, :mod:`.restore`); a :class:`UsageError` unless the files and the settings asked
    for (None: not asked) are those it was started with."""
    db, meta_path = runs_dir / f"{name}.db", runs_dir / f"{name}.json"
    gens = None
    if db.exists() and meta_path.exists():
        meta = read_record(meta_path, RECORD_KEYS, what="calibration record")
        check_history(db, meta["run_id"])
    elif fit_dir is not None and (fit_dir / "run.json").is_file():
        meta, gens = stored_fit(fit_dir)
        meta.pop("run_id", None)
    else:
        raise _usage(f"--resume: no calibration named '{name}' in {runs_dir} (expected {db.name} and {meta_path.name})"
                     + (f" and no fit to continue in {fit_dir}" if fit_dir is not None else "")
                     + f"; start it first with: fremskudt calibrate --name {name}")
    meta["targets"], meta["priors"] = display_path(meta["targets"]), display_path(meta["priors"])
    for key, p in (("targets_hash", targets_path), ("priors_hash", priors_path)):
        if meta[key] != file_hash(p):
            raise _usage(f"--resume: {p} changed since calibration '{name}' started; "
                         "start a new calibration with another --name")
    stored = _stored_settings(meta)
    changed = [f"{KEPT_SETTINGS[k]} {asked[k]} (started with {stored[k] if stored[k] is not None else 'full size'})"
               for k in KEPT_SETTINGS if asked.get(k) is not None and asked[k] != stored[k]]
    if changed:
        raise _usage(f"--resume continues calibration '{name}' with the settings it was started with, and these "
                     f"differ: {'; '.join(changed)}. Leave them out to continue, or start a new calibration with "
                     "another --name")
    return meta, gens


def _new_meta(name: str, targets_path: Path, priors_path: Path, targets: Sequence[Target], caps: dict,
              asked: dict, mc_reps: int) -> dict:
    v = {k: (asked.get(k) if asked.get(k) is not None else DEFAULTS[k]) for k in DEFAULTS}
    min_epsilon = asked.get("min_epsilon")
    return {"name": name, "targets": display_path(targets_path), "priors": display_path(priors_path),
            "targets_hash": file_hash(targets_path), "priors_hash": file_hash(priors_path),
            "population": v["population"], "population_cap": caps, "run_seed": v["run_seed"],
            "particles": v["particles"], "seeds": v["seeds"], "programmes": v["programmes"],
            "min_epsilon": float(len(targets) if min_epsilon is None else min_epsilon),
            "transition": f"MultivariateNormalTransition (Silverman bandwidth × {v['kernel_scale']:g} on the covariance)",
            "kernel_scale": v["kernel_scale"], "mc_reps": mc_reps,
            "seed_rule": "sha256(run seed, parameter values) per evaluation"
            + (f", {v['seeds']} replication seeds derived from it" if v["seeds"] > 1 else ""),
            "sessions": []}


def run_calibration(name: str = "default", *, targets_path: str | Path = TARGETS_DEFAULT,
                    priors_path: str | Path = PRIORS_DEFAULT, population: int | None = None,
                    generations: int = 6, particles: int | None = None, seeds: int | None = None,
                    min_epsilon: float | None = None, kernel_scale: float | None = None, workers: int | None = None,
                    scheduler: str | None = None, resume: bool = False, max_minutes: float | None = None,
                    runs_dir: str | Path | None = None, fitted_dir: str | Path | None = FITTED_DIR,
                    scenario_dir: str | Path = SCENARIO_DIR, scenarios: Mapping[str, Scenario] | None = None,
                    run_seed: int | None = None, mc_reps: int = 12, predictive_draws: int = 60,
                    programmes: Sequence[str] | None = None, force: bool = False,
                    progress: bool = True, mc_sd: Mapping[str, float] | None = None) -> CalibrationResult:
    """Run (or resume) an ABC-SMC calibration and write the fitted output.

    ``generations`` is the total number of generations wanted in the history; a resumed
    run only adds the missing ones.  ``max_minutes`` bounds the wall time of this call
    (pyabc stops after the generation in which the limit is passed).  ``seeds`` runs of
    every scenario per evaluation are averaged.  The run also stops once epsilon (the
    summed squared z) reaches ``min_epsilon``, by default the number of targets: the
    distance expected when the model is right and the remaining differences are the
    stated errors, so the fit is not pushed on into selecting lucky random draws.
    ``programmes`` keeps only the targets of those programmes (all by default).  ``mc_sd``
    gives the Monte-Carlo sd of every target instead of estimating it at the prior's centre
    (a study of many calibrations of one model measures it once).

    The settings in :data:`KEPT_SETTINGS` (None: the default, or for a resumed run the
    stored value) belong to the history: ``resume=True`` with a different value is
    refused.  The fitted folder ``fitted_dir/name`` follows the rule of
    :mod:`sim.experiment.outputs` (``force`` or ``resume`` may replace a fit this program
    wrote; its ``notes.md`` is carried over) and is reserved before the first simulation.
    """
    if not valid_name(name):
        raise _usage(f"--name {name!r}: the calibration's name names files and folders; use {NAME_ALLOWED}")
    runs_dir = Path(runs_dir if runs_dir is not None else RUNS_DIR)
    paths = Path(targets_path), Path(priors_path)
    inputs = _inputs(*paths, scenario_dir, scenarios, programmes)
    asked = {"population": population, "particles": particles, "seeds": seeds, "kernel_scale": kernel_scale,
             "min_epsilon": min_epsilon, "run_seed": run_seed, "programmes": list(programmes) if programmes else None}
    db, meta_path = runs_dir / f"{name}.db", runs_dir / f"{name}.json"
    restore = None
    if resume:
        meta, restore = _resumed(name, runs_dir, *paths, asked, Path(fitted_dir) / name if fitted_dir else None)
    else:
        if db.exists() and not force:
            raise _usage(f"calibration '{name}' already exists ({db}); use --resume to continue it, --force to "
                         "start it afresh, or another --name")
        meta = _new_meta(name, *paths, inputs["targets"], inputs["caps"], asked, mc_reps)
        if mc_sd is not None:
            meta.update(mc_sd={t.id: float(mc_sd[t.id]) for t in inputs["targets"]}, mc_seconds=0.0, mc_reps=0)
    folder = (outputs.ResultFolder(Path(fitted_dir) / name, force=force or resume, keep=("notes.md",), other="--name")
              if fitted_dir is not None else None)        # checked before anything is run or removed
    _history_folder(runs_dir, (db, meta_path) if not resume or restore is not None else (), name)
    resources.check_workers(workers)
    workers = workers or resources.usable_cores()
    with folder or nullcontext():
        session = _Session(name, meta, inputs, db, meta_path, workers=workers, scheduler=scheduler,
                           scenario_dir=scenario_dir, scenarios=scenarios, progress=progress)
        history = session.run(generations, resume=resume, max_minutes=max_minutes,
                              restore=None if restore is None else (Path(fitted_dir) / name, restore))
        post = posterior_frame(history, order=[p.name for p in inputs["priors"]])
        out_dir = None if folder is None else _write(folder, session, history, predictive_draws)
    total_seconds = sum(s["seconds"] for s in meta["sessions"]) + meta.get("mc_seconds", 0.0)
    # counted as the report counts them: every generation's evaluations (a restored run's history lacks the
    # generations before the restored one: their record counts), and apart from them the prior sample that set
    # the first epsilon (pyabc's generation -1)
    from .restore import full_generation_table
    evaluations = int(full_generation_table(history, meta)["samples"].sum())
    pops = history.get_all_populations()
    initial = int(pops.loc[pops["t"] < 0, "samples"].sum())
    return CalibrationResult(name, db, out_dir, int(history.max_t + 1), evaluations, total_seconds, post, meta,
                             initial)


def redraw_fit(name: str = "default", *, fitted_dir: str | Path = FITTED_DIR, runs_dir: str | Path | None = None,
               targets_path: str | Path = TARGETS_DEFAULT, priors_path: str | Path = PRIORS_DEFAULT,
               command: str = "", scenario_dir: str | Path = SCENARIO_DIR,
               scenarios: Mapping[str, Scenario] | None = None) -> Path:
    """Draw the figures and ``report.md`` of the fitted folder ``fitted_dir/name`` again from
    its data files, without simulating anything.  Where the run's pyabc history is at hand
    (``runs_dir/name.db``), the stored generations are taken from it.  The folder is replaced
    as a whole (the rule of :mod:`sim.experiment.outputs`: only a folder fremskudt wrote),
    keeping every data file and ``notes.md``.  A :class:`UsageError` when the folder is not a
    fit, or was made from other targets or priors than those given."""
    from .audit import POPULATIONS_FILE, stored_populations
    from .report import DATA_FILES, write_report
    from .stored import read_populations
    if not valid_name(name):
        raise _usage(f"--name {name!r}: the calibration's name names files and folders; use {NAME_ALLOWED}")
    folder_path = Path(fitted_dir) / name
    try:
        meta, _ = stored_fit(folder_path)
    except UsageError as e:
        raise _usage(str(e).replace("--resume:", "--redraw:", 1)) from None
    paths = Path(targets_path), Path(priors_path)
    for key, p in zip(("targets_hash", "priors_hash"), paths):
        if meta[key] != file_hash(p):
            raise _usage(f"--redraw: {p} is not the file calibration '{name}' was fitted to (its hash differs); the "
                         "report would describe other targets or priors than the fit's")
    missing = [f for f in DATA_FILES if f != POPULATIONS_FILE and not (folder_path / f).is_file()]
    if missing:
        raise _usage(f"--redraw: {display_path(folder_path)} lacks {', '.join(missing)}, so its report cannot be drawn "
                     "again without simulating; run the calibration again instead")
    targets = load_targets(paths[0], scenario_dir=scenario_dir, scenarios=scenarios)
    if meta.get("programmes"):
        targets = select(targets, meta["programmes"])
    priors = load_priors(paths[1])
    db = Path(runs_dir if runs_dir is not None else RUNS_DIR) / f"{name}.db"
    history = None
    if os.path.lexists(db) and meta.get("run_id") is not None:
        # only the history this calibration's record marks as fremskudt's, checked before it is opened
        why = _ours(db, db.with_suffix(".json"), name)
        if why is not None:
            raise _usage(f"--redraw: {why}; move it away to draw the report from the folder alone")
        try:
            check_history(db, meta["run_id"])
        except UsageError as e:
            raise _usage(str(e).replace("--resume:", "--redraw:", 1).replace(
                "start afresh with --force or use another --name", "move it away to draw the report from the "
                "folder alone")) from None
        import pyabc
        history = pyabc.History(f"sqlite:///{db}", _id=int(meta["run_id"]))
    with outputs.ResultFolder(folder_path, force=True, keep=("notes.md",), other="--name") as folder:
        for f in DATA_FILES:
            if (folder_path / f).is_file():
                shutil.copy2(folder_path / f, folder.work / f)
        if history is not None and history.max_t >= 0:
            earlier = read_populations(folder_path / POPULATIONS_FILE) if (folder_path / POPULATIONS_FILE).is_file() \
                else None
            stored_populations(history, [p.name for p in priors], earlier).to_parquet(
                folder.work / POPULATIONS_FILE, index=False)
        if folder.previous("notes.md") is not None:
            shutil.copy2(folder_path / "notes.md", folder.work / "notes.md")
        write_report(folder.work, targets, priors)
        previous = read_json(folder_path / outputs.MANIFEST, limit=outputs.MANIFEST_BYTES) \
            if (folder_path / outputs.MANIFEST).is_file() else {}
        previous = previous if isinstance(previous, dict) else {}
        outputs.write_manifest(folder.work, {"kind": "calibrate", "name": name, "run": "run.json",
                                             "git": previous.get("git", outputs.git_state()),
                                             "redrawn": {"command": command, "git": outputs.git_state()}})
        return folder.commit()


def _inputs(targets_path: Path, priors_path: Path, scenario_dir, scenarios, programmes) -> dict:
    """Targets (of the programmes asked for), scenario overrides, priors and population caps."""
    targets = load_targets(targets_path, scenario_dir=scenario_dir, scenarios=scenarios)
    if programmes:
        unknown = sorted(set(programmes) - {t.programme for t in targets})
        if unknown:
            raise _usage(f"--programme {unknown[0]}: no target of that programme in {targets_path}; the targets' "
                         f"programmes are {', '.join(dict.fromkeys(t.programme for t in targets))}")
        targets = select(targets, programmes)
    return {"targets": targets, "priors": load_priors(priors_path), "caps": load_population_caps(targets_path),
            "overrides": load_scenario_overrides(targets_path, scenario_dir=scenario_dir, scenarios=scenarios)}


#: What a calibration's record ``NAME.json`` must hold to be continued.
RECORD_KEYS = ("name", "targets", "priors", "targets_hash", "priors_hash", "population", "run_seed", "particles",
               "run_id", "sessions")
#: The record's mark that fremskudt wrote it (and the history's checksum when it last did).
WRITTEN_BY = "fremskudt"


def check_history(db: Path, run_id: Any) -> None:
    """Refuse, with one line, a history ``db`` that is not a pyabc history holding run ``run_id``."""
    sqlite_file(db, what="calibration history (a pyabc SQLite database)")
    try:
        con = sqlite3.connect(f"{Path(db).absolute().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            found = con.execute("SELECT COUNT(*) FROM abc_smc WHERE id = ?", (int(run_id),)).fetchone()[0]
        finally:
            con.close()
    except (sqlite3.Error, TypeError, ValueError) as e:
        raise UsageError(f"--resume: {db}: not a readable calibration history ({e}); start afresh with --force "
                         "or use another --name") from None
    if not found:
        raise UsageError(f"--resume: {db}: the history does not hold run {run_id} that {db.with_suffix('.json').name} "
                         "names; start afresh with --force or use another --name")


def stored_generations(runs_dir: Path, name: str) -> int:
    """How many finished generations ``runs_dir/NAME.db`` holds (0 when there is none to read)."""
    db = Path(runs_dir) / f"{name}.db"
    try:
        sqlite_file(db)
        con = sqlite3.connect(f"{Path(db).absolute().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            return int(con.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()[0])
        finally:
            con.close()
    except (InputError, sqlite3.Error):
        return 0


def _ours(db: Path, record: Path, name: str) -> str | None:
    """None if fremskudt wrote ``record`` (its mark, this calibration's name) and ``db`` (if
    there) is the history whose checksum the record holds; otherwise why not."""
    if not record.exists():
        return (f"{db} has no record {record.name} written by fremskudt next to it, so it may not be fremskudt's"
                if db.exists() else None)
    try:
        meta = read_json(record)
    except InputError as e:
        return f"{record} is not a record fremskudt wrote ({e.allowed})"
    if not isinstance(meta, dict) or meta.get("written_by") != WRITTEN_BY or meta.get("name") != name:
        return f"{record} is not a record fremskudt wrote for calibration '{name}'"
    if db.exists():
        try:
            same = meta.get("history_sha256") == outputs.sha256(db)
        except OSError as e:
            return f"{db} cannot be read ({e.strerror})"
        if not same:
            return (f"{db} differs from the history fremskudt last recorded in {record.name} (a session killed "
                    "outright, or a file put there)")
    return None


def _history_folder(runs_dir: Path, stale: Sequence[Path], name: str) -> None:
    """Create the folder of the stored histories; remove the files of a history started
    afresh, but only files fremskudt wrote (:func:`_ours`): anything else is refused."""
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _usage(f"cannot create the history folder {runs_dir}: {e.strerror}") from None
    if not stale:
        return
    db, record = stale
    why = _ours(db, record, name)
    if why is not None:
        raise _usage(f"{why}; nothing was removed. Continue it with --resume, move it away yourself, or choose "
                     "another --name or --runs-dir")
    for p in (db, record):
        p.unlink(missing_ok=True)


def save_record(meta: dict, meta_path: Path, db: Path) -> None:
    """Write the run's record ``NAME.json`` in one step (never half-written), with fremskudt's
    mark and the checksum of the history as it is now."""
    meta["written_by"] = WRITTEN_BY
    meta["history_sha256"] = outputs.sha256(db) if db.is_file() else None
    outputs.write_whole(meta_path, json.dumps(meta, indent=2))


def _write(folder, session: "_Session", history, draws: int) -> Path:
    """The fitted folder (the previous ``notes.md`` carried over, and the previous fit's
    stored generations that the history does not hold), with its manifest."""
    from .audit import POPULATIONS_FILE
    from .report import write_fit
    from .stored import read_populations
    notes = folder.previous("notes.md")
    if notes is not None:
        shutil.copy2(notes, folder.work / "notes.md")
    stored = folder.previous(POPULATIONS_FILE)
    earlier = read_populations(stored) if stored is not None and session.meta.get("restored") else None
    i = session.inputs
    write_fit(folder.work, history, i["targets"], i["priors"], session.model, session.distance, session.meta,
              workers=session.workers, draws=draws, run_seed=session.meta["run_seed"], earlier=earlier)
    outputs.write_manifest(folder.work, {"kind": "calibrate", "name": session.name, "run": "run.json",
                                         "git": outputs.git_state()})
    return folder.commit()


class _Session:
    """One session of an ABC-SMC run: the model, the distance (the Monte-Carlo sd measured
    when the history starts) and pyabc's sampler; every session is recorded in the run's
    record, also an interrupted one (its finished generations are kept)."""

    def __init__(self, name, meta, inputs, db, meta_path, *, workers, scheduler, scenario_dir, scenarios, progress):
        self.name, self.meta, self.inputs, self.db, self.meta_path = name, meta, inputs, db, meta_path
        self.workers, self.scheduler, self.progress = workers, scheduler, progress
        logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
        logging.getLogger("pyabc").setLevel(logging.WARNING)
        sc = resolve_scenarios(inputs["targets"], population=meta["population"], scenario_dir=scenario_dir,
                               scenarios=scenarios, overrides=inputs["overrides"], caps=meta.get("population_cap"))
        resources.check_memory(resources.estimate([resources.citizens(s) for s in sc.values()], 1,
                                                  1 if scheduler else workers, keeps_citizens=False),
                               "this calibration")
        self.model = MultiScenarioModel(inputs["targets"], sc, meta["run_seed"], seeds=meta.get("seeds", 1))
        if "mc_sd" not in meta:
            t0 = time.time()
            meta["mc_sd"] = estimate_mc_sd(self.model, prior_centre(inputs["priors"]), meta["mc_reps"],
                                           meta["run_seed"] + 1)
            meta["mc_seconds"] = time.time() - t0
        if "scenario_sizes" not in meta:
            meta["scenario_sizes"] = {k: s.population.size for k, s in sc.items()}
            meta["scenario_overrides"] = inputs["overrides"]
        self.distance = ZScoreDistance(inputs["targets"], meta["mc_sd"])
        from .early import EarlyRejectingModel     # imports pyabc, which is slow to import
        self.early = EarlyRejectingModel(self.model, self.distance)

    def abc(self):
        import pyabc
        # pyabc sets its loggers' levels when first imported: say again how much to say
        logging.getLogger("ABC").setLevel(logging.INFO if self.progress else logging.WARNING)
        meta = self.meta
        from .prior import BoxPrior, FastNormalTransition
        prior = BoxPrior({p.name: (p.low, p.high) for p in self.inputs["priors"]})
        self.sampler = make_sampler(self.workers, self.scheduler)
        np.random.seed(meta["run_seed"] % (2**32))
        # a wide multivariate-normal proposal, see KERNEL_SCALE
        transition = FastNormalTransition(scaling=meta.get("kernel_scale", 1.0))
        # evaluations stop once past epsilon (:mod:`.early`); the distance serves the prior sample
        return pyabc.ABCSMC(self.early, prior, self.distance, population_size=meta["particles"],
                            sampler=self.sampler, transitions=transition)

    def run(self, generations: int, *, resume: bool, max_minutes: float | None,
            restore: tuple[Path, pd.DataFrame] | None = None):
        """Run the generations still missing; returns the history.  ``restore`` (a fitted
        folder and its generation table) starts the history from that fit's last generation."""
        import pyabc
        abc, meta, url = self.abc(), self.meta, f"sqlite:///{self.db}"
        if restore is not None:
            history, record = restore_history(abc, url, restore[0], self.inputs["targets"], self.model,
                                              self.distance, restore[1], workers=self.workers, progress=self.progress)
            meta["run_id"] = int(history.id)
            meta.setdefault("restored", []).append(record)
            save_record(meta, self.meta_path, self.db)
        elif resume:
            try:
                history = abc.load(url, meta["run_id"])
            except Exception as e:      # sqlalchemy and pyabc raise many kinds for a damaged history
                raise UsageError(f"--resume: {self.db}: the history cannot be read ({type(e).__name__}); start "
                                 "afresh with --force or use another --name") from None
        else:
            history = abc.new(url, {t.id: t.value for t in self.inputs["targets"]})
            meta["run_id"] = int(history.id)
            save_record(meta, self.meta_path, self.db)
        remaining = generations - (history.max_t + 1)
        if remaining > 0 and history.max_t >= 0:
            from .early import scenario_order
            weights, sum_stats = history.get_weighted_sum_stats(t=history.max_t)
            self.early.order = scenario_order(self.model, self.distance, sum_stats, weights)
        start, sims_before = time.time(), int(history.total_nr_simulations)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        interrupted = False
        before = set(multiprocessing.active_children())        # the sampler's workers are started after this
        try:
            if remaining > 0:
                kwargs: dict[str, Any] = {"max_nr_populations": remaining, "minimum_epsilon": meta["min_epsilon"]}
                if max_minutes:
                    kwargs["max_walltime"] = timedelta(minutes=float(max_minutes))
                run_stoppable_while_sampling(abc.run, self.sampler, **kwargs)
            elif self.progress:
                print(f"calibration '{self.name}' already has {history.max_t + 1} generation(s); nothing to run")
        except KeyboardInterrupt:
            interrupted = True
            kill_started_since(before)      # pyabc's workers would go on sampling for nobody
            raise
        finally:
            history = pyabc.History(url)
            history.id = meta["run_id"]
            if remaining > 0:
                meta["sessions"].append({"started": started, "seconds": round(time.time() - start, 1),
                                         "workers": self.workers, "scheduler": self.scheduler,
                                         "generations_after": int(history.max_t + 1),
                                         "simulations": int(history.total_nr_simulations) - sims_before,
                                         "scenario_order": self.early.order, "interrupted": interrupted})
            save_record(meta, self.meta_path, self.db)
            _close_sampler(self.sampler)
        return history


def run_stoppable_while_sampling(run, sampler, **kwargs):
    """``run(**kwargs)`` (pyabc's ``ABCSMC.run``) with the stop signals held except while
    ``sampler`` samples, where nearly all the time goes: a stop never lands in pyabc's
    database steps.  (Cut inside a query, a session kept its read lock on the history
    while pyabc's closing commit, on another connection, waited two minutes for it.)"""
    sample = sampler.sample_until_n_accepted

    def sampling(*args, **kw):
        with outputs.stop_signals_let_through():
            return sample(*args, **kw)
    sampler.sample_until_n_accepted = sampling          # for this run only
    try:
        with outputs.stop_signals_held():
            return run(**kwargs)
    finally:
        del sampler.sample_until_n_accepted


def _close_sampler(sampler) -> None:
    client = getattr(sampler, "client", None)
    if client is not None:
        try:
            client.close()
        except Exception:  # pragma: no cover - best effort
            pass
