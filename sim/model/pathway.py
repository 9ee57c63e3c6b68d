"""The STAR step model: trin 1 (job plan), trin 2 (job match), trin 3 (retention and
progression in ordinary hours) — processes 6-8.

With ``trin_model: false`` the same states describe ordinary practice: clarification,
an order for a company-directed offer, and the placement; what changes is that the
plan is not built on the citizen's own wish, consultants are not asked to insist on
ordinary hours, and agreements on hours 'på sigt' are rarer.
"""

from __future__ import annotations

from .barriers import is_good
from sim.spec.parameters import WEEKS_PER_MONTH, annual_to_weekly
from .states import OffKind, Placement, State

HOURS_ORIENTATION = {"accept_internships": 0.15, "balanced": 0.5, "demand_hours": 0.9}
INTERNSHIP_WEEKS = 13      # virksomhedspraktik for the non-job-ready: at most 13 weeks (activation-practice-2012 L1279)
WAGE_SUBSIDY_WEEKS = 26    # assumed typical length (legal maximum one year, activation-practice-2012 L1285)
HOUSING_WEEKS = 13         # placements in estate operations, unpaid (assumed like an internship)
SMAJOB_HOURS = 30.0        # småjob: at least 30 ordinary paid hours a month (jobgaranti-midway-2019 L60-62)


def hours_orientation(org) -> float:
    """Probability that a consultant insists on ordinary hours in a negotiation."""
    h = HOURS_ORIENTATION[org.consultant_stance]
    if org.payment_counts_internships:
        h = max(0.0, h - 0.2)   # a payment criterion counting internships pulls towards them (jobgaranti-midway-2019 L533-540)
    return h


def progress_multiplier(m, c) -> float:
    """How fast contacts move this citizen forward (trin 1) and how good the job chance is."""
    b = m.b
    x = (0.5 + c.motivation) * (1.0 + b.belief_effect * (c.belief - 0.5))
    if m.org.trin_model:
        x *= b.wish_based_plan_multiplier
    if c.heavy:
        x *= b.heavy_group_multiplier
    if c.health == 1:
        x *= b.health_block_multiplier
    if m.week < c.change_penalty_until:
        x *= b.caseworker_change_multiplier
    return x


def add_progress(m, c, amount: float) -> None:
    """Trin 1: progress towards a clarified job wish; trin 1 ends at 1.0."""
    if c.state != State.TRIN1 or amount <= 0:
        return
    c.plan_progress += amount * progress_multiplier(m, c)
    if c.plan_progress >= 1.0:
        c.job_wish = True
        enter_trin2(m, c)


def enter_trin2(m, c) -> None:
    m.set_state(c, State.TRIN2)
    delay = m.b.order_delay_weeks if m.org.team_structure == "order_and_deliver" else 0
    c.trin2_ready_week = m.week + delay
    if m.consultants:
        cons = m.consultants[c.unique_id % len(m.consultants)]
        c.queue_token += 1
        cons.queue.append((c, c.queue_token))
        c.consultant = cons


def attempt_match(m, c, network: list, orientation: float) -> bool:
    """One match attempt for a citizen in trin 2. Returns True if a placement starts."""
    b, rnd = m.b, m.streams["match"].random
    p = b.match_probability * (1.0 if is_good(c.category) else b.match_poor_multiplier)
    p *= min(1.5, progress_multiplier(m, c) / (b.wish_based_plan_multiplier if m.org.trin_model else 1.0)) ** 0.5
    if not network or rnd() >= min(1.0, p):
        return False
    company = network[int(rnd() * len(network))]
    if not company.has_room:
        return False
    willing_hours = company.hours_willingness + (b.job_ready_willingness_boost if m.org.include_job_ready else 0.0)
    if company is m.housing:
        willing_hours = m.org.housing.hours_willingness
    if rnd() < orientation and company is not m.housing:
        if rnd() < willing_hours:
            start_placement(m, c, company, Placement.ORDINARY, promised=True)
            return True
        company.refusals += 1
        company.hours_willingness = min(1.0, company.hours_willingness + b.culture_shift)
        if m.org.drop_refusing_companies and company in network:
            network.remove(company)
            m.tally["companies_dropped"] += 1
        return False
    if rnd() >= company.internship_willingness:
        return False
    promise_p = willing_hours if m.org.trin_model else 0.5 * willing_hours
    promised = rnd() < promise_p
    if company is m.housing:
        kind = Placement.HOUSING
    elif c.seniority_weeks + (m.week - c.first_week) > 26 and rnd() < b.wage_subsidy_share:
        kind = Placement.WAGE_SUBSIDY
    else:
        kind = Placement.INTERNSHIP
    start_placement(m, c, company, kind, promised=promised)
    return True


def start_placement(m, c, company, kind: Placement, promised: bool) -> None:
    """Trin 3 begins when the citizen starts at a company (jobgaranti-midway-2019 L83)."""
    b, w = m.b, m.week
    c.consultant = None      # its queue entry is now stale
    m.set_state(c, State.TRIN3)
    c.placement = kind
    c.placement_company = company
    company.placed.add(c)
    c.placement_start = w
    c.hours_promised = promised
    m.log(c, "placement", int(kind))
    if kind == Placement.ORDINARY:
        m.set_hours(c, m.streams["hours"].uniform(b.initial_hours_min, b.initial_hours_max))
        c.motivation = min(1.0, c.motivation + b.paid_hours_motivation_gain)
        m.schedule(months_to_next(w), "hours", c)
        c.placement_end = -1
    else:
        if c.ever_company_activation_week is None:
            c.ever_company_activation_week = w
        length = {Placement.INTERNSHIP: INTERNSHIP_WEEKS, Placement.WAGE_SUBSIDY: WAGE_SUBSIDY_WEEKS,
                  Placement.HOUSING: HOUSING_WEEKS}[kind]
        c.placement_end = w + length
        m.schedule(length, "placement_end", c)
        if c.ever_internship_week is None and kind in (Placement.INTERNSHIP, Placement.HOUSING):
            c.ever_internship_week = w
    schedule_breakdown(m, c)


def schedule_breakdown(m, c) -> None:
    b = m.b
    h = annual_to_weekly(b.breakdown_annual)
    if m.org.retention_support or c.mentor is not None:
        h *= 1.0 - b.retention_support_effect
    m.schedule(m.streams["breakdown"].geometric(h), "breakdown", c)


def months_to_next(week: int) -> int:
    """Weeks until the next month boundary (months of 52/12 weeks)."""
    month = int(week / WEEKS_PER_MONTH)
    nxt = int(-(-((month + 1) * WEEKS_PER_MONTH) // 1))
    return max(1, nxt - week)


def end_placement(m, c, *, broke_down: bool) -> None:
    """Leave the company: breakdown or an internship without hours sends the citizen back to trin 2."""
    comp = c.placement_company
    if comp is not None:
        comp.placed.discard(c)
    kind = c.placement
    c.placement = Placement.NONE
    c.placement_company = None
    c.placement_end = -1
    m.cancel("breakdown", c)
    m.cancel("hours", c)
    m.cancel("placement_end", c)
    if c.hours > 0:
        m.set_hours(c, 0.0)
    if broke_down:
        m.tally["breakdowns"] += 1
        m.log(c, "breakdown", int(kind))
    elif kind in (Placement.INTERNSHIP, Placement.HOUSING):
        c.motivation = max(0.0, c.motivation - m.b.internship_motivation_drop)
    enter_trin2(m, c)


def placement_end(m, c) -> None:
    """An internship or wage subsidy reaches its end: ordinary hours, or back to trin 2."""
    b, rnd = m.b, m.streams["placement"].random
    comp = c.placement_company
    if c.placement == Placement.WAGE_SUBSIDY:
        p = b.wage_subsidy_conversion
    else:
        p = b.internship_conversion if c.hours_promised else 0.3 * b.internship_conversion
    if comp is not None and rnd() < p:
        m.cancel("breakdown", c)
        c.placement = Placement.ORDINARY
        c.placement_end = -1
        m.log(c, "placement", int(Placement.ORDINARY))
        m.set_hours(c, m.streams["hours"].uniform(b.initial_hours_min, b.initial_hours_max))
        c.motivation = min(1.0, c.motivation + b.paid_hours_motivation_gain)
        m.schedule(months_to_next(m.week), "hours", c)
        schedule_breakdown(m, c)
    else:
        end_placement(m, c, broke_down=False)


def hours_progression(m, c) -> None:
    """Monthly: paid hours may grow a step; enough hours make the citizen self-sufficient."""
    b = m.b
    if m.streams["hours"].random() < b.hours_growth_probability:
        cap = 160.0 * c.health / 5.0
        new = min(max(cap, c.hours), c.hours + b.hours_step)
        m.set_hours(c, new)
    if c.hours >= b.self_sufficiency_hours:
        comp = c.placement_company
        if comp is not None:
            comp.placed.discard(c)
        c.placement = Placement.NONE
        c.placement_company = None
        m.cancel("breakdown", c)
        m.go_off_benefit(c, OffKind.JOB, keep_hours=True)
        return
    m.schedule(months_to_next(m.week), "hours", c)
