"""Barriers on the Copenhagen Udviklingsmål scale and their A-G summary.

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

The A-G category follows the evaluation's rules exactly (copenhagen-outreach-2015, Bilag 2),
written once in :func:`category_of`: G = health or social conditions rated 1; otherwise
A = all 4-5; B = at most two 3s, rest 4-5; C = three to five 3s, none 1-2; D = exactly one
rating 1-2; E = two or three ratings 1-2; F = four or five ratings 1-2.  A-D is a "good"
rating, E-G a "poor" one.

The compiled row functions (:func:`factors_of`, :func:`category_of`, :func:`binding_sub`,
:func:`raise_weakest`, :func:`lower_factor`) are what the processes use; the array
functions below them apply the same rules to many rows (for the build, the outcome
measures and the tests).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .states import EVEN_ODDS, Category, Factor, Sub

SUB = tuple(s.name.lower() for s in Sub)
CATEGORIES = "ABCDEFG"
A, B, C, D, E, F, G = (int(c) for c in Category)
#: the factors an unsolved problem can worsen: social conditions, health, personal competences
ESCALATION_FACTORS = np.array([Factor.SOCIAL, Factor.HEALTH, Factor.PERSONAL], dtype=np.int64)
#: a factor rated at most this is a barrier (rated 1-2); one rated 3 is a middling factor
LOW, MIDDLE = 2, 3
#: a rating a factor of D-F may have without being G (health and social conditions rated 1 make G)
LOW_NOT_G = 2


def letter(code) -> str:
    return CATEGORIES[int(code)]


@njit(cache=True)
def is_good(category):  # pragma: no cover - compiled
    """A-D (codes 0-3) is a good rating (a code or an array of codes)."""
    return category <= Category.D.value


# ------------------------------------------------------------------ the rules, one row at a time (compiled)
@njit(cache=True)
def factors_of(r):  # pragma: no cover - compiled
    """The five factor scores of one row of seven sub-ratings."""
    return (min(r[Sub.SKILLS], r[Sub.LANGUAGE]), r[Sub.JOB_FOCUS], r[Sub.PERSONAL], r[Sub.SOCIAL],
            min(r[Sub.PHYSICAL], r[Sub.MENTAL]))


@njit(cache=True)
def category_of(f0, f1, f2, f3, f4):  # pragma: no cover - compiled
    """The A-G code of five factor scores (copenhagen-outreach-2015, Bilag 2), and the
    number of factors rated 1-2."""
    low = 0
    threes = 0
    for f in (f0, f1, f2, f3, f4):
        if f <= LOW:
            low += 1
        elif f == MIDDLE:
            threes += 1
    if f4 == 1 or f3 == 1:
        return Category.G, low
    if low == 0:
        if threes == 0:
            return Category.A, low
        return (Category.B if threes <= 2 else Category.C), low
    if low == 1:
        return Category.D, low
    return (Category.E if low <= 3 else Category.F), low


@njit(cache=True)
def binding_sub(r, factor):  # pragma: no cover - compiled
    """The sub-rating behind a factor (the lower of a pair, the first on ties)."""
    if factor == Factor.PROFESSIONAL:
        return Sub.SKILLS if r[Sub.SKILLS] <= r[Sub.LANGUAGE] else Sub.LANGUAGE
    if factor == Factor.HEALTH:
        return Sub.PHYSICAL if r[Sub.PHYSICAL] <= r[Sub.MENTAL] else Sub.MENTAL
    return factor + 1      # job focus, personal, social: sub-ratings 2-4


@njit(cache=True)
def raise_weakest(r, u):  # pragma: no cover - compiled
    """Raise the sub-rating behind the weakest factor by one (ties between factors broken by
    the uniform ``u``).  Returns True if the row changed."""
    f = factors_of(r)
    lo = min(f)
    if lo >= 5:
        return False
    n = 0
    for k in range(5):
        if f[k] == lo:
            n += 1
    pick = int(u * n)
    for k in range(5):
        if f[k] == lo:
            if pick == 0:
                r[binding_sub(r, k)] += 1
                return True
            pick -= 1
    return False


@njit(cache=True)
def lower_factor(r, factor):  # pragma: no cover - compiled
    """Lower the given factor by one step (not below 1).  Returns True if the row changed."""
    s = binding_sub(r, factor)
    if r[s] > 1:
        r[s] -= 1
        return True
    return False


@njit(cache=True)
def read_factor(f, u_off, u_dir, error):  # pragma: no cover - compiled
    """A factor as a caseworker writes it on the form: one step too high or too low (even
    odds, within 1-5) with probability ``error``."""
    if u_off < error:
        return max(1, f - 1) if u_dir < EVEN_ODDS else min(5, f + 1)
    return f


@njit(cache=True)
def _summarise_rows(ratings, category, health, low):  # pragma: no cover - compiled
    for i in range(ratings.shape[0]):
        f = factors_of(ratings[i])
        category[i], low[i] = category_of(f[0], f[1], f[2], f[3], f[4])
        health[i] = f[4]


@njit(cache=True)
def read_category(r, error, u):  # pragma: no cover - compiled
    """The A-G code a caseworker writes on an Udviklingsmål form for one row of ratings:
    each factor read with :func:`read_factor`; ``u`` holds two uniforms per factor (off,
    then direction), ten in all."""
    f = factors_of(r)
    g = (read_factor(f[0], u[0], u[5], error), read_factor(f[1], u[1], u[6], error), read_factor(f[2], u[2], u[7], error),
         read_factor(f[3], u[3], u[8], error), read_factor(f[4], u[4], u[9], error))
    return category_of(g[0], g[1], g[2], g[3], g[4])[0]


@njit(cache=True)
def _read_rows(ratings, error, u, out):  # pragma: no cover - compiled
    for i in range(ratings.shape[0]):
        out[i] = read_category(ratings[i], error[i], u[i])


# ------------------------------------------------------------------ the same rules over arrays
def factors(ratings: np.ndarray) -> np.ndarray:
    """The five factor scores, shape (n, 5), from sub-ratings of shape (n, 7)."""
    r = np.asarray(ratings)
    return np.stack([np.minimum(r[:, Sub.SKILLS], r[:, Sub.LANGUAGE]), r[:, Sub.JOB_FOCUS], r[:, Sub.PERSONAL],
                     r[:, Sub.SOCIAL], np.minimum(r[:, Sub.PHYSICAL], r[:, Sub.MENTAL])], axis=1)


def summarise(ratings: np.ndarray):
    """(category, health factor, number of factors rated 1-2) of rating rows."""
    r = np.ascontiguousarray(ratings, dtype=np.int8).reshape(-1, 7)
    n = len(r)
    category, health, low = np.empty(n, np.int8), np.empty(n, np.int8), np.empty(n, np.int8)
    _summarise_rows(r, category, health, low)
    return category, health, low


def category(ratings) -> str:
    """The A-G letter of one citizen's seven sub-ratings."""
    return letter(summarise(np.asarray(ratings, dtype=np.int8).reshape(1, 7))[0][0])


def read_form(ratings: np.ndarray, error: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The A-G codes caseworkers write for rating rows, each factor one step off with the
    row's probability ``error``; ``u`` holds ten uniforms per row."""
    r = np.ascontiguousarray(ratings, dtype=np.int8).reshape(-1, 7)
    out = np.empty(len(r), np.int8)
    _read_rows(r, np.ascontiguousarray(error, dtype=float), np.ascontiguousarray(u, dtype=float), out)
    return out


def improve(ratings: np.ndarray, ids: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Raise, for each citizen in ``ids``, the sub-rating behind the weakest factor by one
    (ties broken by ``u``).  Returns the ids whose ratings changed."""
    return ids[np.array([raise_weakest(ratings[i], float(x)) for i, x in zip(ids, u)], dtype=bool)]


def deteriorate(ratings: np.ndarray, ids: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Lower the given factor of each citizen in ``ids`` by one step (not below 1).
    Returns the ids whose ratings changed."""
    return ids[np.array([lower_factor(ratings[i], int(f)) for i, f in zip(ids, factor)], dtype=bool)]


# ------------------------------------------------------------------ drawing a starting population
#: how far above its factor the other sub-rating of a pair may lie: 0, 1 or 2 steps at even odds (assumed)
PAIR_SPREAD = 3
#: which of physical and mental health carries the health factor: even odds (assumed)
PHYSICAL_SHARE = 0.5
#: uniforms one citizen's ratings take (:func:`draw_row`)
RATING_UNIFORMS = 16


@njit(cache=True)
def _pick(low, count, u):  # pragma: no cover - compiled
    """One of ``count`` consecutive values from ``low``, uniformly."""
    return low + int(u * count)


@njit(cache=True)
def draw_row(cat, immigrant, u, language_share, g_health_share, r):  # pragma: no cover - compiled
    """Seven sub-ratings ``r`` for a citizen whose A-G category is ``cat``, from the
    uniforms ``u`` (RATING_UNIFORMS of them).

    The five factors: in B-C the number of 3s, in D-F the number of ratings 1-2, uniform
    among those the category allows, carried by factors in a random order; the others 4 or
    5 (A-C) or 3-5 (D-F) at even odds; in D-F health and social conditions may be low but
    never 1 (that would be G); in G every factor 1-4 and health (share ``g_health_share``)
    or social conditions rated 1 (assumed: the evaluation reports categories, not ratings).
    The sub-ratings: for citizens with immigrant background language is the binding
    professional barrier with ``language_share``; which of physical and mental health
    carries the health factor is even odds; the other of a pair lies 0-2 steps above."""
    f = np.empty(5, dtype=np.int64)
    rank = np.empty(5, dtype=np.int64)
    for k in range(5):                      # the factors in a random order
        rank[k] = 0
        for q in range(5):
            if u[q] < u[k] or (u[q] == u[k] and q < k):
                rank[k] += 1
    v = u[5:10]
    if cat == Category.A:
        for k in range(5):
            f[k] = _pick(4, 2, v[k])
    elif cat == Category.B or cat == Category.C:
        threes = _pick(1, 2, u[10]) if cat == Category.B else _pick(3, 3, u[10])
        for k in range(5):
            f[k] = 3 if rank[k] < threes else _pick(4, 2, v[k])
    elif cat <= Category.F:
        low = 1 if cat == Category.D else (_pick(2, 2, u[10]) if cat == Category.E else _pick(4, 2, u[10]))
        for k in range(5):
            if rank[k] < low:
                f[k] = LOW_NOT_G if (k == Factor.SOCIAL or k == Factor.HEALTH) else _pick(1, 2, v[k])
            else:
                f[k] = _pick(3, 3, v[k])
    else:
        for k in range(5):
            f[k] = _pick(1, 4, v[k])
        if u[11] < g_health_share:
            f[Factor.HEALTH] = 1
        else:
            f[Factor.SOCIAL] = 1
    prof, s0, s1 = f[Factor.PROFESSIONAL], int(u[13] * PAIR_SPREAD), int(u[14] * PAIR_SPREAD)
    lang = immigrant and u[12] < language_share
    r[Sub.LANGUAGE] = prof if lang else (min(5, prof + 1 + s0) if immigrant else 5)
    r[Sub.SKILLS] = min(5, prof + s0) if lang else prof
    r[Sub.JOB_FOCUS], r[Sub.PERSONAL], r[Sub.SOCIAL] = f[Factor.JOB_FOCUS], f[Factor.PERSONAL], f[Factor.SOCIAL]
    health, other = f[Factor.HEALTH], min(5, f[Factor.HEALTH] + s1)
    physical = u[15] < PHYSICAL_SHARE
    r[Sub.PHYSICAL] = health if physical else other
    r[Sub.MENTAL] = other if physical else health


@njit(cache=True)
def _draw_rows(cat, immigrant, u, language_share, g_health_share, out):  # pragma: no cover - compiled
    for i in range(cat.shape[0]):
        draw_row(cat[i], immigrant[i], u[i], language_share, g_health_share, out[i])


def draw_ratings(cat: np.ndarray, immigrant: np.ndarray, rng: np.random.Generator, *,
                 language_share: float, g_health_share: float) -> np.ndarray:
    """Seven sub-ratings per citizen whose A-G category is ``cat`` (:func:`draw_row`), from
    uniforms of ``rng``."""
    n = len(cat)
    out = np.empty((n, 7), dtype=np.int8)
    _draw_rows(np.asarray(cat, dtype=np.int64), np.asarray(immigrant, dtype=np.bool_), rng.random((n, RATING_UNIFORMS)),
               float(language_share), float(g_health_share), out)
    return out
