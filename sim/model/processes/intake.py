"""Intake (process 7): new referrals (visitation) arrive as a Poisson number a week
(``inflow_per_week``) and join the waiting list.

The citizens of the group at week 0 and every later referral are drawn by the same rule
(:func:`refer`, docs/ODD.md §3.1): A-G category from ``ag_distribution`` (job-ready
residents are A or B, even odds); ratings consistent with the category
(:func:`sim.model.barriers.draw_row`) and a first Udviklingsmål form read from them
(``category_start``); gender, immigrant background, work experience and benefit type by the
population's shares; age uniform; housing area at random among the outreach offices (in
proportion to their ``residents`` where ``organisation.offices`` lists them);
motivation and trust uniform within ``initial_attitude_spread`` of the means.  The stock at
week 0 has a seniority on benefit (exponential with the scenario's mean) and is part-way
through clarification (progress uniform on ``[0, initial_progress_max]``).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from ..barriers import RATING_UNIFORMS, CATEGORIES, draw_row
from ..declare import transition
from ..population import BENEFITS
from ..rng import Stream, blocks_of, round_keys
from ..states import Category, Occasion
from ..transitions import UNDER_30, fill_form, ratings_changed, take_ticket
from .base import Process

IntakeParams = namedtuple("IntakeParams", [
    "category_cdf", "benefit_cdf", "job_ready_share", "immigrant_share", "female_share", "no_work_share",
    "age_min", "age_max", "seniority_mean", "motivation_mean", "trust_mean", "spread", "progress_max",
    "language_share", "g_health_share", "n_offices", "area_cdf"])
#: job-ready residents are rated A or B, at even odds (assumed: match 1 means no barrier of note)
JOB_READY_A_SHARE = 0.5
#: the first blocks of the population stream hold the citizen's own draws, the next ones the ratings'
OWN_BLOCKS = 4


@njit(cache=True)
def _first_below(cdf, u):  # pragma: no cover - compiled
    """The first index whose cumulative share exceeds ``u`` (a categorical draw)."""
    for k in range(cdf.shape[0]):
        if u < cdf[k]:
            return k
    return cdf.shape[0] - 1


@transition(writes=("benefit", "age", "seniority_weeks", "ratings", "motivation", "trust", "no_work_experience",
                    "immigrant", "female", "job_ready", "heavy", "plan_progress", "job_wish", "initial", "first_week",
                    "exits_from", "area", "category_start", "waiting_ticket"),
            reads=("rated",), calls=(ratings_changed, fill_form, take_ticket), streams=(Stream.POPULATION,))
@njit(cache=True)
def refer(C, first, count, week, initial, par, T, keys):  # pragma: no cover - compiled
    """Draw the citizens ``first .. first + count - 1`` (new rows of the table), referred in
    ``week``; they join the waiting list in that order."""
    k0s, k1s = round_keys(keys[Stream.POPULATION])
    blocks = np.empty((OWN_BLOCKS + RATING_UNIFORMS // 4, 4))
    u = blocks[:OWN_BLOCKS].reshape(-1)          # the citizen's own draws
    ur = blocks[OWN_BLOCKS:].reshape(-1)         # the ratings' draws
    for i in range(first, first + count):
        blocks_of(k0s, k1s, week, i, blocks)
        job_ready = u[1] < par.job_ready_share
        if job_ready:
            cat = Category.A if u[2] < JOB_READY_A_SHARE else Category.B
        else:
            cat = _first_below(par.category_cdf, u[0])
        immigrant = u[3] < par.immigrant_share
        female = u[4] < par.female_share
        C.benefit[i] = _first_below(par.benefit_cdf, u[5])
        C.age[i] = par.age_min + int(u[6] * (par.age_max - par.age_min + 1))
        if initial and par.seniority_mean > 0:
            C.seniority_weeks[i] = int(np.floor(-np.log(1.0 - u[7]) * par.seniority_mean))
        else:
            C.seniority_weeks[i] = 0
        draw_row(cat, immigrant, ur, par.language_share, par.g_health_share, C.ratings[i])
        C.motivation[i] = min(1.0, max(0.0, par.motivation_mean + (2.0 * u[8] - 1.0) * par.spread))
        C.trust[i] = min(1.0, max(0.0, par.trust_mean + (2.0 * u[9] - 1.0) * par.spread))
        no_work = u[10] < par.no_work_share
        C.no_work_experience[i] = no_work
        C.immigrant[i], C.female[i], C.job_ready[i] = immigrant, female, job_ready
        C.heavy[i] = C.age[i] < UNDER_30 or (immigrant and female and no_work)
        if initial:
            C.plan_progress[i] = u[11] * par.progress_max
            C.job_wish[i] = C.plan_progress[i] >= 1.0
        else:
            C.plan_progress[i] = 0.0
            C.job_wish[i] = False
        C.initial[i] = initial
        C.first_week[i] = week
        C.exits_from[i] = week + 1
        if par.n_offices == 0:
            C.area[i] = -1
        elif par.area_cdf.shape[0] == 0:         # every area alike
            C.area[i] = int(u[12] * par.n_offices)
        else:
            C.area[i] = _first_below(par.area_cdf, u[12])
        ratings_changed(C, i)
        fill_form(C, i, week, Occasion.INTAKE, T, keys)
        C.category_start[i] = C.rated[i]
        C.waiting_ticket[i] = take_ticket(C)


def area_cdf(org, n_offices: int) -> np.ndarray:
    """The cumulative shares of the residents by office area (``organisation.offices``); empty
    when every area is alike."""
    if not n_offices or not org.separate_offices:
        return np.zeros(0)
    residents = np.array([o.residents for o in org.offices], dtype=float)
    return np.cumsum(residents / residents.sum())


class Intake(Process):
    name = "intake"
    calls = (refer,)

    def __init__(self, m):
        super().__init__(m)
        pop, b = m.scenario.population, m.b
        ag = np.array([pop.ag_distribution[c] for c in CATEGORIES], dtype=float)
        shares = np.array([pop.benefit_shares.get(name, 0.0) for name in BENEFITS], dtype=float)
        self.par = IntakeParams(
            category_cdf=np.cumsum(ag / ag.sum()), benefit_cdf=np.cumsum(shares / shares.sum()),
            job_ready_share=float(pop.job_ready_share), immigrant_share=float(pop.immigrant_share),
            female_share=float(pop.female_share), no_work_share=float(pop.no_work_experience_share),
            age_min=int(pop.age_min), age_max=int(pop.age_max), seniority_mean=float(pop.seniority_weeks_mean or 0.0),
            motivation_mean=float(pop.motivation_mean), trust_mean=float(pop.trust_mean),
            spread=float(b.initial_attitude_spread), progress_max=float(b.initial_progress_max),
            language_share=float(b.language_barrier_share), g_health_share=float(b.g_health_share),
            n_offices=int(m.n_offices), area_cdf=area_cdf(m.org, m.n_offices))

    def add(self, m, k: int, initial: bool) -> np.ndarray:
        """Draw ``k`` new citizens; they join the waiting list."""
        ids = m.pop.add(k)
        self.run(m, refer, int(ids[0]), int(k), m.week, bool(initial), self.par, m.T, m.keys)
        return ids

    def step(self, m, week: int) -> None:
        rate = m.scenario.population.inflow_per_week
        if rate > 0:
            k = int(m.streams["intake"].poisson(rate))
            if k:
                self.add(m, k, initial=False)
