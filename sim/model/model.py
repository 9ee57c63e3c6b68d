"""The Mesa model: one step is one week.

Each week (see docs/ODD.md, 'Process overview and scheduling'):

1. staff events (a caseworker leaves, a replacement starts);
2. citizen events due this week from the event calendar (exits, spells off benefit,
   relapses, placement ends and breakdowns, paid-hours progression), then this week's
   barrier drift and problems, drawn for everyone on benefit at once;
3. intake of new referrals and enrolment from the waiting list into case loads;
4. mandatory meetings due this week are booked into caseworkers' days;
5. the office week: booked meetings (no-shows, cancellations), then open advice in SimPy;
6. unsolved problems take effect;
7. mentors and group courses;
8. company consultants seek job matches (trin 2);
9. the week's counts are recorded.

Rules that apply to one citizen at a time are events in a calendar: the time to the
next event is drawn from the rule's weekly hazard, and redrawn whenever the state that
sets the hazard changes.  Cost therefore grows with events, not citizens × weeks.
Drift and problems, which act alike on everyone on benefit, are one vectorised draw a
week over a numpy array of probabilities (sim/problems.py, ``WeeklyHazards``).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict, deque

import mesa

from . import pathway, problems
from .agents import Caseworker, Citizen, Company, CompanyConsultant, HousingOrganisation, Mentor
from .caseload import Caseloads
from .meetings import Meetings
from .attendance import AttendanceRule, SanctionRule, logit
from .barriers import CATEGORIES, draw_ratings, improve, is_good
from .office import Office
from sim.spec.parameters import Behaviour, annual_to_weekly
from .rng import Streams
from sim.spec.scenario import Scenario
from .states import OffKind, Placement, State


_ON_BENEFIT_CLOCKS = ("exit_other", "job_exit", "restgroup")


class OutreachModel(Caseloads, Meetings, mesa.Model):
    """Agent-based model of outreach employment (fremskudt beskæftigelsesindsats).

    >>> from sim.spec.scenario import Scenario
    >>> m = OutreachModel(Scenario(population={"size": 50}, horizon_weeks=4), seed=1)
    >>> m.run(); sum(m.state_counts) == 50
    True
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, behaviour: Behaviour | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed_used = seed
        self.org = scenario.organisation
        self.pop = scenario.population
        self.b = behaviour if behaviour is not None else scenario.behaviour
        self.horizon = scenario.horizon_weeks
        self.streams = Streams(seed)
        self.week = 0
        self.calendar: dict[int, list] = defaultdict(list)
        self.meetings_due: dict[int, list] = defaultdict(list)
        self.tally: Counter = Counter()
        self.events: list[tuple] = []           # per-citizen event history (week, id, event, detail)
        self.weekly: list[dict] = []
        self.state_counts = [0] * len(State)
        self.placement_counts = [0] * len(Placement)
        self.hours_weeks = 0.0                  # ∫ paid hours/month dt over citizens with paid hours (weeks)
        self.with_hours_weeks = 0.0             # ∫ 1[paid hours > 0] dt (weeks)
        self._with_hours = 0
        self._smajob = 0
        self._in_course = 0
        self.smajob_weeks = 0.0
        self._hours_sum = 0.0
        self.waiting: list = []
        self._pools: dict = defaultdict(list)    # office (or "all") -> heap of (caseload, id, caseworker)
        self.mentor_candidates: deque = deque()
        self.pending_visits: list = []
        self.unsolved: list = []
        self.attendance = AttendanceRule(self.b, self.org)
        self.sanction_rule = SanctionRule(self.b, self.org)
        self.dropin_logit = logit(self.b.dropin_probability)
        self.caseworker_day_minutes = self.org.caseworker_hours_per_week * 60.0 / 5.0
        self.hazards = problems.WeeklyHazards(self.b, self.pop.size + int(4 * self.pop.inflow_per_week * self.horizon) + 16)
        self._build_staff()
        self._build_companies()
        self._build_citizens()
        self.snapshot0 = {c.unique_id: c.category for c in self.citizens}
        reporters = {s.name.lower(): (lambda m, s=s: m.state_counts[s]) for s in State}
        reporters.update(with_paid_hours=lambda m: m._with_hours,
                         caseworkers=lambda m: len(m.caseworkers),
                         waiting=lambda m: m.state_counts[State.NOT_ENROLLED],
                         sanctions=lambda m: m.tally["sanctions"],
                         open_advice_visits=lambda m: m.tally["visits_case"])
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.snapshot52: dict | None = None
        self.running = True

    # ------------------------------------------------------------------ construction
    def _build_staff(self) -> None:
        org = self.org
        n_cw = max(1, round(org.caseworkers))
        offices = org.outreach_offices if org.location != "central" else 0
        self.n_offices = offices
        days = org.days_in_estate
        self.caseworkers: list[Caseworker] = []
        self.all_caseworkers: list[Caseworker] = []   # including those who left (for utilisation)
        self._estate_days = []
        for i in range(n_cw):
            # spread fractional days so the mean matches days_in_estate
            frac = days - int(days)
            d = int(days) + int((i + 1) * frac + 1e-9) - int(i * frac + 1e-9)
            self._estate_days.append(min(5, d))
        for i in range(n_cw):
            self._hire(office=(i % offices) if offices else None, estate_days=self._estate_days[i], week=0)
        # open-advice days by office: the first open_advice_days weekdays that have staff present
        self.open_days: dict[int, list[int]] = {}
        for o in range(offices):
            staffed = sorted({d for cw in self.caseworkers if cw.office == o for d in range(cw.estate_days)})
            days_open = staffed[: org.open_advice_days]
            if days_open:
                self.open_days[o] = days_open
        self.mentors = [Mentor(self, capacity=org.mentor_caseload) for _ in range(org.mentors)]
        self.orientation = pathway.hours_orientation(org)
        self.consultants: list[CompanyConsultant] = []
        for _ in range(org.company_consultants):
            self.consultants.append(CompanyConsultant(self, network=[], attempts_per_week=org.consultant_attempts_per_week,
                                                      hours_orientation=self.orientation))

    def _build_companies(self) -> None:
        b, comp = self.b, self.scenario.companies
        rnd = self.streams["companies"]
        self.companies = []
        for _ in range(comp.count):
            # willingness varies between companies (Beta with the behavioural mean, concentration 4; assumed)
            h = float(rnd.generator.beta(4 * b.company_hours_willingness + 1e-9, 4 * (1 - b.company_hours_willingness) + 1e-9))
            i = float(rnd.generator.beta(4 * b.company_internship_willingness + 1e-9, 4 * (1 - b.company_internship_willingness) + 1e-9))
            self.companies.append(Company(self, slots=comp.slots_per_company, hours_willingness=h, internship_willingness=i))
        h = self.org.housing
        self.housing = None
        if h.placements > 0 or h.debt_counselling:
            self.housing = HousingOrganisation(self, slots=max(0, h.placements), hours_willingness=h.hours_willingness,
                                               debt_counselling=h.debt_counselling)
        # each consultant's network: an equal share of the pool, plus the housing organisation
        k = len(self.consultants)
        for j, cons in enumerate(self.consultants):
            cons.network = [c for i, c in enumerate(self.companies) if i % k == j]
            if self.housing is not None and self.housing.slots > 0:
                cons.network.append(self.housing)
        self.fallback_network = list(self.companies) + ([self.housing] if self.housing is not None and self.housing.slots > 0 else [])

    def _build_citizens(self) -> None:
        self.citizens: list[Citizen] = []
        for _ in range(self.pop.size):
            self._new_citizen(initial=True)

    def _new_citizen(self, initial: bool) -> Citizen:
        pop = self.pop
        r = self.streams["population"]
        rnd = r.random
        cats = CATEGORIES
        u, acc, cat = rnd(), 0.0, "G"
        for k in cats:
            acc += pop.ag_distribution[k]
            if u < acc:
                cat = k
                break
        job_ready = rnd() < pop.job_ready_share
        if job_ready:
            cat = "A" if rnd() < 0.5 else "B"
        immigrant = rnd() < pop.immigrant_share
        female = rnd() < pop.female_share
        benefit = "kontanthjaelp"
        u, acc = rnd(), 0.0
        for k, v in pop.benefit_shares.items():
            acc += v
            if u < acc:
                benefit = k
                break
        c = Citizen(self, age=r.integers(pop.age_min, pop.age_max + 1), female=female, immigrant=immigrant, benefit=benefit,
                    seniority_weeks=int(r.exponential(pop.seniority_weeks_mean)) if initial else 0,
                    ratings=draw_ratings(cat, immigrant, rnd),
                    motivation=min(1.0, max(0.0, pop.motivation_mean + r.uniform(-0.25, 0.25))),
                    trust=min(1.0, max(0.0, pop.trust_mean + r.uniform(-0.25, 0.25))),
                    no_work_experience=rnd() < pop.no_work_experience_share, job_ready=job_ready)
        if initial:
            # the stock at week 0 is part-way through clarification (assumed: uniform progress;
            # values above 1 start with a clarified job wish)
            c.plan_progress = r.uniform(0.0, 1.2)
            c.job_wish = c.plan_progress >= 1.0
        c.first_week = self.week
        c.idx = self.hazards.add()
        c.area = (c.unique_id % self.n_offices) if self.n_offices else None
        self.citizens.append(c)
        self.state_counts[State.NOT_ENROLLED] += 1
        self.log(c, "intake", 0)
        self._start_clocks(c)
        self.waiting.append(c)
        return c

    def _start_clocks(self, c) -> None:
        self._schedule_exits(c)
        self.hazards.update(c)

    def _schedule_exits(self, c, other: bool = True, job: bool = True, rest: bool = True) -> None:
        """(Re)draw the exit clocks; each hazard is fixed until the state that sets it changes."""
        b, s = self.b, self.streams
        if other:
            g = c.category == "G"
            p_other = annual_to_weekly(min(0.99, b.exit_other_annual * (b.exit_other_g_multiplier if g else 1.0)))
            self.schedule(s["exit_other"].geometric(p_other), "exit_other", c)
        if job:
            if c.job_ready:
                p_job = annual_to_weekly(b.job_exit_annual_job_ready)
            else:
                p_job = annual_to_weekly(b.job_exit_annual_good if is_good(c.category) else b.job_exit_annual_poor)
            p_job *= (1.0 - b.education_share) + b.education_share * self._education_multiplier(c)
            p_job *= pathway.progress_multiplier(self, c) / (b.wish_based_plan_multiplier if self.org.trin_model else 1.0)
            self.schedule(s["job_exit"].geometric(min(1.0, p_job)), "job_exit", c)
        if rest:
            self.schedule(s["restgroup"].geometric(annual_to_weekly(b.restgroup_annual)), "restgroup", c)

    def _education_multiplier(self, c) -> float:
        return self.b.education_multiplier_young if c.benefit == "uddannelseshjaelp" else 1.0

    # ------------------------------------------------------------------ bookkeeping
    def schedule(self, delay: int, kind: str, agent) -> None:
        """Schedule event ``kind`` for ``agent`` ``delay`` weeks from now, replacing any earlier one."""
        tok = agent.clock.get(kind, 0) + 1
        agent.clock[kind] = tok
        w = self.week + max(1, int(delay))
        if w < self.horizon:
            self.calendar[w].append((kind, agent, tok))

    def cancel(self, kind: str, agent) -> None:
        agent.clock[kind] = agent.clock.get(kind, 0) + 1

    def log(self, c, event: str, detail) -> None:
        self.events.append((self.week, c.unique_id, event, detail))

    def set_state(self, c, new: State) -> None:
        if c.state != new:
            if c.in_course and new not in (State.TRIN1, State.TRIN2):
                self.end_course(c, completed=False)
            self.state_counts[c.state] -= 1
            self.state_counts[new] += 1
            was_on_benefit = c.on_benefit
            c.state = new
            c.on_benefit = new <= State.TRIN3
            c.enrolled = State.TRIN1 <= new <= State.TRIN3
            if c.on_benefit != was_on_benefit:
                self.hazards.update(c)      # problems and drift pause off benefit
            self.log(c, "state", int(new))
            if self.mentors and c.mentor is None and self.mentor_eligible(c):
                self.mentor_candidates.append(c)

    def set_hours(self, c, hours: float) -> None:
        """Change the citizen's ordinary paid hours this month (never negative)."""
        hours = max(0.0, float(hours))
        if c.hours > 0:
            self._with_hours -= 1
            self._hours_sum -= c.hours
            self._smajob -= c.hours >= pathway.SMAJOB_HOURS
        c.hours = hours
        if hours > 0:
            self._with_hours += 1
            self._hours_sum += hours
            self._smajob += hours >= pathway.SMAJOB_HOURS
            if c.ever_hours_week is None:
                c.ever_hours_week = self.week
            self.log(c, "hours", round(hours, 1))

    # ------------------------------------------------------------------ courses
    def start_course(self, c) -> None:
        """A guidance or upskilling course (vejledning og opkvalificering) ordered at a meeting."""
        c.in_course = True
        c.course_start = self.week
        self._in_course += 1
        self.tally["courses"] += 1
        self.log(c, "course", 0)
        self.schedule(self.b.course_weeks, "course_end", c)

    def end_course(self, c, completed: bool) -> None:
        """The course ends (or is cut short): its weeks add trin-1 progress."""
        if not c.in_course:
            return
        c.in_course = False
        self._in_course -= 1
        self.cancel("course_end", c)
        pathway.add_progress(self, c, self.b.trin1_progress_per_course_week * (self.week - c.course_start))

    def ratings_changed(self, c) -> None:
        """After a rating changed: new category and problem rate redraw the hazards they set."""
        old = c.category
        cat_changed, low_changed = c.refresh()
        if cat_changed:
            self.log(c, "category", c.category)
            # only the hazards that depend on the category class are redrawn
            g_changed = (old == "G") != (c.category == "G")
            good_changed = is_good(old) != is_good(c.category)
            if g_changed or good_changed:
                self._schedule_exits(c, other=g_changed, job=good_changed, rest=False)
            if self.mentors and c.mentor is None and self.mentor_eligible(c):
                self.mentor_candidates.append(c)
        if low_changed:
            self.hazards.update(c)

    # ------------------------------------------------------------------ events
    def _handle(self, kind: str, a) -> None:
        if kind == "leave":
            self._caseworker_leaves(a)
        elif kind == "hire":
            self._replacement_starts(a)
        elif kind == "exit_other":
            if a.on_benefit:
                self._exit(a)
        elif kind == "job_exit":
            if a.on_benefit:
                es = self.b.education_share * self._education_multiplier(a)
                p_edu = es / ((1.0 - self.b.education_share) + es)
                kind_off = OffKind.EDUCATION if self.streams["job_exit"].random() < p_edu else OffKind.JOB
                self._leave_placement(a)
                self.go_off_benefit(a, kind_off)
        elif kind == "restgroup":
            if a.on_benefit:
                self._leave_placement(a)
                self.go_off_benefit(a, OffKind.REST)
        elif kind == "return":
            if a.state == State.SELF_SUFFICIENT:
                self._return_to_benefit(a)
        elif kind == "placement_end":
            if a.state == State.TRIN3 and a.placement in (Placement.INTERNSHIP, Placement.WAGE_SUBSIDY, Placement.HOUSING):
                pathway.placement_end(self, a)
        elif kind == "breakdown":
            if a.state == State.TRIN3 and a.placement != Placement.NONE:
                pathway.end_placement(self, a, broke_down=True)
        elif kind == "course_end":
            self.end_course(a, completed=True)
        elif kind == "hours":
            if a.state == State.TRIN3 and a.placement == Placement.ORDINARY:
                pathway.hours_progression(self, a)

    def _leave_placement(self, c) -> None:
        if c.placement != Placement.NONE:
            comp = c.placement_company
            if comp is not None:
                comp.placed.discard(c)
            c.placement = Placement.NONE
            c.placement_company = None
            for k in ("breakdown", "hours", "placement_end"):
                self.cancel(k, c)

    def go_off_benefit(self, c, kind: OffKind, keep_hours: bool = False) -> None:
        """Self-sufficiency (selvforsørgelse) as the register counts it: job, education or 'restgruppe'."""
        b = self.b
        self.release(c)
        if not keep_hours:
            if kind == OffKind.JOB:
                self.set_hours(c, self.streams["hours"].uniform(b.self_sufficiency_hours, 160.0))
            elif c.hours > 0:
                self.set_hours(c, 0.0)
        self.set_state(c, State.SELF_SUFFICIENT)
        c.off_kind = kind
        c.ever_off_week.setdefault(int(kind), self.week)
        self.log(c, "off", int(kind))
        # the rules for citizens on benefit pause while off benefit
        for kind_ in _ON_BENEFIT_CLOCKS:
            self.cancel(kind_, c)
        if kind == OffKind.REST:
            delay = self.streams["return"].geometric(1.0 / b.restgroup_mean_weeks)
        else:
            delay = self.streams["return"].geometric(annual_to_weekly(b.relapse_annual))
        self.schedule(delay, "return", c)

    def _return_to_benefit(self, c) -> None:
        if c.hours > 0:
            self.set_hours(c, 0.0)
        c.off_kind = None
        self.set_state(c, State.NOT_ENROLLED)
        self.log(c, "return", 0)
        self.waiting.append(c)
        self._start_clocks(c)

    def _exit(self, c) -> None:
        self._leave_placement(c)
        self.release(c)
        if c.hours > 0:
            self.set_hours(c, 0.0)
        self.set_state(c, State.EXITED)
        self.log(c, "exit", 0)
        for kind in list(c.clock):
            self.cancel(kind, c)     # an exit is for good: no rule applies any more

    # ------------------------------------------------------------------ mentors and consultants
    def _mentoring(self) -> None:
        if not self.mentors:
            return
        b = self.b
        # free mentor places go to eligible citizens in the order they became eligible
        q = self.mentor_candidates
        while q:
            mt = next((x for x in self.mentors if x.has_room), None)
            if mt is None:
                break
            c = q.popleft()
            if c.mentor is None and self.mentor_eligible(c):
                mt.mentees.add(c)
                c.mentor = mt
                self.tally["mentor_assignments"] += 1
        rnd = self.streams["mentor"].random
        for mt in self.mentors:
            mentees = sorted(mt.mentees, key=lambda x: x.unique_id)
            for c in mentees:
                if not c.on_benefit:
                    continue
                n = int(b.mentor_sessions_per_week) + (1 if rnd() < b.mentor_sessions_per_week % 1 else 0)
                for _ in range(n):
                    self.tally["mentor_sessions"] += 1
                    pathway.add_progress(self, c, b.trin1_progress_per_mentor_session)
                    if rnd() < b.improve_per_mentor_session and improve(c.ratings, rnd):
                        self.ratings_changed(c)
            if self.org.group_courses:
                # this week's group: up to group_size of the mentor's mentees still in trin 1
                group = [c for c in mentees if c.state == State.TRIN1][: self.org.group_size]
                for c in mentees:
                    c.in_group = False
                for c in group:
                    c.in_group = True
                    if rnd() < b.group_attendance:
                        self.tally["group_sessions"] += 1
                        pathway.add_progress(self, c, b.trin1_progress_per_group_session)
                        if rnd() < b.improve_per_group_session and improve(c.ratings, rnd):
                            self.ratings_changed(c)

    def mentor_eligible(self, c) -> bool:
        """Mentor support goes to enrolled citizens in trin 1-2 with heavy barriers (E-G) or in the heavy group."""
        return c.state in (State.TRIN1, State.TRIN2) and (not is_good(c.category) or c.heavy)

    def _matching(self) -> None:
        """Trin 2: each consultant works round the queue, up to the week's capacity."""
        for cons in self.consultants:
            q, attempts = cons.queue, cons.attempts_per_week
            for _ in range(len(q)):
                if attempts <= 0:
                    break
                c, token = q.popleft()
                if c.state != State.TRIN2 or c.consultant is not cons or c.queue_token != token:
                    continue                    # stale entry: the citizen moved on
                if self.week < c.trin2_ready_week:
                    q.append((c, token))
                    continue
                attempts -= 1
                self.tally["match_attempts"] += 1
                if not pathway.attempt_match(self, c, cons.network, cons.hours_orientation):
                    q.append((c, token))

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        w = self.week
        # 1-2. events due this week (staff first, in the order scheduled)
        for kind, a, tok in self.calendar.pop(w, ()):
            if a.clock.get(kind) == tok:
                self._handle(kind, a)
        problems.weekly_drift_and_problems(self)
        # 3. intake and enrolment
        inflow = self.pop.inflow_per_week
        if inflow > 0:
            for _ in range(self.streams["intake"].poisson(inflow)):
                self._new_citizen(initial=False)
        self.enrol_waiting()
        # 4-5. meetings and open advice in the office
        agendas = self._agendas()
        office_days = problems.build_office_days(self, w)
        for cw in self.caseworkers:
            if cw.active:
                cw.minutes_available += cw.contact_minutes_per_day * 5
        self.office.run_week(w, agendas, office_days)
        problems.settle_visits(self, office_days)
        # 6. unsolved problems
        problems.settle_unsolved(self)
        # 7-8. mentors, group courses and job matching
        self._mentoring()
        self._matching()
        # 9. record
        self._record()
        self.week += 1
        if self.week == 52:   # status 12 months after week 0 (A-G transition tables)
            self.snapshot52 = {c.unique_id: self._status_for_progression(c) for c in self.citizens}
        if self.week >= self.horizon:
            self.running = False

    @property
    def office(self) -> Office:
        if not hasattr(self, "_office"):
            self._office = Office(self)
        return self._office

    def _status_for_progression(self, c) -> str:
        """Status used for the 12-month A-G transition tables (copenhagen-outreach-2015 §3.3)."""
        if c.state == State.SELF_SUFFICIENT and c.off_kind in (OffKind.JOB, OffKind.EDUCATION):
            return "job_education"
        if c.state in (State.EXITED, State.SELF_SUFFICIENT):
            return "other"
        return "good" if is_good(c.category) else "poor"

    def _record(self) -> None:
        self._accumulate_citizen_weeks()
        on_benefit = sum(self.state_counts[:4])
        enrolled = self.state_counts[State.TRIN1] + self.state_counts[State.TRIN2] + self.state_counts[State.TRIN3]
        self.tally["case_weeks"] += enrolled
        self.tally["benefit_weeks"] += on_benefit
        in_group = sum(1 for mt in self.mentors for c in mt.mentees if c.in_group) if self.org.group_courses else 0
        self.tally["group_weeks"] += in_group
        placed = self.state_counts[State.TRIN3]
        self.tally["placement_weeks"] += placed
        self.tally["course_weeks"] += self._in_course
        self.hours_weeks += self._hours_sum
        self.with_hours_weeks += self._with_hours
        self.smajob_weeks += self._smajob
        self.datacollector.collect(self)
        row = {"week": self.week, **{k: v[-1] for k, v in self.datacollector.model_vars.items()}}
        self.weekly.append(row)

    def _accumulate_citizen_weeks(self) -> None:
        """Per-citizen weeks and paid hours of this week (the inputs of the public-budget view)."""
        per_week = 1.0 / (52.0 / 12.0)
        for c in self.citizens:
            acc = c.accumulated
            if c.on_benefit:
                acc["benefit_weeks"] += 1
                acc["paid_hours_on_benefit"] += c.hours * per_week
            elif c.state == State.SELF_SUFFICIENT:
                acc["self_sufficient_weeks"] += 1
            acc["paid_hours"] += c.hours * per_week
            if c.placement == Placement.INTERNSHIP:
                acc["internship_weeks"] += 1
            elif c.placement == Placement.WAGE_SUBSIDY:
                acc["wage_subsidy_weeks"] += 1
            elif c.placement == Placement.HOUSING:
                acc["housing_placement_weeks"] += 1
            if c.in_course:
                acc["course_weeks"] += 1
            if c.mentor is not None:
                acc["mentor_weeks"] += 1
            if c.in_group:
                acc["group_course_weeks"] += 1

    def run(self) -> "OutreachModel":
        """Run to the horizon.

        Python's cyclic garbage collector is paused meanwhile: the event history holds
        millions of small tuples, and rescanning them made the cost per citizen-week grow
        with the population (about a quarter of a 100,000-citizen run)."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            while self.week < self.horizon:
                self.step()
        finally:
            if was_enabled:
                gc.enable()
        return self

    # ------------------------------------------------------------------ invariants
    def check_invariants(self) -> None:
        """Raise AssertionError if a model invariant is broken (used by the tests)."""
        counts = [0] * len(State)
        for c in self.citizens:
            counts[c.state] += 1
            assert c.on_benefit == (c.state <= State.TRIN3) and c.enrolled == (State.TRIN1 <= c.state <= State.TRIN3), \
                f"state flags of citizen {c.unique_id} out of step with {c.state.name}"
            assert c.hours >= 0, f"negative hours for citizen {c.unique_id}"
            if c.enrolled:
                assert c.caseworker is not None and c.caseworker.active, f"citizen {c.unique_id} has no active caseworker"
                assert c in c.caseworker.cases
            else:
                assert c.caseworker is None, f"citizen {c.unique_id} in state {c.state.name} still has a caseworker"
            if c.state == State.TRIN3:
                assert c.placement != Placement.NONE
            else:
                assert c.placement == Placement.NONE, f"citizen {c.unique_id} in {c.state.name} has a placement"
            if c.hours > 0:
                assert c.state in (State.TRIN3, State.SELF_SUFFICIENT)
        assert counts == self.state_counts, (counts, self.state_counts)
        for cw in self.caseworkers:
            assert cw.active
            for c in cw.cases:
                assert c.caseworker is cw and c.enrolled
            if self.org.caseload_cap is not None:
                pass  # reassignment after turnover may exceed the cap for a while
        for comp in self.companies:
            assert len(comp.placed) <= comp.slots
        in_group = [c for c in self.citizens if c.in_group]
        assert len(in_group) <= self.org.group_size * len(self.mentors), "group courses hold more than their places"
        assert all(c.mentor is not None for c in in_group)
