"""Mandatory meetings (process 9): booking, the morning's appointments, and what a held
meeting does.

Every enrolled citizen has a next meeting ``meeting_interval_weeks`` after the last (during
an ``intensive`` period from enrolment: ``intensive.interval_weeks``).  Where a meeting is
held: with no estate days at the central job centre; with ``summon_vulnerable_locally``
citizens rated E-G at the estate office and A-D centrally (copenhagen-outreach-2015, programme description);
else at the estate with probability ``estate_days / 5``.  Each caseworker-day's meetings
share the day's contact minutes: each gets ``min(standard, max(min_meeting_minutes,
minutes / meetings))``, and those that no longer fit are postponed to next week.  At the
appointment the citizen cancels, does not show up, or comes (:mod:`sim.model.attendance`);
a missed meeting is booked again ``rebook_weeks`` later and an unexcused no-show may be
sanctioned.  A held meeting's effect scales with ``sqrt(minutes held / standard)``.
"""

from __future__ import annotations

import numpy as np

from .. import barriers, kernels, pathway
from ..attendance import Attendance, SanctionRule
from ..states import ST
from ..tally import Tally
from .base import Process


def interval_for(m, ids: np.ndarray) -> np.ndarray:
    """Weeks to the next meeting: the intensive interval early in the case, else the usual."""
    it, P = m.org.intensive, m.pop
    base = np.full(len(ids), m.org.meeting_interval_weeks, dtype=np.int64)
    if it is None:
        return base
    ew = P.enrolled_week[ids]
    return np.where((ew >= 0) & (m.week - ew < it.duration_weeks), it.interval_weeks, base)


def standard_minutes(m, ids: np.ndarray, interval: np.ndarray) -> np.ndarray:
    it, org = m.org.intensive, m.org
    if it is None or org.meeting_interval_weeks == it.interval_weeks:
        return np.full(len(ids), org.meeting_minutes)
    return np.where(interval == it.interval_weeks, it.meeting_minutes, org.meeting_minutes)


def book_meeting(m, ids: np.ndarray, delay) -> None:
    """The next meeting, ``delay`` weeks from now (at least one)."""
    P = m.pop
    P.next_meeting[ids] = m.week + np.maximum(1, delay)
    P.meeting_ticket[ids] = m.next_ticket(len(ids))


def hold_meetings(m, ids: np.ndarray, outreach: np.ndarray, quality: np.ndarray) -> None:
    """What a held meeting does (in this order): trust grows (more at the estate office);
    the weakest rating may improve; job-plan progress in trin 1; a course may be ordered
    for a citizen in trin 1-2; for a citizen in trin 2 the caseworker orders a
    company-directed offer (one match attempt in the job centre's whole company pool, made
    in process 13).  The caller books the next meeting."""
    if len(ids) == 0:
        return
    P, b, w = m.pop, m.b, m.week
    q = np.sqrt(np.minimum(1.0, quality))
    P.meetings_held[ids] += 1
    P.last_contact[ids] = w
    P.trust[ids] = np.minimum(1.0, P.trust[ids] + np.where(outreach, b.trust_gain_outreach, b.trust_gain_central))
    better = ids[m.draw("improve", ids) < b.improve_per_meeting * q]
    pathway.ratings_changed(m, barriers.improve(P.ratings, better, m.draw("improve_choice", better)))
    pathway.add_progress(m, ids, b.trin1_progress_per_meeting * q)
    if m.org.courses:
        st = P.state[ids]
        can = ((st == ST.TRIN1) | (st == ST.TRIN2)) & ~P.in_course[ids]
        pathway.start_course(m, ids[can & (m.draw("course", ids) < b.course_order_probability)])
    m.orders.append(ids[(P.state[ids] == ST.TRIN2) & (w >= P.trin2_ready_week[ids])])


class Meetings(Process):
    name = "mandatory meetings"
    counts = (Tally.SUMMONED_OUTREACH, Tally.SUMMONED_CENTRAL, Tally.CANCEL_OUTREACH, Tally.CANCEL_CENTRAL,
              Tally.NOSHOW_OUTREACH, Tally.NOSHOW_CENTRAL, Tally.HELD_OUTREACH, Tally.HELD_CENTRAL, Tally.HELD_MINUTES,
              Tally.MEETINGS_POSTPONED, Tally.SANCTIONS, Tally.COURSES)

    def __init__(self, m):
        self.attendance = Attendance(m.b, m.org)
        self.sanctions = SanctionRule(m.b, m.org)

    def step(self, m, week: int) -> None:
        P, cw = m.pop, m.cw
        m.morning_used = np.zeros((len(cw), 5))
        cw.minutes_available[cw.active] += cw.contact_minutes_per_day[cw.active] * 5
        due = np.flatnonzero((P.next_meeting == week) & (P.state >= ST.TRIN1) & (P.state <= ST.TRIN3))
        if len(due) == 0:
            return
        due = due[np.argsort(P.meeting_ticket[due], kind="stable")]       # in the order they were booked
        who, day, outreach = self.book(m, due)
        order = np.lexsort((np.arange(len(due)), day, who))
        due, who, day, outreach = due[order], who[order], day[order], outreach[order]
        interval = interval_for(m, due)
        standard = standard_minutes(m, due, interval)
        p_cancel, p_noshow = self.attendance.probabilities(m, due, outreach, interval, week)
        outcome = np.where(m.draw("cancel", due) < p_cancel, kernels.CANCELLED,
                           np.where(m.draw("noshow", due) < p_noshow, kernels.NO_SHOW, kernels.HELD))
        start = np.flatnonzero(np.concatenate([[True], (who[1:] != who[:-1]) | (day[1:] != day[:-1])]))
        length, postponed, used = kernels.meeting_day(np.append(start, len(due)), cw.contact_minutes_per_day[who[start]],
                                                      standard, outcome, float(m.org.min_meeting_minutes))
        np.add.at(cw.minutes_used, who[start], used)
        m.morning_used[who[start], day[start]] = used
        m.tally[Tally.MEETINGS_POSTPONED] += postponed.sum()
        on = ~postponed
        self.appointments(m, due[on], outreach[on], outcome[on], who[on], length[on] / standard[on], length[on], week)
        # the next meeting: next week if postponed, after rebook_weeks if missed, else the interval
        delay = np.where(postponed, 1, np.where(outcome == kernels.HELD, interval, m.b.rebook_weeks))
        book_meeting(m, due, delay)

    def book(self, m, due: np.ndarray):
        """Caseworker, weekday and place (estate office or central) of each due meeting."""
        cw = m.pop.caseworker[due]
        ed = m.cw.estate_days[cw].astype(np.int64)
        if m.org.summon_vulnerable_locally:
            local = ~barriers.is_good(m.pop.category[due])
        else:
            local = m.draw("booking_place", due) < ed / 5.0
        local = np.where(ed <= 0, False, np.where(ed >= 5, True, local))
        u = m.draw("booking_day", due)
        day = np.where(local, (u * ed).astype(np.int64), ed + (u * (5 - ed)).astype(np.int64))
        return cw.astype(np.int64), day, local & (m.cw.office[cw] >= 0)

    def appointments(self, m, ids, outreach, outcome, who, quality, length, week: int) -> None:
        P, t = m.pop, m.tally
        # counts by outcome (held, cancelled, no-show) and place (central, estate office)
        n = np.bincount(outcome.astype(np.int64) * 2 + outreach, minlength=6)
        t[[Tally.SUMMONED_CENTRAL, Tally.SUMMONED_OUTREACH]] += n.reshape(3, 2).sum(axis=0)
        t[[Tally.HELD_CENTRAL, Tally.HELD_OUTREACH, Tally.CANCEL_CENTRAL, Tally.CANCEL_OUTREACH,
           Tally.NOSHOW_CENTRAL, Tally.NOSHOW_OUTREACH]] += n
        cancel, noshow, held = outcome == kernels.CANCELLED, outcome == kernels.NO_SHOW, outcome == kernels.HELD
        P.cancellations[ids[cancel]] += 1
        missed = ids[noshow]
        if len(missed):
            P.noshows[missed] += 1
            due = self.sanctions.sanctionable(m, missed, week)
            if due.any():
                cand = missed[due]
                holder = m.cw.authority[who[noshow][due]] | ~outreach[noshow][due]
                self.sanctions.apply(m, cand[self.sanctions.decide(m, cand, holder)], week)
        t[Tally.HELD_MINUTES] += length[held].sum()
        hold_meetings(m, ids[held], outreach[held], quality[held])
