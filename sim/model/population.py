"""Citizens (aktivitetsparate ledige): their state as arrays, and who joins the group.

:data:`CITIZEN_COLUMNS` is the citizen's full state (docs/ODD.md, 'Entities'): one
array per attribute in the model's :class:`~sim.model.store.Store` ``model.pop``, indexed by
citizen id.  :class:`Citizen` is a view of one row for tests, inspection and the app
(``model.citizens[7].trust``).  The rules that change the state are the processes in
:mod:`sim.model.processes` and the transitions in :mod:`sim.model.transitions`; new citizens
are drawn by :func:`sim.model.processes.intake.refer`.
"""

from __future__ import annotations

import numpy as np

from . import barriers
from .attendance import LONG_AGO
from .states import LAST_ON_BENEFIT, OffKind, Placement, State
from .store import Column, View, columns_as_properties

NEVER = -1                   #: a week that has not happened (no enrolment, no placement, ...)
BENEFITS = ("kontanthjaelp", "uddannelseshjaelp", "integrationsydelse")
UDDANNELSESHJAELP = 1

#: totals accumulated per citizen over the run (the inputs of a public-budget view)
ACCUMULATED = ("benefit_weeks", "self_sufficient_weeks", "paid_hours", "paid_hours_on_benefit", "internship_weeks",
               "wage_subsidy_weeks", "housing_placement_weeks", "course_weeks", "mentor_weeks", "group_course_weeks")


def _week(doc: str) -> Column:
    return Column(np.int32, NEVER, doc)


CITIZEN_COLUMNS: dict[str, Column] = {
    # who the citizen is
    "age": Column(np.int16, 0, "age in years"),
    "female": Column(bool, False),
    "immigrant": Column(bool, False, "immigrant background"),
    "no_work_experience": Column(bool, False),
    "benefit": Column(np.int8, 0, "benefit type: index into BENEFITS"),
    "job_ready": Column(bool, False, "job-ready resident included in the case loads"),
    "heavy": Column(bool, False, "the heavy part of the group: under 30, or an immigrant woman without work experience"),
    "area": Column(np.int16, -1, "outreach office of the citizen's housing area (-1: none), at random among the offices"),
    "seniority_weeks": Column(np.int32, 0, "weeks on benefit before the citizen was first observed"),
    "first_week": Column(np.int32, 0, "week first observed (intake)"),
    "initial": Column(bool, False, "in the group at week 0 (not a later referral)"),
    "exits_from": Column(np.int32, 0, "the weekly chances of leaving benefit apply from this week (the week after intake or return)"),
    # barriers (Udviklingsmål) and attitudes
    "ratings": Column(np.int8, 5, "seven sub-ratings 1-5", shape=(7,)),
    "category": Column(np.int8, barriers.G, "A-G code 0-6 implied by the ratings"),
    "category_start": Column(np.int8, -1, "A-G code on the form at intake"),
    "rated": Column(np.int8, barriers.G, "A-G code on the latest Udviklingsmål form (the caseworker's reading of the ratings)"),
    "health": Column(np.int8, 5, "the health factor (min of physical and mental)"),
    "low_factors": Column(np.int8, 0, "number of factors rated 1-2"),
    "motivation": Column(np.float64, 0.5, "motivation and belief in a job (tro på job), 0-1"),
    "trust": Column(np.float64, 0.5, "trust in the job centre, 0-1"),
    # the pathway
    "state": Column(np.int8, int(State.NOT_ENROLLED), "pathway state (sim.model.states.State)"),
    "waiting_ticket": Column(np.int64, -1, "place on the waiting list for a case load (-1: not waiting)"),
    "off_kind": Column(np.int8, 0, "route off benefit while self-sufficient (OffKind; 0: none)"),
    "enrolled_week": _week("week of first enrolment in a case load"),
    "plan_progress": Column(np.float64, 0.0, "trin 1 job-plan progress (1.0: wish clarified)"),
    "job_wish": Column(bool, False, "trin 1 done: a direction for the job wish"),
    "in_course": Column(bool, False, "in a guidance or upskilling course (vejledning og opkvalificering)"),
    "last_offer": _week("week the latest activation offer started (a course, an internship, wage subsidy or a housing placement)"),
    "spells_52w": Column(np.int16, 0, "activation offers started in the first 52 weeks of the run"),
    "course_start": _week("week the current course started"),
    "course_end": _week("week the current course ends"),
    "placement": Column(np.int8, int(Placement.NONE), "kind of company placement (Placement)"),
    "company": Column(np.int32, -1, "company of the placement (-1: none)"),
    "placement_start": _week("week the placement started"),
    "placement_end": _week("planned end week of an internship, wage subsidy or housing placement"),
    "ordinary_since": _week("week ordinary hours started in the current placement"),
    "hours_promised": Column(bool, False, "agreement on ordinary hours 'på sigt'"),
    "hours": Column(np.float64, 0.0, "ordinary paid hours this month"),
    # staff relations
    "caseworker": Column(np.int32, -1, "caseworker index (-1: none)"),
    "caseworker_changes": Column(np.int16, 0),
    "change_penalty_until": _week("the change-of-caseworker penalty applies before this week"),
    "belief": Column(np.float64, 0.5, "the current caseworker's belief in the citizen"),
    "mentor": Column(np.int32, -1, "mentor index (-1: none)"),
    "mentor_queue": Column(np.int64, -1, "place in the queue for a mentor (-1: not queued)"),
    "in_group": Column(bool, False, "in this week's group course"),
    "consultant": Column(np.int32, -1, "company consultant seeking a match (-1: none)"),
    "queue_ticket": Column(np.int64, -1, "place in the consultant's trin-2 queue"),
    "trin2_ready_week": Column(np.int32, 0, "the consultant acts on the order from this week"),
    # meetings and sanctions
    "next_meeting": _week("week of the next mandatory meeting"),
    "meeting_due": _week("week the current regular meeting fell due (a rebooking keeps it)"),
    "meeting_ticket": Column(np.int64, -1, "when the next meeting was booked (orders a caseworker's day)"),
    "meetings_held": Column(np.int16, 0),
    "noshows": Column(np.int16, 0),
    "cancellations": Column(np.int16, 0),
    "sanctions": Column(np.int16, 0),
    "sanctioned_until": _week("benefit reduced before this week"),
    "sanction_weeks": Column(np.int16, 0, "weeks of reduced benefit so far"),
    "salience_until": _week("a recent sanction lowers the no-show odds before this week"),
    "last_contact": _week("week of the last held meeting or discretionary contact"),
    "followed_until": _week("a caseworker's follow-up of the placement counts as retention support before this week"),
    "helped_until": _week("the next help with job search is due from this week"),
    # drawn at the start of every week (sim.model.rng.Stream.CHANCES)
    "chance": Column(np.float64, 0.5, "this week's uniforms for the weekly chances: exits or return, drift, a problem, (spare)",
                     shape=(4,)),
    # this week's hand-offs between processes (cleared at the start of every week)
    "visit_day": Column(np.int32, -1, "open day (index into the model's open days) of the open-advice visit planned this week", weekly=True),
    "unsolved": Column(bool, False, "a problem no one solved this week", weekly=True),
    "order_ticket": Column(np.int64, -1, "a company-directed offer ordered this week (at a meeting or with help with job search), in the order ordered", weekly=True),
    "noshow_now": Column(bool, False, "did not show up at this week's meeting: awaits a follow-up call", weekly=True),
    # outcome records
    "first_company_activation": _week("first internship, wage subsidy or housing placement"),
    "first_internship": _week("first unpaid internship or housing placement"),
    "first_hours": _week("first week with ordinary paid hours set"),
    "last_hours": _week("last week ordinary paid hours were set above zero"),
    "first_hours_on_benefit": _week("first week of an agreement on ordinary paid hours while on benefit (a småjob in trin 3)"),
    "first_off": Column(np.int32, NEVER, "first week off benefit, by OffKind (job, education, rest)", shape=(3,)),
    "last_off": Column(np.int32, NEVER, "last week off benefit, by OffKind", shape=(3,)),
    "status52": Column(np.int8, -1, "status at week 52 for the A-G tables (see Status52)"),
    **{name: Column(np.float64, 0.0) for name in ACCUMULATED},
}


def new_store(capacity: int, noshow_memory: int):
    """An empty citizen store; ``noshow_memory`` slots hold the weeks of recent no-shows."""
    from .store import Store
    cols = dict(CITIZEN_COLUMNS)
    cols["noshow_weeks"] = Column(np.int32, LONG_AGO, "weeks of unexcused no-shows since the last sanction",
                                  shape=(max(1, noshow_memory),))
    return Store(cols, capacity)


class Citizen(View):
    """One citizen, seen as an object: every column of :data:`CITIZEN_COLUMNS` is an
    attribute (``c.trust``, ``c.hours``); a few derived ones read more naturally."""

    @property
    def unique_id(self) -> int:
        return self.id

    @property
    def pathway(self) -> State:
        return State(self.model.pop.state[self.id])

    @property
    def letter(self) -> str:
        """The A-G category as a letter."""
        return barriers.letter(self.model.pop.category[self.id])

    @property
    def on_benefit(self) -> bool:
        return self.model.pop.state[self.id] <= LAST_ON_BENEFIT

    @property
    def enrolled(self) -> bool:
        return State.TRIN1 <= self.model.pop.state[self.id] <= State.TRIN3

    @property
    def caseworker_agent(self):
        i = self.model.pop.caseworker[self.id]
        return self.model.caseworkers_by_index[i] if i >= 0 else None

    @property
    def off_route(self) -> OffKind | None:
        k = int(self.model.pop.off_kind[self.id])
        return OffKind(k) if k else None


columns_as_properties(Citizen, "pop", [*CITIZEN_COLUMNS, "noshow_weeks"])


class Citizens:
    """``model.citizens``: a sequence of :class:`Citizen` views over the population."""

    def __init__(self, model):
        self.model = model

    def __len__(self) -> int:
        return len(self.model.pop)

    def __getitem__(self, i: int) -> Citizen:
        n = len(self.model.pop)
        if not -n <= i < n:
            raise IndexError(i)
        return Citizen(self.model, i % n)

    def __iter__(self):
        return (Citizen(self.model, i) for i in range(len(self.model.pop)))
