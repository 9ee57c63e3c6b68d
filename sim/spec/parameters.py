"""Behavioural parameters: everything about how people and organisations behave that
the evidence does not fix exactly.

One typed place (:class:`Behaviour`) holds every uncertain behavioural parameter with
its unit, default, plausible range and source.  Policy levers (case loads, meeting
interval, sanction rules, ...) live apart, in :mod:`sim.spec.scenario`.

A source names a publication by its key in ``docs/evidence/README.md`` (the
bibliography) and the publication's own table, figure, appendix (*bilag*) or section,
e.g. ``copenhagen-outreach-2015, Table 1``; ``docs/evidence/<key>.md`` summarises each
publication and lists the parts cited.  ``assumed`` means no publication gives the
value; the plausible range then says how unsure we are.

Rates are per week unless the unit says otherwise; :func:`annual_to_weekly` turns an
annual probability into the weekly one used by the rules.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

WEEKS_PER_YEAR = 52
WEEKS_PER_MONTH = 52 / 12
MINUTES_PER_HOUR = 60
WEEKDAYS = 5


def annual_to_weekly(p_year: float) -> float:
    """Weekly probability whose 52-week compound equals ``p_year``."""
    return 1.0 - (1.0 - p_year) ** (1.0 / WEEKS_PER_YEAR)


def P(default: float, *, unit: str, plausible: tuple[float, float], source: str, doc: str,
      ge: float | None = None, le: float | None = None) -> Any:
    """Declare one parameter with its metadata."""
    return Field(default, ge=ge, le=le, description=doc,
                 json_schema_extra={"unit": unit, "plausible": list(plausible), "source": source})


PROB = dict(ge=0.0, le=1.0)
CPH = "copenhagen-outreach-2015"
JG = "jobgaranti-midway-2019"
AIG = "alle-i-gang-2009"
AP = "activation-practice-2012"
KS = "outreach-knowledge-sheet-2022"

#: verdicts of the committed fit on a parameter (its posterior sd against its prior sd)
ID, PARTLY, OPEN = "identified", "partly identified", "not identified (prior ≈ posterior)"


def FIT(low: str, high: str, verdict: str) -> str:
    """Start of the source of a default that is the posterior median of the committed fit."""
    return f"posterior median of the calibration in calibration/fitted/default (90 % interval {low}-{high}; {verdict}); "


class Behaviour(BaseModel):
    """Uncertain behavioural parameters (calibrated, never a policy lever)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # --- attendance at mandatory meetings (process 9, mandatory meetings) -------------
    noshow_central: float = P(0.153, unit="probability per summoned meeting", plausible=(0.08, 0.22),
        source=FIT("0.143", "0.164", ID) + f"{CPH}, Table 1 (ordinary departments JKI 1-3, 2014)",
        doc="No-show (udeblivelse) probability at the central job centre for an average citizen, 13-week interval", **PROB)
    noshow_outreach: float = P(0.0712, unit="probability per summoned meeting", plausible=(0.03, 0.12),
        source=FIT("0.043", "0.105", PARTLY) + f"{CPH}, Table 1 (outreach department UB, 2014)",
        doc="No-show probability at the outreach office in the estate, average citizen", **PROB)
    cancel_central: float = P(0.133, unit="probability per summoned meeting", plausible=(0.08, 0.22),
        source=FIT("0.125", "0.141", ID) + f"{CPH}, Table 1 (JKI 1-3, 2014)", doc="Cancellation (afbud) probability at the central job centre", **PROB)
    cancel_outreach: float = P(0.0467, unit="probability per summoned meeting", plausible=(0.02, 0.12),
        source=FIT("0.0245", "0.0768", PARTLY) + f"{CPH}, Table 1 (UB, 2014)", doc="Cancellation probability at the outreach office", **PROB)
    attendance_trust_effect: float = P(1.5, unit="log-odds per unit of trust", plausible=(0.0, 3.0),
        source=f"assumed; direction from {CPH}, conclusions, and {KS}, section on informal settings and trust",
        doc="Lower odds of no-show and cancellation per unit of trust above 0.5", ge=0.0, le=10.0)
    attendance_health_effect: float = P(0.6, unit="log-odds", plausible=(0.0, 1.5),
        source=f"assumed; {CPH}, part on local offices (anxiety drives cancellations)",
        doc="Higher odds of no-show and cancellation when the health factor is rated 1-2", ge=0.0, le=5.0)
    attendance_health_reference: float = P(0.4, unit="share of summoned citizens", plausible=(0.3, 0.6),
        source=f"assumed centring of the health term; the share of summoned meetings with health rated 1-2 is 0.37-0.56 in the Copenhagen scenarios, and the base odds (noshow_*, cancel_*) are fitted with this centring",
        doc="Share of summoned citizens with health rated 1-2 at which the health term of attendance is zero (the average citizen of the reported no-show shares)", **PROB)
    attendance_frequency_effect: float = P(0.167, unit="log-odds per halving of the meeting interval", plausible=(0.0, 0.4),
        source=FIT("0.0508", "0.293", PARTLY) + f"assumed; chosen so weekly meetings give about 60 % attendance ({AIG}, chapter 4, Figure 4.3)",
        doc="Meeting fatigue: higher odds of no-show and cancellation per halving of the interval below 13 weeks", ge=0.0, le=2.0)
    sanction_threat_effect: float = P(0.8, unit="log-odds", plausible=(0.0, 2.0),
        source=f"assumed; {AIG}, chapter 4, Figure 4.3 and footnote 17 (93 % attendance with an explicit deduction warning, Sønderborg)",
        doc="Lower odds of an unexcused no-show under a strict, announced sanction policy (scaled by the policy's strictness)", ge=0.0, le=5.0)
    sanction_salience_effect: float = P(0.7, unit="log-odds", plausible=(0.0, 2.0),
        source="assumed", doc="Extra lower odds of no-show in the weeks after the citizen was sanctioned", ge=0.0, le=5.0)
    sanction_salience_weeks: int = P(13, unit="weeks", plausible=(4, 26), source="assumed",
        doc="How long a sanction keeps raising attendance", ge=0, le=104)
    rebook_weeks: int = P(2, unit="weeks", plausible=(1, 4), source=f"assumed; {CPH}, part on time per citizen (rebooking, 2-3 weeks for a doctor's assessment)",
        doc="Delay before a missed or cancelled meeting is held again", ge=1, le=13)

    # --- sanctions (process 9, mandatory meetings) ----------------------------------
    sanction_weeks: int = P(3, unit="weeks", plausible=(1, 8), source=f"assumed; {CPH}, part on time per citizen (deductions for absent days)",
        doc="Weeks of reduced benefit after a sanction", ge=1, le=52)
    report_probability: float = P(0.5, unit="probability", plausible=(0.2, 0.9),
        source=f"assumed; the two-step path staff report, caseworker decides in {AIG}, chapter 4, text to Figure 4.3",
        doc="Probability that staff without sanction authority report a sanctionable no-show to the caseworker", **PROB)
    caseworker_sanction_probability: float = P(0.7, unit="probability", plausible=(0.3, 1.0), source="assumed",
        doc="Probability that a caseworker imposes the sanction the policy allows", **PROB)
    sanction_trust_drop: float = P(0.10, unit="trust units", plausible=(0.0, 0.3), source=f"assumed; {CPH}, part on open advice (frustration over deductions)",
        doc="Fall in trust in the job centre after a sanction", ge=0.0, le=1.0)
    sanction_motivation_drop: float = P(0.05, unit="motivation units", plausible=(0.0, 0.2), source="assumed",
        doc="Fall in motivation after a sanction", ge=0.0, le=1.0)

    # --- problems and open advice (processes 6 problems, 10 open advice, 12 unsolved) -
    problem_rate: float = P(0.0863, unit="problems per citizen-week", plausible=(0.02, 0.15),
        source=FIT("0.0492", "0.122", PARTLY) + f"assumed; scaled so open advice gives about 0.29 unsummoned visits per active case per month (derived from {CPH}, part on open advice, visitor registration March 2015)",
        doc="Rate at which an average citizen meets a problem (letters, debt, health, conflict at a placement)", ge=0.0, le=1.0)
    problem_barrier_effect: float = P(0.25, unit="relative increase per factor rated 1-2", plausible=(0.0, 0.6), source="assumed",
        doc="Extra problem rate per Udviklingsmål factor rated 1-2", ge=0.0, le=3.0)
    dropin_probability: float = P(0.75, unit="probability", plausible=(0.4, 0.95),
        source=f"assumed; {CPH}, part on open advice (3/5 of UB case holders come unsummoned)",
        doc="Probability that a citizen with a problem and trust 0.5 drops in at an open-advice office in the same week", **PROB)
    dropin_minutes: float = P(15.0, unit="minutes", plausible=(8.0, 30.0), source="assumed",
        doc="Staff time to serve one open-advice visit", ge=1.0, le=120.0)
    walkin_patience_minutes: float = P(90.0, unit="minutes", plausible=(30.0, 240.0), source="assumed",
        doc="How long a visitor waits at open advice before leaving unserved", ge=0.0, le=480.0)
    other_visitors_per_open_day: float = P(1.0, unit="visitors per office per opening day", plausible=(0.0, 3.0),
        source=f"{CPH}, part on open advice, visitor registration March 2015 (1 of 14 daily visitors has no UB case)",
        doc="Visitors without a case who also take staff time at open advice", ge=0.0, le=50.0)
    problem_escalation_probability: float = P(0.353, unit="probability per unsolved problem", plausible=(0.1, 0.7),
        source=FIT("0.144", "0.622", OPEN) + f"assumed; calibrate to {CPH}, Udviklingsmål tables after Bilag 2 (ABCD→EFG 11.8 % outreach vs 15.9 % ordinary)",
        doc="Probability that an unsolved problem worsens one Udviklingsmål rating by one step", **PROB)
    problem_breakdown_probability: float = P(0.25, unit="probability per unsolved problem", plausible=(0.05, 0.5),
        source=f"assumed; {KS}, section on open advice (it supports attendance at placements and jobs)",
        doc="Probability that an unsolved problem breaks down a company placement", **PROB)
    dropin_meeting_window_weeks: int = P(3, unit="weeks", plausible=(0, 6), source=f"{CPH}, part on open advice (a due follow-up meeting held at open advice)",
        doc="A drop-in at most this many weeks before a due meeting counts as that meeting held", ge=0, le=13)

    dropin_solve_poor: float = P(0.61, unit="probability per served visit", plausible=(0.2, 1.0),
        source=FIT("0.225", "0.948", OPEN) + f"assumed; {CPH}, Udviklingsmål tables after Bilag 2 (open advice helps keep A-D, no difference for E-G)",
        doc="Probability that a served open-advice visit solves the problem of a citizen whose barriers are E-G (always for A-D; the problem's weight is the citizen's real situation, not the form)", **PROB)

    # --- barrier dynamics on the A-G scale (processes 5 drift, 9, 11, 13) ----------
    improve_per_meeting: float = P(0.05, unit="probability per held meeting", plausible=(0.0, 0.15),
        source=f"assumed; calibrate to {CPH}, Udviklingsmål tables after Bilag 2 (EFG→ABCD 11-14 % a year)",
        doc="Probability that a full-length held meeting improves the citizen's weakest rating by one", **PROB)
    form_use_share: float = P(0.5, unit="share of held meetings", plausible=(0.45, 0.6),
        source=f"{CPH}, Udviklingsmål tables after Bilag 2 (use of the form: 47 % of conversations in the outreach department, 47-57 % in the ordinary departments, 2014)",
        doc="Share of held mandatory meetings at which the caseworker fills in the Udviklingsmål form (the A-G category the tables and the caseworker's decisions use)", **PROB)
    rating_misread: float = P(0.227, unit="probability per factor per form", plausible=(0.0, 0.3),
        source=FIT("0.102", "0.295", PARTLY) + f"assumed size; {CPH}, Bilag 2 (the consultant fills in the form, with or without the citizen) and Udviklingsmål tables (practice differs between departments); part on time per citizen (trust brings out barriers)",
        doc="Probability that a caseworker reads one of the five Udviklingsmål factors one step off (up or down) for a citizen of trust 0.5; twice as often at trust 0, never at trust 1", **PROB)
    improve_per_mentor_session: float = P(0.05, unit="probability per session", plausible=(0.0, 0.15), source="assumed",
        doc="Probability that a mentor session improves the weakest rating by one", **PROB)
    improve_per_group_session: float = P(0.03, unit="probability per session", plausible=(0.0, 0.1),
        source=f"assumed; {JG}, recommendations (recommendation 1: peer-to-peer group courses)",
        doc="Probability that a group-course session improves the weakest rating by one", **PROB)
    improve_spontaneous: float = P(0.707, unit="probability per year", plausible=(0.1, 0.95), source=FIT("0.321", "0.932", OPEN) + f"assumed; with deterioration, sized to the churn in {CPH}, Udviklingsmål tables after Bilag 2 (the ratings are subjective forms)",
        doc="Annual probability that a rating improves by one without any contact", **PROB)
    deteriorate_spontaneous: float = P(0.63, unit="probability per year", plausible=(0.1, 0.95),
        source=FIT("0.25", "0.905", OPEN) + f"assumed; calibrate to {CPH}, Udviklingsmål tables after Bilag 2",
        doc="Annual probability that a rating worsens by one without an identifiable problem", **PROB)

    # --- exits and returns (process 2) ---------------------------------------------
    exit_other_annual: float = P(0.135, unit="probability per year", plausible=(0.08, 0.25),
        source=FIT("0.09", "0.203", PARTLY) + f"{CPH}, Udviklingsmål tables after Bilag 2 ('andet' 15-21 % a year)",
        doc="Annual probability of leaving for another benefit, sickness exemption, pension or moving away", **PROB)
    exit_other_g_multiplier: float = P(1.2, unit="multiplier", plausible=(1.0, 2.0), source="assumed",
        doc="Higher other-exit hazard for citizens in category G (health or social conditions rated 1): the weekly hazard is multiplied", ge=0.0, le=5.0)
    job_exit_annual_good: float = P(0.0521, unit="probability per year", plausible=(0.01, 0.08),
        source=FIT("0.0187", "0.0762", OPEN) + f"{CPH}, Udviklingsmål tables after Bilag 2 (ABCD → job/education 5.0-5.8 % a year, of which part via placements)",
        doc="Annual probability of a direct exit to job or education from categories A-D (also during a placement, beside the placement's own route, process 4)", **PROB)
    job_exit_annual_poor: float = P(0.03, unit="probability per year", plausible=(0.0, 0.04), source=f"{CPH}, Udviklingsmål tables after Bilag 2 (EFG → job/education 2.1 %)",
        doc="Annual probability of a direct exit to job or education from categories E-G", **PROB)
    job_exit_annual_job_ready: float = P(0.5, unit="probability per year", plausible=(0.2, 0.9),
        source=f"assumed; job-ready (match 1) means expected off benefit within three months ({AP}, chapter 2)",
        doc="Annual probability of a direct exit to job or education for job-ready residents in the case loads", **PROB)
    education_share: float = P(0.3, unit="share", plausible=(0.1, 0.5), source="assumed",
        doc="Share of direct job-or-education exits that are to education (SU)", **PROB)
    restgroup_annual: float = P(0.149, unit="probability per year", plausible=(0.05, 0.2),
        source=FIT("0.13", "0.175", ID) + f"{CPH}, effect analysis and Bilag 1 (17.8 % ever self-sufficient of which 4.3 % job/education: the rest is the 'restgruppe')",
        doc="Annual probability of a spell off benefit without registered income (counts as self-sufficient in DREAM)", **PROB)
    restgroup_mean_weeks: float = P(6.0, unit="weeks", plausible=(1.0, 26.0), source="assumed",
        doc="Mean length of a restgroup spell off benefit", ge=1.0, le=260.0)
    education_multiplier_young: float = P(2.5, unit="multiplier", plausible=(1.0, 5.0),
        source=f"assumed; uddannelseshjælp is for those under 30 without education ({AP}, chapter 2, education order)",
        doc="Higher hazard of the education part of direct exits for recipients of uddannelseshjælp", ge=0.0, le=20.0)
    relapse_annual: float = P(0.35, unit="probability per year", plausible=(0.1, 0.6),
        source=f"assumed; {CPH}, conclusions ('many relapses')",
        doc="Annual probability that a citizen self-sufficient through a job or education returns to benefit (the same for both: no source separates them)", **PROB)

    # --- trin 1: clarification and job plan (processes 9, 10, 11, 13) --------------
    trin1_progress_per_meeting: float = P(0.2, unit="job-plan progress per full held meeting", plausible=(0.03, 0.25),
        source=f"assumed; calibrate to company-directed activation 10-12 % a year ({CPH}, effect analysis)",
        doc="Progress towards a clarified job wish from one full-length held meeting (1.0 completes trin 1)", ge=0.0, le=1.0)
    trin1_progress_per_mentor_session: float = P(0.06, unit="progress per session", plausible=(0.0, 0.15), source="assumed",
        doc="Progress from one mentor session", ge=0.0, le=1.0)
    trin1_progress_per_group_session: float = P(0.04, unit="progress per session", plausible=(0.0, 0.1),
        source=f"assumed; {JG}, recommendations (recommendation 1)", doc="Progress from one group-course session (peer to peer)", ge=0.0, le=1.0)
    trin1_progress_per_dropin: float = P(0.02, unit="progress per served visit", plausible=(0.0, 0.06), source="assumed",
        doc="Progress from a served open-advice visit", ge=0.0, le=1.0)
    wish_based_plan_multiplier: float = P(1.4, unit="multiplier", plausible=(1.0, 2.0), source=f"assumed; {JG}, the step model (trin 1: plan built on the citizen's own wish)",
        doc="Faster trin-1 progress when the trin model builds the job plan on the citizen's wish", ge=0.0, le=5.0)
    belief_effect: float = P(0.8, unit="relative progress per unit of caseworker belief", plausible=(0.0, 1.5),
        source=f"assumed size; direction from {JG}, part on trin 1 (citing Rosholm, Sørensen & Skipper 2017)",
        doc="How much the caseworker's belief in the citizen speeds up progress and job chances", ge=0.0, le=5.0)
    heavy_group_multiplier: float = P(0.5, unit="multiplier", plausible=(0.2, 1.0),
        source=f"assumed size; {JG}, recommendations (recommendation 8: young people without direction, immigrant women without work experience)",
        doc="Slower trin-1 progress for the heavy part of the group", ge=0.0, le=1.0)
    health_block_multiplier: float = P(0.3, unit="multiplier", plausible=(0.0, 1.0), source=f"assumed; {CPH}, part on time per citizen (waiting for a doctor's assessment)",
        doc="Slower progress while the health factor is rated 1 (category G)", ge=0.0, le=1.0)
    caseworker_change_multiplier: float = P(0.78, unit="multiplier", plausible=(0.6, 1.0),
        source=f"{JG}, part on trin 1 (a change of caseworker lowers the job chance by 22 %, citing Rosholm, Sørensen & Skipper 2017)",
        doc="Job chance and progress multiplier after a change of caseworker", ge=0.0, le=1.0)
    caseworker_change_weeks: int = P(26, unit="weeks", plausible=(8, 52), source="assumed",
        doc="How long the change-of-caseworker penalty lasts", ge=0, le=260)
    belief_team_boost: float = P(0.1, unit="belief units", plausible=(0.0, 0.3), source=f"assumed; {JG}, recommendations (recommendation 2: teams keep belief alive)",
        doc="Higher caseworker belief when staff work in a team that keeps belief alive", ge=0.0, le=1.0)

    # --- guidance and upskilling courses (processes 3 and 9) ------------------------
    course_order_probability: float = P(0.218, unit="probability per held meeting", plausible=(0.0, 0.4),
        source=FIT("0.0321", "0.359", OPEN) + f"assumed; the discretionary remainder beside the right and duty to activation (reoffer_weeks), which alone gives about 0.29 of the time in ordinary practice against the national 30 % for match 2 in 2010-12 ({AP}, chapter 3, Figure 3.1)",
        doc="Probability that a held meeting orders a guidance or upskilling course (vejledning og opkvalificering) for a citizen in trin 1-2 not already in one, beyond the offers the right and duty to activation makes due", **PROB)
    course_weeks: int = P(8, unit="weeks", plausible=(4, 13), source=f"assumed; {AP}, chapters 2 and 3 (4- and 13-week spells)",
        doc="Length of a guidance or upskilling course", ge=1, le=52)
    reoffer_weeks: int = P(26, unit="weeks", plausible=(13, 52),
        source=f"{AP}, chapter 2 (after the first offer a right and duty to a new offer every 6 months, regardless of age; a municipality that is late loses refund)",
        doc="Ordinary practice (without the trin model): weeks after the start of the latest activation offer when a held meeting orders a new one (ret og pligt)", ge=1, le=104)
    first_offer_weeks_30plus: int = P(39, unit="weeks on benefit", plausible=(26, 52),
        source=f"{AP}, chapter 2 (first offer at the latest after 9 months for those aged 30 and over)",
        doc="Ordinary practice: weeks on benefit after which a held meeting orders the first activation offer, aged 30 or over", ge=0, le=260)
    first_offer_weeks_under30: int = P(13, unit="weeks on benefit", plausible=(4, 26),
        source=f"{AP}, chapter 2 (first offer at the latest after 13 weeks for those under 30)",
        doc="Ordinary practice: weeks on benefit after which a held meeting orders the first activation offer, under 30", ge=0, le=260)
    trin1_progress_per_course_week: float = P(0.01, unit="progress per course week", plausible=(0.0, 0.04),
        source=f"assumed; {AP}, chapter 2 (no employment effect shown for activation of this group, some clarification)",
        doc="Trin-1 progress per week of a course", ge=0.0, le=1.0)

    # --- trin 2: job match (process 14) ----------------------------------------------
    match_probability: float = P(0.235, unit="probability per attempt", plausible=(0.1, 0.7), source=FIT("0.166", "0.297", ID) + "assumed",
        doc="Probability that a match attempt for a citizen in categories A-D finds an interested company", **PROB)
    match_poor_multiplier: float = P(0.5, unit="multiplier", plausible=(0.2, 1.0), source="assumed",
        doc="Lower match probability for citizens in categories E-G", ge=0.0, le=1.0)
    order_delay_weeks: int = P(3, unit="weeks", plausible=(1, 8), source=f"assumed; {AP}, chapter 5 (bestilling by e-mail)",
        doc="Delay before a company consultant acts on an order in the order-and-deliver split", ge=0, le=26)
    company_hours_willingness: float = P(0.251, unit="probability", plausible=(0.1, 0.5),
        source=FIT("0.111", "0.466", OPEN) + f"assumed; {JG}, part on payment criteria (internships are easier to get than ordinary hours)",
        doc="Mean probability that a company agrees to ordinary paid hours when asked", **PROB)
    company_internship_willingness: float = P(0.7, unit="probability", plausible=(0.4, 0.9), source=f"assumed; {JG}, part on trin 2 (companies expect free labour)",
        doc="Mean probability that a company accepts an unpaid internship", **PROB)
    job_ready_willingness_boost: float = P(0.1, unit="probability", plausible=(0.0, 0.25), source=f"assumed; {JG}, recommendations (recommendation 3) and part on trin 2",
        doc="Extra company willingness to agree ordinary hours when job-ready residents are part of the offer", ge=0.0, le=1.0)
    culture_shift: float = P(0.02, unit="probability per refusal", plausible=(0.0, 0.05), source=f"assumed; {JG}, part on trin 2 (walk away from companies that refuse ordinary hours)",
        doc="Rise in a company's willingness to agree ordinary hours each time a consultant walks away over hours", ge=0.0, le=0.2)
    wage_subsidy_share: float = P(0.15, unit="share", plausible=(0.0, 0.4), source="assumed",
        doc="Share of internship offers made as wage subsidy (løntilskud) for citizens with >26 weeks on benefit", **PROB)
    internship_motivation_drop: float = P(0.05, unit="motivation units", plausible=(0.0, 0.15), source=f"{JG}, part on trin 2 (direction; size assumed)",
        doc="Fall in motivation when an unpaid internship or housing placement ends without ordinary hours (wage subsidy is paid work: no fall)", ge=0.0, le=1.0)

    # --- trin 3: retention and progression (process 4) ------------------------------
    breakdown_annual: float = P(0.6, unit="probability per year", plausible=(0.3, 0.9), source="assumed",
        doc="Annual probability that a company placement breaks down without retention support", **PROB)
    retention_support_effect: float = P(0.4, unit="relative reduction", plausible=(0.0, 0.7), source=f"assumed; {JG}, the step model and part on trin 3",
        doc="Reduction of the breakdown hazard with retention support", ge=0.0, le=1.0)
    internship_conversion: float = P(0.3, unit="probability", plausible=(0.1, 0.6), source="assumed",
        doc="Probability that an internship with an agreement on hours 'på sigt' turns into ordinary hours at its end", **PROB)
    wage_subsidy_conversion: float = P(0.3, unit="probability", plausible=(0.1, 0.6), source="assumed",
        doc="Probability that a wage-subsidy job turns into ordinary hours at its end", **PROB)
    job_hire_share: float = P(0.251, unit="share", plausible=(0.1, 0.6),
        source=FIT("0.122", "0.508", OPEN) + f"assumed size; {JG}, the step model (trin 3 begins in an internship or a job; the aim is self-support or employment with ordinary hours) and Bilag 1 (Høje Taastrup: 19 % self-supporting, 3 % with ordinary hours)",
        doc="Where småjobs exist (trin model, or consultants who pursue ordinary hours): share of agreements on ordinary hours that are a job with enough hours to leave benefit (the others are småjobs of a few hours); elsewhere every agreement is a job", **PROB)
    initial_hours_min: float = P(20.0, unit="paid hours per month", plausible=(8.0, 30.0),
        source=f"{JG}, Box 3 (småjob tasks of 1-2 hours a day: about 20-40 hours a month) and the step model (a småjob is at least 30 hours a month, about one day a week)",
        doc="Lowest ordinary hours a month at the start of a småjob agreement", ge=0.0, le=160.0)
    initial_hours_max: float = P(40.0, unit="paid hours per month", plausible=(30.0, 60.0),
        source=f"{JG}, Box 3 (småjob tasks of 1-2 hours a day: about 20-40 hours a month)",
        doc="Highest ordinary hours a month at the start of a småjob agreement", ge=0.0, le=160.0)
    hours_growth_probability: float = P(0.25, unit="probability per month", plausible=(0.05, 0.5), source=f"assumed; {JG}, part on trin 3 (little progression in hours)",
        doc="Monthly probability that paid hours grow by one step", **PROB)
    hours_step: float = P(8.0, unit="paid hours per month", plausible=(4.0, 16.0), source="assumed",
        doc="Size of one step of progression in paid hours", ge=0.0, le=80.0)
    self_sufficiency_hours: float = P(110.0, unit="paid hours per month", plausible=(80.0, 160.0), source="assumed (earnings that replace kontanthjælp)",
        doc="Paid hours a month at which the citizen leaves benefit", ge=30.0, le=200.0)
    paid_hours_motivation_gain: float = P(0.05, unit="motivation units", plausible=(0.0, 0.15), source=f"{KS}, section on CFBU's 2020 evaluation (direction)",
        doc="Rise in motivation and belief when the citizen starts ordinary paid hours", ge=0.0, le=1.0)

    # --- the staff's week: a time budget (processes 9, 11, 13, 14) ---------------------
    overhead_share: float = P(0.381, unit="share of contract hours", plausible=(0.15, 0.45),
        source=FIT("0.251", "0.44", PARTLY) + f"{CPH}, programme description (one hour available per citizen per month at about 113 cases per consultant: about 70 % of a 37-hour week goes to the citizens); {AP}, chapter 4 (weekly or fortnightly team and department meetings)",
        doc="Share of every staff member's hours spent on work tied to no case: team and department meetings, training, general administration", **PROB)
    case_admin_minutes: float = P(9.19, unit="minutes per active case per week", plausible=(1.0, 12.0),
        source=FIT("1.71", "11.6", OPEN) + f"assumed size; {AP}, chapter 4 ('all the time spent documenting and clicking here and clicking there' takes time from citizen contact)",
        doc="A caseworker's documentation and case handling per active case a week that does not depend on contact (journal, job plan, offers, refund registration)", ge=0.0, le=60.0)
    discretionary_time_use: float = P(0.158, unit="share of the time left", plausible=(0.1, 1.0),
        source=FIT("0.107", "0.351", ID) + f"assumed; {AP}, chapter 2 (in practice the legal minimum is the maximum: 'we do not follow up on anything') and chapter 4 (relationship-oriented caseworkers phone weekly, efforts made in spite of the system)",
        doc="Share of a caseworker's time left after administration, mandatory meetings and open advice that goes to the discretionary uses (no-show and placement follow-up, job-search help, extra contact); the rest goes to other tasks", **PROB)
    extra_contact_minutes: float = P(15.0, unit="minutes", plausible=(5.0, 30.0),
        source=f"assumed; {AP}, chapter 4 (weekly phone calls; 5-10-minute conversations when time is short)",
        doc="Length of one discretionary contact with a citizen (a call or a short meeting, with its note), and of one session of help with job search", ge=1.0, le=120.0)
    followup_minutes: float = P(10.0, unit="minutes", plausible=(5.0, 20.0), source="assumed",
        doc="Length of a follow-up call after a no-show, or to a citizen in a company placement", ge=1.0, le=60.0)
    contact_interval_weeks: int = P(2, unit="weeks", plausible=(1, 6),
        source=f"{AP}, chapter 2 (caseworkers' ideal: a conversation every 14 days or every third week)",
        doc="A citizen gets at most one discretionary contact, and at most one session of help with job search, in this many weeks", ge=1, le=52)
    followup_interval_weeks: int = P(4, unit="weeks", plausible=(2, 8), source="assumed (a monthly call)",
        doc="A citizen in a company placement is followed up at most once in this many weeks; the follow-up counts as retention support until the next one is due", ge=1, le=52)
    attempt_minutes: float = P(62.0, unit="minutes per match attempt", plausible=(30.0, 120.0),
        source=f"assumed; a full-time company consultant then makes about 25 attempts a week after the overhead; {JG}, part on staffing and case loads (company consultants need considerably lower case loads than caseworkers)",
        doc="A company consultant's time for one match attempt with a company (finding, contacting, negotiating, notes)", ge=5.0, le=480.0)
    order_overflow_share: float = P(0.521, unit="share of the orders beyond the consultant's week", plausible=(0.0, 1.0),
        source=FIT("0.0889", "0.944", OPEN) + f"assumed; no publication gives the capacity of a job centre's company service beyond the consultants a programme names ({CPH}, programme description: 2 company consultants for 1,750 cases; {JG}, part on staffing and case loads); the calibration leaves it open: the arms' company-directed activation is fitted at any value of it, with the match probability",
        doc="Probability that an offer ordered by a caseworker when the citizen's company consultant has no attempt left that week is taken all the same (by the job centre's company service beyond the programme's consultants, or arranged by the caseworker); otherwise it lapses. 0: the consultants' hours are the only capacity; 1: orders are never limited by them", ge=0.0, le=1.0)
    mentor_session_minutes: float = P(60.0, unit="minutes per session", plausible=(30.0, 90.0), source="assumed",
        doc="A mentor's time for one session with a mentee (travel and notes included)", ge=5.0, le=480.0)
    group_session_minutes: float = P(150.0, unit="minutes per group session", plausible=(90.0, 240.0), source="assumed",
        doc="A mentor's time for one weekly group-course session (preparation included)", ge=10.0, le=600.0)

    # --- trust and staff (processes 1, 9, 10, 11, 13) -------------------------------
    trust_gain_outreach: float = P(0.03, unit="trust units per held meeting", plausible=(0.0, 0.08), source=f"assumed; {CPH}, conclusions (trust in known consultants)",
        doc="Rise in trust from a meeting held at the outreach office", ge=0.0, le=1.0)
    trust_gain_central: float = P(0.01, unit="trust units per held meeting", plausible=(0.0, 0.05), source="assumed",
        doc="Rise in trust from a meeting held at the central job centre", ge=0.0, le=1.0)
    trust_gain_dropin: float = P(0.03, unit="trust units per served visit", plausible=(0.0, 0.08), source=f"assumed; {JG}, recommendations (recommendation 6: open advice builds trust)",
        doc="Rise in trust at every served open-advice visit (being received builds trust, whether or not the problem is solved)", ge=0.0, le=1.0)
    trust_drop_change: float = P(0.05, unit="trust units", plausible=(0.0, 0.2), source=f"assumed; {CPH}, recommendations (not retelling one's story to a new consultant)",
        doc="Fall in trust when the citizen gets a new caseworker", ge=0.0, le=1.0)
    staff_turnover_annual: float = P(0.15, unit="probability per year", plausible=(0.05, 0.35),
        source=f"assumed; high turnover reported in {CPH}, part on collaboration, and {JG}, main challenges",
        doc="Annual probability that a caseworker leaves", **PROB)
    vacancy_weeks: int = P(8, unit="weeks", plausible=(2, 26), source=f"assumed; {JG}, part on the organisation in the five municipalities (Odense)",
        doc="Weeks before a leaving caseworker is replaced", ge=0, le=104)
    mentor_sessions_per_week: float = P(1.0, unit="sessions per mentee per week", plausible=(0.25, 2.0), source="assumed",
        doc="Mentor sessions a mentee is meant to get a week (fewer when the mentor's hours do not cover them)", ge=0.0, le=5.0)
    group_attendance: float = P(0.7, unit="probability", plausible=(0.4, 0.9), source=f"assumed; {KS}, section on group courses (compulsory attendance)",
        doc="Probability that an enrolled participant attends a weekly group-course session", **PROB)
    debt_counselling_solve: float = P(0.1, unit="probability", plausible=(0.0, 0.3),
        source=f"assumed; {JG}, Bilag 1 and part on the partnership with the housing organisation (it contributed little)",
        doc="Probability that the housing organisation's debt counselling solves a social problem that open advice did not", **PROB)

    # --- shapes of behaviour and of the starting population -------------------------
    belief_by_category: tuple[float, float, float, float, float, float, float] = P(
        (0.8, 0.75, 0.65, 0.55, 0.4, 0.3, 0.2), unit="belief 0-1, for A, B, ..., G", plausible=(0.1, 0.9),
        source="assumed; direction from jobgaranti-midway-2019 (caseworkers' belief in the citizen)",
        doc="A caseworker's belief that a citizen will get a job, by the citizen's A-G category, before the caseworker's own optimism")
    caseworker_optimism_spread: float = P(0.1, unit="belief units", plausible=(0.0, 0.3), source="assumed",
        doc="Caseworkers differ in optimism: each shifts every belief by a uniform amount within plus or minus this", ge=0.0, le=1.0)
    company_willingness_concentration: float = P(4.0, unit="Beta concentration", plausible=(1.0, 20.0), source="assumed",
        doc="How alike companies are: their willingness to agree ordinary hours or take interns is Beta-distributed around the means with this concentration (higher: more alike)", ge=0.1, le=1000.0)
    initial_attitude_spread: float = P(0.25, unit="motivation and trust units", plausible=(0.0, 0.5), source="assumed",
        doc="Motivation and trust at intake are uniform within plus or minus this around the population means", ge=0.0, le=1.0)
    initial_progress_max: float = P(1.2, unit="job-plan progress", plausible=(1.0, 2.0), source="assumed",
        doc="Citizens already in the group at week 0 are part-way through clarification: job-plan progress uniform on [0, this]; above 1 means a clarified job wish", ge=0.0, le=5.0)
    language_barrier_share: float = P(0.6, unit="share", plausible=(0.3, 0.9), source="assumed",
        doc="Share of citizens with immigrant background whose professional barrier is language rather than skills", **PROB)
    g_health_share: float = P(0.7, unit="share", plausible=(0.4, 0.9), source="assumed",
        doc="Share of citizens in category G who are there because health (not social conditions) is rated 1", **PROB)
    match_chance_cap: float = P(1.5, unit="multiplier", plausible=(1.0, 3.0), source="assumed",
        doc="Upper limit of the job-chance multiplier in a match attempt (before its square root is taken)", ge=0.0, le=10.0)
    conversion_without_agreement: float = P(0.3, unit="multiplier", plausible=(0.0, 1.0), source="assumed",
        doc="An internship without an agreement on hours 'på sigt' turns into ordinary hours this many times as often as one with it", ge=0.0, le=1.0)
    hours_orientation_accept_internships: float = P(0.15, unit="probability per negotiation", plausible=(0.0, 0.4), source="assumed",
        doc="Probability that a consultant with the stance 'accept internships' insists on ordinary hours", **PROB)
    hours_orientation_balanced: float = P(0.5, unit="probability per negotiation", plausible=(0.3, 0.7), source="assumed",
        doc="Probability that a consultant with the stance 'balanced' insists on ordinary hours", **PROB)
    hours_orientation_demand_hours: float = P(0.9, unit="probability per negotiation", plausible=(0.7, 1.0), source="assumed",
        doc="Probability that a consultant with the stance 'demand hours' insists on ordinary hours", **PROB)
    payment_criterion_orientation_drop: float = P(0.2, unit="probability per negotiation", plausible=(0.0, 0.4),
        source="assumed size; direction from jobgaranti-midway-2019 (the Flere Skal Med payment criterion counts internships)",
        doc="How much less often consultants insist on ordinary hours when a payment criterion counts internships and ordinary hours alike", **PROB)
    promise_without_trin_model: float = P(0.5, unit="multiplier", plausible=(0.2, 1.0), source="assumed",
        doc="Without the trin model an internship carries an agreement on hours 'på sigt' this many times as often as with it", ge=0.0, le=1.0)
    wage_subsidy_weeks: int = P(26, unit="weeks", plausible=(13, 52), source="assumed (the legal maximum is a year, activation-practice-2012)",
        doc="Length of a wage-subsidy job (løntilskud)", ge=1, le=104)
    housing_placement_weeks: int = P(13, unit="weeks", plausible=(4, 26), source="assumed (like an internship)",
        doc="Length of an unpaid placement in the housing organisation's estate operations", ge=1, le=104)

    @field_validator("belief_by_category")
    @classmethod
    def _beliefs_are_probabilities(cls, v):
        if any(not 0.0 <= x <= 1.0 for x in v):
            raise ValueError("every belief must be between 0 and 1")
        return v

    def table(self) -> list[dict[str, Any]]:
        """Rows of name, value, unit, plausible range, source and meaning."""
        rows = []
        for name, field in type(self).model_fields.items():
            extra = field.json_schema_extra or {}
            rows.append({"name": name, "value": getattr(self, name), "default": field.default,
                         "unit": extra.get("unit", ""), "plausible": tuple(extra.get("plausible", ())),
                         "source": extra.get("source", ""), "meaning": field.description or ""})
        return rows


def parameter_markdown() -> str:
    """The parameter table as markdown (written to docs/parameters.md)."""
    lines = ["# Behavioural parameters", "",
             "Generated from `sim/spec/parameters.py` by `python -m sim.spec`; do not edit by hand.",
             "Sources name a publication by its key in `docs/evidence/README.md` and its own table, figure,",
             "appendix or section; `assumed` means no publication gives the value.", "",
             "| name | default | unit | plausible range | source | meaning |", "|---|---|---|---|---|---|"]
    for r in Behaviour().table():
        lo, hi = r["plausible"]
        lines.append(f"| `{r['name']}` | {r['default']} | {r['unit']} | {lo} – {hi} | {r['source']} | {r['meaning']} |")
    return "\n".join(lines) + "\n"


def write_docs() -> None:
    """Regenerate docs/parameters.md from the table above."""
    from sim.paths import DOCS_DIR
    out = DOCS_DIR / "parameters.md"
    out.write_text(parameter_markdown(), encoding="utf-8")
    print(f"wrote {out}")
