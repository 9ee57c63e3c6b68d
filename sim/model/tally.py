"""The model's counters, named once.

``model.tally`` is a float array indexed by :class:`Tally`; each process adds to the
counters it declares (``Process.counts``).  The outcome measures in
:mod:`sim.experiment.outcomes` read them by name, so a counter cannot be misspelt in one
place and silently read as zero in another.
"""

from __future__ import annotations

from enum import IntEnum


class Tally(IntEnum):
    # mandatory meetings (summoned = booked and due; per location of the appointment)
    SUMMONED_OUTREACH = 0
    SUMMONED_CENTRAL = 1
    CANCEL_OUTREACH = 2
    CANCEL_CENTRAL = 3
    NOSHOW_OUTREACH = 4
    NOSHOW_CENTRAL = 5
    HELD_OUTREACH = 6
    HELD_CENTRAL = 7
    HELD_MINUTES = 8              #: minutes of meetings held at appointments
    HELD_VIA_OPEN_ADVICE = 9      #: due meetings held early at open advice
    MEETINGS_POSTPONED = 10       #: no contact time left that day: to next week
    SANCTIONS = 11
    COURSES = 12                  #: guidance and upskilling courses started
    # problems and open advice
    PROBLEMS = 13
    PROBLEMS_UNSOLVED = 14
    VISITS_CASE = 15              #: open-advice visits by citizens with a case
    VISITS_OTHER = 16             #: visitors without a case
    VISITS_SERVED = 17
    VISITS_UNSERVED = 18
    VISITS_NOT_SOLVED = 19        #: served, but the problem of a citizen rated E-G was not solved
    DEBT_COUNSELLED = 20
    # the pathway
    BREAKDOWNS = 21
    MATCH_ATTEMPTS = 22           #: by company consultants
    MATCH_ATTEMPTS_MEETING = 23   #: ordered by the caseworker at a held meeting
    COMPANIES_DROPPED = 24
    MENTOR_ASSIGNMENTS = 25
    MENTOR_SESSIONS = 26
    GROUP_SESSIONS = 27
    # staff
    CASEWORKER_CHANGES = 28
    CASEWORKERS_LEFT = 29
    # weekly integrals (citizen-weeks)
    CASE_WEEKS = 30               #: enrolled (trin 1-3)
    BENEFIT_WEEKS = 31            #: on benefit (waiting or trin 1-3)
    PLACEMENT_WEEKS = 32          #: in a company placement (trin 3)
    COURSE_WEEKS = 33
    GROUP_WEEKS = 34
    HOURS_WEEKS = 35              #: sum of paid hours a month over citizen-weeks
    WITH_HOURS_WEEKS = 36         #: citizen-weeks with paid hours above zero
    SMAJOB_WEEKS = 37             #: citizen-weeks with paid hours at or above the småjob threshold
    HOURS_WEEKS_ON_BENEFIT = 38   #: sum of paid hours a month over citizen-weeks on benefit
    WITH_HOURS_WEEKS_ON_BENEFIT = 39  #: citizen-weeks on benefit with paid hours above zero
    # the caseworkers' time, in minutes summed over caseworkers and weeks (process 9 and 11)
    TIME_TOTAL = 40               #: contract hours
    TIME_OVERHEAD = 41            #: work tied to no case (team meetings, training, general administration)
    TIME_CASE_ADMIN = 42          #: documentation and case handling per case
    TIME_MEETINGS = 43            #: mandatory meetings held, and waiting at no-shows
    TIME_OPEN_ADVICE = 44         #: at the open-advice desk
    TIME_NOSHOW_FOLLOWUP = 45     #: calls after no-shows
    TIME_PLACEMENT_FOLLOWUP = 46   #: calls to citizens in company placements
    TIME_JOB_SEARCH = 47          #: help with job search (an offer ordered)
    TIME_EXTRA_CONTACT = 48       #: contact beyond the mandatory meetings
    TIME_OTHER = 49               #: the share of the discretionary time not given to citizens: other tasks
    CONTACT_MINUTES = 50          #: minutes with or for citizens: meetings held, served visits, the discretionary uses
    # the discretionary uses (process 11)
    NOSHOW_FOLLOWUPS = 51
    PLACEMENT_FOLLOWUPS = 52
    JOB_SEARCH_HELP = 53
    EXTRA_CONTACTS = 54
    # consultants' and mentors' time (minutes)
    CONSULTANT_TIME = 55          #: consultants' hours after the overhead
    CONSULTANT_TIME_ATTEMPTS = 56  #: spent on match attempts
    MENTOR_TIME = 57              #: mentors' hours after the overhead
    MENTOR_TIME_USED = 58         #: spent on sessions and group courses
    TIME_IDLE = 59                #: discretionary time for citizens that found no use (nobody due)
    ORDERS_LAPSED = 60            #: offers ordered that found the citizen's consultant's week used up and lapsed (process 14)
    ORDERS_OVERFLOW = 61          #: offers ordered beyond the citizen's consultant's week that the company service took (process 14)


def tally_dict(tally) -> dict[str, float]:
    """The counters as a plain mapping ``name -> value`` (lower-case names)."""
    return {t.name.lower(): float(tally[t]) for t in Tally}
