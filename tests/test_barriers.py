"""The A-G scale follows the Copenhagen Udviklingsmål rules exactly."""

import numpy as np
import pytest

from sim.model.barriers import CATEGORIES, category, deteriorate, draw_ratings, factors, improve, summarise


def ratings_from_factors(f):
    # skills, language, job_focus, personal, social, physical, mental
    return [f[0], 5, f[1], f[2], f[3], f[4], 5]


@pytest.mark.parametrize("f,expected", [
    ((5, 4, 4, 5, 4), "A"),
    ((3, 4, 4, 5, 4), "B"),
    ((3, 3, 4, 5, 4), "B"),
    ((3, 3, 3, 5, 4), "C"),
    ((3, 3, 3, 3, 3), "C"),
    ((2, 3, 3, 4, 5), "D"),
    ((1, 5, 5, 5, 5), "D"),
    ((2, 2, 3, 4, 5), "E"),
    ((2, 2, 2, 4, 5), "E"),
    ((2, 2, 2, 2, 5), "F"),
    ((2, 2, 2, 2, 2), "F"),
    ((5, 5, 5, 5, 1), "G"),   # health rated 1
    ((5, 5, 5, 1, 5), "G"),   # social conditions rated 1
])
def test_category_rules(f, expected):
    assert category(ratings_from_factors(f)) == expected


def test_factors_take_the_binding_sub_rating():
    r = np.array([[4, 2, 5, 5, 5, 3, 1]])
    assert factors(r).tolist() == [[2, 5, 5, 5, 1]]


@pytest.mark.parametrize("code", range(7))
def test_drawn_ratings_have_the_requested_category(code):
    rng = np.random.default_rng(5)
    cat = np.full(500, code, dtype=np.int8)
    r = draw_ratings(cat, np.arange(500) % 2 == 0, rng, language_share=0.6, g_health_share=0.7)
    assert ((r >= 1) & (r <= 5)).all()
    assert set(summarise(r)[0].tolist()) == {code}, CATEGORIES[code]


def test_the_rules_hold_on_every_rating():
    """The evaluation's definitions (copenhagen-outreach-2015, Bilag 2), restated here as sets
    of factor scores, against the compiled rule on all 5^7 ratings."""
    grid = np.array(np.meshgrid(*[np.arange(1, 6)] * 7)).reshape(7, -1).T.astype(np.int8)
    cat, health, low = summarise(grid)
    f = factors(grid)
    n_low, n_three = (f <= 2).sum(axis=1), (f == 3).sum(axis=1)
    g = (f[:, 4] == 1) | (f[:, 3] == 1)
    expected = np.select([g, n_low == 0, n_low == 1, n_low <= 3],
                         [6, np.select([n_three == 0, n_three <= 2], [0, 1], 2), 3, 4], 5)
    assert (cat == expected).all()
    assert (health == f[:, 4]).all() and (low == n_low).all()


def test_improve_raises_the_weakest_factor_and_deteriorate_stops_at_one():
    r = np.ones((1, 7), dtype=np.int8)
    ids = np.array([0])
    assert len(deteriorate(r, ids, np.array([2]))) == 0          # already 1: no change
    rng = np.random.default_rng(2)
    for _ in range(100):
        before = factors(r).min()
        changed = improve(r, ids, rng.random(1))
        if before < 5:
            assert len(changed) == 1 and factors(r).min() >= before
    assert (r == 5).all() and len(improve(r, ids, rng.random(1))) == 0
