"""Citizen (aktivitetsparat ledig): an activity-ready benefit recipient."""

from __future__ import annotations

import mesa

from sim.model.barriers import category_of_factors, factors
from sim.model.states import OffKind, Placement, State

#: per-citizen totals over the run: weeks in each situation, and ordinary paid hours worked
ACCUMULATED = ("benefit_weeks", "self_sufficient_weeks", "paid_hours", "paid_hours_on_benefit", "internship_weeks",
               "wage_subsidy_weeks", "housing_placement_weeks", "course_weeks", "mentor_weeks", "group_course_weeks")


class Citizen(mesa.Agent):
    """A citizen in the target group.

    Attributes mirror the ODD description (docs/ODD.md, 'Entities'): demographics,
    benefit, barriers (seven sub-ratings folding into the A-G category), motivation
    and belief in a job (*tro på job*), trust in the job centre, pathway state, job
    plan progress, placement, ordinary paid hours this month, and the sanction and
    no-show history.  The rules that change these live in the process modules.
    """

    def __init__(self, model, *, age: int, female: bool, immigrant: bool, benefit: str,
                 seniority_weeks: int, ratings: list[int], motivation: float, trust: float,
                 no_work_experience: bool, job_ready: bool = False):
        super().__init__(model)
        self.age = age
        self.female = female
        self.immigrant = immigrant
        self.benefit = benefit
        self.seniority_weeks = seniority_weeks
        self.ratings = ratings
        self.category = "G"
        self.health = 5          # Udviklingsmål health factor (cached from the ratings)
        self.low_factors = 0     # number of factors rated 1-2 (cached)
        self.refresh()
        self.motivation = motivation
        self.trust = trust
        self.no_work_experience = no_work_experience
        self.job_ready = job_ready
        # pathway (the state changes only through OutreachModel.set_state, which keeps
        # the two flags below in step with it)
        self.state = State.NOT_ENROLLED
        self.on_benefit = True         # not enrolled or in trin 1-3 (not self-sufficient, not exited)
        self.enrolled = False          # in trin 1-3
        self.first_week = 0            # week of first observation (intake)
        self.enrolled_week: int | None = None
        self.plan_progress = 0.0       # trin 1 job plan progress (1.0 = wish clarified)
        self.job_wish = False          # trin 1 finished: a direction for the job wish
        self.in_course = False         # in a guidance or upskilling course (vejledning og opkvalificering)
        self.course_start = -1
        self.placement = Placement.NONE
        self.placement_company = None
        self.placement_start = -1
        self.placement_end = -1        # planned end week (internship, wage subsidy)
        self.hours_promised = False    # agreement on ordinary hours 'på sigt'
        self.hours = 0.0               # ordinary paid hours this month
        self.off_kind: OffKind | None = None
        # staff relations
        self.caseworker = None
        self.caseworker_changes = 0
        self.change_penalty_until = -1
        self.belief = 0.5              # the current caseworker's belief in this citizen
        self.mentor = None
        self.in_group = False
        self.consultant = None
        self.queue_token = 0
        self.trin2_ready_week = 0
        # meetings and sanctions
        self.next_meeting = -1
        self.noshows = 0
        self.noshow_weeks: list[int] = []
        self.cancellations = 0
        self.meetings_held = 0
        self.sanctions = 0
        self.sanctioned_until = -1     # benefit reduced until this week
        self.sanction_weeks = 0        # weeks of reduced benefit so far
        self.salience_until = -1
        self.last_contact = -1
        self.pending_problems = 0
        self.idx = -1                  # index into the model's weekly hazard arrays (sim/problems.py)
        # event clocks: kind -> token (a scheduled event is valid only while its token matches)
        self.clock: dict[str, int] = {}
        # 'ever' flags for outcomes
        self.ever_company_activation_week: int | None = None
        self.ever_hours_week: int | None = None
        self.ever_internship_week: int | None = None
        self.ever_off_week: dict[int, int] = {}
        # weeks and paid hours accumulated over the run (see OutreachModel._accumulate_citizen_weeks)
        self.accumulated = dict.fromkeys(ACCUMULATED, 0.0)

    # --- derived characteristics -----------------------------------------------------
    @property
    def heavy(self) -> bool:
        """The heavy part of the group (jobgaranti-midway-2019 L174-178): young people
        without direction, and immigrant women without labour-market experience."""
        return self.age < 30 or (self.immigrant and self.female and self.no_work_experience)

    def refresh(self) -> tuple[bool, bool]:
        """Recompute the cached factors after a rating change.

        Returns (category changed, number of low factors changed)."""
        f = factors(self.ratings)
        cat = category_of_factors(f)
        low = (f[0] <= 2) + (f[1] <= 2) + (f[2] <= 2) + (f[3] <= 2) + (f[4] <= 2)
        changed = (cat != self.category, low != self.low_factors)
        self.category, self.low_factors, self.health = cat, low, f[4]
        return changed
