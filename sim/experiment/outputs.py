"""Result folders and their provenance: where a run writes, how it writes atomically, and
what the manifest records (scenario files and hashes, package versions, git commit).

Every command that writes a results folder (run, compare, calibrate, sensitivity) goes
through :func:`write_atomically`, so the rule for replacing a folder is written once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import yaml

from sim.errors import OutputExists
from sim.paths import ROOT, SCENARIO_DIR
from sim.spec.scenario import Scenario

PACKAGES = ("mesa", "simpy", "numpy", "numba", "pandas", "pyarrow", "pydantic", "matplotlib")


# --------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locate(path: str | Path) -> Path:
    """The file a scenario argument refers to (a path, or a bare name in ``scenarios/``)."""
    p = Path(path)
    if not p.exists() and not p.suffix and (SCENARIO_DIR / f"{p}.yaml").exists():
        p = SCENARIO_DIR / f"{p}.yaml"
    return p.resolve()


def scenario_chain(path: str | Path) -> list[Path]:
    """The scenario file and the files it extends, the file itself first.

    Call only after the file has loaded successfully (so the chain is valid)."""
    chain, p = [], locate(path)
    while p not in chain:
        chain.append(p)
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        parent = data.get("extends")
        if not isinstance(parent, str):
            break
        p = (p.parent / parent).resolve()
    return chain


def reported_origin(path: str | Path) -> dict[str, str]:
    """For each reported figure, the name of the scenario file that states it.

    A scenario that ``extends`` another inherits its reported figures; the report marks
    such figures as belonging to the base scenario."""
    origin: dict[str, str] = {}
    for p in reversed(scenario_chain(path)):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        for k in (data.get("reported") or {}):
            origin[k] = str(data.get("name") or p.stem)
    return origin


def git_state(repo: Path | None = None) -> dict[str, Any]:
    """Commit and dirtiness of the source tree (None outside git)."""
    repo = repo or ROOT
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                                capture_output=True, text=True, timeout=20)
        return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        out["fremskudt"] = metadata.version("fremskudt")
    except metadata.PackageNotFoundError:
        out["fremskudt"] = None
    out["python"] = sys.version.split()[0]
    return out


def scenario_record(path: str | Path, scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "file": str(locate(path)),
        "files": [{"path": str(p), "sha256": sha256(p)} for p in scenario_chain(path)],
        "digest": scenario.digest(),
        "resolved": scenario.resolved(),
    }


# --------------------------------------------------------------------------------------
# Atomic output folder
# --------------------------------------------------------------------------------------

def check_out(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise OutputExists(f"{out} already exists; choose another --out or add --force to replace it")


def write_atomically(out: Path, force: bool, build: Callable[[Path], None]) -> Path:
    """Build the folder's contents in a temporary sibling and move it into place."""
    out = Path(out).absolute()
    check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        build(tmp)
        check_out(out, force)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.replaced-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def default_out(names: list[str], root: Path | None = None, now: datetime | None = None) -> Path:
    root = root or Path("results")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = "-vs-".join(names) if len(names) <= 3 else f"{names[0]}-vs-{len(names) - 1}-others"
    p = root / f"{base}-{stamp}"
    i = 2
    while p.exists():
        p = root / f"{base}-{stamp}-{i}"
        i += 1
    return p


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
