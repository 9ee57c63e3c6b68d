"""Exits and returns (process 2): the weekly chances of leaving benefit, and of coming back.

Every week each citizen on benefit (waiting or in trin 1-3) may

* leave for good (another benefit, sickness exemption, pension, moving away) with
  ``exit_other_annual`` (× ``exit_other_g_multiplier`` in category G);
* leave directly for a job or education with ``job_exit_annual_good``/``_poor`` by A-D
  versus E-G (``job_exit_annual_job_ready`` for job-ready residents), times the
  education term and the job-chance multiplier (:func:`sim.model.pathway.job_chance`); a
  share ``education_share`` of these exits are to education, more for recipients of
  uddannelseshjælp (``education_multiplier_young``);
* have a spell off benefit without registered income (the register's 'restgruppe') with
  ``restgroup_annual``.

Citizens off benefit return: after a restgroup spell of mean ``restgroup_mean_weeks``,
or, after a job or education, with ``relapse_annual``.  Returns are decided first, so a
citizen who leaves this week comes back at the earliest next week, and the chances of
leaving apply from the week after intake or return.  The hazards are read
from the citizen's state every week, so a change (category, caseworker, motivation) acts
from the next week on.
"""

from __future__ import annotations

import numpy as np

from sim.spec.parameters import annual_to_weekly

from .. import barriers, pathway
from ..population import BENEFITS, UDDANNELSESHJAELP
from ..states import OFF, ST
from .base import Process


class Exits(Process):
    name = "exits and returns"

    def __init__(self, m):
        b = m.b
        other = annual_to_weekly(min(0.99, b.exit_other_annual))
        other_g = annual_to_weekly(min(0.99, b.exit_other_annual * b.exit_other_g_multiplier))
        self.p_other = np.array([other] * 6 + [other_g])                  # by A-G code
        self.p_job = np.array([annual_to_weekly(b.job_exit_annual_good), annual_to_weekly(b.job_exit_annual_poor),
                               annual_to_weekly(b.job_exit_annual_job_ready)])   # A-D, E-G, job-ready
        # the education term by benefit type: the share of direct exits that are to education
        edu = np.array([b.education_share * (b.education_multiplier_young if i == UDDANNELSESHJAELP else 1.0)
                        for i in range(len(BENEFITS))])
        self.scale = (1.0 - b.education_share) + edu
        self.p_education = edu / self.scale
        self.p_rest = annual_to_weekly(b.restgroup_annual)
        self.p_return = np.array([0.0, annual_to_weekly(b.relapse_annual), annual_to_weekly(b.relapse_annual),
                                  1.0 / b.restgroup_mean_weeks])          # by OffKind: job, education, rest

    def step(self, m, week: int) -> None:
        P = m.pop
        u = m.streams.per_citizen_columns("exits", len(P), 4)      # return, other exit, job or education, rest
        state = P.state
        off = np.flatnonzero(state == ST.SELF_SUFFICIENT)
        pathway.return_to_benefit(m, off[u[off, 0] < self.p_return[P.off_kind[off]]])

        on = np.flatnonzero((state <= ST.TRIN3) & (P.exits_from <= week))
        leave = u[on, 1] < self.p_other[P.category[on]]
        pathway.exit_for_good(m, on[leave])
        on = on[~leave]

        klass = np.where(P.job_ready[on], 2, P.category[on] > barriers.D)
        ben = P.benefit[on]
        hit = u[on, 2] < np.minimum(1.0, self.p_job[klass] * self.scale[ben] * pathway.job_chance(m, on))
        leavers = on[hit]
        route = np.where(m.draw("job_exit_kind", leavers) < self.p_education[ben[hit]], OFF.EDUCATION, OFF.JOB)
        on = on[~hit]
        rest = on[u[on, 3] < self.p_rest]
        pathway.go_off_benefit(m, np.concatenate([leavers, rest]),
                               np.concatenate([route, np.full(len(rest), OFF.REST)]))
