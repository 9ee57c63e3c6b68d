"""Record (process 15): the week's row of the weekly table ``model.weekly_counts`` (counts by
pathway state, with paid hours, active caseworkers, waiting referrals, cumulative sanctions
and open-advice visits), the citizen-weeks and paid-hour integrals the outcome measures
need, each citizen's accumulated weeks and hours (one pass over the population), and, 52
weeks after week 0, each citizen's status for the A-G transition tables."""

from __future__ import annotations


from numba import njit

from sim.spec.parameters import WEEKS_PER_MONTH, WEEKS_PER_YEAR

from ..barriers import is_good
from ..declare import transition
from ..states import LAST_ON_BENEFIT, OffKind, Placement, State, Status52
from ..tally import Tally
from ..transitions import SMAJOB_HOURS
from .base import WEEK, Process

STATE_KEYS = tuple(s.name.lower() for s in State)
#: the columns of the weekly table (``model.weekly_counts``, one row per week of the run)
WEEKLY_KEYS = ("week", *STATE_KEYS, "with_paid_hours", "caseworkers", "waiting", "sanctions", "open_advice_visits")
#: where each column's count sits in a row of the weekly table
COL_WEEK, COL_STATES = 0, 1
COL_WITH_HOURS, COL_CASEWORKERS, COL_WAITING, COL_SANCTIONS, COL_VISITS = (
    WEEKLY_KEYS.index(k) for k in ("with_paid_hours", "caseworkers", "waiting", "sanctions", "open_advice_visits"))
HOURS_BIN = 5.0       #: width of the bins of the paid-hours distribution (hours a month)
HOURS_BINS = 33       #: 0-5, 5-10, ..., 155-160 and 160 or more


@transition(reads=("state", "off_kind", "rated"), writes=("status52",))
@njit(cache=True)
def status_at_52(C):  # pragma: no cover - compiled
    """Status for the 12-month A-G tables (copenhagen-outreach-2015, Udviklingsmål tables after
    Bilag 2): off benefit to a job or education, another status, or on benefit with the
    category of the latest form."""
    for i in range(C.state.shape[0]):
        s, k = C.state[i], C.off_kind[i]
        if s == State.SELF_SUFFICIENT and (k == OffKind.JOB or k == OffKind.EDUCATION):
            C.status52[i] = Status52.JOB_EDUCATION
        elif s == State.SELF_SUFFICIENT or s == State.EXITED:
            C.status52[i] = Status52.OTHER
        else:
            C.status52[i] = Status52.GOOD if is_good(C.rated[i]) else Status52.POOR


@transition(reads=("state", "hours", "placement", "in_course", "in_group", "mentor", "cw_active"),
            writes=("benefit_weeks", "self_sufficient_weeks", "paid_hours", "paid_hours_on_benefit", "internship_weeks",
                    "wage_subsidy_weeks", "housing_placement_weeks", "course_weeks", "mentor_weeks",
                    "group_course_weeks", "model_hours_hist", "model_weekly_counts"),
            counts=(Tally.CASE_WEEKS, Tally.BENEFIT_WEEKS, Tally.PLACEMENT_WEEKS, Tally.COURSE_WEEKS, Tally.GROUP_WEEKS,
                    Tally.HOURS_WEEKS, Tally.WITH_HOURS_WEEKS, Tally.SMAJOB_WEEKS, Tally.HOURS_WEEKS_ON_BENEFIT,
                    Tally.WITH_HOURS_WEEKS_ON_BENEFIT),
            calls=(status_at_52,))
@njit(cache=True)
def record_week(C, week, tally):  # pragma: no cover - compiled
    """Add this week to each citizen's totals and to the counters, and write the week's row
    of the weekly table; the histogram counts citizen-weeks with paid hours by hours a month.
    At the end of week 52 (week 51 counted from 0), each citizen's status for the A-G tables."""
    hist = C.model_hours_hist
    row = C.model_weekly_counts[week]
    row[COL_WEEK] = week
    # citizen-weeks are counted in local integers and added once (whole numbers: the same
    # totals as adding 1.0 each time); paid hours are added to their counters as they come
    case_weeks = benefit_weeks = placement_weeks = course_weeks = group_weeks = 0
    with_hours = smajob_weeks = with_hours_on_benefit = 0
    for i in range(C.state.shape[0]):
        s = C.state[i]
        row[COL_STATES + s] += 1
        on = s <= LAST_ON_BENEFIT
        h = C.hours[i]
        worked = h / WEEKS_PER_MONTH
        C.paid_hours[i] += worked
        if on:
            C.benefit_weeks[i] += 1.0
            C.paid_hours_on_benefit[i] += worked
            benefit_weeks += 1
            if s != State.NOT_ENROLLED:
                case_weeks += 1
        elif s == State.SELF_SUFFICIENT:
            C.self_sufficient_weeks[i] += 1.0
        p = C.placement[i]
        if p == Placement.INTERNSHIP:
            C.internship_weeks[i] += 1.0
        elif p == Placement.WAGE_SUBSIDY:
            C.wage_subsidy_weeks[i] += 1.0
        elif p == Placement.HOUSING:
            C.housing_placement_weeks[i] += 1.0
        if s == State.TRIN3:
            placement_weeks += 1
        if C.in_course[i]:
            C.course_weeks[i] += 1.0
            course_weeks += 1
        if C.in_group[i]:
            C.group_course_weeks[i] += 1.0
            group_weeks += 1
        if C.mentor[i] >= 0:
            C.mentor_weeks[i] += 1.0
        if h > 0:
            with_hours += 1
            tally[Tally.HOURS_WEEKS] += h
            if h >= SMAJOB_HOURS:
                smajob_weeks += 1
            if on:
                tally[Tally.HOURS_WEEKS_ON_BENEFIT] += h
                with_hours_on_benefit += 1
            hist[min(int(h / HOURS_BIN), hist.shape[0] - 1)] += 1
    row[COL_WITH_HOURS] += with_hours
    tally[Tally.CASE_WEEKS] += case_weeks
    tally[Tally.BENEFIT_WEEKS] += benefit_weeks
    tally[Tally.PLACEMENT_WEEKS] += placement_weeks
    tally[Tally.COURSE_WEEKS] += course_weeks
    tally[Tally.GROUP_WEEKS] += group_weeks
    tally[Tally.WITH_HOURS_WEEKS] += with_hours
    tally[Tally.SMAJOB_WEEKS] += smajob_weeks
    tally[Tally.WITH_HOURS_WEEKS_ON_BENEFIT] += with_hours_on_benefit
    row[COL_CASEWORKERS] = C.cw_active.sum()
    row[COL_WAITING] = row[COL_STATES + State.NOT_ENROLLED]
    row[COL_SANCTIONS] = tally[Tally.SANCTIONS]
    row[COL_VISITS] = tally[Tally.VISITS_CASE]
    if week + 1 == WEEKS_PER_YEAR:
        status_at_52(C)


class Record(Process):
    name = "record"
    calls = (record_week,)

    def plan(self, m):
        return ((record_week, (WEEK, m.tally)),)
