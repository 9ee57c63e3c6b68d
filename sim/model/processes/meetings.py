"""Mandatory meetings (process 9): the caseworker's week, booking, the appointments, and
what a held meeting does.

*The week as a time budget.*  A caseworker's contract minutes (``caseworker_hours_per_week``)
go first to work tied to no case (``overhead_share``), then to the open-advice desk (its
office's open afternoons on the caseworker's estate days, a fixed schedule), then to the
standard length of the week's due mandatory meetings, then to documentation and case
handling (``case_admin_minutes`` per active case, squeezed to what the meetings leave);
what remains after the case administration is the week's time for the mandatory meetings,
and what they leave is the discretionary time of process 11.

*The meetings.*  Every enrolled citizen has a next meeting ``meeting_interval_weeks`` after
the last one due (during an ``intensive`` period from enrolment: ``intensive.interval_weeks``):
a meeting held late does not push the next one back (:func:`sim.model.transitions.book_regular`).
Where a meeting is held: with no estate days at the central job centre; with
``summon_vulnerable_locally`` citizens whose latest form rates them E-G at the estate
office and A-D centrally (copenhagen-outreach-2015, part on local offices); else at the
estate with probability ``estate_days / 5``; the weekday at random among those days.  At
the appointment the citizen cancels, does not show up, or comes
(:mod:`sim.model.attendance`).  A caseworker's meetings of the week, day by day in the
order they were booked, share the week's time for meetings: a cancellation (afbud, given
in advance) takes no time; each other meeting gets ``min(standard,
max(min_meeting_minutes, minutes / meetings))``, and those that no longer fit are postponed
to next week; a no-show costs the share of its slot the caseworker waits, and awaits a
follow-up call (process 11).  A missed meeting is booked again ``rebook_weeks`` later (it
keeps the week it fell due) and
an unexcused no-show may be sanctioned.  A held meeting's effects scale with
``sqrt(minutes held / standard)`` (:func:`sim.model.transitions.hold_meeting`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import MINUTES_PER_HOUR, WEEKDAYS

from ..attendance import attendance_parameters, probabilities, sanction, sanctionable
from ..barriers import is_good
from ..queues import group_by, indices, sort_within
from ..declare import transition
from ..rng import Stream, uniforms
from ..states import Occasion, Outcome, State
from ..tally import Tally
from ..transitions import book_meeting, book_regular, hold_meeting, interval_for, standard_minutes
from .base import WEEK, Process

#: a no-show costs this share of its slot: the caseworker waits before moving on (assumed)
NOSHOW_WAIT_SHARE = 0.5
#: minutes of floating-point slack when a meeting is checked against the time left
TOLERANCE = 1e-9

MeetingsParams = namedtuple("MeetingsParams", ["vulnerable_locally", "min_minutes", "rebook_weeks", "A", "week_minutes",
                                               "overhead", "case_admin"])


@transition(reads=("state", "next_meeting", "meeting_ticket", "caseworker", "rated", "cw_estate_days", "cw_office"),
            streams=(Stream.BOOKING,))
@njit(cache=True)
def book_day(C, par, week, keys):  # pragma: no cover - compiled
    """This week's due meetings: who, in the order booked, then grouped by caseworker and
    weekday; the caseworker, weekday and place (estate office or central) of each."""
    is_due = np.empty(C.state.shape[0], dtype=np.bool_)
    for i in range(C.state.shape[0]):
        is_due[i] = C.next_meeting[i] == week and State.TRIN1 <= C.state[i] <= State.TRIN3
    due = indices(is_due)
    n = due.shape[0]
    who = np.empty(n, dtype=np.int64)
    day = np.empty(n, dtype=np.int64)
    outreach = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        i = due[k]
        j = C.caseworker[i]
        ed = C.cw_estate_days[j]
        u = uniforms(keys[Stream.BOOKING], week, i, 0)
        if ed <= 0:
            local = False
        elif ed >= WEEKDAYS:
            local = True
        elif par.vulnerable_locally:
            local = not is_good(C.rated[i])
        else:
            local = u[0] < ed / WEEKDAYS
        who[k] = j
        day[k] = int(u[1] * ed) if local else ed + int(u[1] * (WEEKDAYS - ed))
        outreach[k] = local and C.cw_office[j] >= 0
    # by caseworker-day, each day's meetings in the order they were booked
    order, bounds = group_by(who * WEEKDAYS + day, C.cw_estate_days.shape[0] * WEEKDAYS, np.arange(n))
    sort_within(order, bounds, C.meeting_ticket[due])
    return due[order], who[order], day[order], outreach[order]


@transition(reads=("cw_active", "cw_caseload", "cw_desk_minutes"), writes=("cw_week_left",),
            counts=(Tally.TIME_TOTAL, Tally.TIME_OVERHEAD, Tally.TIME_OPEN_ADVICE, Tally.TIME_CASE_ADMIN))
@njit(cache=True)
def week_budget(C, par, due_minutes, tally):  # pragma: no cover - compiled
    """Each active caseworker's week: the contract minutes less the overhead and the
    open-advice desk keep the standard length of the week's due meetings first; the case
    administration takes what it needs of the rest, and what is then left is the time for
    meetings (and, after them, the discretionary time)."""
    for j in range(C.cw_active.shape[0]):
        if not C.cw_active[j]:
            continue
        total = par.week_minutes
        overhead = par.overhead * total
        desk = min(total - overhead, C.cw_desk_minutes[j])
        reserve = min(total - overhead - desk, due_minutes[j])
        admin = min(total - overhead - desk - reserve, par.case_admin * C.cw_caseload[j])
        C.cw_week_left[j] = total - overhead - desk - admin
        tally[Tally.TIME_TOTAL] += total
        tally[Tally.TIME_OVERHEAD] += overhead
        tally[Tally.TIME_OPEN_ADVICE] += desk
        tally[Tally.TIME_CASE_ADMIN] += admin


@transition(reads=("cw_active", "cw_authority", "cw_week_left"),
            writes=("cw_week_left", "cw_morning_used", "cancellations", "noshows", "noshow_now"),
            calls=(week_budget, book_day, interval_for, probabilities, sanctionable, sanction, hold_meeting,
                   book_meeting, book_regular),
            streams=(Stream.ATTENDANCE,),
            counts=(Tally.SUMMONED_OUTREACH, Tally.SUMMONED_CENTRAL, Tally.CANCEL_OUTREACH, Tally.CANCEL_CENTRAL,
                    Tally.NOSHOW_OUTREACH, Tally.NOSHOW_CENTRAL, Tally.HELD_OUTREACH, Tally.HELD_CENTRAL,
                    Tally.HELD_MINUTES, Tally.MEETINGS_POSTPONED, Tally.TIME_MEETINGS, Tally.CONTACT_MINUTES))
@njit(cache=True)
def meetings(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    due, who, day, outreach = book_day(C, par, week, keys)
    n = due.shape[0]
    interval = np.empty(n, dtype=np.int64)           # each due meeting's interval and standard length
    standard = np.empty(n)
    due_minutes = np.zeros(C.cw_active.shape[0])     # the standard length of each caseworker's due meetings
    for k in range(n):
        interval[k] = interval_for(C, due[k], week, T)
        standard[k] = standard_minutes(interval[k], T)
        due_minutes[who[k]] += standard[k]
    week_budget(C, par, due_minutes, tally)
    A = par.A
    start = 0
    while start < n:                     # one caseworker's week at a time, day by day
        end = start
        while end < n and who[end] == who[start]:
            end += 1
        j, budget = who[start], C.cw_week_left[who[start]]
        outcome = np.empty(end - start, dtype=np.int64)
        coming = 0
        for k in range(start, end):
            i = due[k]
            p_cancel, p_noshow = probabilities(C, i, outreach[k], interval[k], week, A)
            u = uniforms(keys[Stream.ATTENDANCE], week, i, 0)
            outcome[k - start] = Outcome.CANCELLED if u[0] < p_cancel else (Outcome.NO_SHOW if u[1] < p_noshow else Outcome.HELD)
            coming += outcome[k - start] != Outcome.CANCELLED
        share = max(par.min_minutes, budget / max(1, coming))
        used = 0.0
        for k in range(start, end):
            i = due[k]
            result = outcome[k - start]
            length = min(standard[k], share)
            if result != Outcome.CANCELLED:
                cost = length if result == Outcome.HELD else length * NOSHOW_WAIT_SHARE
                if used + length > budget + TOLERANCE:     # no time left this week: next week
                    tally[Tally.MEETINGS_POSTPONED] += 1
                    book_meeting(C, i, 1, week)
                    continue
                used += cost
                C.cw_morning_used[j, day[k]] += cost
            tally[Tally.SUMMONED_OUTREACH if outreach[k] else Tally.SUMMONED_CENTRAL] += 1
            if result == Outcome.CANCELLED:
                tally[Tally.CANCEL_OUTREACH if outreach[k] else Tally.CANCEL_CENTRAL] += 1
                C.cancellations[i] += 1
                book_meeting(C, i, par.rebook_weeks, week)
            elif result == Outcome.NO_SHOW:
                tally[Tally.NOSHOW_OUTREACH if outreach[k] else Tally.NOSHOW_CENTRAL] += 1
                C.noshows[i] += 1
                C.noshow_now[i] = True
                if sanctionable(C, i, week, A):
                    u = uniforms(keys[Stream.ATTENDANCE], week, i, 0)
                    holder = C.cw_authority[j] or not outreach[k]
                    if (holder or u[2] < A.report_probability) and u[3] < A.sanction_probability:
                        sanction(C, i, week, A, tally)
                book_meeting(C, i, par.rebook_weeks, week)
            else:
                tally[Tally.HELD_OUTREACH if outreach[k] else Tally.HELD_CENTRAL] += 1
                tally[Tally.HELD_MINUTES] += length
                tally[Tally.CONTACT_MINUTES] += length
                hold_meeting(C, i, outreach[k], length / standard[k], week, Occasion.APPOINTMENT, T, keys, tally)
                book_regular(C, i, interval[k], week)
        C.cw_week_left[j] = budget - used
        tally[Tally.TIME_MEETINGS] += used
        start = end


class Meetings(Process):
    name = "mandatory meetings"
    calls = (meetings,)

    def __init__(self, m):
        super().__init__(m)
        org = m.org
        self.par = MeetingsParams(vulnerable_locally=bool(org.summon_vulnerable_locally),
                                  min_minutes=float(org.min_meeting_minutes), rebook_weeks=int(m.b.rebook_weeks),
                                  A=attendance_parameters(m.b, org),
                                  week_minutes=float(org.caseworker_hours_per_week * MINUTES_PER_HOUR),
                                  overhead=float(m.b.overhead_share), case_admin=float(m.b.case_admin_minutes))

    def plan(self, m):
        return ((meetings, (self.par, m.T, WEEK, m.keys, m.tally)),)
