"""Trin 2: job matching (process 13).

Each company consultant works round the queue of citizens in trin 2 in the order they
joined it, up to ``consultant_attempts_per_week`` attempts a week; a citizen the
consultant cannot act on yet (the order arrived less than ``order_delay_weeks`` ago) and
a citizen whose attempt failed go to the back of the queue.  An attempt finds an interested
company with ``match_probability`` (× ``match_poor_multiplier`` in E-G, × the square root of
the job-chance multiplier, at most ``match_chance_cap``); what follows is the negotiation
in :func:`sim.model.kernels.match_attempts`: an agreement on ordinary hours if the consultant
insists and the company agrees (a job or a småjob, :func:`sim.model.pathway.start_ordinary_hours`),
else perhaps an unpaid internship (wage subsidy for long-term
recipients), with or without an agreement on hours 'på sigt'.  The consultants' stance
sets how often they insist (``hours_orientation_*``, lower when a payment criterion counts
internships, jobgaranti-midway-2019).
"""

from __future__ import annotations

import numpy as np

from .. import barriers, kernels, pathway
from ..states import ST
from ..tally import Tally
from .base import Process


def orientation(m) -> float:
    """Probability that a consultant insists on ordinary hours in a negotiation."""
    b, org = m.b, m.org
    h = {"accept_internships": b.hours_orientation_accept_internships, "balanced": b.hours_orientation_balanced,
         "demand_hours": b.hours_orientation_demand_hours}[org.consultant_stance]
    if org.payment_counts_internships:
        h = max(0.0, h - b.payment_criterion_orientation_drop)
    return h


def attempt_matches(m, ids: np.ndarray, network: np.ndarray, orient: np.ndarray) -> np.ndarray:
    """Negotiate for each citizen in order; start the placements found.  Returns a mask of
    the citizens placed."""
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    P, b, org, F, N = m.pop, m.b, m.org, m.firms, m.networks
    p = b.match_probability * np.where(barriers.is_good(P.category[ids]), 1.0, b.match_poor_multiplier)
    p = p * np.sqrt(np.minimum(b.match_chance_cap, pathway.job_chance(m, ids)))
    u = m.streams["match"].random((len(ids), 7))
    long_term = P.seniority_weeks[ids] + (m.week - P.first_week[ids]) > 26
    kind, company, promised, dropped = kernels.match_attempts(
        p, u, network.astype(np.int64), orient.astype(float), long_term, N.members_flat, N.start, N.length,
        F.slots, F.placed, F.hours_willingness, F.internship_willingness, F.refusals, F.housing,
        float(org.housing.hours_willingness), b.job_ready_willingness_boost if org.include_job_ready else 0.0,
        float(b.culture_shift), bool(org.drop_refusing_companies),
        1.0 if org.trin_model else b.promise_without_trin_model, float(b.wage_subsidy_share))
    m.tally[Tally.COMPANIES_DROPPED] += dropped
    found = kind > 0
    pathway.start_placement(m, ids[found], company[found], kind[found], promised[found])
    return found


class Matching(Process):
    name = "trin 2: job matching"
    counts = (Tally.MATCH_ATTEMPTS_MEETING, Tally.MATCH_ATTEMPTS, Tally.COMPANIES_DROPPED)

    def step(self, m, week: int) -> None:
        orders = self.orders(m)
        if len(orders):
            attempt_matches(m, orders, np.full(len(orders), m.networks.pool), np.full(len(orders), m.orientation))
        if not m.n_consultants:
            return
        tried, reached = self.consultants(m, week)
        attempt_matches(m, tried, m.pop.consultant[tried], np.full(len(tried), m.orientation))
        back = reached[m.pop.state[reached] == ST.TRIN2]     # not ready, or no match: to the back of the queue
        m.pop.queue_ticket[back] = m.next_ticket(len(back))

    @staticmethod
    def orders(m) -> np.ndarray:
        """Offers the caseworkers ordered at this week's meetings (bestilling): one attempt
        each, in the job centre's whole company pool, before the consultants' own round."""
        if not m.orders:
            return np.zeros(0, dtype=np.int64)
        ids = np.concatenate(m.orders)
        m.orders = []
        ids = ids[np.sort(np.unique(ids, return_index=True)[1])]
        ids = ids[m.pop.state[ids] == ST.TRIN2]
        m.tally[Tally.MATCH_ATTEMPTS_MEETING] += len(ids)
        return ids

    @staticmethod
    def consultants(m, week: int):
        """Each consultant's round (:func:`sim.model.kernels.consultant_rounds`): the citizens
        tried, and every citizen the consultant reached."""
        P = m.pop
        tried, reached = kernels.consultant_rounds(P.state, P.queue_ticket, P.consultant, P.trin2_ready_week,
                                                   m.consultant_table.attempts_per_week.astype(np.int64), week)
        m.tally[Tally.MATCH_ATTEMPTS] += len(tried)
        return tried, reached
