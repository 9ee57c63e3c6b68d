"""Hostile input files other than scenario files: prices files (``tests/hostile/prices/``),
posterior tables, calibration run records and histories, and files that are not regular
files at all.  Each must give exit status 2 and one line naming the file, the key (or
column and row) and what is allowed, quickly, without a traceback, and write nothing.
Tables and records are generated at test time (they are binary, or derived from the
committed fit)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.paths import CALIBRATION_DIR, SCENARIO_DIR
from sim.spec.reading import MAX_JSON_BYTES, MAX_TABLE_ROWS, MAX_TEXT_BYTES

HOSTILE = Path(__file__).resolve().parent / "hostile"
TINY = "population:\n  size: 30\nhorizon_weeks: 2\nreplications: 1\n"

# prices file -> pieces the message must contain (besides the file name)
PRICES = {
    "alias-bomb.yaml": ["aliases", "*a (line 4)"],
    "infinite-value.yaml": ["outreach_office.value", "inf", "finite"],
    "bool-salary.yaml": ["staff.caseworker.salary.value", "True", "true/false and text are not numbers"],
    "text-year.yaml": ["course_week.year", "'2024'", "whole number"],
    "nan-share.yaml": ["sanction_withheld_share.value", "nan", "finite"],
    "duplicate-key.yaml": ["year", "duplicate key", "lines 2 and 3"],
    "python-tag.yaml": ["python/object/apply:os.system"],
    "not-utf8.yaml": ["UTF-8", "byte 0xe9"],
    "nul-byte.yaml": ["NUL byte at byte offset 9"],
    "nested-brackets.yaml": ["nest", "32"],
    "empty.yaml": ["empty", "dk-2024.yaml"],
    "top-level-list.yaml": ["list", "mapping"],
}
from helpers import one_line, run


def tiny(tmp_path: Path, name: str = "tiny", extra: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: central-jobcentre\n{TINY}{extra}")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --------------------------------------------------------------------------------------
# Prices files
# --------------------------------------------------------------------------------------

def test_the_prices_corpus_is_complete():
    assert sorted(p.name for p in (HOSTILE / "prices").iterdir()) == sorted(PRICES)


@pytest.mark.serial
@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(PRICES))
def test_hostile_prices_file_is_refused_with_one_line(name, tmp_path):
    prices = HOSTILE / "prices" / name
    scenario = tiny(tmp_path, extra=f"prices: {prices}\n")
    before = listing(tmp_path)
    started = time.monotonic()
    for argv in (["validate", str(scenario)],
                 ["run", str(tiny(tmp_path, "plain")), "--prices", str(prices), "--out", str(tmp_path / "o"), "--quiet"]):
        code, _, err = run(argv)
        one_line(code, err, name, "bad value", *PRICES[name])
    assert time.monotonic() - started < 20
    assert listing(tmp_path) == sorted([*before, "plain.yaml"])


def _shipped_prices_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (SCENARIO_DIR / "prices" / "dk-2024.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "changed.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, pieces", [
    ("outreach_office:\n  value: ", "outreach_office:\n  value: 1.0e+308 #", ["outreach_office.value", "1e+308",
                                                                              "<= 100,000,000"]),
    ("{value: 16382,", "{value: 1.0e+300,", ["DKK per month", "<= 1,000,000"]),
    ("outreach_office:\n  value: ", "outreach_office:\n  value: 1e308 #", ["outreach_office.value", "'1e308'",
                                                                          "text are not numbers"]),
])
def test_a_price_far_beyond_any_real_one_is_refused(old, new, pieces, tmp_path):
    """1e308 is finite, but the net cost would be 'inf million kr.'"""
    path = _shipped_prices_with(tmp_path, old, new)
    code, _, err = run(["run", str(tiny(tmp_path)), "--prices", str(path), "--out", str(tmp_path / "o"), "--quiet"])
    one_line(code, err, "changed.yaml", *pieces)
    assert not (tmp_path / "o").exists()


@pytest.mark.serial
def test_a_prices_file_of_two_gigabytes_is_not_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:           # a sparse file: no disk used, nothing to read
        f.truncate(2 * 10**9)
    started = time.monotonic()
    code, _, err = run(["validate", str(tiny(tmp_path, extra=f"prices: {big}\n"))])
    one_line(code, err, "big.yaml", "<2,000,000,000 bytes>", f"at most {MAX_TEXT_BYTES:,} bytes")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("kind", ["fifo", "folder", "/dev/zero"])
def test_a_prices_file_that_is_not_a_regular_file(kind, tmp_path):
    """A named pipe or a device would be read forever."""
    if kind == "/dev/zero":
        target = Path(kind)
    else:
        target = tmp_path / "p.yaml"
        os.mkfifo(target) if kind == "fifo" else target.mkdir()
    code, _, err = run(["validate", str(tiny(tmp_path, extra=f"prices: {target}\n"))])
    one_line(code, err, "not a regular file")


# --------------------------------------------------------------------------------------
# Posterior tables
# --------------------------------------------------------------------------------------

def _posterior_run(tmp_path: Path, write) -> tuple[int, str]:
    folder = tmp_path / "post"
    folder.mkdir(exist_ok=True)
    write(folder / "posterior.parquet")
    code, _, err = run(["run", str(tiny(tmp_path)), "--posterior", str(folder), "--out", str(tmp_path / "o"),
                        "--quiet"])
    assert not (tmp_path / "o").exists()
    return code, err


def test_a_posterior_over_the_row_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    def write(path):
        pd.DataFrame({"noshow_central": np.full(MAX_TABLE_ROWS + 1, 0.2), "weight": 1.0}).to_parquet(path)
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: pytest.fail("the table was read"))
    code, err = _posterior_run(tmp_path, write)
    one_line(code, err, "posterior.parquet", f"<{MAX_TABLE_ROWS + 1:,} rows>", f"at most {MAX_TABLE_ROWS:,} rows")


def test_a_posterior_over_the_cell_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """1,000 columns of 1,000,000 rows are 8 GB once read, from a small file."""
    def write(path):
        columns = {"noshow_central": np.full(30_000, 0.2), "weight": np.ones(30_000)}
        columns.update({f"x{i}": np.zeros(30_000) for i in range(998)})
        pd.DataFrame(columns).to_parquet(path)
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: pytest.fail("the table was read"))
    code, err = _posterior_run(tmp_path, write)
    one_line(code, err, "<30,000 rows × 1,000 columns>", "at most 20,000,000 cells")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_small_posterior_file_of_300_million_rows(tmp_path):
    """The case found: 2.7 MB of parquet holding 300 M rows (over 4 GB once read).  Here the
    cells are empty, which makes the file (1.4 MB) ten times quicker to write; the rows are
    refused from the file's footer before any cell is read."""
    def write(path):
        empty = pa.nulls(2_000_000, pa.float64())
        chunk = pa.table({"noshow_central": empty, "weight": empty})
        with pq.ParquetWriter(path, chunk.schema, compression="zstd") as w:
            for _ in range(150):
                w.write_table(chunk)
    started = time.monotonic()
    code, err = _posterior_run(tmp_path, write)
    one_line(code, err, "<300,000,000 rows>")


@pytest.mark.parametrize("frame, pieces", [
    ({"weight": [1.0, 2.0]}, ["at least one behavioural parameter column"]),
    ({"rebook_weeks": [2.0, 1.49], "weight": [1.0, 1.0]}, ["rebook_weeks (row 1)", "1.49", "whole numbers"]),
    ({"noshow_central": [0.1, 0.2], "weight": [-0.5, 1.0]}, ["weight (row 0)", "-0.5", ">= 0"]),
    ({"noshow_central": [0.1], "weight": [True]}, ["weight", "<a column of true/false>"]),
    ({"noshow_central": ["0.1"], "weight": [1.0]}, ["noshow_central", "<a column of text>"]),
    ({"noshow_central": [0.1], "Weight": [1.0]}, ["Weight", "not a behavioural parameter"]),
    ({"noshow_central": [0.1], "weight": [float("nan")]}, ["weight (row 0)", "nan"]),
    ({f"c{i}": [0.0] for i in range(1001)}, ["<1,001 columns>", "at most 1,000 columns"]),
    ({"noshow_central": [], "weight": []}, ["<no rows>", "at least 1 row"]),
])
def test_a_hostile_posterior_is_refused_with_one_line(frame, pieces, tmp_path):
    code, err = _posterior_run(tmp_path, lambda p: pd.DataFrame(frame).to_parquet(p))
    one_line(code, err, "posterior.parquet", *pieces)


@pytest.mark.parametrize("content", [b"", b"PAR1 not a table PAR1", b"name,weight\n1,2\n"])
def test_a_posterior_that_is_not_parquet(content, tmp_path):
    code, err = _posterior_run(tmp_path, lambda p: p.write_bytes(content))
    one_line(code, err, "posterior.parquet", "not a readable parquet table")


def test_weights_that_overflow_when_summed_are_scaled(tmp_path):
    """Two weights of 1e308 sum to infinity; they are equal weights, and the run uses them so."""
    frame = {"noshow_central": [0.0, 0.6], "weight": [1e308, 1e308]}
    folder = tmp_path / "post"
    folder.mkdir()
    pd.DataFrame(frame).to_parquet(folder / "posterior.parquet")
    code, _, err = run(["run", str(tiny(tmp_path)), "--posterior", str(folder), "--out", str(tmp_path / "o"),
                        "--quiet", "--replications", "8"])
    assert code == 0, err
    draws = pd.read_parquet(tmp_path / "o" / "posterior_draws.parquet")
    assert set(draws["posterior_row"]) == {0, 1}


# --------------------------------------------------------------------------------------
# Calibration: run records, histories and the history folder
# --------------------------------------------------------------------------------------

def _calibration_files(tmp_path: Path) -> list[str]:
    (tmp_path / "t.yaml").write_text("targets:\n  - {id: noshow, statistic: noshow_share, scenario: "
                                     "central-jobcentre.yaml, value: 0.14, n: 42804, source: test}\n")
    (tmp_path / "p.yaml").write_text("parameters:\n  noshow_central: {low: 0.05, high: 0.3, reason: test}\n")
    return ["calibrate", "--targets", str(tmp_path / "t.yaml"), "--priors", str(tmp_path / "p.yaml"),
            "--runs-dir", str(tmp_path / "runs"), "--out", str(tmp_path / "fitted"), "--workers", "1"]


def test_calibrate_leaves_a_record_it_did_not_write(tmp_path, monkeypatch):
    """`calibrate --name mine --runs-dir D` once deleted D/mine.json when D/mine.db was absent."""
    import sim.analysis.calibration.abc as abc
    monkeypatch.setattr(abc, "estimate_mc_sd", lambda *a, **k: pytest.fail("a simulation started"))
    argv = _calibration_files(tmp_path)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "mine.json").write_text('{"my": "notes"}')
    for extra in ([], ["--force"]):
        code, _, err = run([*argv, "--name", "mine", *extra])
        one_line(code, err, "mine.json is not a record fremskudt wrote", "nothing was removed")
    assert (runs / "mine.json").read_text() == '{"my": "notes"}'
    (runs / "other.db").write_text("a database of mine")
    code, _, err = run([*argv, "--name", "other", "--force"])
    one_line(code, err, "other.db has no record other.json written by fremskudt")
    assert (runs / "other.db").read_text() == "a database of mine"
    assert not (tmp_path / "fitted").exists()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A real one-generation calibration history (runs/h.db, runs/h.json)."""
    tmp = tmp_path_factory.mktemp("history")
    argv = _calibration_files(tmp)
    code, _, err = run([*argv, "--name", "h", "--particles", "8", "--generations", "1", "--population", "60",
                        "--predictive-draws", "2"])
    assert code == 0, err
    return tmp


@pytest.mark.parametrize("damage, pieces", [
    (lambda db, rec: db.write_bytes(b"\x00" * 4096), ["h.db", "<not an SQLite file>"]),
    (lambda db, rec: db.write_bytes(db.read_bytes()[:3000]), ["h.db"]),
    (lambda db, rec: _foreign_sqlite(db), ["h.db", "not a readable calibration history"]),
    (lambda db, rec: rec.write_text(""), ["h.json", "<empty>"]),
    (lambda db, rec: rec.write_text(rec.read_text()[:200]), ["h.json", "JSON syntax error"]),
    (lambda db, rec: rec.write_text("[1, 2]"), ["h.json", "must be a JSON object"]),
    (lambda db, rec: rec.write_text('{"name": "h"}'), ["h.json", "the calibration record lacks"]),
    (lambda db, rec: rec.write_text(rec.read_text().replace('"particles": 8', '"particles": NaN')),
     ["h.json", "NaN"]),
])
def test_resume_with_a_damaged_history_or_record_is_one_line(history, damage, pieces, tmp_path):
    shutil.copytree(history / "runs", tmp_path / "runs")
    argv = _calibration_files(tmp_path)
    damage(tmp_path / "runs" / "h.db", tmp_path / "runs" / "h.json")
    before = {p.name: p.read_bytes() for p in (tmp_path / "runs").iterdir()}
    code, _, err = run([*argv, "--name", "h", "--resume", "--generations", "2"])
    one_line(code, err, *pieces)
    assert {p.name: p.read_bytes() for p in (tmp_path / "runs").iterdir()} == before


def _foreign_sqlite(path: Path) -> None:
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()


def test_force_leaves_a_history_changed_since_fremskudt_recorded_it(history, tmp_path, monkeypatch):
    import sim.analysis.calibration.abc as abc
    monkeypatch.setattr(abc, "estimate_mc_sd", lambda *a, **k: pytest.fail("a simulation started"))
    shutil.copytree(history / "runs", tmp_path / "runs")
    db = tmp_path / "runs" / "h.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE mine (x)")
    con.commit()
    con.close()
    code, _, err = run([*_calibration_files(tmp_path), "--name", "h", "--force"])
    one_line(code, err, "h.db differs from the history fremskudt last recorded")
    assert db.exists()


def test_ctrl_c_says_truly_what_was_kept(tmp_path, monkeypatch):
    """Stopped before any generation finished: the message once said the generations were
    kept in a database that did not exist."""
    from sim.analysis import calibration
    from sim.errors import Stopped
    import signal

    def stopped(*a, **k):
        raise Stopped(signal.SIGINT, "SIGINT")
    monkeypatch.setattr(calibration, "run_calibration", stopped)
    code, _, err = run([*_calibration_files(tmp_path), "--name", "x"])
    assert code == 130 and "no generation had finished, so there is nothing to continue" in err
    assert "--resume" not in err and err.count("\n") == 1


def test_ctrl_c_after_generations_names_them(history, tmp_path, monkeypatch):
    from sim.analysis import calibration
    from sim.errors import Stopped
    import signal

    def stopped(*a, **k):
        raise Stopped(signal.SIGTERM, "SIGTERM")
    monkeypatch.setattr(calibration, "run_calibration", stopped)
    code, _, err = run([*_calibration_files(history), "--name", "h"])
    assert code == 143 and "1 finished generation(s) are kept in" in err and "--resume" in err


# --------------------------------------------------------------------------------------
# Run records (JSON) in general
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pieces", [
    ('{"a": 1, "a": 2}', ["duplicate key"]),
    ('{"a": Infinity}', ["Infinity", "finite"]),
    ("[" * 100 + "]" * 100, ["nesting deeper than 32 levels"]),
    ('{"a": ' + "9" * 5000 + "}", ["valid JSON"]),
    ('{"a": 1', ["JSON syntax error at line 1"]),
])
def test_a_hostile_json_record_is_refused(text, pieces, tmp_path):
    from sim.errors import InputError
    from sim.spec.reading import read_json
    path = tmp_path / "run.json"
    path.write_text(text)
    with pytest.raises(InputError) as e:
        read_json(path)
    assert all(p in str(e.value) for p in pieces), str(e.value)


def test_a_json_record_over_the_size_limit_is_not_read(tmp_path):
    from sim.errors import InputError
    from sim.spec.reading import read_json
    path = tmp_path / "run.json"
    with open(path, "wb") as f:
        f.truncate(MAX_JSON_BYTES + 1)
    with pytest.raises(InputError, match="at most 20,000,000 bytes"):
        read_json(path)


def test_the_committed_fit_reads_cleanly():
    from sim.analysis.calibration.restore import stored_fit
    from sim.experiment.runner import load_posterior
    meta, gens = stored_fit(CALIBRATION_DIR / "fitted" / "default")
    assert meta["name"] == "default" and len(gens) >= 1
    assert len(load_posterior(CALIBRATION_DIR / "fitted" / "default")) == meta["particles"]


def test_every_committed_manifest_has_checksums_that_match():
    """The committed folders can be continued and replaced (calibrate --resume, check-fit --force)."""
    from sim.experiment.outputs import changed_files
    for manifest in sorted(CALIBRATION_DIR.glob("**/manifest.json")):
        assert changed_files(manifest.parent, keep=("notes.md",)) is None, manifest
        assert json.loads(manifest.read_text())["written_by"] == "fremskudt"


def test_a_ragged_table_is_refused_in_one_line(tmp_path):
    """pandas ends its message on a row with too many fields with a line break; the refusal
    is still one line, naming the file and the row."""
    from sim.errors import InputError
    from sim.spec.reading import Column, read_table
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_table(path, {"a": Column(), "b": Column()}, required=("a", "b"))
    text = str(e.value)
    assert "\n" not in text and "ragged.csv" in text and "line 3" in text, text
