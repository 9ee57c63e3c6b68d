"""Outcome measures, each defined as the evaluation that reports it defines it.

Every measure is computed from the per-citizen event history (``model.events``), the
per-citizen table and the office tallies.  The definition, denominator and horizon of
each measure is written next to the code that computes it.  A measure whose horizon is
not covered by the run is NaN, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.spec.parameters import WEEKS_PER_MONTH
from sim.model.states import OffKind, Placement

#: Outcome name -> one-line definition (used in reports and by calibration targets).
DEFINITIONS: dict[str, str] = {
    "ever_self_sufficient_52w": "Share of the cohort off benefit for at least one week (job, education or 'restgruppe') within 52 weeks of first observation (copenhagen-outreach-2015 §4.2). Cohort: citizens first observed at least 52 weeks before the horizon.",
    "ever_job_or_education_52w": "Share of the same cohort in a job or education (SU) at least one week within 52 weeks of first observation (copenhagen-outreach-2015 T2).",
    "ever_company_activation_52w": "Share of the same cohort that started company-directed activation (internship, wage subsidy or placement in estate operations) within 52 weeks of first observation (copenhagen-outreach-2015 T3).",
    "active_effort_share": "Citizens who have received an active effort (entered a case load) by the horizon, divided by all referred (jobgaranti-midway-2019 T1).",
    "share_ordinary_hours": "Among citizens who received an active effort: share who ever had ordinary paid hours by the horizon (jobgaranti-midway-2019 T2; read as cumulative).",
    "share_self_supporting": "Among citizens who received an active effort: share who were ever self-supporting through a job or education after entering the effort, by the horizon (jobgaranti-midway-2019 T3).",
    "share_internship_without_hours": "Among citizens who received an active effort: share who started an unpaid internship and never had ordinary paid hours by the horizon (jobgaranti-midway-2019 T4).",
    "paid_hours_per_month": "Mean ordinary paid hours per month over citizen-time with paid hours above zero (all weeks of the run).",
    "smajob_share_of_paid": "Share of citizen-time with paid hours at or above 30 hours a month (småjob rule, jobgaranti-midway-2019 L60).",
    "noshow_share": "No-shows (udeblivelser) as a share of summoned mandatory meetings (copenhagen-outreach-2015 T4).",
    "cancel_share": "Cancellations (afbud) as a share of summoned mandatory meetings (copenhagen-outreach-2015 T5).",
    "not_held_share": "No-shows plus cancellations as a share of summoned meetings (copenhagen-outreach-2015 T6).",
    "noshow_share_outreach": "No-show share of meetings summoned to an outreach office.",
    "noshow_share_central": "No-show share of meetings summoned to the central job centre.",
    "cancel_share_outreach": "Cancellation share of meetings summoned to an outreach office.",
    "cancel_share_central": "Cancellation share of meetings summoned to the central job centre.",
    "attendance_share": "Held meetings as a share of summoned meetings (alle-i-gang-2009 T8).",
    "meetings_per_case_year": "Summoned meetings per active case-year (copenhagen-outreach-2015 T11).",
    "ag_good_kept_12m": "Of citizens rated A-D at week 0: share still on benefit and rated A-D at week 52 (copenhagen-outreach-2015 T8).",
    "ag_good_to_poor_12m": "Of citizens rated A-D at week 0: share rated E-G at week 52.",
    "ag_good_to_jobedu_12m": "Of citizens rated A-D at week 0: share in job or education at week 52 (T10).",
    "ag_good_to_other_12m": "Of citizens rated A-D at week 0: share in another status at week 52 (other exit or 'restgruppe').",
    "ag_poor_to_good_12m": "Of citizens rated E-G at week 0: share rated A-D at week 52 (T9).",
    "ag_poor_kept_12m": "Of citizens rated E-G at week 0: share still rated E-G at week 52.",
    "ag_poor_to_jobedu_12m": "Of citizens rated E-G at week 0: share in job or education at week 52.",
    "ag_poor_to_other_12m": "Of citizens rated E-G at week 0: share in another status at week 52.",
    "open_advice_visits_per_case_month": "Open-advice visits by case holders (unsummoned) per active case per month (copenhagen-outreach-2015 §2.5: about 0.29).",
    "office_visits_per_case_month": "All visits of case holders to outreach offices (open advice plus meetings held there) per active case per month (about 0.47).",
    "open_advice_unserved_share": "Share of open-advice visits by case holders that left unserved.",
    "staff_utilisation": "Caseworker minutes spent on meetings and open advice as a share of contact minutes available.",
    "sanctions_per_case_year": "Sanctions per active case-year.",
    "activation_time_share": "Share of on-benefit citizen-weeks in a company placement, a guidance or upskilling course, or a group course (activation-practice-2012 §3.2: match 2 about 25-30 %).",
    "caseworker_changes_per_case_year": "Changes of caseworker per active case-year.",
    "exited_other_share": "Share of all citizens ever observed who left for another benefit, exemption or moving away by the horizon.",
}


@dataclass
class Outcomes:
    """What one run produced: summary measures, weekly counts and per-citizen records."""

    summary: dict[str, float]
    weekly: pd.DataFrame = field(repr=False)
    citizens: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    seed: int = 0


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def citizen_table(m) -> pd.DataFrame:
    rows = []
    for c in m.citizens:
        rows.append({
            "citizen": c.unique_id, "first_week": c.first_week, "enrolled_week": c.enrolled_week,
            "age": c.age, "female": c.female, "immigrant": c.immigrant, "benefit": c.benefit,
            "category_start": m.snapshot0.get(c.unique_id), "category_end": c.category,
            "state_end": c.state.name.lower(), "hours_end": c.hours, "meetings_held": c.meetings_held,
            "noshows": c.noshows, "cancellations": c.cancellations, "sanctions": c.sanctions, "sanction_weeks": c.sanction_weeks,
            "caseworker_changes": c.caseworker_changes, "trust_end": c.trust, "motivation_end": c.motivation,
            **c.accumulated,
        })
    return pd.DataFrame(rows)


#: the event kinds the summary measures below read
_SUMMARY_EVENTS = frozenset({"off", "placement", "hours", "exit"})


def event_table(m, kinds: frozenset | None = None) -> pd.DataFrame:
    """The per-citizen event history (week, citizen, event, detail); only the events of
    ``kinds`` if given."""
    events = m.events if kinds is None else [e for e in m.events if e[2] in kinds]
    if not events:
        return pd.DataFrame({"week": pd.Series(dtype=int), "citizen": pd.Series(dtype=int),
                             "event": pd.Series(dtype=str), "detail": pd.Series(dtype=str)})
    wk, cid, ev, det = zip(*events)
    return pd.DataFrame({"week": np.asarray(wk, dtype=np.int32), "citizen": np.asarray(cid, dtype=np.int64),
                         "event": pd.Categorical(ev), "detail": [str(d) for d in det]})


def compute(m) -> dict[str, float]:
    """All summary measures of a finished run."""
    t, H = m.tally, m.horizon
    out: dict[str, float] = {}
    ev = event_table(m, _SUMMARY_EVENTS)
    first = {c.unique_id: c.first_week for c in m.citizens}

    # --- register measures: 'ever within 52 weeks of first observation' ----------------
    cohort = [cid for cid, fw in first.items() if fw + 52 <= H]
    if cohort:
        e = ev[ev["citizen"].isin(cohort)]
        fw = e["citizen"].map(first)
        inwin = e[(e["week"] >= fw) & (e["week"] < fw + 52)]
        off = inwin[inwin["event"] == "off"]
        out["ever_self_sufficient_52w"] = off["citizen"].nunique() / len(cohort)
        jobedu = off[off["detail"].isin([str(int(OffKind.JOB)), str(int(OffKind.EDUCATION))])]
        out["ever_job_or_education_52w"] = jobedu["citizen"].nunique() / len(cohort)
        comp_kinds = {str(int(k)) for k in (Placement.INTERNSHIP, Placement.WAGE_SUBSIDY, Placement.HOUSING)}
        pl = inwin[(inwin["event"] == "placement") & inwin["detail"].isin(comp_kinds)]
        out["ever_company_activation_52w"] = pl["citizen"].nunique() / len(cohort)
    else:
        out["ever_self_sufficient_52w"] = out["ever_job_or_education_52w"] = out["ever_company_activation_52w"] = math.nan

    # --- jobgaranti pool measures: denominator = received an active effort ----------------
    enrolled = {c.unique_id: c.enrolled_week for c in m.citizens if c.enrolled_week is not None}
    out["active_effort_share"] = _ratio(len(enrolled), len(m.citizens))
    if enrolled:
        e = ev[ev["citizen"].isin(enrolled.keys())]
        ew = e["citizen"].map(enrolled)
        after = e[e["week"] >= ew]
        ordinary = set(after[(after["event"] == "placement") & (after["detail"] == str(int(Placement.ORDINARY)))]["citizen"])
        ordinary |= set(after[after["event"] == "hours"]["citizen"])
        selfsup = set(after[(after["event"] == "off") & after["detail"].isin([str(int(OffKind.JOB)), str(int(OffKind.EDUCATION))])]["citizen"])
        intern = set(after[(after["event"] == "placement") & after["detail"].isin(
            [str(int(Placement.INTERNSHIP)), str(int(Placement.HOUSING))])]["citizen"])
        n = len(enrolled)
        out["share_ordinary_hours"] = len(ordinary) / n
        out["share_self_supporting"] = len(selfsup) / n
        out["share_internship_without_hours"] = len(intern - ordinary) / n
    else:
        out["share_ordinary_hours"] = out["share_self_supporting"] = out["share_internship_without_hours"] = math.nan

    # --- paid hours: time-weighted over citizen-time with paid hours ---------------------
    out["paid_hours_per_month"] = _ratio(m.hours_weeks, m.with_hours_weeks)
    out["smajob_share_of_paid"] = _ratio(m.smajob_weeks, m.with_hours_weeks)

    # --- meetings: shares of summoned mandatory meetings ---------------------------------
    summoned = t["summoned_outreach"] + t["summoned_central"]
    noshow = t["noshow_outreach"] + t["noshow_central"]
    cancel = t["cancel_outreach"] + t["cancel_central"]
    out["noshow_share"] = _ratio(noshow, summoned)
    out["cancel_share"] = _ratio(cancel, summoned)
    out["not_held_share"] = _ratio(noshow + cancel, summoned)
    for loc in ("outreach", "central"):
        out[f"noshow_share_{loc}"] = _ratio(t[f"noshow_{loc}"], t[f"summoned_{loc}"])
        out[f"cancel_share_{loc}"] = _ratio(t[f"cancel_{loc}"], t[f"summoned_{loc}"])
    out["attendance_share"] = _ratio(t["held_outreach"] + t["held_central"], summoned)
    case_years = t["case_weeks"] / 52.0
    case_months = t["case_weeks"] / WEEKS_PER_MONTH
    out["meetings_per_case_year"] = _ratio(summoned, case_years)

    # --- A-G transitions over 12 months (status at week 52) -------------------------------
    if m.snapshot52 is not None:
        for start, good in (("good", True), ("poor", False)):
            ids = [cid for cid, cat in m.snapshot0.items() if (cat in "ABCD") == good]
            end = [m.snapshot52.get(cid) for cid in ids]
            n = len(ids)
            for status, label in (("good", "good_kept" if good else "poor_to_good"),
                                  ("poor", "good_to_poor" if good else "poor_kept"),
                                  ("job_education", f"{start}_to_jobedu"), ("other", f"{start}_to_other")):
                out[f"ag_{label}_12m"] = _ratio(sum(1 for s in end if s == status), n)
    else:
        for k in DEFINITIONS:
            if k.startswith("ag_"):
                out[k] = math.nan

    # --- open advice and staff -------------------------------------------------------------
    unsummoned = t["visits_case"] - t["held_via_open_advice"]
    out["open_advice_visits_per_case_month"] = _ratio(unsummoned, case_months)
    out["office_visits_per_case_month"] = _ratio(t["visits_case"] + t["held_outreach"] - t["held_via_open_advice"], case_months)
    out["open_advice_unserved_share"] = _ratio(t["visits_unserved"], t["visits_case"])
    avail = sum(cw.minutes_available for cw in m.all_caseworkers)
    used = sum(cw.minutes_used for cw in m.all_caseworkers)
    out["staff_utilisation"] = _ratio(used, avail)
    out["sanctions_per_case_year"] = _ratio(t["sanctions"], case_years)
    out["activation_time_share"] = _ratio(t["placement_weeks"] + t["group_weeks"] + t["course_weeks"], t["benefit_weeks"])
    out["caseworker_changes_per_case_year"] = _ratio(t["caseworker_changes"], case_years)
    out["exited_other_share"] = _ratio(ev[ev["event"] == "exit"]["citizen"].nunique(), len(m.citizens))
    return {k: out.get(k, math.nan) for k in DEFINITIONS}


def weekly_table(m) -> pd.DataFrame:
    """Weekly population counts by pathway state (Mesa DataCollector), one row per week."""
    df = m.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.insert(0, "week", range(len(df)))
    return df
