"""Transitions on the pathway, shared by the processes: every change of pathway state,
placement and paid hours goes through one function here, over arrays of citizen ids.

The STAR step model (trin 1 clarification and a job plan, trin 2 a job match, trin 3
retention and progression in ordinary hours) is the pathway; with ``trin_model: false``
the same states describe ordinary practice (clarification, an ordered offer, the offer).
"""

from __future__ import annotations

import numpy as np

from . import barriers, caseload, kernels
from .states import OFF, PL, ST, Placement, State
from .tally import Tally

SMAJOB_HOURS = 30.0       #: småjob: at least 30 ordinary paid hours a month (jobgaranti-midway-2019, the trin model)
FULL_TIME_HOURS = 160.0   #: ordinary full-time hours a month (37 hours a week × 52/12 ≈ 160)
INTERNSHIP_WEEKS = 13     #: virksomhedspraktik for the non-job-ready: at most 13 weeks (activation-practice-2012, chapter 2)
COMPANY_ACTIVATION = (PL.INTERNSHIP, PL.WAGE_SUBSIDY, PL.HOUSING)


# ------------------------------------------------------------------ multipliers
def progress_multiplier(m, ids: np.ndarray) -> np.ndarray:
    """How fast contacts move each citizen forward in trin 1: ``(0.5 + motivation) ×
    (1 + belief_effect × (caseworker's belief − 0.5))``, times the wish-based plan of the
    trin model and the multipliers of the heavy group, of a health factor rated 1, and of a
    recent change of caseworker (:func:`multiplier_table`)."""
    P = m.pop
    return kernels.progress_multiplier(ids, P.motivation, P.belief, P.heavy, P.health, P.change_penalty_until,
                                       m.week, m.b.belief_effect, m.multipliers)


def multiplier_table(b, trin_model: bool) -> np.ndarray:
    """The product of the heavy-group, health-block and change-of-caseworker multipliers
    (and the wish-based plan) for each of the eight combinations (index bits: heavy,
    health rated 1, recent change)."""
    wish = b.wish_based_plan_multiplier if trin_model else 1.0
    return np.array([wish * (b.heavy_group_multiplier if i & 1 else 1.0) * (b.health_block_multiplier if i & 2 else 1.0)
                     * (b.caseworker_change_multiplier if i & 4 else 1.0) for i in range(8)])


def job_chance(m, ids: np.ndarray) -> np.ndarray:
    """The job-chance multiplier: the progress multiplier without the wish-based plan
    (the plan speeds clarification, not the labour market's response)."""
    x = progress_multiplier(m, ids)
    return x / m.b.wish_based_plan_multiplier if m.org.trin_model else x


# ------------------------------------------------------------------ state
def set_state(m, ids: np.ndarray, new: State) -> None:
    """Move citizens to pathway state ``new``.  A course ends when its citizen leaves
    trin 1-2, a place in a consultant's queue when the citizen leaves trin 2."""
    if len(ids) == 0:
        return
    P = m.pop
    if new not in (ST.TRIN1, ST.TRIN2):
        end_course(m, ids[P.in_course[ids]])
    P.state[ids] = new
    if new != ST.TRIN2:
        P.consultant[ids] = -1
        P.queue_ticket[ids] = -1


def ratings_changed(m, ids: np.ndarray) -> None:
    """After ratings changed: new category, health factor and count of low factors."""
    if len(ids) == 0:
        return
    P = m.pop
    kernels.summarise(P.ratings, ids, P.category, P.health, P.low_factors)


def fill_forms(m, ids: np.ndarray) -> None:
    """An Udviklingsmål form for each citizen: the caseworker's reading of the ratings
    (:func:`sim.model.barriers.read_form`), each factor one step off with probability
    ``rating_misread × 2 × (1 − trust)``: a citizen who trusts the caseworker more tells
    more (copenhagen-outreach-2015, part on time per citizen: "the more often you meet
    people, the more comes out")."""
    if len(ids) == 0:
        return
    P = m.pop
    error = np.clip(2.0 * m.b.rating_misread * (1.0 - P.trust[ids]), 0.0, 1.0)
    P.rated[ids] = barriers.read_form(P.ratings[ids], error, m.streams["form"].random((len(ids), 10)))


# ------------------------------------------------------------------ trin 1 and 2
def add_progress(m, ids: np.ndarray, amount) -> None:
    """Trin 1: progress towards a clarified job wish (``amount`` times the progress
    multiplier); at 1.0 the citizen enters trin 2."""
    if len(ids) == 0:
        return
    P = m.pop
    done = kernels.add_progress(ids, np.atleast_1d(np.asarray(amount, dtype=float)), P.state, P.plan_progress,
                                P.motivation, P.belief, P.heavy, P.health, P.change_penalty_until, m.week,
                                m.b.belief_effect, m.multipliers)
    if done.any():
        done = ids[done]
        P.job_wish[done] = True
        enter_trin2(m, done)


def enter_trin2(m, ids: np.ndarray) -> None:
    """Trin 2: the citizen joins a company consultant's queue (the consultant acts after
    ``order_delay_weeks`` in the order-and-deliver organisation, at once in a team)."""
    if len(ids) == 0:
        return
    P = m.pop
    set_state(m, ids, ST.TRIN2)
    delay = m.b.order_delay_weeks if m.org.team_structure == "order_and_deliver" else 0
    P.trin2_ready_week[ids] = m.week + delay
    if m.n_consultants:
        P.consultant[ids] = ids % m.n_consultants
        P.queue_ticket[ids] = m.next_ticket(len(ids))


def start_course(m, ids: np.ndarray) -> None:
    """A guidance or upskilling course (vejledning og opkvalificering) ordered at a meeting."""
    if len(ids) == 0:
        return
    P = m.pop
    P.in_course[ids] = True
    P.course_start[ids] = m.week
    P.course_end[ids] = m.week + m.b.course_weeks
    m.tally[Tally.COURSES] += len(ids)
    record_offer(m, ids)


def record_offer(m, ids: np.ndarray) -> None:
    """An activation offer starts (a course or an unpaid or subsidised placement): the week
    of the latest offer (for the rule of repeated offers) and the count of offers in the
    first 52 weeks."""
    P = m.pop
    P.last_offer[ids] = m.week
    if m.week < 52:
        P.spells_52w[ids] += 1


def offer_due(m, ids: np.ndarray) -> np.ndarray:
    """Ordinary practice's right and duty to activation (ret og pligt, activation-practice-2012,
    chapter 2): a first offer after ``first_offer_weeks_30plus`` weeks on benefit
    (``first_offer_weeks_under30`` under 30), then a new offer every ``reoffer_weeks``.
    Weeks on benefit are counted from the seniority at first observation."""
    P, b, w = m.pop, m.b, m.week
    last = P.last_offer[ids]
    on_benefit = P.seniority_weeks[ids] + (w - P.first_week[ids])
    first = np.where(P.age[ids] < 30, b.first_offer_weeks_under30, b.first_offer_weeks_30plus)
    return np.where(last >= 0, w - last >= b.reoffer_weeks, on_benefit >= first)


def end_course(m, ids: np.ndarray) -> None:
    """A course ends (or is cut short): its weeks add job-plan progress in trin 1."""
    if len(ids) == 0:
        return
    P = m.pop
    P.in_course[ids] = False
    P.course_end[ids] = -1
    add_progress(m, ids, m.b.trin1_progress_per_course_week * (m.week - P.course_start[ids]))


# ------------------------------------------------------------------ trin 3
def set_hours(m, ids: np.ndarray, hours: np.ndarray) -> None:
    """Ordinary paid hours this month (never negative); records when hours were set."""
    if len(ids) == 0:
        return
    P = m.pop
    hours = np.maximum(0.0, hours)
    P.hours[ids] = hours
    paid = ids[hours > 0]
    P.first_hours[paid[P.first_hours[paid] < 0]] = m.week
    P.last_hours[paid] = m.week


def clear_hours(m, ids: np.ndarray) -> None:
    """No paid hours any more."""
    m.pop.hours[ids] = 0.0


def start_placement(m, ids: np.ndarray, companies: np.ndarray, kinds: np.ndarray, promised: np.ndarray) -> None:
    """Trin 3 begins when the citizen starts at a company (jobgaranti-midway-2019, the
    trin model).  The company's place was taken by the negotiation."""
    if len(ids) == 0:
        return
    P, w = m.pop, m.week
    set_state(m, ids, ST.TRIN3)
    P.placement[ids] = kinds
    P.company[ids] = companies
    P.placement_start[ids] = w
    P.hours_promised[ids] = promised
    ordinary = kinds == PL.ORDINARY
    start_ordinary_hours(m, ids[ordinary])
    unpaid, k = ids[~ordinary], kinds[~ordinary]
    first = unpaid[P.first_company_activation[unpaid] < 0]
    P.first_company_activation[first] = w
    record_offer(m, unpaid)
    P.placement_end[unpaid] = w + m.placement_weeks[k]
    intern = unpaid[(k == PL.INTERNSHIP) | (k == PL.HOUSING)]
    P.first_internship[intern[P.first_internship[intern] < 0]] = w


def placement_weeks(b) -> np.ndarray:
    """Planned length of an unpaid placement by Placement code (ordinary hours have none):
    an internship at most 13 weeks, wage subsidy and housing placements as the parameters say."""
    weeks = np.zeros(max(int(k) for k in Placement) + 1, dtype=np.int64)
    weeks[PL.INTERNSHIP], weeks[PL.WAGE_SUBSIDY], weeks[PL.HOUSING] = (INTERNSHIP_WEEKS, b.wage_subsidy_weeks,
                                                                       b.housing_placement_weeks)
    return weeks


def smajobs(org) -> bool:
    """Do agreements on a few ordinary hours (småjobs, hybrid internships) exist?  They are
    the ordinary-hours approach of the step model ("an agreement on ordinary hours, or on
    ordinary hours 'på sigt'", jobgaranti-midway-2019, the step model): with the trin model,
    or with consultants who pursue ordinary hours (stance 'balanced' or 'demand_hours')."""
    return bool(org.trin_model or org.consultant_stance != "accept_internships")


def start_ordinary_hours(m, ids: np.ndarray) -> None:
    """An agreement on ordinary paid hours at the company (at a match, or at the end of an
    internship or wage subsidy).  Trin 3 begins "in an internship or in a job"
    (jobgaranti-midway-2019, the step model): with ``job_hire_share`` the company hires the
    citizen into a job that ends the benefit (:func:`go_off_benefit`); otherwise it is a
    småjob of a few hours a month, with a lift in motivation (the importance of even a few
    paid hours, outreach-knowledge-sheet-2022).  Småjobs belong to the ordinary-hours
    approach (:func:`smajobs`); in the ordinary practice of activation-practice-2012
    (internships, wage subsidy and ordinary jobs) every agreement is a job."""
    if len(ids) == 0:
        return
    P, b = m.pop, m.b
    hire = m.draw("hire", ids) < (b.job_hire_share if smajobs(m.org) else 1.0)
    go_off_benefit(m, ids[hire], OFF.JOB)
    ids = ids[~hire]
    P.placement[ids] = PL.ORDINARY
    P.placement_end[ids] = -1
    P.ordinary_since[ids] = m.week
    P.first_hours_on_benefit[ids[P.first_hours_on_benefit[ids] < 0]] = m.week
    set_hours(m, ids, b.initial_hours_min + (b.initial_hours_max - b.initial_hours_min) * m.draw("hours", ids))
    P.motivation[ids] = np.minimum(1.0, P.motivation[ids] + b.paid_hours_motivation_gain)


def leave_placement(m, ids: np.ndarray) -> None:
    """The citizen leaves the company: its place is free again.  The one way a placement
    ends; what follows (back to trin 2, off benefit, exit) is up to the caller."""
    P = m.pop
    ids = ids[P.placement[ids] != PL.NONE]
    if len(ids) == 0:
        return
    np.subtract.at(m.firms.placed, P.company[ids], 1)
    P.placement[ids] = PL.NONE
    P.company[ids] = -1
    P.placement_end[ids] = -1
    P.ordinary_since[ids] = -1


def back_to_trin2(m, ids: np.ndarray, broke_down: bool) -> None:
    """A placement ends without a way off benefit: a breakdown, or an internship without
    ordinary hours; trin 2 is repeated (jobgaranti-midway-2019, the trin model)."""
    if len(ids) == 0:
        return
    P = m.pop
    unpaid = (P.placement[ids] == PL.INTERNSHIP) | (P.placement[ids] == PL.HOUSING)
    leave_placement(m, ids)
    clear_hours(m, ids)
    if broke_down:
        m.tally[Tally.BREAKDOWNS] += len(ids)
    else:
        drop = ids[unpaid]
        P.motivation[drop] = np.maximum(0.0, P.motivation[drop] - m.b.internship_motivation_drop)
    enter_trin2(m, ids)


# ------------------------------------------------------------------ leaving and returning
def go_off_benefit(m, ids: np.ndarray, kinds, keep_hours: bool = False) -> None:
    """Self-sufficiency (selvforsørgelse) as the register counts it: a job, education, or
    no benefit and no registered income (the DREAM 'restgruppe'); ``kinds`` is the route
    (an OffKind code, for all or per citizen).  A job found directly pays between the
    self-sufficiency hours and full time."""
    if len(ids) == 0:
        return
    P, b, w = m.pop, m.b, m.week
    kinds = np.full(len(ids), kinds, dtype=np.int8) if np.ndim(kinds) == 0 else np.asarray(kinds, dtype=np.int8)
    leave_placement(m, ids)
    caseload.release(m, ids)
    if not keep_hours:
        job = kinds == OFF.JOB
        clear_hours(m, ids[~job])
        set_hours(m, ids[job], b.self_sufficiency_hours + (FULL_TIME_HOURS - b.self_sufficiency_hours)
                  * m.draw("hours", ids[job]))
    set_state(m, ids, ST.SELF_SUFFICIENT)
    P.off_kind[ids] = kinds
    i = kinds - 1
    first = P.first_off[ids, i] < 0
    P.first_off[ids[first], i[first]] = w
    P.last_off[ids, i] = w


def return_to_benefit(m, ids: np.ndarray) -> None:
    """Back on benefit: referred again, the citizen waits for a case load."""
    if len(ids) == 0:
        return
    P = m.pop
    clear_hours(m, ids)
    P.off_kind[ids] = 0
    set_state(m, ids, ST.NOT_ENROLLED)
    P.exits_from[ids] = m.week + 1
    m.waiting.extend(ids.tolist())


def exit_for_good(m, ids: np.ndarray) -> None:
    """Another exit (pension, sickness exemption, moving away): no rule applies any more."""
    if len(ids) == 0:
        return
    leave_placement(m, ids)
    caseload.release(m, ids)
    clear_hours(m, ids)
    set_state(m, ids, ST.EXITED)
