"""The A-G scale follows the Copenhagen Udviklingsmål rules exactly."""

import random

import pytest

from sim.model.barriers import CATEGORIES, category, draw_ratings, factors, improve, deteriorate


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
    r = [4, 2, 5, 5, 5, 3, 1]
    assert factors(r) == (2, 5, 5, 5, 1)


@pytest.mark.parametrize("cat", list(CATEGORIES))
def test_drawn_ratings_have_the_requested_category(cat):
    rnd = random.Random(5).random
    for i in range(500):
        r = draw_ratings(cat, i % 2 == 0, rnd)
        assert category(r) == cat
        assert all(1 <= x <= 5 for x in r)


def test_improve_and_deteriorate_stay_on_the_scale():
    rnd = random.Random(2).random
    r = [1] * 7
    assert not deteriorate(r, rnd)
    for _ in range(100):
        improve(r, rnd)
    assert r == [5] * 7 and not improve(r, rnd)
