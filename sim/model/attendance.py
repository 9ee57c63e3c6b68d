"""Attendance at mandatory meetings and the sanction rule (used by process 9).

At the appointment a citizen cancels (afbud) or fails to turn up (udeblivelse) with
probabilities from a logistic model::

    logit p = logit(p_base[location]) - trust_effect * (trust - 0.5)
              + health_effect * (health rated 1-2 - 0.4)
              + frequency_effect * log2(13 / interval)          (interval < 13 only)
              - threat_effect * (strictness - 0.25)              (no-shows only)
              - salience_effect * [sanctioned recently]          (no-shows only)

``p_base`` is the Copenhagen 2014 share for the location (outreach office or central job
centre, copenhagen-outreach-2015).  The centring constants (0.4: the share with health
rated 1-2; 0.25: the strictness of the ordinary 'after k' practice without an explicit
warning) keep the average citizen at the reported figure.

An unexcused no-show can lead to a sanction: never, after ``k`` no-shows within 52 weeks,
or strict (every no-show).  Where the meeting holder has no authority to sanction
(``authority: central_only`` and the meeting is in the estate office) the no-show must
first be reported to a caseworker (the two-step path, alle-i-gang-2009, chapter 4, text to Figure 4.3).
"""

from __future__ import annotations

import numpy as np

from .population import LONG_AGO
from .tally import Tally

STRICTNESS = {"never": 0.0, "after_k": 0.5, "strict": 1.0}


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def expit(x):
    return 1.0 / (1.0 + np.exp(-x))


class Attendance:
    """(p_cancel, p_noshow) of citizens at their appointments."""

    def __init__(self, b, org):
        self.b = b
        s = org.sanctions
        self.threat = b.sanction_threat_effect * (STRICTNESS[s.policy] * (1.0 if s.announced else 0.5) - 0.25)
        self.cancel = np.array([logit(b.cancel_central), logit(b.cancel_outreach)])
        self.noshow = np.array([logit(b.noshow_central), logit(b.noshow_outreach)])

    def probabilities(self, m, ids: np.ndarray, outreach: np.ndarray, interval: np.ndarray, week: int):
        P, b = m.pop, self.b
        frequency = np.where(interval < 13, b.attendance_frequency_effect * np.log2(13.0 / interval), 0.0)
        common = (-b.attendance_trust_effect * (P.trust[ids] - 0.5)
                  + b.attendance_health_effect * ((P.health[ids] <= 2) - 0.4) + frequency)
        loc = outreach.astype(int)
        noshow = self.noshow[loc] + common - self.threat - np.where(week < P.salience_until[ids],
                                                                     b.sanction_salience_effect, 0.0)
        return expit(self.cancel[loc] + common), expit(noshow)


class SanctionRule:
    """Which unexcused no-shows lead to a sanction, and what a sanction does."""

    def __init__(self, b, org):
        self.b = b
        self.s = org.sanctions

    def sanctionable(self, m, ids: np.ndarray, week: int) -> np.ndarray:
        """Record the no-shows; True where the policy calls for a sanction.  The no-show
        history keeps the weeks of the last k-1 no-shows since the last sanction."""
        policy = self.s.policy
        if policy == "never":
            return np.zeros(len(ids), dtype=bool)
        if policy == "strict" or self.s.k <= 1:
            return np.ones(len(ids), dtype=bool)
        hist = m.pop.noshow_weeks[ids]
        due = (hist > week - 52).sum(axis=1) + 1 >= self.s.k
        hist[due] = LONG_AGO
        keep = np.flatnonzero(~due)
        hist[keep, np.argmin(hist[keep], axis=1)] = week
        m.pop.noshow_weeks[ids] = hist
        return due

    def decide(self, m, ids: np.ndarray, holder_has_authority: np.ndarray) -> np.ndarray:
        """The two-step path: reported (if the holder cannot sanction), then decided."""
        reported = holder_has_authority | (m.draw("sanction_report", ids) < self.b.report_probability)
        return reported & (m.draw("sanction", ids) < self.b.caseworker_sanction_probability)

    def apply(self, m, ids: np.ndarray, week: int) -> None:
        """Benefit is reduced for ``sanction_weeks`` (a sanction running into a new one is
        not counted twice); attendance is higher for a while; trust and motivation fall."""
        P, b = m.pop, self.b
        P.sanctions[ids] += 1
        P.sanction_weeks[ids] += np.minimum(b.sanction_weeks, week + b.sanction_weeks - np.maximum(week, P.sanctioned_until[ids]))
        P.sanctioned_until[ids] = week + b.sanction_weeks
        P.salience_until[ids] = week + b.sanction_salience_weeks
        P.trust[ids] = np.maximum(0.0, P.trust[ids] - b.sanction_trust_drop)
        P.motivation[ids] = np.maximum(0.0, P.motivation[ids] - b.sanction_motivation_drop)
        m.tally[Tally.SANCTIONS] += len(ids)
