"""Barriers on the Copenhagen Udviklingsmål scale and their A-G summary.

Each citizen carries seven sub-ratings from 1 (severe barrier) to 5 (no barrier):
skills, language, job focus, personal/social competences, social conditions (incl.
debt and housing), physical health and mental health.  They fold into the five
Udviklingsmål factors scored in Copenhagen (copenhagen-outreach-2015 §4.3):

==========================  ===============================
factor                      sub-ratings
==========================  ===============================
professional skills         min(skills, language)
focus on job/education      job_focus
personal/social competence  personal
social conditions           social
health                      min(physical, mental)
==========================  ===============================

The A-G category follows the source's rules exactly (L2779-2791):
G = health or social conditions rated 1; otherwise A = all 4-5; B = at most two 3s,
rest 4-5; C = three to five 3s, none 1-2; D = exactly one rating 1-2; E = two or three
ratings 1-2; F = four or five ratings 1-2.  A-D is a "good" rating, E-G a "poor" one.
"""

from __future__ import annotations

SUB = ("skills", "language", "job_focus", "personal", "social", "physical", "mental")
SKILLS, LANGUAGE, JOB_FOCUS, PERSONAL, SOCIAL, PHYSICAL, MENTAL = range(7)
CATEGORIES = "ABCDEFG"
GOOD = frozenset("ABCD")


def factors(r: list[int]) -> tuple[int, int, int, int, int]:
    """The five Udviklingsmål factor scores from the seven sub-ratings."""
    return (min(r[SKILLS], r[LANGUAGE]), r[JOB_FOCUS], r[PERSONAL], r[SOCIAL], min(r[PHYSICAL], r[MENTAL]))


def category(r: list[int]) -> str:
    """A-G category of a citizen's sub-ratings (copenhagen-outreach-2015 L2779-2791)."""
    return category_of_factors(factors(r))


def category_of_factors(f) -> str:
    """A-G category of the five factor scores."""
    if f[4] == 1 or f[3] == 1:
        return "G"
    low = sum(1 for x in f if x <= 2)
    if low == 0:
        threes = sum(1 for x in f if x == 3)
        if threes == 0:
            return "A"
        return "B" if threes <= 2 else "C"
    if low == 1:
        return "D"
    return "E" if low <= 3 else "F"


def is_good(cat: str) -> bool:
    return cat in GOOD


def draw_factors(cat: str, rnd) -> list[int]:
    """Five factor scores consistent with category ``cat`` (``rnd()`` gives uniforms)."""
    def pick(values, _rnd=rnd):
        return values[int(_rnd() * len(values))]

    order = [0, 1, 2, 3, 4]
    # shuffle positions
    for i in range(4, 0, -1):
        j = int(rnd() * (i + 1))
        order[i], order[j] = order[j], order[i]
    f = [0] * 5
    if cat == "A":
        f = [pick((4, 5)) for _ in range(5)]
    elif cat in "BC":
        n3 = pick((1, 2)) if cat == "B" else pick((3, 4, 5))
        for k, pos in enumerate(order):
            f[pos] = 3 if k < n3 else pick((4, 5))
    elif cat in "DEF":
        nlow = 1 if cat == "D" else (pick((2, 3)) if cat == "E" else pick((4, 5)))
        for k, pos in enumerate(order):
            if k < nlow:
                # health (4) and social (3) may be low but never 1 outside G
                f[pos] = 2 if pos in (3, 4) else pick((1, 2))
            else:
                f[pos] = pick((3, 4, 5))
    else:  # G
        f = [pick((1, 2, 3, 4)) for _ in range(5)]
        if rnd() < 0.7:
            f[4] = 1
        else:
            f[3] = 1
    return f


def draw_ratings(cat: str, immigrant: bool, rnd) -> list[int]:
    """Seven sub-ratings whose A-G category is ``cat``."""
    f = draw_factors(cat, rnd)
    r = [5] * 7
    # professional factor: language is the binding barrier for many with immigrant background
    if immigrant and rnd() < 0.6:
        r[LANGUAGE] = f[0]
        r[SKILLS] = min(5, f[0] + int(rnd() * 3))
    else:
        r[SKILLS] = f[0]
        r[LANGUAGE] = 5 if not immigrant else min(5, f[0] + 1 + int(rnd() * 3))
    r[JOB_FOCUS], r[PERSONAL], r[SOCIAL] = f[1], f[2], f[3]
    if rnd() < 0.5:
        r[PHYSICAL], r[MENTAL] = f[4], min(5, f[4] + int(rnd() * 3))
    else:
        r[MENTAL], r[PHYSICAL] = f[4], min(5, f[4] + int(rnd() * 3))
    return r


def improve(r: list[int], rnd) -> bool:
    """Raise the sub-rating behind the weakest factor by one. Returns True if changed."""
    f = factors(r)
    lo = min(f)
    if lo >= 5:
        return False
    cands = [i for i, x in enumerate(f) if x == lo]
    i = cands[int(rnd() * len(cands))]
    sub = _binding_sub(r, i)
    r[sub] += 1
    return True


def deteriorate(r: list[int], rnd, factor: int | None = None) -> bool:
    """Lower one factor (a random one unless given) by one step. Returns True if changed."""
    i = int(rnd() * 5) if factor is None else factor
    sub = _binding_sub(r, i)
    if r[sub] <= 1:
        return False
    r[sub] -= 1
    return True


def _binding_sub(r: list[int], factor: int) -> int:
    if factor == 0:
        return SKILLS if r[SKILLS] <= r[LANGUAGE] else LANGUAGE
    if factor == 4:
        return PHYSICAL if r[PHYSICAL] <= r[MENTAL] else MENTAL
    return (JOB_FOCUS, PERSONAL, SOCIAL)[factor - 1]
