"""Replications: explicit seeds, identical results serially, on local processes and on
Dask, and posterior draws."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment import runner
from sim.interface.cli import main
from sim.model.rng import replication_seeds
from sim.spec.scenario import SCENARIO_DIR, load_scenario
from helpers import local_cluster

SMALL = {"population": {"size": 150}, "horizon_weeks": 20}


def small_file(tmp_path: Path, base: str = "copenhagen-outreach") -> Path:
    path = tmp_path / f"small-{base}.yaml"
    path.write_text(f"name: small-{base}\ndescription: small test copy\nextends: {SCENARIO_DIR / (base + '.yaml')}\n"
                    "population:\n  size: 150\nhorizon_weeks: 20\nreplications: 3\n")
    return path


def _tasks(n=3, seed=5, base="copenhagen-outreach", posterior=None):
    sc = load_scenario(SCENARIO_DIR / f"{base}.yaml", SMALL)
    return runner.plan([sc], seed, n, posterior)


def _same(a: list[runner.Replication], b: list[runner.Replication]) -> None:
    assert [(r.scenario, r.replication, r.seed) for r in a] == [(r.scenario, r.replication, r.seed) for r in b]
    for x, y in zip(a, b):
        assert json.dumps(x.summary) == json.dumps(y.summary)  # NaN-safe exact comparison
        pd.testing.assert_frame_equal(x.weekly, y.weekly)
        pd.testing.assert_frame_equal(x.citizens, y.citizens)


def test_plan_uses_explicit_replication_seeds():
    seeds, tasks = _tasks(n=4, seed=99)
    assert seeds == replication_seeds(99, 4) and len(set(seeds)) == 4
    assert [t.seed for t in tasks] == seeds and [t.replication for t in tasks] == [0, 1, 2, 3]
    a, b = load_scenario("central-jobcentre", SMALL), load_scenario("copenhagen-outreach", SMALL)
    _, both = runner.plan([a, b], 99, 4)
    assert [t.seed for t in both] == seeds + seeds  # common random numbers


def test_replications_differ_and_repeat():
    _, tasks = _tasks(n=2)
    r1 = runner.execute(tasks)
    r2 = runner.execute(tasks)
    _same(r1, r2)
    assert r1[0].summary != r1[1].summary


@pytest.mark.slow
def test_cli_workers_1_and_2_identical(tmp_path):
    """Serial and a local process pool (spawned workers) give identical files."""
    path = small_file(tmp_path)
    for w in (1, 2):
        assert main(["run", str(path), "--workers", str(w), "--out", str(tmp_path / f"w{w}"), "--quiet"]) == 0
    for name in ("summary_replications.parquet", "weekly.parquet", "citizens.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "w1" / name), pd.read_parquet(tmp_path / "w2" / name))
    s1 = pd.read_csv(tmp_path / "w1" / "summary.csv")
    s2 = pd.read_csv(tmp_path / "w2" / "summary.csv")
    pd.testing.assert_frame_equal(s1, s2)


@pytest.mark.slow
def test_dask_identical_to_serial():
    pytest.importorskip("distributed")
    _, tasks = _tasks(n=3)
    serial = runner.execute(tasks)
    with local_cluster(n_workers=2, processes=True, threads_per_worker=1) as cluster:
        ticks = []
        dask = runner.execute(tasks, scheduler=cluster.scheduler_address, progress=lambda: ticks.append(1))
    assert len(ticks) == 3
    _same(serial, dask)


def test_parallel_map_on_dask_keeps_the_order_and_its_deadlines(monkeypatch):
    import operator
    pytest.importorskip("distributed")
    jobs = list(range(9))
    with local_cluster(n_workers=1, processes=False, threads_per_worker=3) as cluster:
        ticks = []
        out = runner.parallel_map(operator.neg, jobs, scheduler=cluster.scheduler_address,
                                  progress=lambda: ticks.append(1))
    assert out == [-j for j in jobs] and len(ticks) == len(jobs)
    monkeypatch.setattr(runner, "DASK_WORKER_TIMEOUT", 1.0)
    with local_cluster(n_workers=0, processes=False) as cluster:
        with pytest.raises(runner.RunError, match="has no workers"):
            runner.parallel_map(operator.neg, jobs, scheduler=cluster.scheduler_address)


def test_scheduler_without_workers_is_a_clear_error(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(runner, "DASK_WORKER_TIMEOUT", 1.0)
    path = small_file(tmp_path)
    with local_cluster(n_workers=0, processes=False) as cluster:
        rc = main(["run", str(path), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "o"),
                   "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "has no workers" in err and "within 1 s" in err and "dask worker" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", 1.0)
    path = small_file(tmp_path)
    rc = main(["run", str(path), "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------------------
# Posterior draws
# --------------------------------------------------------------------------------------

def _posterior(tmp_path: Path, rows: dict, weights) -> Path:
    d = tmp_path / "post"
    d.mkdir(exist_ok=True)
    pd.DataFrame({**rows, "weight": weights}).to_parquet(d / "posterior.parquet")
    return d


def test_draws_follow_weights_and_seed(tmp_path):
    post = runner.load_posterior(_posterior(tmp_path, {"noshow_central": [0.1, 0.2, 0.3]}, [0.0, 1.0, 3.0]))
    draws = [runner.draw_parameters(post, s)[0] for s in replication_seeds(1, 400)]
    assert 0 not in draws
    share = draws.count(2) / len(draws)
    assert 0.68 < share < 0.82
    assert runner.draw_parameters(post, 12345) == runner.draw_parameters(post, 12345)
    row, params = runner.draw_parameters(post, 12345)
    assert params == {"noshow_central": [0.1, 0.2, 0.3][row]}
    rng = np.random.default_rng(np.random.SeedSequence([12345, 1]))
    assert row == int(rng.choice(3, p=np.array([0.0, 1.0, 3.0]) / 4.0))


def test_posterior_run_records_and_applies_draws(tmp_path):
    path = small_file(tmp_path, "central-jobcentre")
    post = _posterior(tmp_path, {"noshow_central": [0.0, 0.6], "cancel_central": [0.0, 0.0]}, [1.0, 1.0])
    out = tmp_path / "o"
    assert main(["run", str(path), "--posterior", str(post), "--out", str(out), "--quiet", "-n", "4"]) == 0
    draws = pd.read_parquet(out / "posterior_draws.parquet")
    assert list(draws.columns[:4]) == ["scenario", "replication", "seed", "posterior_row"]
    assert draws["seed"].tolist() == replication_seeds(20140101, 4)
    reps = pd.read_parquet(out / "summary_replications.parquet")
    noshow = reps[reps["outcome"] == "noshow_share"].set_index("seed")["value"]
    for d in draws.itertuples():
        if d.noshow_central == 0.0:
            assert noshow[d.seed] < 0.02
        else:
            assert noshow[d.seed] > 0.3
    m = json.loads((out / "manifest.json").read_text())
    assert m["posterior"]["rows"] == 2 and len(m["posterior"]["draws"]) == 4
    assert [d["row"] for d in m["posterior"]["draws"]] == draws["posterior_row"].tolist()
    # the same seeds draw the same rows in a comparison (paired parameter uncertainty)
    out2 = tmp_path / "c"
    assert main(["compare", str(path), str(small_file(tmp_path)), "--posterior", str(post), "--out", str(out2),
                 "--quiet", "-n", "4"]) == 0
    d2 = pd.read_parquet(out2 / "posterior_draws.parquet")
    for name, sub in d2.groupby("scenario"):
        assert sub["posterior_row"].tolist() == draws["posterior_row"].tolist(), name


def test_whole_number_parameters_are_whole(tmp_path):
    post = runner.load_posterior(_posterior(tmp_path, {"rebook_weeks": [3.0]}, [1.0]))
    _, params = runner.draw_parameters(post, 1)
    assert params == {"rebook_weeks": 3} and isinstance(params["rebook_weeks"], int)


@pytest.mark.parametrize("columns, weights, message", [
    ({"noshow_centrl": [0.1]}, [1.0], "did you mean 'noshow_central'"),
    ({"noshow_central": [0.1]}, [-1.0], "weight (row 0): bad value -1.0; allowed: finite numbers >= 0"),
    ({"noshow_central": [0.1]}, None, "the table needs the column(s) weight"),
    ({"noshow_central": [0.1, 1.7]}, [1.0, 1.0], "noshow_central (row 1): bad value 1.7; allowed: finite numbers "
                                                  "within [0, 1]"),
    ({"rebook_weeks": [0, 2]}, [1.0, 1.0], "rebook_weeks (row 0): bad value 0; allowed: whole numbers within [1, 13]"),
    ({"rebook_weeks": [2, 1.49]}, [1.0, 1.0], "rebook_weeks (row 1): bad value 1.49; allowed: whole numbers"),
    ({"noshow_central": [0.1, float("nan")]}, [1.0, 1.0], "noshow_central (row 1): bad value nan"),
    ({"noshow_central": ["0.1", "lots"]}, [1.0, 1.0], "noshow_central: bad value '<a column of text>'"),
    ({"noshow_central": [True, False]}, [1.0, 1.0], "noshow_central: bad value '<a column of true/false>'"),
    ({"noshow_central": [0.1]}, [float("inf")], "weight (row 0): bad value inf"),
    ({"noshow_central": [0.1]}, ["heavy"], "weight: bad value '<a column of text>'"),
    ({}, [1.0], "at least one behavioural parameter column"),
    ({"noshow_central": [0.1]}, [0.0], "the weights must not all be zero"),
])
def test_bad_posterior_is_a_clear_error(tmp_path, capsys, columns, weights, message):
    d = tmp_path / "post"
    d.mkdir()
    df = pd.DataFrame(columns if weights is None else {**columns, "weight": weights})
    df.to_parquet(d / "posterior.parquet")
    rc = main(["run", str(small_file(tmp_path)), "--posterior", str(d), "--out", str(tmp_path / "o"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()


def test_missing_posterior_folder(tmp_path, capsys):
    rc = main(["run", str(small_file(tmp_path)), "--posterior", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert rc == 2 and "no posterior.parquet" in capsys.readouterr().err
