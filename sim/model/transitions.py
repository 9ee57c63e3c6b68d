"""Transitions on the pathway, shared by the processes, each written once as a compiled
function over one citizen ``i`` of a process's columns ``C``.

The STAR step model (trin 1 clarification and a job plan, trin 2 a job match, trin 3
retention and progression in ordinary hours) is the pathway; with ``trin_model: false``
the same states describe ordinary practice (clarification, an ordered offer, the offer).
Every change of pathway state, placement, paid hours and case goes through a function
here; each is registered with what it reads and writes (:func:`sim.model.declare.transition`),
so a process that calls it declares those arrays too.

The fixed numbers the transitions need come in ``T`` (:class:`TransitionParams`, made once
per model by :func:`transition_parameters`); ``keys`` are the random streams' keys
(:mod:`sim.model.rng`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import WEEKS_PER_YEAR

from .barriers import category_of, factors_of, lower_factor, raise_weakest, read_category
from .declare import transition
from .rng import Stream, uniforms
from .states import MIDPOINT, OffKind, Placement, State
from .tally import Tally

SMAJOB_HOURS = 30.0       #: småjob: at least 30 ordinary paid hours a month (jobgaranti-midway-2019, the trin model)
FULL_TIME_HOURS = 160.0   #: ordinary full-time hours a month (37 hours a week × 52/12 ≈ 160)
INTERNSHIP_WEEKS = 13     #: virksomhedspraktik for the non-job-ready: at most 13 weeks (activation-practice-2012, chapter 2)
FULL_HEALTH = 5           #: the top of the health factor: full-time hours are within reach only at 5
#: wage subsidy (løntilskud) is offered to citizens with more than this many weeks on benefit, the
#: six months after which the right and duty to an offer applies (activation-practice-2012, chapter 2)
WAGE_SUBSIDY_MIN_WEEKS = 26
UNDER_30 = 30             #: the age limit of the younger group's rules (activation-practice-2012, chapter 2)

TransitionParams = namedtuple("TransitionParams", [
    "table",                 # progress multipliers by (heavy, health rated 1, recent change), without the wish-based plan
    "wish",                  # the wish-based plan's multiplier with the trin model, else 1
    "belief_effect", "belief_by_category", "belief_boost",
    "order_delay", "n_consultants", "hire_share", "hours_min", "hours_max", "paid_hours_gain",
    "self_sufficiency_hours", "internship_motivation_drop", "progress_per_course_week", "course_weeks",
    "placement_weeks", "rating_misread", "change_weeks", "trust_drop_change",
    "trust_gain_outreach", "trust_gain_central", "form_use_share", "improve_per_meeting", "progress_per_meeting",
    "courses", "course_order_probability", "trin_model", "reoffer_weeks", "first_offer_under30", "first_offer_30plus",
    "interval", "intensive_interval", "intensive_weeks", "meeting_minutes", "intensive_minutes",
])


def transition_parameters(b, org, n_consultants: int) -> TransitionParams:
    """The fixed numbers of the transitions for behaviour ``b`` and organisation ``org``."""
    table = np.array([(b.heavy_group_multiplier if k & 1 else 1.0) * (b.health_block_multiplier if k & 2 else 1.0)
                      * (b.caseworker_change_multiplier if k & 4 else 1.0) for k in range(8)])
    it = org.intensive
    weeks = np.zeros(max(int(k) for k in Placement) + 1, dtype=np.int64)
    weeks[Placement.INTERNSHIP], weeks[Placement.WAGE_SUBSIDY], weeks[Placement.HOUSING] = (
        INTERNSHIP_WEEKS, b.wage_subsidy_weeks, b.housing_placement_weeks)
    return TransitionParams(
        table=table, wish=float(b.wish_based_plan_multiplier if org.trin_model else 1.0),
        belief_effect=float(b.belief_effect), belief_by_category=np.asarray(b.belief_by_category, dtype=float),
        belief_boost=float(b.belief_team_boost if org.team_structure == "team" else 0.0),
        order_delay=int(b.order_delay_weeks if org.team_structure == "order_and_deliver" else 0),
        n_consultants=int(n_consultants), hire_share=float(b.job_hire_share if smajobs(org) else 1.0),
        hours_min=float(b.initial_hours_min), hours_max=float(b.initial_hours_max),
        paid_hours_gain=float(b.paid_hours_motivation_gain), self_sufficiency_hours=float(b.self_sufficiency_hours),
        internship_motivation_drop=float(b.internship_motivation_drop),
        progress_per_course_week=float(b.trin1_progress_per_course_week), course_weeks=int(b.course_weeks),
        placement_weeks=weeks, rating_misread=float(b.rating_misread), change_weeks=int(b.caseworker_change_weeks),
        trust_drop_change=float(b.trust_drop_change), trust_gain_outreach=float(b.trust_gain_outreach),
        trust_gain_central=float(b.trust_gain_central), form_use_share=float(b.form_use_share),
        improve_per_meeting=float(b.improve_per_meeting), progress_per_meeting=float(b.trin1_progress_per_meeting),
        courses=bool(org.courses), course_order_probability=float(b.course_order_probability),
        trin_model=bool(org.trin_model), reoffer_weeks=int(b.reoffer_weeks),
        first_offer_under30=int(b.first_offer_weeks_under30), first_offer_30plus=int(b.first_offer_weeks_30plus),
        interval=int(org.meeting_interval_weeks), meeting_minutes=float(org.meeting_minutes),
        intensive_interval=int(it.interval_weeks if it else org.meeting_interval_weeks),
        intensive_weeks=int(it.duration_weeks if it else 0),
        intensive_minutes=float(it.meeting_minutes if it else org.meeting_minutes))


def smajobs(org) -> bool:
    """Do agreements on a few ordinary hours (småjobs, hybrid internships) exist?  They are
    the ordinary-hours approach of the step model ("an agreement on ordinary hours, or on
    ordinary hours 'på sigt'", jobgaranti-midway-2019, the step model): with the trin model,
    or with consultants who pursue ordinary hours (stance 'balanced' or 'demand_hours')."""
    return bool(org.trin_model or org.consultant_stance != "accept_internships")


# ------------------------------------------------------------------ queues
@transition(writes=("model_ticket",))
@njit(cache=True)
def take_ticket(C):  # pragma: no cover - compiled
    """The next place in the model's queues (waiting list, meetings' booking order,
    consultants' and mentors' queues, offers ordered): numbers handed out in order."""
    t = C.model_ticket[0]
    C.model_ticket[0] = t + 1
    return t


# ------------------------------------------------------------------ the pace of progress and the job chance
@transition(reads=("motivation", "belief", "heavy", "health", "change_penalty_until"))
@njit(cache=True)
def job_chance(C, i, week, T):  # pragma: no cover - compiled
    """The job-chance multiplier: ``(0.5 + motivation) × (1 + belief_effect × (caseworker's
    belief − 0.5))`` × the heavy-group, health-block (health rated 1) and change-of-caseworker
    multipliers (docs/ODD.md, process 2)."""
    k = (1 if C.heavy[i] else 0) + (2 if C.health[i] == 1 else 0) + (4 if week < C.change_penalty_until[i] else 0)
    return (MIDPOINT + C.motivation[i]) * (1.0 + T.belief_effect * (C.belief[i] - MIDPOINT)) * T.table[k]


@transition(reads=("seniority_weeks", "first_week"))
@njit(cache=True)
def weeks_on_benefit(C, i, week):  # pragma: no cover - compiled
    """Weeks on benefit: the seniority at first observation plus the weeks since."""
    return C.seniority_weeks[i] + (week - C.first_week[i])


# ------------------------------------------------------------------ trin 1 and 2
@transition(writes=("state", "trin2_ready_week", "consultant", "queue_ticket"), calls=(take_ticket,),
            streams=(Stream.CONSULTANT,))
@njit(cache=True)
def enter_trin2(C, i, week, T, keys):  # pragma: no cover - compiled
    """Trin 2: the citizen joins a company consultant's queue, at random among the
    consultants; the consultant acts after ``order_delay_weeks`` in the order-and-deliver
    organisation, at once in a team."""
    C.state[i] = State.TRIN2
    C.trin2_ready_week[i] = week + T.order_delay
    if T.n_consultants > 0:
        C.consultant[i] = int(uniforms(keys[Stream.CONSULTANT], week, i, 0)[0] * T.n_consultants)
        C.queue_ticket[i] = take_ticket(C)


@transition(reads=("state",), writes=("plan_progress", "job_wish"), calls=(job_chance, enter_trin2))
@njit(cache=True)
def add_progress(C, i, amount, week, T, keys):  # pragma: no cover - compiled
    """Trin 1: progress towards a clarified job wish, ``amount`` times the progress
    multiplier (the job chance times the wish-based plan); at 1.0 the citizen enters trin 2."""
    if C.state[i] != State.TRIN1:
        return
    C.plan_progress[i] += amount * job_chance(C, i, week, T) * T.wish
    if C.plan_progress[i] >= 1.0:
        C.job_wish[i] = True
        enter_trin2(C, i, week, T, keys)


@transition(writes=("last_offer", "spells_52w"))
@njit(cache=True)
def record_offer(C, i, week):  # pragma: no cover - compiled
    """An activation offer starts (a course or an unpaid or subsidised placement): the week of
    the latest offer (for the rule of repeated offers) and the count of offers in the first
    52 weeks."""
    C.last_offer[i] = week
    if week < WEEKS_PER_YEAR:
        C.spells_52w[i] += 1


@transition(writes=("in_course", "course_start", "course_end"), calls=(record_offer,), counts=(Tally.COURSES,))
@njit(cache=True)
def start_course(C, i, week, T, tally):  # pragma: no cover - compiled
    """A guidance or upskilling course (vejledning og opkvalificering) ordered at a meeting."""
    C.in_course[i] = True
    C.course_start[i] = week
    C.course_end[i] = week + T.course_weeks
    tally[Tally.COURSES] += 1
    record_offer(C, i, week)


@transition(reads=("in_course", "course_start"), writes=("in_course", "course_end"), calls=(add_progress,))
@njit(cache=True)
def end_course(C, i, week, T, keys):  # pragma: no cover - compiled
    """A course ends (or is cut short): its weeks add job-plan progress in trin 1."""
    C.in_course[i] = False
    C.course_end[i] = -1
    add_progress(C, i, T.progress_per_course_week * (week - C.course_start[i]), week, T, keys)


@transition(reads=("age", "last_offer"), calls=(weeks_on_benefit,))
@njit(cache=True)
def offer_due(C, i, week, T):  # pragma: no cover - compiled
    """Ordinary practice's right and duty to activation (ret og pligt, activation-practice-2012,
    chapter 2): a first offer after ``first_offer_weeks_30plus`` weeks on benefit
    (``first_offer_weeks_under30`` under 30), then a new offer every ``reoffer_weeks``."""
    if C.last_offer[i] >= 0:
        return week - C.last_offer[i] >= T.reoffer_weeks
    first = T.first_offer_under30 if C.age[i] < UNDER_30 else T.first_offer_30plus
    return weeks_on_benefit(C, i, week) >= first


@transition(reads=("in_course",), writes=("state", "consultant", "queue_ticket"), calls=(end_course,))
@njit(cache=True)
def set_state(C, i, new, week, T, keys):  # pragma: no cover - compiled
    """Move a citizen to pathway state ``new``.  A course ends when its citizen leaves trin
    1-2, a place in a consultant's queue when the citizen leaves trin 2."""
    if new != State.TRIN1 and new != State.TRIN2 and C.in_course[i]:
        end_course(C, i, week, T, keys)
    C.state[i] = new
    if new != State.TRIN2:
        C.consultant[i] = -1
        C.queue_ticket[i] = -1


# ------------------------------------------------------------------ barriers and the form
@transition(reads=("ratings",), writes=("category", "health", "low_factors"))
@njit(cache=True)
def ratings_changed(C, i):  # pragma: no cover - compiled
    """After the ratings changed: the category, health factor and count of factors rated 1-2."""
    f = factors_of(C.ratings[i])
    C.category[i], C.low_factors[i] = category_of(f[0], f[1], f[2], f[3], f[4])
    C.health[i] = f[4]


@transition(writes=("ratings",), calls=(ratings_changed,))
@njit(cache=True)
def improve(C, i, u):  # pragma: no cover - compiled
    """The weakest factor improves by one step (ties broken by ``u``)."""
    if raise_weakest(C.ratings[i], u):
        ratings_changed(C, i)


@transition(writes=("ratings",), calls=(ratings_changed,))
@njit(cache=True)
def deteriorate(C, i, factor):  # pragma: no cover - compiled
    """The given factor worsens by one step (not below 1)."""
    if lower_factor(C.ratings[i], factor):
        ratings_changed(C, i)


@transition(reads=("ratings", "trust"), writes=("rated",), streams=(Stream.FORM,))
@njit(cache=True)
def fill_form(C, i, week, occasion, T, keys):  # pragma: no cover - compiled
    """An Udviklingsmål form: the caseworker's reading of the ratings, each factor one step
    off with probability ``rating_misread × 2 × (1 − trust)``: a citizen who trusts the
    caseworker more tells more (copenhagen-outreach-2015, part on time per citizen: "the
    more often you meet people, the more comes out")."""
    error = min(1.0, max(0.0, 2.0 * T.rating_misread * (1.0 - C.trust[i])))
    a = uniforms(keys[Stream.FORM], week, i, 3 * occasion)
    b = uniforms(keys[Stream.FORM], week, i, 3 * occasion + 1)
    c = uniforms(keys[Stream.FORM], week, i, 3 * occasion + 2)
    C.rated[i] = read_category(C.ratings[i], error, (a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1]))


# ------------------------------------------------------------------ cases
@transition(reads=("rated", "cw_optimism"), writes=("caseworker", "cw_caseload", "belief"))
@njit(cache=True)
def assign(C, i, j, T):  # pragma: no cover - compiled
    """Put the citizen into caseworker ``j``'s case load.  The caseworker's belief that the
    citizen will get a job: by the A-G category on the citizen's latest form, shifted by the
    caseworker's optimism and, in a team, by the team's shared belief."""
    C.caseworker[i] = j
    C.cw_caseload[j] += 1
    C.belief[i] = min(1.0, max(0.0, T.belief_by_category[C.rated[i]] + C.cw_optimism[j] + T.belief_boost))


@transition(reads=("caseworker", "trust"), writes=("cw_caseload", "caseworker_changes", "change_penalty_until", "trust"),
            calls=(assign,), counts=(Tally.CASEWORKER_CHANGES,))
@njit(cache=True)
def change_caseworker(C, i, j, week, T, tally):  # pragma: no cover - compiled
    """A change of caseworker: trust falls, and for ``caseworker_change_weeks`` the job
    chance and progress are lower (jobgaranti-midway-2019: about 22 % lower)."""
    old = C.caseworker[i]
    if old >= 0:
        C.cw_caseload[old] -= 1
    assign(C, i, j, T)
    C.caseworker_changes[i] += 1
    C.change_penalty_until[i] = week + T.change_weeks
    C.trust[i] = max(0.0, C.trust[i] - T.trust_drop_change)
    tally[Tally.CASEWORKER_CHANGES] += 1


@transition(reads=("caseworker", "mentor"),
            writes=("caseworker", "cw_caseload", "mentor", "mentors_mentees", "mentor_queue", "in_group", "consultant",
                    "queue_ticket", "next_meeting", "meeting_due"))
@njit(cache=True)
def release(C, i):  # pragma: no cover - compiled
    """Close the case: no caseworker, mentor, group, consultant queue or booked meeting."""
    j = C.caseworker[i]
    if j >= 0:
        C.cw_caseload[j] -= 1
    C.caseworker[i] = -1
    k = C.mentor[i]
    if k >= 0:
        C.mentors_mentees[k] -= 1
    C.mentor[i] = -1
    C.mentor_queue[i] = -1
    C.in_group[i] = False
    C.consultant[i] = -1
    C.queue_ticket[i] = -1
    C.next_meeting[i] = -1
    C.meeting_due[i] = -1


# ------------------------------------------------------------------ trin 3
@transition(writes=("hours", "first_hours", "last_hours"))
@njit(cache=True)
def set_hours(C, i, hours, week):  # pragma: no cover - compiled
    """Ordinary paid hours this month (never negative); records when hours were set."""
    h = max(0.0, hours)
    C.hours[i] = h
    if h > 0:
        if C.first_hours[i] < 0:
            C.first_hours[i] = week
        C.last_hours[i] = week


@transition(reads=("placement", "company"), writes=("placement", "company", "placement_end", "ordinary_since", "firm_placed"))
@njit(cache=True)
def leave_placement(C, i):  # pragma: no cover - compiled
    """The citizen leaves the company: its place is free again.  The one way a placement
    ends; what follows (back to trin 2, off benefit, exit) is up to the caller."""
    if C.placement[i] == Placement.NONE:
        return
    C.firm_placed[C.company[i]] -= 1
    C.placement[i] = Placement.NONE
    C.company[i] = -1
    C.placement_end[i] = -1
    C.ordinary_since[i] = -1


@transition(writes=("off_kind", "first_off", "last_off", "hours"),
            calls=(leave_placement, release, set_hours, set_state), streams=(Stream.EXIT_ROUTE,))
@njit(cache=True)
def go_off_benefit(C, i, kind, keep_hours, week, T, keys):  # pragma: no cover - compiled
    """Self-sufficiency (selvforsørgelse) as the register counts it: a job, education, or no
    benefit and no registered income (the DREAM 'restgruppe'); ``kind`` is the route
    (:class:`~sim.model.states.OffKind`).  A job found directly pays between the
    self-sufficiency hours and full time."""
    leave_placement(C, i)
    release(C, i)
    if not keep_hours:
        if kind == OffKind.JOB:
            u = uniforms(keys[Stream.EXIT_ROUTE], week, i, 0)[1]
            set_hours(C, i, T.self_sufficiency_hours + (FULL_TIME_HOURS - T.self_sufficiency_hours) * u, week)
        else:
            C.hours[i] = 0.0
    set_state(C, i, State.SELF_SUFFICIENT, week, T, keys)
    C.off_kind[i] = kind
    if C.first_off[i, kind - 1] < 0:
        C.first_off[i, kind - 1] = week
    C.last_off[i, kind - 1] = week


@transition(reads=("first_hours_on_benefit", "motivation"),
            writes=("placement", "placement_end", "ordinary_since", "first_hours_on_benefit", "motivation"),
            calls=(go_off_benefit, set_hours), streams=(Stream.AGREEMENT,))
@njit(cache=True)
def start_ordinary_hours(C, i, week, T, keys):  # pragma: no cover - compiled
    """An agreement on ordinary paid hours at the company (at a match, or at the end of an
    internship or wage subsidy).  Trin 3 begins "in an internship or in a job"
    (jobgaranti-midway-2019, the step model): with ``job_hire_share`` the company hires the
    citizen into a job that ends the benefit; otherwise it is a småjob of a few hours a
    month, with a lift in motivation (the importance of even a few paid hours,
    outreach-knowledge-sheet-2022).  Where småjobs do not exist (:func:`smajobs`) every
    agreement is a job."""
    u = uniforms(keys[Stream.AGREEMENT], week, i, 0)
    if u[0] < T.hire_share:
        go_off_benefit(C, i, OffKind.JOB, False, week, T, keys)
        return
    C.placement[i] = Placement.ORDINARY
    C.placement_end[i] = -1
    C.ordinary_since[i] = week
    if C.first_hours_on_benefit[i] < 0:
        C.first_hours_on_benefit[i] = week
    set_hours(C, i, T.hours_min + (T.hours_max - T.hours_min) * u[1], week)
    C.motivation[i] = min(1.0, C.motivation[i] + T.paid_hours_gain)


@transition(reads=("first_company_activation", "first_internship"),
            writes=("placement", "company", "placement_start", "hours_promised", "first_company_activation",
                    "placement_end", "first_internship"),
            calls=(set_state, start_ordinary_hours, record_offer))
@njit(cache=True)
def start_placement(C, i, company, kind, promised, week, T, keys):  # pragma: no cover - compiled
    """Trin 3 begins when the citizen starts at a company (jobgaranti-midway-2019, the trin
    model).  The company's place was taken by the negotiation."""
    set_state(C, i, State.TRIN3, week, T, keys)
    C.placement[i] = kind
    C.company[i] = company
    C.placement_start[i] = week
    C.hours_promised[i] = promised
    if kind == Placement.ORDINARY:
        start_ordinary_hours(C, i, week, T, keys)
        return
    if C.first_company_activation[i] < 0:
        C.first_company_activation[i] = week
    record_offer(C, i, week)
    C.placement_end[i] = week + T.placement_weeks[kind]
    if (kind == Placement.INTERNSHIP or kind == Placement.HOUSING) and C.first_internship[i] < 0:
        C.first_internship[i] = week


@transition(reads=("placement", "motivation"), writes=("hours", "motivation"), calls=(leave_placement, enter_trin2),
            counts=(Tally.BREAKDOWNS,))
@njit(cache=True)
def back_to_trin2(C, i, broke_down, week, T, keys, tally):  # pragma: no cover - compiled
    """A placement ends without a way off benefit: a breakdown, or an internship without
    ordinary hours; trin 2 is repeated (jobgaranti-midway-2019, the trin model).  An unpaid
    placement that ends without hours lowers motivation ("unpaid internships can directly
    destroy citizens' motivation and belief", same, part on trin 2); wage subsidy is paid
    work and does not."""
    unpaid = C.placement[i] == Placement.INTERNSHIP or C.placement[i] == Placement.HOUSING
    leave_placement(C, i)
    C.hours[i] = 0.0
    if broke_down:
        tally[Tally.BREAKDOWNS] += 1
    elif unpaid:
        C.motivation[i] = max(0.0, C.motivation[i] - T.internship_motivation_drop)
    enter_trin2(C, i, week, T, keys)


# ------------------------------------------------------------------ leaving and returning
@transition(writes=("hours", "off_kind", "exits_from", "waiting_ticket"), calls=(set_state, take_ticket))
@njit(cache=True)
def return_to_benefit(C, i, week, T, keys):  # pragma: no cover - compiled
    """Back on benefit: referred again, the citizen joins the waiting list for a case load;
    the chances of leaving apply again from next week."""
    C.hours[i] = 0.0
    C.off_kind[i] = OffKind.NONE
    set_state(C, i, State.NOT_ENROLLED, week, T, keys)
    C.exits_from[i] = week + 1
    C.waiting_ticket[i] = take_ticket(C)


@transition(writes=("hours",), calls=(leave_placement, release, set_state))
@njit(cache=True)
def exit_for_good(C, i, week, T, keys):  # pragma: no cover - compiled
    """Another exit (pension, sickness exemption, moving away): no rule applies any more."""
    leave_placement(C, i)
    release(C, i)
    C.hours[i] = 0.0
    set_state(C, i, State.EXITED, week, T, keys)


# ------------------------------------------------------------------ meetings
@transition(reads=("enrolled_week",))
@njit(cache=True)
def interval_for(C, i, week, T):  # pragma: no cover - compiled
    """Weeks between mandatory meetings: the intensive interval during an intensive period
    from enrolment, else the usual one."""
    e = C.enrolled_week[i]
    if e >= 0 and week - e < T.intensive_weeks:
        return T.intensive_interval
    return T.interval


@njit(cache=True)
def standard_minutes(interval, T):  # pragma: no cover - compiled
    """The standard length of a meeting held at this interval."""
    if T.intensive_weeks > 0 and T.intensive_interval != T.interval and interval == T.intensive_interval:
        return T.intensive_minutes
    return T.meeting_minutes


@transition(writes=("next_meeting", "meeting_ticket"), calls=(take_ticket,))
@njit(cache=True)
def book_meeting(C, i, delay, week):  # pragma: no cover - compiled
    """The next meeting, ``delay`` weeks from now (at least one), in the order booked."""
    C.next_meeting[i] = week + max(1, delay)
    C.meeting_ticket[i] = take_ticket(C)


@transition(reads=("next_meeting",), writes=("meeting_due",), calls=(book_meeting,))
@njit(cache=True)
def open_cycle(C, i, delay, week):  # pragma: no cover - compiled
    """A regular meeting ``delay`` weeks from now (at least one), the week it falls due."""
    book_meeting(C, i, delay, week)
    C.meeting_due[i] = C.next_meeting[i]


@transition(reads=("meeting_due",), calls=(open_cycle,))
@njit(cache=True)
def book_regular(C, i, interval, week):  # pragma: no cover - compiled
    """After a regular meeting held this week, the next one ``interval`` weeks after the week
    this one fell due, or after this week if it was held early: a meeting cancelled, missed
    or postponed and held late does not move the deadline of the next (the legal minimum
    counts from the last meeting due, activation-practice-2012, chapter 2)."""
    since = week if C.meeting_due[i] < 0 else min(week, C.meeting_due[i])
    open_cycle(C, i, since + interval - week, week)


# ------------------------------------------------------------------ a conversation and a held meeting
@transition(reads=("trust",), writes=("last_contact", "trust"), calls=(improve, add_progress))
@njit(cache=True)
def talk(C, i, outreach, q, u_improve, u_choice, week, T, keys):  # pragma: no cover - compiled
    """What any conversation with the caseworker does, each effect scaled by ``q`` (the
    square root of its length against a standard meeting's): trust grows (more at the estate
    office), the weakest rating may improve, job-plan progress in trin 1."""
    C.last_contact[i] = week
    gain = T.trust_gain_outreach if outreach else T.trust_gain_central
    C.trust[i] = min(1.0, C.trust[i] + gain * q)
    if u_improve < T.improve_per_meeting * q:
        improve(C, i, u_choice)
    add_progress(C, i, T.progress_per_meeting * q, week, T, keys)


@transition(reads=("state", "in_course", "trin2_ready_week"), writes=("meetings_held", "order_ticket"),
            calls=(fill_form, talk, start_course, offer_due, take_ticket), streams=(Stream.MEETING,))
@njit(cache=True)
def hold_meeting(C, i, outreach, quality, week, occasion, T, keys, tally):  # pragma: no cover - compiled
    """What a held mandatory meeting does, in this order, its effects scaled by
    ``sqrt(quality)`` (the share of the standard length held, at most 1): with
    ``form_use_share`` the caseworker fills in an Udviklingsmål form; the conversation
    (:func:`talk`: trust, the weakest rating, progress); a course may be ordered for a citizen
    in trin 1-2 (in ordinary practice, without the trin model, always when the right and
    duty to activation makes an offer due); for a citizen in trin 2 whose order the
    consultant can act on, a company-directed offer is ordered (one match attempt in the job
    centre's whole company pool by the citizen's consultant, made in process 14; beyond the
    consultant's week the company service takes it with ``order_overflow_share``).  The
    caller books the next meeting."""
    q = np.sqrt(min(1.0, quality))
    u = uniforms(keys[Stream.MEETING], week, i, occasion)
    C.meetings_held[i] += 1
    if u[0] < T.form_use_share:
        fill_form(C, i, week, occasion, T, keys)
    talk(C, i, outreach, q, u[1], u[2], week, T, keys)
    s = C.state[i]
    if T.courses and (s == State.TRIN1 or s == State.TRIN2) and not C.in_course[i]:
        if u[3] < T.course_order_probability or (not T.trin_model and offer_due(C, i, week, T)):
            start_course(C, i, week, T, tally)
    if s == State.TRIN2 and week >= C.trin2_ready_week[i] and C.order_ticket[i] < 0:
        C.order_ticket[i] = take_ticket(C)
