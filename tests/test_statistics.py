"""One interval convention: means and 5-95 % intervals; paired differences consistent with
the means beside them; the verdict rules; misfit against evaluation figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiment import statistics as stats
from sim.spec.scenario import Scenario


@pytest.mark.parametrize("lo, hi, same, pairs, expected", [
    (-0.01, 0.02, 0.6, 20, "none"),          # the interval includes zero
    (0.0, 0.02, 1.0, 20, "none"),            # ... also when zero is its edge
    (0.01, 0.02, 1.0, 20, "clear"),          # excludes zero, every pair the same way, enough pairs
    (0.01, 0.02, 0.95, 20, "likely"),        # excludes zero, one pair the other way
    (-0.03, -0.01, 1.0, 5, "likely"),        # too few pairs to call it clear
    (-0.03, -0.01, 1.0, 4, "none"),          # too few pairs to detect anything
    (math.nan, math.nan, 0.0, 0, "not_covered"),
])
def test_verdict_rules(lo, hi, same, pairs, expected):
    assert stats.verdict(lo, hi, same, pairs) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1, 1) | st.just(math.nan), st.floats(-1, 1)), min_size=1, max_size=30))
def test_paired_difference_is_consistent_with_the_means_beside_it(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    r = stats.paired(a, b)
    if r["pairs"] == 0:
        assert r["verdict"] == "not_covered"
        return
    assert r["difference_mean"] == pytest.approx(r["scenario_mean"] - r["reference_mean"], abs=1e-12)
    assert r["difference_p5"] <= r["difference_p95"]
    includes_zero = r["difference_p5"] <= 0 <= r["difference_p95"]
    assert (r["verdict"] == "none") == (includes_zero or r["pairs"] < stats.MIN_PAIRS)


def test_describe_is_mean_and_5_95_percentiles():
    v = np.arange(101, dtype=float)
    assert stats.describe(np.append(v, math.nan)) == (50.0, 5.0, 95.0, 101)


def test_misfit_z_combines_evaluation_and_simulation_error():
    # jobgaranti ordinary hours: simulated 0.24 in every replication against 0.15 of n = 431
    z = stats.misfit_z([0.24] * 10, 0.15, 431, "share")
    assert z == pytest.approx((0.24 - 0.15) / math.sqrt(0.15 * 0.85 / 431))
    assert abs(z) > stats.MISFIT_Z
    assert math.isnan(stats.misfit_z([0.6, 0.62], 0.60, None, "share"))      # no n reported: no z
    z_rate = stats.misfit_z([0.30, 0.28], 0.29, 876, "rate")
    se = math.hypot(0.29 / math.sqrt(876), np.std([0.30, 0.28], ddof=1) / math.sqrt(2))
    assert z_rate == pytest.approx((0.29 - 0.29) / se)


def test_summary_frame_flags_misfits_and_keeps_budget_rows():
    sc = Scenario(name="x", reported={"noshow_share": {"value": 0.5, "n": 1000, "source": "test"},
                                      "cancel_share": {"value": 0.10, "n": 1000, "source": "test"}})
    rows = [{"scenario": "x", "replication": i, "seed": i, "outcome": o, "value": v}
            for i in range(4) for o, v in (("noshow_share", 0.10 + 0.001 * i), ("cancel_share", 0.10 + 0.001 * i),
                                          ("net_cost", 1e6 + i))]
    s = stats.summary_frame(sc, pd.DataFrame(rows), {}).set_index("outcome")
    assert s.loc["noshow_share", "misfit"] and not s.loc["cancel_share", "misfit"]
    assert s.loc["net_cost", "unit"] == "kroner" and s.loc["net_cost", "mean"] == pytest.approx(1e6 + 1.5)
    assert s.loc["noshow_share", "unit"] == "share" and stats.unit("meetings_per_case_year") == "rate"
    assert math.isnan(s.loc["ever_self_sufficient_52w", "mean"]) and s.loc["ever_self_sufficient_52w", "replications"] == 0
