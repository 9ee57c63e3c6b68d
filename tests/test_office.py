"""The open-advice queue: the compiled version gives exactly what its SimPy reference gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import simulate
from sim.experiment.outcomes import compute
from sim.model import OutreachModel
from sim.model.office import serve

from helpers import OUTREACH, scenario, with_org

CLOSE = 444.0
OPEN = CLOSE - 180.0


@st.composite
def office_days(draw):
    """A few office-days: visitors (with ties), staff ready at opening or after meetings."""
    days = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, 30))
        arrival = sorted(draw(st.lists(st.sampled_from([OPEN, OPEN + 15.0, OPEN + 40.5, 300.0, 380.0, CLOSE - 1.0])
                                       | st.floats(OPEN, CLOSE - 0.001), min_size=n, max_size=n)))
        k = draw(st.integers(0, 4))
        used = draw(st.lists(st.sampled_from([0.0, 30.0, 150.0, 190.0, 264.0, 300.0]), min_size=k, max_size=k))
        days.append((arrival, used))
    return days


def as_arrays(days):
    arrival = np.array([a for d, _ in days for a in d], dtype=float)
    used = np.array([u for _, us in days for u in us], dtype=float)
    starts = lambda sizes: np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)  # noqa: E731
    return (arrival, starts([len(d) for d, _ in days]), np.full(len(days), CLOSE), np.maximum(OPEN, used), used,
            np.full(len(used), 199.8), starts([len(us) for _, us in days]))


@settings(max_examples=300, deadline=None)
@given(office_days(), st.sampled_from([10.0, 15.0, 30.0]), st.sampled_from([0.0, 20.0, 90.0]))
def test_compiled_queue_equals_the_simpy_reference(days, service, patience):
    args = as_arrays(days)
    served, minutes = serve(*args, service, patience)
    ref_served, ref_minutes = serve(*args, service, patience, engine="simpy")
    assert (served == ref_served).all()
    assert np.allclose(minutes, ref_minutes)
    assert (minutes <= np.maximum(0.0, args[5] - args[4]) + 1e-9).all()     # nobody works past the day's minutes


def test_whole_runs_are_identical_with_either_engine():
    sc = scenario(300, 12, org=with_org(OUTREACH, caseworkers=3), behaviour={"problem_rate": 0.3})
    a = simulate(sc, seed=3)
    m = OutreachModel(sc, seed=3, office_engine="simpy").run()
    b = compute(m)
    assert all(b[k] == v or (np.isnan(b[k]) and np.isnan(v)) for k, v in a.summary.items())
    assert m.tallies()["visits_served"] > 0 and m.tallies()["visits_unserved"] > 0
