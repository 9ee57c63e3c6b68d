"""Mentors and group courses (process 12).

Free mentor places go to enrolled citizens in trin 1-2 rated E-G or in the heavy group, in
the order they became eligible (each mentor takes up to ``mentor_caseload``).  Each mentee on
benefit gets ``mentor_sessions_per_week`` sessions (a fraction is a chance of one more); a
session adds job-plan progress and may improve the weakest rating.  With ``group_courses``,
up to ``group_size`` of a mentor's mentees in trin 1 form this week's group and attend with
``group_attendance`` (peer-to-peer courses, jobgaranti-midway-2019).
"""

from __future__ import annotations

import numpy as np

from .. import barriers, pathway
from ..states import ST
from ..tally import Tally
from .base import Process


class Mentoring(Process):
    name = "mentors and group courses"
    counts = (Tally.MENTOR_ASSIGNMENTS, Tally.MENTOR_SESSIONS, Tally.GROUP_SESSIONS)

    def step(self, m, week: int) -> None:
        if not m.n_mentors:
            return
        self.assign(m)
        P = m.pop
        mentees = np.flatnonzero(P.mentor >= 0)
        self.sessions(m, mentees[P.state[mentees] <= ST.TRIN3])
        if m.org.group_courses:
            self.groups(m, mentees)

    def assign(self, m) -> None:
        """Free places go to eligible citizens in the order they were first seen eligible
        (a queue: a citizen found no longer eligible when a place is free loses the place
        in the queue)."""
        P, M = m.pop, m.mentor_table
        st = P.state
        eligible = ((st == ST.TRIN1) | (st == ST.TRIN2)) & (~barriers.is_good(P.rated) | P.heavy) & (P.mentor < 0)
        new = np.flatnonzero(eligible & (P.mentor_queue < 0))
        P.mentor_queue[new] = m.next_ticket(len(new))
        free = np.maximum(0, M.capacity - M.mentees)
        places = int(free.sum())
        if places == 0:
            return
        queued = np.flatnonzero(P.mentor_queue >= 0)
        queued = queued[np.argsort(P.mentor_queue[queued], kind="stable")]
        ok = eligible[queued]
        rank = np.cumsum(ok)
        taken = ok & (rank <= places)
        if rank[-1:].sum() >= places:                  # the queue is worked until the places are gone
            consumed = queued[: int(np.flatnonzero(taken)[-1]) + 1]
        else:
            consumed = queued
        ids = queued[taken]
        slots = np.repeat(np.arange(len(free)), free)[: len(ids)]     # the first mentor with room, in order
        P.mentor[ids] = slots
        np.add.at(M.mentees, slots, 1)
        P.mentor_queue[consumed] = -1
        m.tally[Tally.MENTOR_ASSIGNMENTS] += len(ids)

    def sessions(self, m, ids: np.ndarray) -> None:
        P, b = m.pop, m.b
        whole = int(b.mentor_sessions_per_week)
        n = whole + (m.draw("mentor", ids) < b.mentor_sessions_per_week % 1)
        for s in range(int(n.max()) if len(n) else 0):
            now = ids[n > s]
            m.tally[Tally.MENTOR_SESSIONS] += len(now)
            pathway.add_progress(m, now, b.trin1_progress_per_mentor_session)
            better = now[m.draw("mentor_improve", now) < b.improve_per_mentor_session]
            pathway.ratings_changed(m, barriers.improve(P.ratings, better, m.draw("mentor_improve_choice", better)))

    def groups(self, m, mentees: np.ndarray) -> None:
        """This week's group: up to ``group_size`` of each mentor's mentees still in trin 1."""
        P, b = m.pop, m.b
        P.in_group[mentees] = False
        cand = mentees[P.state[mentees] == ST.TRIN1]
        cand = cand[np.lexsort((cand, P.mentor[cand]))]
        mentor = P.mentor[cand]
        first = np.r_[0, np.flatnonzero(mentor[1:] != mentor[:-1]) + 1]
        rank = np.arange(len(cand)) - np.repeat(first, np.diff(np.r_[first, len(cand)]))
        group = cand[rank < m.org.group_size]
        P.in_group[group] = True
        came = group[m.draw("group", group) < b.group_attendance]
        m.tally[Tally.GROUP_SESSIONS] += len(came)
        pathway.add_progress(m, came, b.trin1_progress_per_group_session)
        better = came[m.draw("group_improve", came) < b.improve_per_group_session]
        pathway.ratings_changed(m, barriers.improve(P.ratings, better, m.draw("group_improve_choice", better)))
