"""Options that could exhaust the machine or hang: worker processes beyond the cores, a run
too large for the memory, Dask addresses where nothing (or something else) answers, and
the app's port and server.  Each is refused, or ends, with one line and before any work."""

from __future__ import annotations

import contextlib
import io
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from sim.experiment import resources, runner

ROOT = Path(__file__).resolve().parent.parent
from helpers import local_cluster, one_line, run


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a simulation or a worker process starts."""
    def boom(*a, **k):
        raise AssertionError("work started before the options were checked")
    monkeypatch.setattr(runner, "execute", boom)
    monkeypatch.setattr("sim.experiment.pool.local_pool", boom)
    monkeypatch.setattr("sim.model.warmup.ensure_compiled", lambda *a, **k: None)   # once per model version


# --------------------------------------------------------------------------------------
# Workers
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["run", "central-jobcentre"],
    ["compare", "central-jobcentre", "small-caseload"],
    ["sensitivity", "--parameters", "noshow_central", "--population", "30", "--n", "2"],
    ["calibrate", "--name", "many-workers"],
    ["check-fit"],
    ["app", "--no-browser"],
])
@pytest.mark.serial
def test_more_workers_than_cores_are_refused_with_the_reason(argv, tmp_path, no_work):
    """`--workers 500` on 2 cores once started 60 processes and took 4 GB in 14 s."""
    cores = resources.usable_cores()
    started = time.monotonic()
    children = len(psutil.Process().children(recursive=True))
    code, _, err = run([*argv, "--workers", str(cores + 498), *(["--out", str(tmp_path / "o")]
                                                                 if argv[0] in ("run", "compare") else [])])
    one_line(code, err, f"--workers {cores + 498}", f"at most {cores} worker process", "os.sched_getaffinity")
    assert time.monotonic() - started < 10 and len(psutil.Process().children(recursive=True)) == children
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------

def test_a_run_larger_than_the_memory_is_refused_with_the_estimate(tmp_path, monkeypatch, no_work):
    """2,000,000 citizens keep 1.5 to 2 GB a replication: 10 to 20 of them did not fit in 23 GB."""
    monkeypatch.setattr(resources, "available_memory", lambda: 23_000_000_000)
    big = tmp_path / "national.yaml"
    big.write_text("extends: central-jobcentre\npopulation:\n  size: 2000000\norganisation:\n  caseworkers: 9000\n")
    code, _, err = run(["run", str(big), "--replications", "20", "--out", str(tmp_path / "o"), "--quiet"])
    one_line(code, err, "would need about 42.4 GB", "2,000,000 citizens × 20 replications", "23.0 GB available",
             "fewer --replications")
    assert not (tmp_path / "o").exists()


def test_the_estimate_lets_ordinary_runs_through():
    from sim.spec.scenario import load_scenario
    sc = load_scenario("copenhagen-outreach")
    need = resources.estimate([resources.citizens(sc)] * 2, 100, 2)
    assert need.total < 2.0e9                     # two Copenhagen arms, 100 replications, 2 workers
    national = resources.estimate([2_000_000], 10, 1)
    assert national.total == 400e6 + 1000 * 2e6 + 1000 * 2e6 * 10 and national.kept == 1000 * 2_000_000 * 10


def test_a_calibration_too_large_for_the_memory_is_refused(tmp_path, monkeypatch):
    import sim.analysis.calibration.abc as abc
    monkeypatch.setattr(abc, "estimate_mc_sd", lambda *a, **k: pytest.fail("a simulation started"))
    monkeypatch.setattr(resources, "available_memory", lambda: 100_000_000)
    code, _, err = run(["calibrate", "--name", "big", "--workers", "1", "--runs-dir", str(tmp_path / "runs"),
                        "--out", str(tmp_path / "fitted")])
    one_line(code, err, "this calibration would need about", "0.1 GB available")
    assert not (tmp_path / "fitted").exists()


# --------------------------------------------------------------------------------------
# Dask: every wait has an overall deadline
# --------------------------------------------------------------------------------------

@contextlib.contextmanager
def listener(answer: bytes | None):
    """A local server that accepts connections and then says nothing (``answer`` None) or
    answers any request with ``answer`` (a web server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held, stop = [], threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            if answer is not None:
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(answer)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for c in held:
            c.close()
        server.close()


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", 2.0)
    monkeypatch.setattr(runner, "DASK_GRACE", 1.0)
    monkeypatch.setattr(runner, "DASK_WORKER_TIMEOUT", 2.0)
    monkeypatch.setattr(runner, "DASK_POLL_SECONDS", 0.5)


@pytest.mark.serial
@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("answer", [None, b"HTTP/1.0 400 Bad Request\r\n\r\n"])
def test_a_scheduler_address_where_something_else_listens(answer, tmp_path, short_waits):
    """A silent socket or a web server once made `run --scheduler` hang past 178 s."""
    pytest.importorskip("distributed")
    with listener(answer) as address:
        started = time.monotonic()
        code, _, err = run(["run", "central-jobcentre", "--scheduler", address, "--out", str(tmp_path / "o"),
                            "--quiet", "--replications", "1"])
    one_line(code, err, f"--scheduler {address}")
    assert "no Dask scheduler answered within 2 s" in err or "cannot connect" in err
    assert time.monotonic() - started < 2.0 + 1.0 + 10
    assert not (tmp_path / "o").exists()


@pytest.mark.serial
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_silent_scheduler_at_the_real_deadlines(tmp_path):
    pytest.importorskip("distributed")
    with listener(None) as address:
        started = time.monotonic()
        code, _, err = run(["run", "central-jobcentre", "--scheduler", address, "--out", str(tmp_path / "o"),
                            "--quiet"])
    one_line(code, err, f"no Dask scheduler answered within {runner.DASK_CONNECT_TIMEOUT:g} s")
    assert time.monotonic() - started < runner.DASK_CONNECT_TIMEOUT + runner.DASK_GRACE + 5


@pytest.mark.serial
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_scheduler_that_loses_its_workers_during_a_run(tmp_path, short_waits):
    pytest.importorskip("distributed")
    big = tmp_path / "big.yaml"
    big.write_text("extends: central-jobcentre\npopulation:\n  size: 8000\n")
    with local_cluster(n_workers=1, processes=False, threads_per_worker=1) as cluster:
        def leave():
            # the workers leave once the run has handed them work (not after a fixed time,
            # which a slow start or a fast machine would miss)
            deadline = time.monotonic() + 60
            while not cluster.scheduler.tasks and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            for w in list(cluster.workers.values()):
                cluster.sync(w.close)
        threading.Thread(target=leave, daemon=True).start()
        started = time.monotonic()
        code, _, err = run(["run", str(big), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "o"),
                            "--quiet", "--replications", "40"])
    one_line(code, err, "the scheduler has had no workers for 2 s during the run")
    assert time.monotonic() - started < 60 and not (tmp_path / "o").exists()


# --------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------

def test_the_port_is_checked_before_serving(tmp_path):
    """A port in use once printed "Serving the workshop app on …" before failing."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, _, err = run(["app", "--no-browser", "--port", str(port), "--data-dir", str(tmp_path)])
    one_line(code, err, f"--port {port}", "cannot listen there", "choose another --port")
    assert "Serving" not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_killed_server_is_reported(tmp_path):
    """The server killed with SIGKILL once made `fremskudt app` exit 247 without a word."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--no-browser", "--port", str(port), "--data-dir",
                             str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "the app server did not start"
            time.sleep(0.5)
    for child in psutil.Process(proc.pid).children(recursive=True):
        child.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "the app server stopped unexpectedly (it was killed by SIGKILL)" in err and "Traceback" not in err


def test_exports_neutralise_formula_prefixes():
    """A team named '=HYPERLINK(...)' was written raw into the scoreboard CSV."""
    import pandas as pd

    from sim.interface.app import scoreboard
    from sim.interface.app.store import SavedDesign
    figures = {"net_cost": {"unit": "kroner", "mean": -1.5e6, "p5": -2e6, "p95": -1e6, "baseline_mean": 0.0,
                            "difference": -1.5e6, "low": -2e6, "high": -1e6, "verdict": "clear"}}
    hostile = SavedDesign(team='=HYPERLINK("http://evil","x")', name="+cmd|' /C calc'!A0", scenario="-2+3",
                          levers={}, replications=5, seed=1, figures=figures, parameters="@SUM(1)")
    table = pd.read_csv(io.StringIO(scoreboard.csv_text([hostile], "en")), dtype=str)
    for column, cell in (("team", hostile.team), ("design", hostile.name), ("parameters", hostile.parameters)):
        assert table.loc[0, column] == "'" + cell
    assert float(table.loc[0, "mean"]) == -1.5e6           # numbers stay numbers
    assert all(not str(v).startswith(scoreboard.FORMULA_PREFIXES) for v in table.loc[0] if not _number(v))


def test_a_saved_design_the_app_cannot_have_written_is_one_line(tmp_path):
    """A row of the app's own database with a body or time it never writes."""
    import sqlite3

    from sim.interface.app.store import DesignStore, StoreError
    store = DesignStore(tmp_path / "designs.sqlite")
    for saved, body, piece in (("2026-01-01T10:00:00+00:00", '{"levers": {}, "figures": [], "replications": 5, '
                                                             '"seed": 1}', "designs[1].figures"),
                               ("@SUM(1)", '{"levers": {}, "figures": {}, "replications": 5, "seed": 1}',
                                "no valid time of saving"),
                               ("2026-01-01T10:00:00+00:00", '{"levers": {}, "figures": {}, "replications": NaN}',
                                "NaN")):
        con = sqlite3.connect(store.path)
        con.execute("DELETE FROM designs")
        con.execute("INSERT INTO designs (id, team, name, scenario, saved, body) VALUES (1, 't', 'n', 's', ?, ?)",
                    (saved, body))
        con.commit()
        con.close()
        with pytest.raises(StoreError, match=re.escape(piece)) as e:
            store.designs()
        assert "\n" not in str(e.value)


def _number(text) -> bool:
    try:
        float(text)
        return True
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize("spec, piece", [
    ("noshow_central=-5:5", "within the parameter's bounds [0, 1]"),
    ("rebook_weeks=0:50", "within the parameter's bounds [1, 13]"),
    ("noshow_central=0:inf", "finite numbers"),
    ("noshow_central=nan:1", "finite numbers"),
])
def test_sensitivity_parameter_ranges_are_checked_like_lever_ranges(spec, piece, tmp_path, no_work):
    """`--parameters noshow_central=-5:5` once ran and failed with a traceback."""
    code, _, err = run(["sensitivity", "--parameters", spec, "--out", str(tmp_path / "s")])
    one_line(code, err, f"--parameters '{spec}'", piece)
    assert not (tmp_path / "s").exists()
