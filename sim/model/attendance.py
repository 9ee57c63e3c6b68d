"""Attendance at mandatory meetings and the sanction rule (used by process 9).

At the appointment a citizen cancels (afbud) or fails to turn up (udeblivelse) with
probabilities from a logistic model::

    logit p = logit(p_base[location]) - trust_effect * (trust - 0.5)
              + health_effect * ([health rated 1-2] - attendance_health_reference)
              + frequency_effect * log2(13 / interval)          (interval < 13 only)
              - threat_effect * (strictness - reference strictness)   (no-shows only)
              - salience_effect * [sanctioned recently]          (no-shows only)

``p_base`` is the Copenhagen 2014 share for the location (outreach office or central job
centre, copenhagen-outreach-2015, Table 1), for the average citizen: trust 0.5, the
reference share of health rated 1-2, meetings every 13 weeks (the ordinary interval) and
the ordinary 'after k' sanction practice without an explicit warning.

An unexcused no-show can lead to a sanction: never, after ``k`` no-shows within 52 weeks,
or strict (every no-show).  Where the meeting holder has no authority to sanction
(``authority: central_only`` and the meeting is in the estate office) the no-show must
first be reported to a caseworker (the two-step path, alle-i-gang-2009, chapter 4, text to
Figure 4.3).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import WEEKS_PER_YEAR

from .barriers import LOW
from .declare import transition
from .states import MIDPOINT
from .tally import Tally

#: the ordinary interval of mandatory meetings: at least every three months (activation-practice-2012, chapter 2)
ORDINARY_INTERVAL_WEEKS = 13
#: how strict each sanction policy is felt to be, 0 (never) to 1 (every no-show) (assumed scale)
STRICTNESS = {"never": 0.0, "after_k": 0.5, "strict": 1.0}
#: a policy that is not announced with an explicit warning is felt at half its strictness (assumed;
#: alle-i-gang-2009, chapter 4, footnote 17: the explicit deduction warning in Sønderborg)
UNANNOUNCED_WEIGHT = 0.5
#: the strictness of the ordinary practice behind the reported no-show shares: 'after k', not announced
REFERENCE_STRICTNESS = STRICTNESS["after_k"] * UNANNOUNCED_WEIGHT
#: an empty slot in the no-show history
LONG_AGO = -(10 ** 6)
POLICY_NEVER, POLICY_AFTER_K, POLICY_STRICT = 0, 1, 2
POLICIES = {"never": POLICY_NEVER, "after_k": POLICY_AFTER_K, "strict": POLICY_STRICT}

AttendanceParams = namedtuple("AttendanceParams", [
    "cancel_logit", "noshow_logit", "trust_effect", "health_effect", "health_reference", "frequency_effect",
    "threat", "salience_effect", "policy", "k", "report_probability", "sanction_probability", "sanction_weeks",
    "salience_weeks", "trust_drop", "motivation_drop"])


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


@njit(cache=True)
def expit(x):  # pragma: no cover - compiled
    return 1.0 / (1.0 + np.exp(-x))


def attendance_parameters(b, org) -> AttendanceParams:
    s = org.sanctions
    strictness = STRICTNESS[s.policy] * (1.0 if s.announced else UNANNOUNCED_WEIGHT)
    return AttendanceParams(
        cancel_logit=np.array([logit(b.cancel_central), logit(b.cancel_outreach)]),
        noshow_logit=np.array([logit(b.noshow_central), logit(b.noshow_outreach)]),
        trust_effect=float(b.attendance_trust_effect), health_effect=float(b.attendance_health_effect),
        health_reference=float(b.attendance_health_reference), frequency_effect=float(b.attendance_frequency_effect),
        threat=float(b.sanction_threat_effect * (strictness - REFERENCE_STRICTNESS)),
        salience_effect=float(b.sanction_salience_effect), policy=POLICIES[s.policy], k=int(s.k),
        report_probability=float(b.report_probability), sanction_probability=float(b.caseworker_sanction_probability),
        sanction_weeks=int(b.sanction_weeks), salience_weeks=int(b.sanction_salience_weeks),
        trust_drop=float(b.sanction_trust_drop), motivation_drop=float(b.sanction_motivation_drop))


@transition(reads=("trust", "health", "salience_until"))
@njit(cache=True)
def probabilities(C, i, outreach, interval, week, A):  # pragma: no cover - compiled
    """(p_cancel, p_noshow) of citizen ``i`` at an appointment."""
    common = -A.trust_effect * (C.trust[i] - MIDPOINT) + A.health_effect * ((1.0 if C.health[i] <= LOW else 0.0) - A.health_reference)
    if interval < ORDINARY_INTERVAL_WEEKS:
        common += A.frequency_effect * np.log2(ORDINARY_INTERVAL_WEEKS / interval)
    loc = 1 if outreach else 0
    noshow = A.noshow_logit[loc] + common - A.threat
    if week < C.salience_until[i]:
        noshow -= A.salience_effect
    return expit(A.cancel_logit[loc] + common), expit(noshow)


@transition(reads=("noshow_weeks",), writes=("noshow_weeks",))
@njit(cache=True)
def sanctionable(C, i, week, A):  # pragma: no cover - compiled
    """Record an unexcused no-show; True where the policy calls for a sanction.  The
    history keeps the weeks of the last k-1 no-shows since the last sanction."""
    if A.policy == POLICY_NEVER:
        return False
    if A.policy == POLICY_STRICT or A.k <= 1:
        return True
    recent = 0
    oldest = 0
    for s in range(C.noshow_weeks.shape[1]):
        if C.noshow_weeks[i, s] > week - WEEKS_PER_YEAR:
            recent += 1
        if C.noshow_weeks[i, s] < C.noshow_weeks[i, oldest]:
            oldest = s
    if recent + 1 >= A.k:
        C.noshow_weeks[i, :] = LONG_AGO
        return True
    C.noshow_weeks[i, oldest] = week
    return False


@transition(reads=("sanctioned_until", "trust", "motivation"),
            writes=("sanctions", "sanction_weeks", "sanctioned_until", "salience_until", "trust", "motivation"),
            counts=(Tally.SANCTIONS,))
@njit(cache=True)
def sanction(C, i, week, A, tally):  # pragma: no cover - compiled
    """Benefit is reduced for ``sanction_weeks`` (a sanction running into a new one is not
    counted twice); attendance is higher for a while; trust and motivation fall."""
    w = A.sanction_weeks
    C.sanctions[i] += 1
    C.sanction_weeks[i] += min(w, week + w - max(week, C.sanctioned_until[i]))
    C.sanctioned_until[i] = week + w
    C.salience_until[i] = week + A.salience_weeks
    C.trust[i] = max(0.0, C.trust[i] - A.trust_drop)
    C.motivation[i] = max(0.0, C.motivation[i] - A.motivation_drop)
    tally[Tally.SANCTIONS] += 1
