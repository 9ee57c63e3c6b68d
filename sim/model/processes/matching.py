"""Trin 2: job matching (process 14).

A company consultant's week allows ``consultant_hours_per_week`` after the overhead,
``attempt_minutes`` an attempt.  First the offers the caseworkers ordered this week
(bestilling, at a meeting or with help with job search), in the order ordered: each is an
attempt in the job centre's whole company pool by the citizen's company consultant, taken
from that consultant's week.  An order that finds the consultant's week used up is taken by
the job centre's company service beyond the consultants (or arranged by the caseworker)
with probability ``order_overflow_share``, else it lapses (the citizen keeps a place in the
queue).  An order thus puts a citizen first; it adds consultant time only through the
overflow (the caseworker orders, the consultant delivers: copenhagen-outreach-2015,
programme description; jobgaranti-midway-2019 on the consultants' case loads).  A job
centre without company consultants (ordinary practice) has its company service take every
order; its time is not modelled.  Then each company consultant works round the queue of
citizens in trin 2 in the order they joined it with the attempts left; a citizen the
consultant cannot act on yet (the order arrived less than ``order_delay_weeks`` ago) and
a citizen whose attempt failed go to the back of the queue.

An attempt finds an interested company with ``match_probability`` (× ``match_poor_multiplier``
in E-G, × the square root of the job-chance multiplier, the multiplier capped at
``match_chance_cap`` before the root is taken) and picks one at random from the network; a
full company ends the attempt.  With the consultants' stance's probability
(``hours_orientation_*``, lower when a payment criterion counts internships,
jobgaranti-midway-2019) the consultant insists on ordinary hours: the company agrees with
its willingness, or refuses, grows more willing by ``culture_shift`` and may be dropped
from the network.  Otherwise the company may take an unpaid intern, with or without an
agreement on hours 'på sigt'; citizens on benefit for more than six months may get wage
subsidy instead.  A match starts trin 3.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import MINUTES_PER_HOUR

from ..barriers import is_good
from ..declare import transition
from ..rng import Stream, uniforms
from ..states import Placement, State
from ..tally import Tally
from ..queues import group_by, indices, split_queue
from ..transitions import WAGE_SUBSIDY_MIN_WEEKS, job_chance, start_placement, take_ticket, weeks_on_benefit
from .base import WEEK, Process

MatchingParams = namedtuple("MatchingParams", ["p_match", "poor_multiplier", "chance_cap", "orientation", "housing_hours",
                                       "hours_boost", "culture_shift", "drop_refusing", "promise_factor",
                                       "wage_subsidy_share", "pool", "consultant_minutes", "attempt_minutes", "overflow"])
#: the attempt ordered at a meeting and the consultant's attempt of the same week draw apart
AT_MEETING, BY_CONSULTANT = 0, 1
#: the block of the decision whether the company service takes an order beyond the consultant's week
OVERFLOW = 4
#: a consultant's queue is first sorted this many times as far as the week's attempts (split_queue)
QUEUE_HEAD = 2


def orientation(b, org) -> float:
    """Probability that a consultant insists on ordinary hours in a negotiation."""
    h = {"accept_internships": b.hours_orientation_accept_internships, "balanced": b.hours_orientation_balanced,
         "demand_hours": b.hours_orientation_demand_hours}[org.consultant_stance]
    if org.payment_counts_internships:
        h = max(0.0, h - b.payment_criterion_orientation_drop)
    return h


@transition(reads=("category", "firm_slots", "firm_placed", "firm_housing", "firm_hours_willingness",
                   "firm_internship_willingness", "net_members", "net_start", "net_length"),
            writes=("firm_placed", "firm_refusals", "firm_hours_willingness", "net_members", "net_length"),
            calls=(job_chance, weeks_on_benefit, start_placement), streams=(Stream.MATCH,),
            counts=(Tally.COMPANIES_DROPPED,))
@njit(cache=True)
def attempt(C, i, network, which, par, T, week, keys, tally):  # pragma: no cover - compiled
    """One negotiation for citizen ``i`` in company network ``network``; starts the
    placement found.  Returns True if the citizen was placed."""
    p = par.p_match * (1.0 if is_good(C.category[i]) else par.poor_multiplier)
    p *= np.sqrt(min(par.chance_cap, job_chance(C, i, week, T)))
    a = uniforms(keys[Stream.MATCH], week, i, 2 * which)
    m = C.net_length[network]
    if m == 0 or a[0] >= min(1.0, p):
        return False
    pos = int(a[1] * m)
    c = C.net_members[C.net_start[network] + pos]
    if C.firm_placed[c] >= C.firm_slots[c]:
        return False
    housing = C.firm_housing[c]
    willing = par.housing_hours if housing else C.firm_hours_willingness[c] + par.hours_boost
    if a[2] < par.orientation and not housing:
        if a[3] < willing:
            C.firm_placed[c] += 1
            start_placement(C, i, c, Placement.ORDINARY, True, week, T, keys)
            return True
        C.firm_refusals[c] += 1
        C.firm_hours_willingness[c] = min(1.0, C.firm_hours_willingness[c] + par.culture_shift)
        if par.drop_refusing:                # walk away from the company: the network keeps its order
            start = C.net_start[network]
            for q in range(pos, m - 1):
                C.net_members[start + q] = C.net_members[start + q + 1]
            C.net_length[network] = m - 1
            tally[Tally.COMPANIES_DROPPED] += 1
        return False
    b = uniforms(keys[Stream.MATCH], week, i, 2 * which + 1)     # drawn only when the company is asked for an intern
    if b[0] >= C.firm_internship_willingness[c]:
        return False
    promised = b[1] < willing * par.promise_factor
    if housing:
        kind = Placement.HOUSING
    elif weeks_on_benefit(C, i, week) > WAGE_SUBSIDY_MIN_WEEKS and b[2] < par.wage_subsidy_share:
        kind = Placement.WAGE_SUBSIDY
    else:
        kind = Placement.INTERNSHIP
    C.firm_placed[c] += 1
    start_placement(C, i, c, kind, promised, week, T, keys)
    return True


@transition(reads=("trin2_ready_week", "state"), writes=("queue_ticket",), calls=(attempt, take_ticket),
            counts=(Tally.MATCH_ATTEMPTS, Tally.CONSULTANT_TIME_ATTEMPTS))
@njit(cache=True)
def round_of(C, j, queue, left, par, T, week, keys, tally):  # pragma: no cover - compiled
    """Consultant ``j`` works round ``queue`` (in order) with ``left`` attempts: a citizen
    it can act on is tried; one not yet ready, or not placed, goes to the back of the queue.
    Returns the attempts left."""
    for i in queue:
        if left <= 0:
            break                              # this consultant's week is over
        if week >= C.trin2_ready_week[i]:
            left -= 1
            tally[Tally.MATCH_ATTEMPTS] += 1
            tally[Tally.CONSULTANT_TIME_ATTEMPTS] += par.attempt_minutes
            if attempt(C, i, j, BY_CONSULTANT, par, T, week, keys, tally):
                continue
        if C.state[i] == State.TRIN2:
            C.queue_ticket[i] = take_ticket(C)
    return left


@transition(reads=("state", "order_ticket", "queue_ticket", "consultant", "consultants_attempts_per_week"),
            calls=(attempt, round_of), streams=(Stream.MATCH,),
            counts=(Tally.MATCH_ATTEMPTS_MEETING, Tally.CONSULTANT_TIME, Tally.CONSULTANT_TIME_ATTEMPTS,
                    Tally.ORDERS_LAPSED, Tally.ORDERS_OVERFLOW))
@njit(cache=True)
def matching(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    n = C.state.shape[0]
    n_consultants = C.consultants_attempts_per_week.shape[0]
    left = C.consultants_attempts_per_week.copy()          # each consultant's attempts this week
    # the offers ordered this week, in the order ordered, in the whole pool, each from the
    # citizen's consultant's week; beyond it, taken by the company service with the overflow
    # share, else lapsed (without consultants the company service takes every order)
    mask = np.empty(n, dtype=np.bool_)
    for i in range(n):
        mask[i] = C.order_ticket[i] >= 0 and C.state[i] == State.TRIN2
    ordered = indices(mask)
    for i in ordered[np.argsort(C.order_ticket[ordered])]:
        if n_consultants > 0:
            j = C.consultant[i]
            if left[j] > 0:
                left[j] -= 1
                tally[Tally.CONSULTANT_TIME_ATTEMPTS] += par.attempt_minutes
            elif uniforms(keys[Stream.MATCH], week, i, OVERFLOW)[0] < par.overflow:
                tally[Tally.ORDERS_OVERFLOW] += 1          # the company service beyond the consultants takes it
            else:
                tally[Tally.ORDERS_LAPSED] += 1
                continue
        tally[Tally.MATCH_ATTEMPTS_MEETING] += 1
        attempt(C, i, par.pool, AT_MEETING, par, T, week, keys, tally)
    # each consultant's round of its queue with the attempts left, consultant by consultant
    if n_consultants == 0:
        return
    tally[Tally.CONSULTANT_TIME] += n_consultants * par.consultant_minutes
    for i in range(n):
        mask[i] = C.state[i] == State.TRIN2 and C.queue_ticket[i] >= 0
    queued = indices(mask)
    queued, bounds = group_by(C.consultant[queued], n_consultants, queued)
    for j in range(n_consultants):
        mine = queued[bounds[j]: bounds[j + 1]]
        left_j = left[j]
        if left_j <= 0:
            continue
        tickets = C.queue_ticket[mine]
        head, rest = split_queue(tickets, QUEUE_HEAD * left_j)
        left_j = round_of(C, j, mine[head], left_j, par, T, week, keys, tally)
        if left_j > 0 and rest.shape[0] > 0:
            round_of(C, j, mine[rest[np.argsort(tickets[rest])]], left_j, par, T, week, keys, tally)


class Matching(Process):
    name = "trin 2: job matching"
    calls = (matching,)

    def __init__(self, m):
        super().__init__(m)
        b, org = m.b, m.org
        self.par = MatchingParams(p_match=float(b.match_probability), poor_multiplier=float(b.match_poor_multiplier),
                          chance_cap=float(b.match_chance_cap), orientation=float(orientation(b, org)),
                          housing_hours=float(org.housing.hours_willingness),
                          hours_boost=float(b.job_ready_willingness_boost if org.include_job_ready else 0.0),
                          culture_shift=float(b.culture_shift), drop_refusing=bool(org.drop_refusing_companies),
                          promise_factor=float(1.0 if org.trin_model else b.promise_without_trin_model),
                          wage_subsidy_share=float(b.wage_subsidy_share), pool=int(m.networks.pool),
                          consultant_minutes=float(org.consultant_hours_per_week * MINUTES_PER_HOUR * (1.0 - b.overhead_share)),
                          attempt_minutes=float(b.attempt_minutes), overflow=float(b.order_overflow_share))

    def plan(self, m):
        return ((matching, (self.par, m.T, WEEK, m.keys, m.tally)),)
