"""Mentors and group courses (process 13).

Free mentor places go to enrolled citizens in trin 1-2 rated E-G or in the heavy group, in
the order they became eligible (each mentor takes up to ``mentor_caseload``, the first
mentor with room first).  Each mentee on benefit is meant to get
``mentor_sessions_per_week`` sessions (a fraction is a chance of one more), as far as the
mentor's week covers them: the hours (``mentor_hours_per_week``) after the overhead and
this week's group session (``group_session_minutes``) buy ``mentor_session_minutes`` each;
a session adds job-plan progress and may improve the weakest rating.  With ``group_courses``, up to ``group_size`` of a mentor's
mentees in trin 1, drawn at random each week, form this week's group and attend with
``group_attendance`` (peer-to-peer courses, jobgaranti-midway-2019).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import MINUTES_PER_HOUR

from ..barriers import is_good
from ..declare import transition
from ..rng import Stream, uniforms
from ..states import LAST_ON_BENEFIT, State
from ..tally import Tally
from ..queues import indices, split_queue
from ..transitions import add_progress, improve, take_ticket
from .base import WEEK, Process

#: a long mentor queue is first sorted this many times as far as the free places (split_queue)
QUEUE_HEAD = 4

MentoringParams = namedtuple("MentoringParams", ["meant", "progress_session", "improve_session", "groups", "group_size",
                                                 "attendance", "progress_group", "improve_group", "mentor_minutes",
                                                 "session_minutes", "group_minutes"])


@transition(reads=("mentors_capacity", "mentors_mentees"), writes=("mentor_queue", "mentor", "mentors_mentees"),
            counts=(Tally.MENTOR_ASSIGNMENTS,))
@njit(cache=True)
def take_places(C, ids, eligible, places, tally):  # pragma: no cover - compiled
    """Work the queue ``ids`` (in order) while places are free: an eligible citizen takes the
    first mentor with room, an ineligible one loses the place in the queue.  Returns the
    places left."""
    mentor = 0
    for i in ids:
        if places == 0:
            break
        C.mentor_queue[i] = -1
        if not eligible[i]:
            continue
        while C.mentors_mentees[mentor] >= C.mentors_capacity[mentor]:
            mentor += 1
        C.mentor[i] = mentor
        C.mentors_mentees[mentor] += 1
        places -= 1
        tally[Tally.MENTOR_ASSIGNMENTS] += 1
    return places


@transition(reads=("state", "rated", "heavy", "mentor", "mentor_queue", "mentors_capacity", "mentors_mentees"),
            writes=("mentor_queue",), calls=(take_ticket, take_places))
@njit(cache=True)
def assign_mentors(C, tally):  # pragma: no cover - compiled
    """Free places go to eligible citizens in the order they were first seen eligible (a
    queue: a citizen found no longer eligible when a place is free loses the place in it)."""
    n = C.state.shape[0]
    eligible = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        s = C.state[i]
        eligible[i] = (s == State.TRIN1 or s == State.TRIN2) and (not is_good(C.rated[i]) or C.heavy[i]) and C.mentor[i] < 0
        if eligible[i] and C.mentor_queue[i] < 0:
            C.mentor_queue[i] = take_ticket(C)
    places = 0
    for k in range(C.mentors_capacity.shape[0]):
        places += max(0, C.mentors_capacity[k] - C.mentors_mentees[k])
    if places == 0:
        return
    queued = indices(C.mentor_queue >= 0)
    tickets = C.mentor_queue[queued]
    head, rest = split_queue(tickets, QUEUE_HEAD * places)
    places = take_places(C, queued[head], eligible, places, tally)
    if places > 0 and rest.shape[0] > 0:
        rest = rest[np.argsort(tickets[rest])]
        take_places(C, queued[rest], eligible, places, tally)


@transition(reads=("mentor", "state", "in_group", "mentors_mentees"), writes=("in_group",), calls=(add_progress, improve),
            streams=(Stream.MENTOR, Stream.GROUP),
            counts=(Tally.MENTOR_SESSIONS, Tally.GROUP_SESSIONS, Tally.MENTOR_TIME, Tally.MENTOR_TIME_USED))
@njit(cache=True)
def sessions(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    """Each mentee's sessions this week, as many as the mentor's hours cover, then this
    week's groups."""
    n_mentors = C.mentors_mentees.shape[0]
    mentees = indices(C.mentor >= 0)
    grouping = par.groups and np.any(C.state[mentees] == State.TRIN1.value)
    cover = np.ones(n_mentors)
    for k in range(n_mentors):
        tally[Tally.MENTOR_TIME] += par.mentor_minutes
        free = par.mentor_minutes - (par.group_minutes if grouping else 0.0)
        needed = C.mentors_mentees[k] * par.meant * par.session_minutes
        if needed > free:
            cover[k] = max(0.0, free) / needed
    for i in mentees:
        if C.state[i] > LAST_ON_BENEFIT:
            continue
        meant = par.meant * cover[C.mentor[i]]
        n = int(meant) + (1 if uniforms(keys[Stream.MENTOR], week, i, 0)[0] < meant % 1 else 0)
        tally[Tally.MENTOR_TIME_USED] += n * par.session_minutes
        for s in range(n):
            u = uniforms(keys[Stream.MENTOR], week, i, s)
            tally[Tally.MENTOR_SESSIONS] += 1
            add_progress(C, i, par.progress_session, week, T, keys)
            if u[1] < par.improve_session:
                improve(C, i, u[2])
    if not par.groups:
        return
    # this week's group: up to group_size of each mentor's mentees still in trin 1, at random
    C.in_group[mentees] = False
    cand = mentees[C.state[mentees] == State.TRIN1.value]
    tally[Tally.MENTOR_TIME_USED] += par.group_minutes * np.unique(C.mentor[cand]).shape[0]
    pick = np.array([uniforms(keys[Stream.GROUP], week, i, 0)[0] for i in cand])
    order = np.argsort(C.mentor[cand] + pick)            # by mentor, then at random
    taken = 0
    for k in range(order.shape[0]):
        i = cand[order[k]]
        if k > 0 and C.mentor[i] != C.mentor[cand[order[k - 1]]]:
            taken = 0
        if taken >= par.group_size:
            continue
        taken += 1
        C.in_group[i] = True
        u = uniforms(keys[Stream.GROUP], week, i, 0)
        if u[1] < par.attendance:
            tally[Tally.GROUP_SESSIONS] += 1
            add_progress(C, i, par.progress_group, week, T, keys)
            if u[2] < par.improve_group:
                improve(C, i, u[3])


class Mentoring(Process):
    name = "mentors and group courses"
    calls = (assign_mentors, sessions)

    def __init__(self, m):
        super().__init__(m)
        b, org = m.b, m.org
        self.par = MentoringParams(meant=float(b.mentor_sessions_per_week),
                                   progress_session=float(b.trin1_progress_per_mentor_session),
                                   improve_session=float(b.improve_per_mentor_session), groups=bool(org.group_courses),
                                   group_size=int(org.group_size), attendance=float(b.group_attendance),
                                   progress_group=float(b.trin1_progress_per_group_session),
                                   improve_group=float(b.improve_per_group_session),
                                   mentor_minutes=float(org.mentor_hours_per_week * MINUTES_PER_HOUR * (1.0 - b.overhead_share)),
                                   session_minutes=float(b.mentor_session_minutes),
                                   group_minutes=float(b.group_session_minutes))

    def active(self, m) -> bool:
        return m.n_mentors > 0

    def plan(self, m):
        return ((assign_mentors, (m.tally,)), (sessions, (self.par, m.T, WEEK, m.keys, m.tally)))
