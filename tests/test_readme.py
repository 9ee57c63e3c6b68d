"""Every command example in README.md runs.

The examples are taken from the README itself (its ``sh`` blocks and its inline
``fremskudt ...`` spans) and run with tiny settings in a scratch folder that sees the
project's ``scenarios/`` and ``calibration/``: fewer replications, citizens and
particles, calibration output in the scratch folder, a local Dask cluster for
``tcp://host:8786``.  The ``make`` targets are run by CI (``.ci/run``) or by the tests named
in ``MAKE``; the test checks that the Makefile still does what those tests exercise.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sim.interface.cli import build_parser, main
from helpers import local_cluster

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCED = re.findall(r"```sh\n(.*?)```", README, re.S)
PROSE = re.sub(r"```.*?```", "", README, flags=re.S)

# make targets in the README, and what runs them
MAKE = {
    "make demo": "CI (.ci/run)",
    "make test": "CI (.ci/run)",
    "make setup": "CI (.ci/run), as part of make demo and make test",
    "make app": "tests/test_signals.py::test_app_stops_its_server (the server) and make test (the assets)",
    "make docs": "tests/test_docs.py::test_parameter_table_is_generated_from_the_code",
    "make bench": "tests/test_benchmarks_smoke.py::test_make_bench_runs_every_suite, with --quick",
    "make test-fast": "test_make_test_fast_leaves_out_slow_and_browser_tests below",
}


def examples() -> list[str]:
    fenced = [line.split(" #")[0].strip() for block in FENCED for line in block.splitlines()]
    inline = [s for s in re.findall(r"`([^`\n]+)`", PROSE) if s.startswith(("fremskudt ", "make "))]
    return [c for c in dict.fromkeys(fenced + inline) if c]


def test_every_example_is_covered():
    assert examples(), "no command examples found in README.md"
    for command in examples():
        assert command.startswith(("fremskudt ", "make ")), f"README example of an unknown kind: {command}"
        if command.startswith("make "):
            assert command in MAKE, f"README names {command!r}; say here what runs it"


def test_ci_runs_the_two_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "make demo" in ci


def test_make_targets_do_what_their_tests_exercise():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("setup", "demo", "test", "app", "bench", "docs"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "app: setup\n\t$(BIN)/fremskudt app" in makefile
    assert "$(BIN)/python -m sim.spec" in makefile and "$(BIN)/python -m benchmarks all" in makefile
    assert "bash scripts/test-deps.sh" in makefile
    test = re.search(r"^test: setup\n((?:\t.*\n)+)", makefile, re.M)[1]      # both parts: none is left out
    assert '-m "not serial"' in test and "-m serial" in test and "$$parallel" in test and "$$serial" in test


@pytest.mark.slow
def test_make_test_fast_leaves_out_slow_and_browser_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    fast_target = re.search(r"^test-fast: setup\n((?:\t.*\n)+)", makefile, re.M)[1]   # in two parts, as make test
    assert '-m "not slow and not browser and not serial"' in fast_target
    assert '-m "serial and not slow and not browser"' in fast_target and "$$serial" in fast_target

    out = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "-m", "not slow and not browser"], cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    fast = {line for line in out.splitlines() if "::" in line}
    counted = re.search(r"(\d+)/(\d+) tests collected \((\d+) deselected\)", out)
    assert counted and int(counted[1]) == len(fast) > 0 and int(counted[3]) > 0, out[-500:]
    assert (ROOT / "tests" / "test_app_browser.py").is_file() and all("test_app_browser" not in t for t in fast)
    assert all("test_every_fremskudt_example_runs" not in t for t in fast)     # marked slow


def _set(argv: list[str], option: str, value: str) -> None:
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]


def tiny(argv: list[str], tmp: Path, scheduler: str) -> list[str]:
    """The example with tiny settings and its output in the scratch folder."""
    argv = list(argv)
    command = argv[0]
    if command in ("run", "compare", "explain", "sweep"):
        _set(argv, "--replications", "2" if command == "sweep" else "1")
        if "--workers" in argv:
            _set(argv, "--workers", "2")
        argv.append("--quiet")
    elif command == "calibrate":
        for option, value in (("--particles", "4"), ("--population", "40"), ("--predictive-draws", "2"),
                              ("--runs-dir", str(tmp / "runs")), ("--out", str(tmp / "fitted"))):
            _set(argv, option, value)
        _set(argv, "--generations", "2" if "--resume" in argv else "1")
        if "--scheduler" in argv:
            _set(argv, "--scheduler", scheduler)
        else:
            _set(argv, "--workers", "1")
    elif command == "check-fit":
        for option, value in (("--particles", "4"), ("--generations", "1"), ("--seeds", "1"), ("--draws", "2"),
                              ("--score-seeds", "2"), ("--workers", "1"), ("--runs-dir", str(tmp / "runs")),
                              ("--fits-dir", str(tmp / "fitted")),
                              ("--out", str(tmp / f"validation-{len(list(tmp.glob('validation-*')))}"))):
            _set(argv, option, value)
        if "--docs" in argv:
            _set(argv, "--docs", str(tmp / "VALIDATION.md"))
    elif command == "recovery":
        for option, value in (("--sets", "1"), ("--particles", "4"), ("--generations", "1"), ("--population", "60"),
                              ("--workers", "1"), ("--work", str(tmp / "recovery-work"))):
            _set(argv, option, value)
    elif command == "sensitivity":
        _set(argv, "--population", "200")      # 1.8 caseworkers: the lever's range (x0.5 to x2) stays valid
        _set(argv, "--n", "4" if "sobol" in argv else "2")
        _set(argv, "--replications", "1")      # the seed noise of two or more: tests/test_sensitivity.py
        _set(argv, "--workers", "1")
    return argv


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_fremskudt_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    for name in ("scenarios", "calibration"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "my.yaml").write_text("name: my\nextends: scenarios/default.yaml\npopulation:\n  size: 60\n")
    monkeypatch.chdir(tmp_path)
    commands = [c for c in examples() if c.startswith("fremskudt ")]
    with local_cluster(n_workers=1, processes=False, threads_per_worker=1) as cluster:
        for command in commands:
            if command == "fremskudt COMMAND --help":
                for sub in build_parser()._subparsers._group_actions[0].choices:
                    with pytest.raises(SystemExit) as e, contextlib.redirect_stdout(io.StringIO()):
                        main([sub, "--help"])
                    assert e.value.code == 0, sub
                continue
            if command == "fremskudt --version":       # prints and exits, as argparse's own --help does
                with pytest.raises(SystemExit) as e, contextlib.redirect_stdout(io.StringIO()):
                    main(["--version"])
                assert e.value.code == 0
                continue
            if command.startswith("fremskudt app"):   # serves until stopped (tests/test_app*.py serve it):
                build_parser().parse_args(shlex.split(command)[1:])   # here only: its options exist
                continue
            expanded = [x for w in shlex.split(command)[1:]          # the shell's globbing
                        for x in ([str(p.relative_to(tmp_path)) for p in sorted(tmp_path.glob(w))] if "*" in w else [w])]
            argv = tiny(expanded, tmp_path, cluster.scheduler_address)
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                code = main(argv)
            assert code == 0, (command, argv, err.getvalue()[-2000:])
    assert (tmp_path / "fitted" / "my-fit" / "posterior.parquet").is_file()
    assert (tmp_path / "fitted" / "my-dask-fit" / "posterior.parquet").is_file()
    from sim.analysis.checkfit.holdout import FOLDS, fold_name
    for programme in FOLDS:   # check-fit's folds write their fits where --fits-dir says
        assert (tmp_path / "fitted" / fold_name(programme) / "population.parquet").is_file(), programme
    assert len(list((tmp_path / "results").iterdir())) >= 5


def test_python_dash_m_sim_and_the_installed_command_agree():
    listed = subprocess.run([sys.executable, "-m", "sim", "list"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert listed.returncode == 0 and "central-jobcentre" in listed.stdout
    installed = Path(sys.executable).parent / "fremskudt"
    if installed.exists():
        same = subprocess.run([str(installed), "list"], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert same.stdout == listed.stdout
