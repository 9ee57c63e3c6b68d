"""Result folders and their provenance: where a command writes, how it writes atomically,
and what the manifest records (scenario files and hashes, package versions, git commit).

Every command that writes a results folder (run, compare, calibrate, sensitivity) goes
through :class:`ResultFolder`, so the rules are written once:

* The folder is built under a hidden name next to its final place
  (``.<name>.partial-<pid>``), made *before* the work starts, so that a path that cannot
  be created fails at once; it is moved into place in one step at the end.  A failed or
  interrupted command removes it, and the parent folders it had to make.
* An existing folder is replaced only with ``--force``, and only if this program wrote
  it and nobody changed it since: it has a ``manifest.json`` of ours with the SHA-256 of
  every file, every file in it is one the manifest lists, and every file still has that
  checksum (files a command carries over, such as a calibration's ``notes.md``, excepted).
  Anything else is refused, with the file that differs named, and left untouched.
* The current folder, the project folder and any folder containing either are never
  replaced.
* A hidden working folder left by a process that no longer runs (killed with SIGKILL,
  or a power cut) is removed by the next command that writes next to it, but only when it
  carries this program's work mark (naming that process) and every file in it is one the
  folder's manifest lists with a matching checksum; a working folder of a command killed
  while it wrote its files, or anyone else's folder of a similar name, is left alone.
* :data:`completed` lists the folders this process has moved into place, so that a stop
  signal that arrives after that can say that the results are complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import psutil

from sim.errors import InputError, OutputExists, UsageError, raise_if_stopped, shown_path
from sim.paths import ROOT
from sim.spec.loading import find, read_chain
from sim.spec.reading import MAX_JSON_BYTES, file_sha256, read_json
from sim.spec.scenario import NAME_ALLOWED, Scenario, valid_name

PACKAGES = ("mesa", "simpy", "numpy", "numba", "pandas", "pyarrow", "pydantic", "matplotlib")
MANIFEST = "manifest.json"
#: Inside a working folder: fremskudt's mark and the process that owns it (pid and start time).
WORK_MARK = ".fremskudt-work"
#: The mark in a manifest and a work mark that fremskudt wrote them.
WRITTEN_BY = "fremskudt"
#: The largest manifest or work mark read (a manifest with 10,000 posterior draws is about 5 MB).
MANIFEST_BYTES = MAX_JSON_BYTES
#: Results folders this process has moved into place (see the module docstring).
completed: list[Path] = []
#: Longest name of a results folder in bytes (its working copy adds about 25 characters,
#: and a file system allows 255).
NAME_BYTES = 200
_WORK_NAME = re.compile(r"\.(?P<name>.+)\.(?P<kind>partial|replaced)-(?P<pid>\d+)")


# --------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    return file_sha256(path)


def locate(path: str | Path) -> Path:
    """The file a scenario argument refers to (a path, or a bare name in ``scenarios/``)."""
    return find(path)


def scenario_chain(path: str | Path) -> list[Path]:
    """The scenario file and the files it extends, the file itself first."""
    return [p for p, _ in read_chain(path)][::-1]


def reported_origin(path: str | Path) -> dict[str, str]:
    """For each reported figure, the name of the scenario file that states it.

    A scenario that ``extends`` another inherits its reported figures; the report marks
    such figures as belonging to the base scenario."""
    origin: dict[str, str] = {}
    for p, data in read_chain(path):
        for k in (data.get("reported") or {}):
            origin[k] = str(data.get("name") or p.stem)
    return origin


def reported_elsewhere(path: str | Path, scenario: Scenario) -> set[str]:
    """The reported figures ``scenario`` inherits from a file that describes another
    programme (an organisation, company count, population size or horizon that differs).

    Such a figure is what the evaluation found for the base programme, not for this one:
    the report shows it as the base scenario's and never scores this scenario against it."""
    from sim.spec.scenario import load_scenario

    from .findings import changed_levers

    elsewhere: dict[str, bool] = {}
    for p, data in read_chain(path):
        figures = data.get("reported") or {}
        if figures:
            other = bool(changed_levers(load_scenario(p), scenario))
            elsewhere.update({k: other for k in figures})
    return {k for k, other in elsewhere.items() if other}


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
# The folder rule
# --------------------------------------------------------------------------------------

def check_path(out: str | Path) -> Path:
    """``out`` as an absolute path, if a folder can be made there (names, lengths, no file
    in the way); otherwise a :class:`UsageError` before any work starts."""
    text = str(out)
    if not text or "\0" in text:
        raise UsageError(f"output folder {shown_path(text)!s}: a folder name cannot be empty or contain a NUL byte")
    absolute = Path(os.path.abspath(text))
    for part in absolute.parts[1:]:
        if len(os.fsencode(part)) > 255:
            raise UsageError(f"output folder {shown_path(text, 80)}: a folder name may be at most 255 bytes")
    if len(os.fsencode(absolute.name)) > NAME_BYTES:
        raise UsageError(f"output folder {shown_path(text, 80)}: its name may be at most {NAME_BYTES} bytes")
    if len(os.fsencode(str(absolute))) > 3800:
        raise UsageError(f"output folder {shown_path(text, 80)}: the path is too long")
    ancestor = absolute.parent
    try:
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UsageError(f"output folder {text}: {ancestor} is a file, so no folder can be made inside it")
    except OSError as e:
        raise UsageError(f"output folder {text}: {e.strerror}") from None
    return absolute


def _protected(path: Path) -> bool:
    """Is ``path`` the current folder, the project folder, or a folder containing one?"""
    target = path.resolve()
    return any(target == p or target in p.parents for p in (Path.cwd().resolve(), ROOT.resolve()))


def _manifest(folder: Path) -> dict | None:
    """The folder's ``manifest.json`` if it is one of ours (a JSON object with
    ``packages.fremskudt``), else None."""
    try:
        manifest = read_json(folder / MANIFEST, limit=MANIFEST_BYTES)
    except InputError:
        return None
    if not (isinstance(manifest, dict) and isinstance(manifest.get("packages"), dict)
            and "fremskudt" in manifest["packages"]):
        return None
    return manifest


def changed_files(folder: Path, keep: Iterable[str] = ()) -> str | None:
    """None if this program wrote ``folder`` and nobody changed it since: a manifest of ours
    with checksums, every file in the folder listed there with that checksum (``keep``,
    the manifest itself and a work mark excepted).  Otherwise one sentence saying why not,
    naming the first file that differs."""
    manifest = _manifest(folder)
    if manifest is None:
        return "it has no manifest.json of fremskudt's"
    sums = manifest.get("checksums")
    if not isinstance(sums, dict):
        return ("its manifest.json lists no checksums (an earlier fremskudt wrote it), so a change to its files "
                "could not be detected")
    exempt = set(keep) | {MANIFEST, WORK_MARK}
    try:
        entries = sorted(folder.iterdir())
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    foreign = [p.name for p in entries if p.name not in exempt and p.name not in sums]
    if foreign:
        return (f"it also holds {', '.join(foreign[:5])}" + (" …" if len(foreign) > 5 else "")
                + ", which fremskudt did not write")
    for p in entries:
        if p.name in exempt:
            continue
        try:
            same = p.is_file() and not p.is_symlink() and sha256(p) == sums[p.name]
        except OSError:
            same = False
        if not same:
            return f"{p.name} differs from what fremskudt wrote (its SHA-256 is not the one in manifest.json)"
    return None


def check_out(out: Path, force: bool, keep: Iterable[str] = (), other: str = "--out") -> None:
    """May a command write its results to ``out``?  :class:`OutputExists` (exit 2) if not.
    ``other`` names the option that chooses another folder (for the message)."""
    if _protected(out):
        raise OutputExists(f"{out} is the current folder, the project folder or a folder that contains one; "
                           "choose an output folder of its own")
    if not os.path.lexists(out):
        return
    if not force:
        raise OutputExists(f"{out} already exists; choose another {other} or add --force to replace it")
    refuse = f"{out} exists, and fremskudt replaces only a results folder that it wrote and nobody changed since"
    if out.is_symlink() or not out.is_dir():
        raise OutputExists(f"{refuse}; this is not a folder. Choose another {other}")
    why = changed_files(out, keep)
    if why is not None:
        raise OutputExists(f"{refuse}: {why}; nothing was replaced. Choose another {other}, or move the folder "
                           "away yourself")


def _alive(pid: int, started: float | None) -> bool:
    try:
        proc = psutil.Process(pid)
        return started is None or abs(proc.create_time() - started) < 1.0
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.Error:
        return True


def _work_mark(p: Path, pid: int) -> dict | None:
    """The work mark of working folder ``p`` if this program wrote it for process ``pid``."""
    try:
        mark = read_json(p / WORK_MARK, limit=MANIFEST_BYTES)
    except InputError:
        return None
    if not (isinstance(mark, dict) and mark.get("written_by") == WRITTEN_BY and mark.get("pid") == pid
            and mark.get("folder") == p.name and isinstance(mark.get("started"), (int, float))):
        return None
    return mark


def stale_owner(p: Path) -> str | None:
    """None if ``p`` is a working folder this program left and may remove: its process is
    gone, and it carries the work mark (a ``.partial`` folder; every file in it listed in
    its manifest with a matching checksum, if it has files) or is a whole results folder of
    ours (a ``.replaced`` folder, by :func:`changed_files`).  Otherwise why not."""
    m = _WORK_NAME.fullmatch(p.name)
    pid = int(m["pid"])
    mark = _work_mark(p, pid)
    if m["kind"] == "partial" and mark is None:
        return "it has no work mark of fremskudt's"
    if _alive(pid, mark["started"] if mark else None):
        return "its process still runs"
    others = [q for q in p.iterdir() if q.name != WORK_MARK]
    if m["kind"] == "partial" and not others:
        return None
    return changed_files(p)


def remove_stale(folder: Path) -> list[Path]:
    """Remove working folders (``.<name>.partial-<pid>``, ``.<name>.replaced-<pid>``) in
    ``folder`` that this program left (:func:`stale_owner`).  Returns what was removed; a
    folder of that form that may not be removed is named in one note on stderr and left."""
    removed = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return removed
    for p in entries:
        m = _WORK_NAME.fullmatch(p.name)
        if not m or p.is_symlink() or not p.is_dir() or int(m["pid"]) == os.getpid():
            continue
        try:
            why = stale_owner(p)
        except OSError as e:
            why = f"it cannot be read ({e.strerror})"
        if why is None:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
        elif why != "its process still runs":
            print(f"fremskudt: note: {shown_path(p)} looks like a working folder left by a stopped command, but "
                  f"{why}, so it is left alone", file=sys.stderr)
    return removed


#: the stop signals (sim.interface.cli handles them)
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


@contextmanager
def _stop_signals(how: int) -> Iterator[None]:
    """The stop signals blocked (``SIG_BLOCK``) or let through (``SIG_UNBLOCK``) in the main
    thread for the block, then as they were before it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(how, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def stop_signals_held():
    """Hold SIGINT, SIGTERM and SIGHUP back for steps that must not be cut in two; a signal
    that arrives meanwhile takes effect right after the block (or, inside it, where
    :func:`stop_signals_let_through` lets it)."""
    return _stop_signals(signal.SIG_BLOCK)


def stop_signals_let_through():
    """Inside :func:`stop_signals_held`, the part of the work where a stop may land."""
    return _stop_signals(signal.SIG_UNBLOCK)


class ResultFolder:
    """A results folder being written (see the module docstring)::

        with ResultFolder(out, force) as folder:   # checked and reserved now
            ...                                     # the long work
            build(folder.work)                      # write the files
            folder.commit()                         # moved into place in one step

    Leaving the block without :meth:`commit` (an error, Ctrl+C, SIGTERM) removes the
    working folder and any parent folders made for it.  ``keep``: files of the old folder
    that the command carries over into the new one (they need not be in its manifest)."""

    def __init__(self, out: str | Path, force: bool = False, keep: Iterable[str] = (), other: str = "--out"):
        self.out = check_path(out)
        self.force, self.keep, self.other = force, tuple(keep), other
        check_out(self.out, force, self.keep, other)
        self.work = self.out.parent / f".{self.out.name}.partial-{os.getpid()}"
        self._made: list[Path] = []
        self._done = False

    def __enter__(self) -> "ResultFolder":
        missing, p = [], self.out.parent
        while not p.exists():
            missing.append(p)
            p = p.parent
        try:
            for d in reversed(missing):
                d.mkdir()
                self._made.append(d)
            remove_stale(self.out.parent)
            if os.path.lexists(self.work):           # left by an earlier call in this process, if marked
                if _work_mark(self.work, os.getpid()) is None:
                    raise UsageError(f"{self.work} exists and fremskudt did not make it; it is left alone. Move it "
                                     "away or choose another --out")
                shutil.rmtree(self.work)
            self.work.mkdir()
            mark = {"written_by": WRITTEN_BY, "pid": os.getpid(), "started": psutil.Process().create_time(),
                    "folder": self.work.name}
            (self.work / WORK_MARK).write_text(json.dumps(mark), encoding="utf-8")
        except OSError as e:
            self._discard()
            raise UsageError(f"cannot create the output folder {self.out}: {e.strerror or e}") from None
        except BaseException:           # a stop signal between making the folder and leaving here,
            self._discard()             # where no __exit__ would remove it
            raise
        return self

    def previous(self, name: str) -> Path | None:
        """A file of the folder being replaced (e.g. to carry notes over), if there is one."""
        p = self.out / name
        return p if p.is_file() else None

    def commit(self) -> Path:
        check_out(self.out, self.force, self.keep, self.other)   # again: it may have appeared meanwhile
        old = None
        with stop_signals_held():     # the old folder and the new one are swapped, or neither is
            raise_if_stopped()         # a stop signal whose exception was swallowed: no new results after it
            if os.path.lexists(self.out):
                for name in self.keep:
                    if self.previous(name) and not (self.work / name).exists():
                        shutil.copy2(self.out / name, self.work / name)
                old = self.out.parent / f".{self.out.name}.replaced-{os.getpid()}"
                os.replace(self.out, old)
            os.replace(self.work, self.out)
            (self.out / WORK_MARK).unlink(missing_ok=True)
            self._done = True
            completed.append(self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.out

    def _discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        for d in reversed(self._made):
            try:
                d.rmdir()
            except OSError:
                break

    def __exit__(self, *exc) -> None:
        if not self._done:
            self._discard()


def write_atomically(out: Path, force: bool, build: Callable[[Path], None], keep: Iterable[str] = ()) -> Path:
    """Build a folder's contents in a working copy and move it into place."""
    with ResultFolder(out, force, keep) as folder:
        build(folder.work)
        return folder.commit()


def default_out(names: list[str], root: Path | None = None, now: datetime | None = None, suffix: str = "") -> Path:
    """``results/<name>[-vs-<other>...]<suffix>-<YYYYmmdd-HHMMSS>`` (a new name each time)."""
    for name in names:
        if not valid_name(name):
            raise UsageError(f"scenario name {shown_path(name, 80)!r} cannot name a results folder; use {NAME_ALLOWED}")
    root = root or Path("results")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = "-vs-".join(names) if len(names) <= 3 else ""
    if not base or len(base) > 120:
        base = f"{names[0]}-vs-{len(names) - 1}-others" if len(names) > 1 else names[0]
    p = root / f"{base}{suffix}-{stamp}"
    i = 2
    while os.path.lexists(p):
        p = root / f"{base}{suffix}-{stamp}-{i}"
        i += 1
    return p


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def write_manifest(folder: Path, manifest: dict) -> None:
    """``manifest.json`` with the package versions, every file in the folder and its
    SHA-256: the record that lets ``--force`` later replace the folder, and only while
    nobody has changed it."""
    manifest = dict(manifest)
    manifest.setdefault("packages", package_versions())
    names = sorted(p.name for p in folder.iterdir() if p.name not in (WORK_MARK, MANIFEST))
    manifest["written_by"] = WRITTEN_BY
    manifest["files"] = sorted([*names, MANIFEST])
    manifest["checksums"] = {name: sha256(folder / name) for name in names}
    write_json(folder / MANIFEST, manifest)


def write_whole(path: Path, text: str) -> None:
    """Write the text file ``path`` whole or not at all: a temporary file beside it, then
    renamed over it (a reader never sees it half-written; a failure leaves the old file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
