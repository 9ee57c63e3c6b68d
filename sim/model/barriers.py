"""Barriers on the Copenhagen Udviklingsmål scale and their A-G summary, over arrays.

Each citizen carries seven sub-ratings from 1 (severe barrier) to 5 (no barrier), a row of
the ``ratings`` array: skills, language, job focus, personal/social competences, social
conditions (incl. debt and housing), physical health and mental health.  They fold into
the five Udviklingsmål factors scored in Copenhagen (copenhagen-outreach-2015, Bilag 2):

==========================  ===============================
factor                      sub-ratings
==========================  ===============================
professional skills         min(skills, language)
focus on job/education      job_focus
personal/social competence  personal
social conditions           social
health                      min(physical, mental)
==========================  ===============================

The A-G category follows the evaluation's rules exactly (copenhagen-outreach-2015, Bilag 2):
G = health or social conditions rated 1; otherwise A = all 4-5; B = at most two 3s, rest
4-5; C = three to five 3s, none 1-2; D = exactly one rating 1-2; E = two or three ratings
1-2; F = four or five ratings 1-2.  A-D is a "good" rating, E-G a "poor" one.  Categories
are stored as codes 0-6 (A-G).
"""

from __future__ import annotations

import numpy as np

from . import kernels

SUB = ("skills", "language", "job_focus", "personal", "social", "physical", "mental")
SKILLS, LANGUAGE, JOB_FOCUS, PERSONAL, SOCIAL, PHYSICAL, MENTAL = range(7)
CATEGORIES = "ABCDEFG"
A, B, C, D, E, F, G = range(7)
#: the factors an unsolved problem can worsen: social conditions, health, personal competences
ESCALATION_FACTORS = np.array([3, 4, 2])


def letter(code) -> str:
    return CATEGORIES[int(code)]


def is_good(category: np.ndarray) -> np.ndarray:
    """A-D (codes 0-3) is a good rating."""
    return category <= D


def factors(ratings: np.ndarray) -> np.ndarray:
    """The five factor scores, shape (n, 5), from sub-ratings of shape (n, 7)."""
    r = np.asarray(ratings)
    return np.stack([np.minimum(r[:, SKILLS], r[:, LANGUAGE]), r[:, JOB_FOCUS], r[:, PERSONAL], r[:, SOCIAL],
                     np.minimum(r[:, PHYSICAL], r[:, MENTAL])], axis=1)


def category_of_factors(f: np.ndarray) -> np.ndarray:
    """A-G codes of factor rows (the evaluation's rules)."""
    low = (f <= 2).sum(axis=1)
    threes = (f == 3).sum(axis=1)
    cat = np.where(low == 0, np.where(threes == 0, A, np.where(threes <= 2, B, C)),
                   np.where(low == 1, D, np.where(low <= 3, E, F)))
    return np.where((f[:, 4] == 1) | (f[:, 3] == 1), G, cat).astype(np.int8)


def category(ratings) -> str:
    """The A-G letter of one citizen's seven sub-ratings."""
    return letter(category_of_factors(factors(np.asarray(ratings).reshape(1, 7)))[0])


def summarise(ratings: np.ndarray):
    """(category, health factor, number of factors rated 1-2) of rating rows."""
    f = factors(ratings)
    return category_of_factors(f), f[:, 4].astype(np.int8), (f <= 2).sum(axis=1).astype(np.int8)


def _pick(values: tuple[int, ...], u: np.ndarray) -> np.ndarray:
    return np.asarray(values)[(u * len(values)).astype(int)]


def draw_factors(cat: np.ndarray, rng: np.random.Generator, g_health_share: float) -> np.ndarray:
    """Five factor scores per citizen consistent with the category codes ``cat``."""
    n = len(cat)
    order = np.argsort(rng.random((n, 5)), axis=1)          # a random ranking of the five factors
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(5)[None, :], axis=1)
    u = rng.random((n, 5))
    f = np.zeros((n, 5), dtype=np.int8)
    c = cat[:, None]
    k = np.where(cat == B, _pick((1, 2), rng.random(n)), _pick((3, 4, 5), rng.random(n)))[:, None]
    nlow = np.where(cat == D, 1, np.where(cat == E, _pick((2, 3), rng.random(n)), _pick((4, 5), rng.random(n))))[:, None]
    pos = np.arange(5)[None, :]
    f = np.where(c == A, _pick((4, 5), u), f)
    f = np.where((c == B) | (c == C), np.where(rank < k, 3, _pick((4, 5), u)), f)
    # in D-F, health (4) and social conditions (3) may be low but never 1 (that would be G)
    low_value = np.where((pos == 3) | (pos == 4), 2, _pick((1, 2), u))
    f = np.where((c >= D) & (c <= F), np.where(rank < nlow, low_value, _pick((3, 4, 5), u)), f)
    g = cat == G
    if g.any():
        fg = _pick((1, 2, 3, 4), u[g])
        health = rng.random(int(g.sum())) < g_health_share
        fg[health, 4] = 1
        fg[~health, 3] = 1
        f[g] = fg
    return f.astype(np.int8)


def draw_ratings(cat: np.ndarray, immigrant: np.ndarray, rng: np.random.Generator, *,
                 language_share: float, g_health_share: float) -> np.ndarray:
    """Seven sub-ratings per citizen whose A-G category is ``cat``.

    For citizens with immigrant background, language is the binding professional barrier
    with probability ``language_share``; which of physical and mental health is the
    binding health rating is even odds."""
    n = len(cat)
    f = draw_factors(cat, rng, g_health_share)
    r = np.full((n, 7), 5, dtype=np.int8)
    spread = rng.integers(0, 3, size=(n, 2))
    lang = immigrant & (rng.random(n) < language_share)
    r[:, LANGUAGE] = np.where(lang, f[:, 0], np.where(immigrant, np.minimum(5, f[:, 0] + 1 + spread[:, 0]), 5))
    r[:, SKILLS] = np.where(lang, np.minimum(5, f[:, 0] + spread[:, 0]), f[:, 0])
    r[:, JOB_FOCUS], r[:, PERSONAL], r[:, SOCIAL] = f[:, 1], f[:, 2], f[:, 3]
    physical = rng.random(n) < 0.5
    other = np.minimum(5, f[:, 4] + spread[:, 1])
    r[:, PHYSICAL] = np.where(physical, f[:, 4], other)
    r[:, MENTAL] = np.where(physical, other, f[:, 4])
    return r


def binding_sub(ratings: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """The sub-rating behind each row's ``factor`` (the lower of a pair, the first on ties)."""
    r = ratings
    return np.select([factor == 0, factor == 4],
                     [np.where(r[:, SKILLS] <= r[:, LANGUAGE], SKILLS, LANGUAGE),
                      np.where(r[:, PHYSICAL] <= r[:, MENTAL], PHYSICAL, MENTAL)],
                     np.array([0, JOB_FOCUS, PERSONAL, SOCIAL, 0])[np.clip(factor, 0, 4)])


def improve(ratings: np.ndarray, ids: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Raise, for each citizen in ``ids``, the sub-rating behind the weakest factor by one
    (ties between factors broken by the uniform ``u``).  Returns the ids whose ratings changed."""
    if len(ids) == 0:
        return ids
    return ids[kernels.improve(ratings, ids, u)]


def deteriorate(ratings: np.ndarray, ids: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Lower the given factor of each citizen in ``ids`` by one step (not below 1).
    Returns the ids whose ratings changed."""
    if len(ids) == 0:
        return ids
    return ids[kernels.deteriorate(ratings, ids, np.asarray(factor, dtype=np.int64))]
