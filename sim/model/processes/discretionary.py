"""Discretionary time (process 11): what a caseworker does with the time the mandatory work
leaves.

After the overhead, the open-advice desk, the case administration and the mandatory
meetings (process 9) a caseworker gives a share ``discretionary_time_use`` of what is left
to the citizens; the rest goes to other tasks (ordinary practice treats the legal minimum as
the maximum, activation-practice-2012, chapter 2).  The time is spent on the caseworker's
own cases in this order, the most pressing first, then the citizens nearest a job (the
order is assumed):

1. *follow-up of this week's no-shows*: a call (``followup_minutes``), after which the missed
   meeting is booked for next week instead of after ``rebook_weeks``;
2. *follow-up of placements and småjobs*: a call (``followup_minutes``) to a citizen in a
   company placement not called in the last ``followup_interval_weeks``, which counts as
   retention support until the next call is due (process 4: the breakdown hazard falls by
   ``retention_support_effect``);
3. *help with job search*: a session (``extra_contact_minutes``) with a citizen in trin 2
   whose order a consultant can act on, not helped in the last ``contact_interval_weeks``,
   which orders a company-directed offer (one match attempt in the job centre's pool by the
   citizen's company consultant, or beyond the consultant's week by the company service with
   ``order_overflow_share``, process 14);
4. *contact beyond the mandatory meetings* with a citizen in trin 1-2 not seen in the last
   ``contact_interval_weeks`` (the caseworkers' ideal of a conversation every 14 days or
   every third week, activation-practice-2012, chapter 2), the longest unseen first and,
   among those seen in the same week, the ones the caseworker believes in most: a call or a
   short meeting (``extra_contact_minutes``) with the effects of a conversation scaled by
   its length (:func:`sim.model.transitions.talk`: trust, the weakest rating, trin-1
   progress); it fills in no form and orders nothing (help with job search orders offers).

Each use acts through a mechanism the model has anyway (meetings, retention support,
offers, what a meeting does); none reaches an outcome directly.  The time for citizens
that no use needs (nobody is due, or less is left than one call) is idle; in a week in
which a mandatory meeting was postponed less than that meeting's length can be idle,
since the meetings come first (process 9).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from ..declare import transition
from ..queues import group_by, indices
from ..states import Placement, State
from ..tally import Tally
from ..rng import Stream, uniforms
from ..transitions import book_meeting, take_ticket, talk
from .base import WEEK, Process

DiscretionaryParams = namedtuple("DiscretionaryParams", ["use", "followup", "contact", "quality", "followup_weeks",
                                                         "contact_weeks"])
#: a discretionary contact is a call or a meeting at the job centre: the trust gain of a central meeting
BY_PHONE = False
#: among citizens last seen in the same week, the caseworker's belief orders them (a weight below a week)
BELIEF_WEIGHT = 0.5


#: the uses in their order of priority (the rows of the week's lists of citizens due)
NOSHOW, PLACEMENT, JOB_SEARCH, CONTACT = 0, 1, 2, 3
USES = 4


@transition(reads=("caseworker", "noshow_now", "placement", "followed_until", "state", "trin2_ready_week",
                   "helped_until", "order_ticket", "last_contact"))
@njit(cache=True)
def due_for(C, week, par):  # pragma: no cover - compiled
    """Which uses each citizen with a caseworker is due for this week, one bit per use, in
    one pass over the citizens (no use changes who is due for another, and a caseworker acts
    only on its own cases, so this can be worked out before any caseworker acts)."""
    wants = np.zeros(C.state.shape[0], dtype=np.uint8)
    for i in range(C.state.shape[0]):
        if C.caseworker[i] < 0:
            continue
        s = C.state[i]
        w = 0
        if C.noshow_now[i]:
            w |= 1 << NOSHOW
        if C.placement[i] != Placement.NONE and C.followed_until[i] <= week:
            w |= 1 << PLACEMENT
        if (s == State.TRIN2 and week >= C.trin2_ready_week[i] and C.helped_until[i] <= week
                and C.order_ticket[i] < 0):
            w |= 1 << JOB_SEARCH
        if (s == State.TRIN1 or s == State.TRIN2) and C.last_contact[i] + par.contact_weeks <= week:
            w |= 1 << CONTACT
        wants[i] = w
    return wants


@transition(reads=("cw_active", "cw_week_left", "caseworker", "last_contact", "belief"),
            writes=("followed_until", "helped_until", "order_ticket"),
            calls=(due_for, book_meeting, talk, take_ticket), streams=(Stream.CONTACT,),
            counts=(Tally.TIME_NOSHOW_FOLLOWUP, Tally.TIME_PLACEMENT_FOLLOWUP, Tally.TIME_JOB_SEARCH,
                    Tally.TIME_EXTRA_CONTACT, Tally.TIME_OTHER, Tally.TIME_IDLE, Tally.CONTACT_MINUTES,
                    Tally.NOSHOW_FOLLOWUPS, Tally.PLACEMENT_FOLLOWUPS, Tally.JOB_SEARCH_HELP, Tally.EXTRA_CONTACTS))
@njit(cache=True)
def discretionary(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    n_cw = C.cw_active.shape[0]
    wants = due_for(C, week, par)
    cases = indices(wants)                          # the citizens due for any use, by caseworker
    cases, bounds = group_by(C.caseworker[cases], n_cw, cases)
    widest = 0
    for j in range(n_cw):
        widest = max(widest, bounds[j + 1] - bounds[j])
    due = np.empty((USES, widest), dtype=np.int64)     # each use's citizens due, in case order
    n_due = np.zeros(USES, dtype=np.int64)
    cheapest = min(par.followup, par.contact)
    for j in range(n_cw):
        if not C.cw_active[j]:
            continue
        left = max(0.0, C.cw_week_left[j])
        budget = par.use * left
        if budget >= cheapest:
            # each use's list of this caseworker's citizens due, in case order
            n_due[:] = 0
            for i in cases[bounds[j]: bounds[j + 1]]:
                for use in range(USES):
                    if wants[i] & (1 << use):
                        due[use, n_due[use]] = i
                        n_due[use] += 1
            for i in due[NOSHOW, :n_due[NOSHOW]]:          # 1. no-shows
                if budget < par.followup:
                    break
                budget -= par.followup
                book_meeting(C, i, 1, week)
                tally[Tally.NOSHOW_FOLLOWUPS] += 1
                tally[Tally.TIME_NOSHOW_FOLLOWUP] += par.followup
            for i in due[PLACEMENT, :n_due[PLACEMENT]]:    # 2. placements and småjobs
                if budget < par.followup:
                    break
                budget -= par.followup
                C.followed_until[i] = week + par.followup_weeks
                tally[Tally.PLACEMENT_FOLLOWUPS] += 1
                tally[Tally.TIME_PLACEMENT_FOLLOWUP] += par.followup
            for i in due[JOB_SEARCH, :n_due[JOB_SEARCH]]:  # 3. help with job search
                if budget < par.contact:
                    break
                budget -= par.contact
                C.helped_until[i] = week + par.contact_weeks
                C.order_ticket[i] = take_ticket(C)
                tally[Tally.JOB_SEARCH_HELP] += 1
                tally[Tally.TIME_JOB_SEARCH] += par.contact
            if budget >= par.contact:                      # 4. contact beyond the mandatory meetings
                cand = due[CONTACT, :n_due[CONTACT]]
                order = np.argsort(C.last_contact[cand] - BELIEF_WEIGHT * C.belief[cand])
                for i in cand[order]:
                    if budget < par.contact:
                        break
                    budget -= par.contact
                    u = uniforms(keys[Stream.CONTACT], week, i, 0)
                    talk(C, i, BY_PHONE, par.quality, u[0], u[1], week, T, keys)
                    tally[Tally.EXTRA_CONTACTS] += 1
                    tally[Tally.TIME_EXTRA_CONTACT] += par.contact
        tally[Tally.CONTACT_MINUTES] += par.use * left - budget
        tally[Tally.TIME_OTHER] += (1.0 - par.use) * left
        tally[Tally.TIME_IDLE] += budget


class DiscretionaryTime(Process):
    name = "discretionary time"
    calls = (discretionary,)

    def __init__(self, m):
        super().__init__(m)
        b, org = m.b, m.org
        self.par = DiscretionaryParams(use=float(b.discretionary_time_use), followup=float(b.followup_minutes),
                                       contact=float(b.extra_contact_minutes),
                                       quality=float(np.sqrt(min(1.0, b.extra_contact_minutes / org.meeting_minutes))),
                                       followup_weeks=int(b.followup_interval_weeks),
                                       contact_weeks=int(b.contact_interval_weeks))

    def plan(self, m):
        return ((discretionary, (self.par, m.T, WEEK, m.keys, m.tally)),)
