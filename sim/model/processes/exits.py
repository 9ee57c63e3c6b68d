"""Exits and returns (process 2): the weekly chances of leaving benefit, and of coming back.

Every week each citizen on benefit (waiting or in trin 1-3, also during a placement) may

* leave for good (another benefit, sickness exemption, pension, moving away) with
  ``exit_other_annual``, its hazard × ``exit_other_g_multiplier`` in category G;
* leave directly for a job or education with ``job_exit_annual_good``/``_poor`` by A-D
  versus E-G (``job_exit_annual_job_ready`` for job-ready residents), times the
  education term and the job-chance multiplier (:func:`sim.model.transitions.job_chance`);
  a share ``education_share`` of these exits are to education, more for recipients of
  uddannelseshjælp (``education_multiplier_young``);
* have a spell off benefit without registered income (the register's 'restgruppe') with
  ``restgroup_annual``.

Citizens off benefit return: after a restgroup spell of mean ``restgroup_mean_weeks``,
or, after a job or education, with ``relapse_annual``.  Returns are decided first, so a
citizen who leaves this week comes back at the earliest next week, and the chances of
leaving apply from the week after intake or return.  The hazards are read from the
citizen's state every week, so a change (category, caseworker, motivation) acts from the
next week on.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import WEEKS_PER_YEAR, annual_to_weekly

from ..declare import transition
from ..population import BENEFITS, UDDANNELSESHJAELP
from ..rng import Stream, rescaled, uniforms
from ..states import LAST_ON_BENEFIT, Category, OffKind, State
from ..transitions import exit_for_good, go_off_benefit, job_chance, return_to_benefit
from .base import WEEK, Process

ExitsParams = namedtuple("ExitsParams", ["p_other", "p_job", "scale", "p_education", "p_rest", "p_return"])
#: index of the direct-exit probabilities: A-D, E-G, job-ready
GOOD, POOR, JOB_READY = 0, 1, 2


def weekly_hazard(p_year: float, multiplier: float) -> float:
    """The weekly probability of an annual probability ``p_year`` whose hazard is scaled by
    ``multiplier``."""
    return 1.0 - (1.0 - p_year) ** (multiplier / WEEKS_PER_YEAR)


@transition(reads=("state", "off_kind", "exits_from", "category", "job_ready", "benefit", "chance"),
            calls=(return_to_benefit, exit_for_good, go_off_benefit, job_chance), streams=(Stream.EXIT_ROUTE,))
@njit(cache=True)
def exits(C, par, T, week, keys):  # pragma: no cover - compiled
    """The weekly chance (word 0 of the citizen's chances) decides, in turn, a return to
    benefit, or another exit, a direct exit to a job or education, a restgruppe spell: each
    next chance is the same number rescaled past the previous one (sim.model.rng.rescaled)."""
    for i in range(C.state.shape[0]):
        s = C.state[i]
        u = C.chance[i, 0]
        if s == State.SELF_SUFFICIENT:
            if u < par.p_return[C.off_kind[i]]:
                return_to_benefit(C, i, week, T, keys)
            continue
        if s > LAST_ON_BENEFIT or C.exits_from[i] > week:
            continue
        cat = C.category[i]
        p = par.p_other[cat]
        if u < p:
            exit_for_good(C, i, week, T, keys)
            continue
        u = rescaled(u, p)
        ben = C.benefit[i]
        klass = JOB_READY if C.job_ready[i] else (POOR if cat > Category.D else GOOD)
        p = min(1.0, par.p_job[klass] * par.scale[ben] * job_chance(C, i, week, T))
        if u < p:
            edu = uniforms(keys[Stream.EXIT_ROUTE], week, i, 0)[0] < par.p_education[ben]
            go_off_benefit(C, i, OffKind.EDUCATION if edu else OffKind.JOB, False, week, T, keys)
        elif rescaled(u, p) < par.p_rest:
            go_off_benefit(C, i, OffKind.REST, False, week, T, keys)


class Exits(Process):
    name = "exits and returns"
    calls = (exits,)

    def __init__(self, m):
        super().__init__(m)
        b = m.b
        other = weekly_hazard(b.exit_other_annual, 1.0)
        other_g = weekly_hazard(b.exit_other_annual, b.exit_other_g_multiplier)
        # the education term by benefit type: the share of direct exits that are to education
        edu = np.array([b.education_share * (b.education_multiplier_young if k == UDDANNELSESHJAELP else 1.0)
                        for k in range(len(BENEFITS))])
        scale = (1.0 - b.education_share) + edu
        p_return = np.zeros(len(OffKind))
        p_return[OffKind.JOB] = p_return[OffKind.EDUCATION] = annual_to_weekly(b.relapse_annual)
        p_return[OffKind.REST] = 1.0 / b.restgroup_mean_weeks
        self.par = ExitsParams(
            p_other=np.array([other_g if c == Category.G else other for c in Category]),
            p_job=np.array([annual_to_weekly(b.job_exit_annual_good), annual_to_weekly(b.job_exit_annual_poor),
                            annual_to_weekly(b.job_exit_annual_job_ready)]),
            scale=scale, p_education=edu / scale, p_rest=float(annual_to_weekly(b.restgroup_annual)), p_return=p_return)

    def plan(self, m):
        return ((exits, (self.par, m.T, WEEK, m.keys)),)
