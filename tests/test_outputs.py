"""The folder rule every writing command follows (sim/experiment/outputs.py): what --force
may replace, what is never touched, paths checked before any simulation, and working
folders of dead processes cleaned up."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from sim.experiment import outputs, runner
from sim.interface.cli import main
from sim.paths import ROOT
from sim.spec.scenario import SCENARIO_DIR

TINY = "population:\n  size: 30\nhorizon_weeks: 3\nreplications: 1\n"


def tiny(tmp_path: Path, name: str = "tiny") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: {SCENARIO_DIR / 'copenhagen-outreach.yaml'}\n{TINY}")
    return path


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a simulation starts."""
    def boom(*a, **k):
        raise AssertionError("a simulation started before the output folder was checked")
    monkeypatch.setattr(runner, "execute", boom)


def test_force_leaves_a_folder_it_did_not_write(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("years of work")
    code, err = run("run", str(tiny(tmp_path)), "--out", str(victim), "--force", "--quiet")
    assert code == 2 and "manifest.json" in err and "nothing was replaced" in err
    assert (victim / "thesis.txt").read_text() == "years of work"
    (tmp_path / "a-file").write_text("data")
    code, err = run("run", str(tiny(tmp_path)), "--out", str(tmp_path / "a-file"), "--force", "--quiet")
    assert code == 2 and "not a folder" in err and (tmp_path / "a-file").read_text() == "data"


@pytest.mark.parametrize("where", [".", "..", "root", "root-parent"])
def test_never_the_current_or_project_folder(where, tmp_path, monkeypatch, no_simulation):
    work = tmp_path / "sandbox"
    work.mkdir()
    (work / "mine.txt").write_text("keep")
    monkeypatch.chdir(work)
    out = {"root": str(ROOT), "root-parent": str(ROOT.parent)}.get(where, where)
    code, err = run("run", str(tiny(tmp_path)), "--out", out, "--force", "--quiet")
    assert code == 2 and "current folder, the project folder" in err
    assert (work / "mine.txt").read_text() == "keep" and (ROOT / ".git").exists()


def test_replacing_a_folder_this_program_wrote(tmp_path):
    path, out = tiny(tmp_path), tmp_path / "o"
    assert run("run", str(path), "--out", str(out), "--quiet")[0] == 0
    listed = json.loads((out / "manifest.json").read_text())["files"]
    assert sorted(listed) == sorted(p.name for p in out.iterdir())
    assert run("run", str(path), "--out", str(out), "--quiet", "--force", "--seed", "3")[0] == 0
    assert json.loads((out / "manifest.json").read_text())["base_seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "tiny.yaml"]


def test_an_edited_file_is_not_replaced(tmp_path):
    """--force replaces a folder only while every file has the checksum its manifest records."""
    path, out = tiny(tmp_path), tmp_path / "o"
    assert run("run", str(path), "--out", str(out), "--quiet")[0] == 0
    sums = json.loads((out / "manifest.json").read_text())["checksums"]
    assert sorted(sums) == sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    (out / "summary.md").write_text("my corrections")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, err = run("run", str(path), "--out", str(out), "--quiet", "--force")
    assert code == 2 and err.count("\n") == 1
    assert "summary.md differs from what fremskudt wrote" in err and "nothing was replaced" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_folder_whose_manifest_has_no_checksums_is_not_replaced(tmp_path):
    path, out = tiny(tmp_path), tmp_path / "o"
    assert run("run", str(path), "--out", str(out), "--quiet")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["checksums"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    code, err = run("run", str(path), "--out", str(out), "--quiet", "--force")
    assert code == 2 and "lists no checksums" in err


@pytest.mark.parametrize("out, message", [
    ("/proc/fremskudt-x", "cannot create the output folder"),
    ("/etc/passwd/sub", "is a file, so no folder can be made inside it"),
    ("x" * 300, "at most 255 bytes"),
    ("y" * 230, f"at most {outputs.NAME_BYTES} bytes"),
    ("a\0b", "NUL byte"),
])
def test_output_path_checked_before_any_simulation(out, message, tmp_path, monkeypatch, no_simulation):
    monkeypatch.chdir(tmp_path)
    code, err = run("run", str(tiny(tmp_path)), "--out", out, "--quiet")
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_parents_made_for_a_failed_run_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "execute", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("failed")))
    with pytest.raises(RuntimeError):
        run("run", str(tiny(tmp_path)), "--out", str(tmp_path / "a" / "b" / "out"), "--quiet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_a_stop_while_the_working_folder_is_made_leaves_nothing(tmp_path, monkeypatch):
    """A stop signal between making the working folder and marking it (inside ``__enter__``,
    where no ``__exit__`` runs) left a hidden ``.out.partial-<pid>`` behind."""
    def stopped():
        raise KeyboardInterrupt
    monkeypatch.setattr(outputs.psutil, "Process", stopped)     # read right after the folder is made
    with pytest.raises(KeyboardInterrupt):
        with outputs.ResultFolder(tmp_path / "a" / "out"):
            pass
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _mark(folder: Path, pid: int, started: float = 0.0) -> None:
    folder.mkdir()
    (folder / outputs.WORK_MARK).write_text(json.dumps({"written_by": "fremskudt", "pid": pid, "started": started,
                                                        "folder": folder.name}))


def test_stale_working_folders_of_dead_processes_are_removed(tmp_path):
    """Only working folders fremskudt marked, of processes that are gone, whose every file
    it recorded; a user's folder of the same form is never touched."""
    dead, alive = _dead_pid(), subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        killed_early = tmp_path / f".o.partial-{dead}"             # killed while simulating: only the mark
        _mark(killed_early, dead)
        finished = tmp_path / f".p.partial-{dead}"                 # killed after its manifest was written
        _mark(finished, dead)
        (finished / "weekly.parquet").write_text("table")
        outputs.write_manifest(finished, {"kind": "run"})
        swapped = tmp_path / f".old.replaced-{dead}"               # killed between the two renames
        swapped.mkdir()
        (swapped / "summary.md").write_text("summary")
        outputs.write_manifest(swapped, {"kind": "run"})
        stale = [killed_early, finished, swapped]

        backup = tmp_path / f".mybackup.partial-{dead}"             # a user's folder: no mark
        backup.mkdir()
        (backup / "thesis.txt").write_text("years of work")
        writing = tmp_path / f".q.partial-{dead}"                  # killed while writing its files
        _mark(writing, dead)
        (writing / "weekly.parquet").write_text("half")
        edited = tmp_path / f".e.replaced-{dead}"                  # a replaced folder someone edited
        edited.mkdir()
        (edited / "summary.md").write_text("summary")
        outputs.write_manifest(edited, {"kind": "run"})
        (edited / "summary.md").write_text("my edit")
        running = tmp_path / f".other.partial-{alive.pid}"
        _mark(running, alive.pid, psutil.Process(alive.pid).create_time())
        unrelated = tmp_path / f".notes.partial-x{dead}"
        unrelated.mkdir()
        kept = [backup, writing, edited, running, unrelated]

        code, err = run("run", str(tiny(tmp_path)), "--out", str(tmp_path / "o"), "--quiet")
        assert code == 0, err
        assert not any(d.exists() for d in stale)
        assert all(d.exists() for d in kept)
        assert (backup / "thesis.txt").read_text() == "years of work"
        for d, why in ((backup, "no work mark"), (writing, "no manifest.json"), (edited, "summary.md differs")):
            assert f"{d.name} looks like a working folder" in err and why in err, err
    finally:
        alive.kill()
        alive.wait()


def test_default_folder_names_stay_short(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = [f"{c * 70}-{i}" for i, c in enumerate("abc")]
    paths = [tiny(tmp_path, n) for n in names]
    assert run("compare", *map(str, paths), "--quiet")[0] == 0
    (made,) = (tmp_path / "results").iterdir()
    assert made.name.startswith(f"{names[0]}-vs-2-others-") and len(made.name) <= outputs.NAME_BYTES


def test_sensitivity_follows_the_same_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["sensitivity", "--scenario", "central-jobcentre", "--parameters", "noshow_central",
            "--outcomes", "noshow_share", "--population", "30", "--n", "2", "--workers", "1"]
    assert run(*argv)[0] == 0
    (made,) = (tmp_path / "results").iterdir()
    assert made.name.startswith("central-jobcentre-sensitivity-morris-")
    assert "indices.csv" in json.loads((made / "manifest.json").read_text())["files"]
    code, err = run(*argv, "--out", str(made))
    assert code == 2 and "already exists" in err
    (made / "mine.txt").write_text("keep")
    code, err = run(*argv, "--out", str(made), "--force")
    assert code == 2 and "mine.txt" in err
    (made / "mine.txt").unlink()
    assert run(*argv, "--out", str(made), "--force")[0] == 0


def test_calibrate_leaves_a_fit_it_did_not_write(tmp_path, monkeypatch):
    import sim.analysis.calibration.abc as calibration
    monkeypatch.setattr(calibration, "estimate_mc_sd", lambda *a, **k: pytest.fail("a simulation started"))
    fitted = tmp_path / "fitted" / "default"
    fitted.mkdir(parents=True)
    (fitted / "posterior.parquet").write_text("committed fit")
    for extra in ([], ["--force"]):
        code, err = run("calibrate", "--name", "default", "--out", str(tmp_path / "fitted"),
                        "--runs-dir", str(tmp_path / "runs"), *extra)
        assert code == 2 and "default" in err and err.count("\n") == 1
    assert (fitted / "posterior.parquet").read_text() == "committed fit"
    assert not (tmp_path / "runs").exists()


def test_a_file_is_written_whole_or_the_old_one_is_kept(tmp_path, monkeypatch):
    """write_whole: the new text replaces the file in one step; a failure while writing
    leaves the old file as it was and no temporary file behind."""
    path = tmp_path / "sub" / "figures.json"
    outputs.write_whole(path, "old\n")
    assert path.read_text() == "old\n"

    def fail(*args):
        raise OSError("disk full")
    monkeypatch.setattr(outputs.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        outputs.write_whole(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["figures.json"]
