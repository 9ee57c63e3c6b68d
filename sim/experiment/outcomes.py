"""Outcome measures, each defined as the evaluation that reports it defines it.

Every measure is computed from the citizens' arrays at the end of the run (the weeks of
first and last events they record), the model's counters (:class:`~sim.model.tally.Tally`)
and the caseworkers' minutes.  The definition, denominator and horizon of each measure is
written next to the code that computes it.  A measure whose horizon is not covered by the
run is NaN, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.spec.parameters import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from sim.model.barriers import CATEGORIES, is_good
from sim.model.population import ACCUMULATED, BENEFITS
from sim.model.states import OffKind, State, Status52
from sim.model.processes.record import HOURS_BIN, WEEKLY_KEYS
from sim.model.tally import Tally

#: Outcome name -> one-line definition (used in reports and by calibration targets).
DEFINITIONS: dict[str, str] = {
    "ever_self_sufficient_52w": "Share of the cohort off benefit for at least one week, for any reason (job, education or 'restgruppe', the evaluation's 'selvforsørgende'), within 52 weeks of first observation (copenhagen-outreach-2015, Bilag 1). Cohort: citizens first observed at least 52 weeks before the horizon.",
    "ever_job_or_education_52w": "Share of the same cohort in a job or education (SU) at least one week within 52 weeks of first observation (copenhagen-outreach-2015, effect analysis).",
    "ever_company_activation_52w": "Share of the same cohort that started company-directed activation (internship, wage subsidy or placement in estate operations) within 52 weeks of first observation (copenhagen-outreach-2015, effect analysis).",
    "active_effort_share": "Citizens who have received an active effort (entered a case load) by the horizon, divided by all referred (jobgaranti-midway-2019, Bilag 1).",
    "share_ordinary_hours": "Among citizens who received an active effort: share who ever had an agreement on ordinary paid hours while still on benefit (a småjob in trin 3), by the horizon; a job that ends the benefit counts as self-support instead (jobgaranti-midway-2019, Bilag 1; read as cumulative).",
    "share_self_supporting": "Among citizens who received an active effort: share who were ever self-supporting through a job or education after entering the effort, by the horizon (jobgaranti-midway-2019, Bilag 1).",
    "share_internship_without_hours": "Among citizens who received an active effort: share who started a plain, unpaid internship (no ordinary paid hours in it; in a company or the housing organisation's estate operations), whatever followed it, by the horizon (jobgaranti-midway-2019, Bilag 1).",
    "paid_hours_per_month": "Mean ordinary paid hours per month over citizen-time with paid hours above zero (all weeks of the run).",
    "smajob_share_of_paid": "Share of citizen-time with paid hours at or above 30 hours a month (småjob rule, jobgaranti-midway-2019, the step model).",
    "paid_hours_median": "Median ordinary paid hours per month over citizen-time with paid hours above zero (all weeks of the run; interpolated within 5-hour bins).",
    "paid_hours_on_benefit_per_month": "Mean ordinary paid hours per month over citizen-time on benefit with paid hours above zero (småjobs in trin 3, all weeks of the run).",
    "noshow_share": "No-shows (udeblivelser) as a share of summoned mandatory meetings (copenhagen-outreach-2015, Table 1).",
    "cancel_share": "Cancellations (afbud) as a share of summoned mandatory meetings (copenhagen-outreach-2015, Table 1).",
    "not_held_share": "No-shows plus cancellations as a share of summoned meetings (copenhagen-outreach-2015, Table 1).",
    "noshow_share_outreach": "No-show share of meetings summoned to an outreach office.",
    "noshow_share_central": "No-show share of meetings summoned to the central job centre.",
    "cancel_share_outreach": "Cancellation share of meetings summoned to an outreach office.",
    "cancel_share_central": "Cancellation share of meetings summoned to the central job centre.",
    "attendance_share": "Held meetings as a share of summoned meetings (alle-i-gang-2009, chapter 4, Figure 4.3).",
    "meetings_per_case_year": "Summoned meetings per active case-year (copenhagen-outreach-2015, programme description and Table 1).",
    "meetings_held_per_case_year": "Mandatory meetings held per active case-year, those held early at open advice included (activation-practice-2012, chapter 2: about four a year, one every three months).",
    "ag_good_kept_12m": "Of citizens rated A-D at week 0: share still on benefit and rated A-D at week 52 (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2).",
    "ag_good_to_poor_12m": "Of citizens rated A-D at week 0: share rated E-G at week 52.",
    "ag_good_to_jobedu_12m": "Of citizens rated A-D at week 0: share in job or education at week 52 (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2).",
    "ag_good_to_other_12m": "Of citizens rated A-D at week 0: share in another status at week 52 (other exit or 'restgruppe').",
    "ag_poor_to_good_12m": "Of citizens rated E-G at week 0: share rated A-D at week 52 (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2).",
    "ag_poor_kept_12m": "Of citizens rated E-G at week 0: share still rated E-G at week 52.",
    "ag_poor_to_jobedu_12m": "Of citizens rated E-G at week 0: share in job or education at week 52.",
    "ag_poor_to_other_12m": "Of citizens rated E-G at week 0: share in another status at week 52.",
    "open_advice_visits_per_case_month": "Open-advice visits by case holders (unsummoned) per active case per month (copenhagen-outreach-2015, part on open advice, visitor registration March 2015: about 0.29).",
    "office_visits_per_case_month": "All visits of case holders to outreach offices (open advice plus meetings held there) per active case per month (about 0.47).",
    "open_advice_unserved_share": "Share of open-advice visits by case holders that left unserved.",
    "staff_utilisation": "Share of the caseworkers' contact time (contract hours less the overhead and the case administration) spent on mandatory meetings, open advice and the discretionary uses.",
    "time_overhead_share": "Share of the caseworkers' contract hours spent on work tied to no case (team meetings, training, general administration).",
    "time_case_admin_share": "Share of the caseworkers' contract hours spent on documentation and case handling per case.",
    "time_meetings_share": "Share of the caseworkers' contract hours spent on mandatory meetings (held, and waiting at no-shows).",
    "time_open_advice_share": "Share of the caseworkers' contract hours at the open-advice desk.",
    "time_noshow_followup_share": "Share of the caseworkers' contract hours on follow-up calls after no-shows.",
    "time_placement_followup_share": "Share of the caseworkers' contract hours on follow-up calls to citizens in company placements.",
    "time_job_search_share": "Share of the caseworkers' contract hours on help with job search (an offer ordered).",
    "time_extra_contact_share": "Share of the caseworkers' contract hours on contact beyond the mandatory meetings.",
    "time_other_share": "Share of the caseworkers' contract hours that the mandatory work left and that went to other tasks than the citizens.",
    "time_idle_share": "Share of the caseworkers' contract hours set aside for the citizens but unused: nobody was due for a call, help or contact.",
    "contact_minutes_per_case_month": "Caseworker minutes with or for a citizen (mandatory meetings held, served open-advice visits, follow-up calls, help with job search, extra contact) per active case-month.",
    "caseworker_minutes_per_case_month": "Caseworker minutes available per active case-month: the contract hours less the overhead, per case (copenhagen-outreach-2015, programme description: about one hour per citizen a month in the outreach programme).",
    "extra_contacts_per_case_year": "Discretionary contacts beyond the mandatory meetings (extra contact and help with job search) per active case-year.",
    "followups_per_case_year": "Follow-up calls after no-shows and to citizens in company placements per active case-year.",
    "consultant_time_use_share": "Share of the company consultants' hours after the overhead spent on match attempts.",
    "orders_lapsed_share": "Share of the company-directed offers ordered by the caseworkers (at a meeting or with help with job search) that lapsed because the citizen's company consultant had no time left that week and the company service beyond the consultants did not take them (order_overflow_share; NaN without company consultants).",
    "mentor_time_use_share": "Share of the mentors' hours after the overhead spent on sessions and group courses.",
    "sanctions_per_case_year": "Sanctions per active case-year.",
    "activation_time_share": "Share of on-benefit citizen-weeks in a company placement, a guidance or upskilling course, or a group course (activation-practice-2012, chapter 3, Figure 3.1: match 2 about 30 % in 2010-12).",
    "activation_spells_per_activated": "Activation offers (courses, internships, wage subsidy, housing placements) started in the first 52 weeks, per citizen with at least one (activation-practice-2012, chapter 3, Table 3.1: match 2 about 2.0 in 2011); NaN if the run is shorter than 52 weeks.",
    "caseworker_changes_per_case_year": "Changes of caseworker per active case-year.",
    "exited_other_share": "Share of all citizens ever observed who left for another benefit, exemption or moving away by the horizon.",
}


@dataclass
class Outcomes:
    """What one run produced: summary measures, weekly counts and per-citizen records."""

    summary: dict[str, float]
    weekly: pd.DataFrame = field(repr=False)
    citizens: pd.DataFrame = field(repr=False)
    seed: int = 0


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def _hist_median(hist: np.ndarray, width: float) -> float:
    """Median of a histogram of citizen-weeks by paid hours a month (bins of ``width``
    hours), interpolated linearly within its bin; NaN without any paid hours."""
    total = hist.sum()
    if not total:
        return math.nan
    cum = np.cumsum(hist)
    k = int(np.searchsorted(cum, total / 2.0))
    before = cum[k - 1] if k else 0
    return float(width * (k + (total / 2.0 - before) / hist[k]))


def citizen_table(m) -> pd.DataFrame:
    """One row per citizen at the end of the run."""
    P = m.pop
    letters = np.array(list(CATEGORIES))
    start = np.where(P.initial, letters[np.maximum(P.category_start, 0)], None)
    enrolled = P.enrolled_week
    return pd.DataFrame({
        "citizen": np.arange(len(P)), "first_week": P.first_week, "seniority_weeks": P.seniority_weeks,
        "enrolled_week": np.where(enrolled >= 0, enrolled, np.nan),     # NaN: never enrolled
        "area": P.area, "age": P.age, "female": P.female, "immigrant": P.immigrant, "benefit": np.array(BENEFITS)[P.benefit],
        "category_start": start, "category_end": letters[P.rated],
        "state_end": np.array([s.name.lower() for s in State])[P.state], "hours_end": P.hours,
        "meetings_held": P.meetings_held, "noshows": P.noshows, "cancellations": P.cancellations,
        "sanctions": P.sanctions, "sanction_weeks": P.sanction_weeks, "caseworker_changes": P.caseworker_changes,
        "trust_end": P.trust, "motivation_end": P.motivation,
        **{name: getattr(P, name) for name in ACCUMULATED},
    })


def _register_measures(m, out: dict) -> None:
    """'Ever within 52 weeks of first observation' (copenhagen-outreach-2015, Bilag 1 and effect analysis).
    Cohort: citizens first observed at least 52 weeks before the horizon.  A week off
    benefit or a placement start is recorded as the first week it happened, which is never
    before first observation."""
    P = m.pop
    cohort = P.first_week + WEEKS_PER_YEAR <= m.horizon
    n = cohort.sum()
    if not n:
        for k in ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w"):
            out[k] = math.nan
        return
    end = (P.first_week + WEEKS_PER_YEAR)[cohort]
    first_off = P.first_off[cohort]
    within = (first_off >= 0) & (first_off < end[:, None])
    out["ever_self_sufficient_52w"] = within.any(axis=1).sum() / n
    out["ever_job_or_education_52w"] = within[:, [OffKind.JOB - 1, OffKind.EDUCATION - 1]].any(axis=1).sum() / n
    act = P.first_company_activation[cohort]
    out["ever_company_activation_52w"] = ((act >= 0) & (act < end)).sum() / n


def _pool_measures(m, out: dict) -> None:
    """The jobgaranti pool's shares (jobgaranti-midway-2019, Bilag 1).  Denominator: the
    citizens who received an active effort (entered a case load) by the horizon; 'ever'
    means at any time after that first enrolment, by the horizon (the survey's "har
    opnået" / "er startet": cumulative).

    The three rows are read as the survey's own categories, which may overlap (Odense's sum
    to 103 %, so at least the hours and internship rows overlap there):

    * ordinary hours ("opnået ordinære timer"): an agreement on ordinary paid hours while
      still on benefit (a småjob or hybrid internship in trin 3).  A job that ends the
      benefit counts as self-support, not here: in Høje Taastrup 19 % were self-supporting
      but only 3 % had ordinary hours, which the rows could not show if a job counted in both;
    * self-supporting ("selvforsørgelse i form af job eller uddannelse"): off benefit
      through a job or education;
    * internship without ordinary hours ("startet i virksomhedspraktik uden ordinære
      timer"): started a plain, unpaid internship (in a company or the housing
      organisation's estate operations), whatever followed it; 'without ordinary hours'
      names the kind of internship, as against a hybrid internship with some paid hours.
    """
    P = m.pop
    ew = P.enrolled_week
    active = ew >= 0
    n = active.sum()
    out["active_effort_share"] = _ratio(n, len(P))
    if not n:
        for k in ("share_ordinary_hours", "share_self_supporting", "share_internship_without_hours"):
            out[k] = math.nan
        return
    ew = ew[active]
    last_jobedu = P.last_off[active][:, [OffKind.JOB - 1, OffKind.EDUCATION - 1]].max(axis=1)
    # agreements and placements only happen after enrolment
    out["share_ordinary_hours"] = (P.first_hours_on_benefit[active] >= 0).sum() / n
    out["share_self_supporting"] = (last_jobedu >= ew).sum() / n
    out["share_internship_without_hours"] = (P.first_internship[active] >= 0).sum() / n


def _meeting_measures(t, out: dict) -> None:
    """Shares of summoned mandatory meetings (copenhagen-outreach-2015, Table 1): summoned =
    due and not postponed, including those held early at open advice."""
    summoned = t[Tally.SUMMONED_OUTREACH] + t[Tally.SUMMONED_CENTRAL]
    noshow = t[Tally.NOSHOW_OUTREACH] + t[Tally.NOSHOW_CENTRAL]
    cancel = t[Tally.CANCEL_OUTREACH] + t[Tally.CANCEL_CENTRAL]
    out["noshow_share"] = _ratio(noshow, summoned)
    out["cancel_share"] = _ratio(cancel, summoned)
    out["not_held_share"] = _ratio(noshow + cancel, summoned)
    for loc in ("outreach", "central"):
        s = t[Tally[f"SUMMONED_{loc.upper()}"]]
        out[f"noshow_share_{loc}"] = _ratio(t[Tally[f"NOSHOW_{loc.upper()}"]], s)
        out[f"cancel_share_{loc}"] = _ratio(t[Tally[f"CANCEL_{loc.upper()}"]], s)
    out["attendance_share"] = _ratio(t[Tally.HELD_OUTREACH] + t[Tally.HELD_CENTRAL], summoned)
    out["meetings_per_case_year"] = _ratio(summoned, t[Tally.CASE_WEEKS] / WEEKS_PER_YEAR)
    out["meetings_held_per_case_year"] = _ratio(t[Tally.HELD_OUTREACH] + t[Tally.HELD_CENTRAL], t[Tally.CASE_WEEKS] / WEEKS_PER_YEAR)


def _ag_measures(m, out: dict) -> None:
    """12-month A-G transitions (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2): of the citizens rated
    A-D (or E-G) at week 0, the share in each status at week 52."""
    P = m.pop
    if m.week < WEEKS_PER_YEAR:
        for k in DEFINITIONS:
            if k.startswith("ag_"):
                out[k] = math.nan
        return
    status = P.status52
    for start, good in (("good", True), ("poor", False)):
        mine = P.initial & (is_good(P.category_start) == good)
        n = mine.sum()
        s = status[mine]
        for code, label in ((Status52.GOOD, "good_kept" if good else "poor_to_good"),
                            (Status52.POOR, "good_to_poor" if good else "poor_kept"),
                            (Status52.JOB_EDUCATION, f"{start}_to_jobedu"), (Status52.OTHER, f"{start}_to_other")):
            out[f"ag_{label}_12m"] = _ratio((s == code).sum(), n)


#: the caseworkers' uses of time, each a Tally counter and a share outcome (time_<use>_share)
TIME_USES = ("overhead", "case_admin", "meetings", "open_advice", "noshow_followup", "placement_followup", "job_search",
             "extra_contact", "other", "idle")
#: the uses that spend contact time (after the overhead and the case administration)
CONTACT_USES = TIME_USES[2:-2]


def _time_measures(t, case_months: float, case_years: float, out: dict) -> None:
    """The staff's week (docs/ODD.md, processes 9, 11, 13 and 14): every caseworker minute
    of the run is in exactly one use, so the shares sum to one."""
    total = t[Tally.TIME_TOTAL]
    for use in TIME_USES:
        out[f"time_{use}_share"] = _ratio(t[Tally[f"TIME_{use.upper()}"]], total)
    contact_time = total - t[Tally.TIME_OVERHEAD] - t[Tally.TIME_CASE_ADMIN]
    out["staff_utilisation"] = _ratio(sum(t[Tally[f"TIME_{use.upper()}"]] for use in CONTACT_USES), contact_time)
    out["contact_minutes_per_case_month"] = _ratio(t[Tally.CONTACT_MINUTES], case_months)
    out["caseworker_minutes_per_case_month"] = _ratio(total - t[Tally.TIME_OVERHEAD], case_months)
    out["extra_contacts_per_case_year"] = _ratio(t[Tally.EXTRA_CONTACTS] + t[Tally.JOB_SEARCH_HELP], case_years)
    out["followups_per_case_year"] = _ratio(t[Tally.NOSHOW_FOLLOWUPS] + t[Tally.PLACEMENT_FOLLOWUPS], case_years)
    out["consultant_time_use_share"] = _ratio(t[Tally.CONSULTANT_TIME_ATTEMPTS], t[Tally.CONSULTANT_TIME])
    out["orders_lapsed_share"] = (_ratio(t[Tally.ORDERS_LAPSED], t[Tally.ORDERS_LAPSED] + t[Tally.MATCH_ATTEMPTS_MEETING])
                                  if t[Tally.CONSULTANT_TIME] > 0 else float("nan"))
    out["mentor_time_use_share"] = _ratio(t[Tally.MENTOR_TIME_USED], t[Tally.MENTOR_TIME])


def compute(m) -> dict[str, float]:
    """All summary measures of a finished run."""
    t = m.tally
    out: dict[str, float] = {}
    _register_measures(m, out)
    _pool_measures(m, out)
    # paid hours: time-weighted over citizen-time with paid hours (all weeks of the run)
    out["paid_hours_per_month"] = _ratio(t[Tally.HOURS_WEEKS], t[Tally.WITH_HOURS_WEEKS])
    out["smajob_share_of_paid"] = _ratio(t[Tally.SMAJOB_WEEKS], t[Tally.WITH_HOURS_WEEKS])
    out["paid_hours_median"] = _hist_median(m.hours_hist, HOURS_BIN)
    out["paid_hours_on_benefit_per_month"] = _ratio(t[Tally.HOURS_WEEKS_ON_BENEFIT], t[Tally.WITH_HOURS_WEEKS_ON_BENEFIT])
    _meeting_measures(t, out)
    _ag_measures(m, out)
    case_years, case_months = t[Tally.CASE_WEEKS] / WEEKS_PER_YEAR, t[Tally.CASE_WEEKS] / WEEKS_PER_MONTH
    # open advice: unsummoned visits = all visits by case holders minus those that held a due meeting
    out["open_advice_visits_per_case_month"] = _ratio(t[Tally.VISITS_CASE] - t[Tally.HELD_VIA_OPEN_ADVICE], case_months)
    out["office_visits_per_case_month"] = _ratio(t[Tally.VISITS_CASE] + t[Tally.HELD_OUTREACH] - t[Tally.HELD_VIA_OPEN_ADVICE],
                                                 case_months)
    out["open_advice_unserved_share"] = _ratio(t[Tally.VISITS_UNSERVED], t[Tally.VISITS_CASE])
    _time_measures(t, case_months, case_years, out)
    out["sanctions_per_case_year"] = _ratio(t[Tally.SANCTIONS], case_years)
    out["activation_time_share"] = _ratio(t[Tally.PLACEMENT_WEEKS] + t[Tally.GROUP_WEEKS] + t[Tally.COURSE_WEEKS],
                                          t[Tally.BENEFIT_WEEKS])
    # offers started in weeks 0-51 per citizen who started at least one (Jobindsats counts a
    # spell running at least one day in the year; none runs at week 0 in the model)
    spells = m.pop.spells_52w
    out["activation_spells_per_activated"] = (_ratio(spells.sum(), (spells > 0).sum()) if m.horizon >= WEEKS_PER_YEAR
                                              else math.nan)
    out["caseworker_changes_per_case_year"] = _ratio(t[Tally.CASEWORKER_CHANGES], case_years)
    out["exited_other_share"] = _ratio((m.pop.state == State.EXITED).sum(), len(m.pop))
    return {k: float(out.get(k, math.nan)) for k in DEFINITIONS}


def weekly_table(m) -> pd.DataFrame:
    """The weekly counts (``model.weekly_counts``), one row per week: citizens per pathway
    state, with paid hours, active caseworkers, waiting referrals, and cumulative sanctions
    and open-advice visits."""
    return pd.DataFrame(m.weekly_counts[: m.week], columns=list(WEEKLY_KEYS))
