"""Mandatory meetings: no-shows, cancellations and sanctions (processes 2-4).

A meeting is summoned every ``meeting_interval_weeks`` (weekly during an intensive
period).  At the appointment the citizen cancels (afbud) or fails to turn up
(udeblivelse) with probabilities from a logistic model::

    logit p = logit(p_base[location]) - trust_effect * (trust - 0.5)
              + health_effect * (health rated 1-2 - 0.4)
              + frequency_effect * log2(13 / interval)          (interval < 13 only)
              - threat_effect * (strictness - 0.25)              (no-shows only)
              - salience_effect * [sanctioned recently]          (no-shows only)

``p_base`` is the Copenhagen 2014 share for the location (outreach office or central
job centre, copenhagen-outreach-2015 T4-T5).  The centring constants (0.4: share with
health rated 1-2; 0.25: strictness of the ordinary 'after k' practice without an
explicit warning) keep the population average at the reported figure.

An unexcused no-show can lead to a sanction, depending on the policy: never, after
``k`` no-shows within 52 weeks, or strict (every no-show).  Where the meeting holder has
no authority to sanction (``authority: central_only`` and the meeting is held in the
estate), the no-show must first be reported to a caseworker (two-step path).
"""

from __future__ import annotations

import math


STRICTNESS = {"never": 0.0, "after_k": 0.5, "strict": 1.0}


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class AttendanceRule:
    """Decides at the appointment whether a meeting is cancelled, missed or held."""

    def __init__(self, b, org):
        self.b = b
        self.org = org
        s = org.sanctions
        strict = STRICTNESS[s.policy] * (1.0 if s.announced else 0.5)
        self.threat = b.sanction_threat_effect * (strict - 0.25)
        self.base = {True: (logit(b.cancel_outreach), logit(b.noshow_outreach)),
                     False: (logit(b.cancel_central), logit(b.noshow_central))}

    def frequency_term(self, interval: int) -> float:
        return self.b.attendance_frequency_effect * math.log2(13 / interval) if interval < 13 else 0.0

    def probabilities(self, c, outreach: bool, interval: int, week: int) -> tuple[float, float]:
        """(p_cancel, p_noshow) for citizen ``c`` at this appointment."""
        b = self.b
        common = (-b.attendance_trust_effect * (c.trust - 0.5)
                  + b.attendance_health_effect * ((1.0 if c.health <= 2 else 0.0) - 0.4)
                  + self.frequency_term(interval))
        lc, ln = self.base[outreach]
        noshow = ln + common - self.threat
        if week < c.salience_until:
            noshow -= b.sanction_salience_effect
        return expit(lc + common), expit(noshow)


class SanctionRule:
    """Sanction policy (process 4)."""

    def __init__(self, b, org):
        self.b = b
        self.s = org.sanctions

    def sanctionable(self, c, week: int) -> bool:
        """Record an unexcused no-show and say whether the policy calls for a sanction."""
        c.noshow_weeks = [w for w in c.noshow_weeks if w > week - 52]
        c.noshow_weeks.append(week)
        if self.s.policy == "never":
            return False
        if self.s.policy == "strict":
            return True
        if len(c.noshow_weeks) >= self.s.k:
            c.noshow_weeks = []
            return True
        return False

    def decide(self, c, holder_has_authority: bool, rnd) -> bool:
        """Two-step path: report (if needed), then the caseworker's decision."""
        if not holder_has_authority and rnd() >= self.b.report_probability:
            return False
        return rnd() < self.b.caseworker_sanction_probability

    def apply(self, c, week: int) -> None:
        b = self.b
        c.sanctions += 1
        # weeks of reduced benefit; a sanction running at a new one is not counted twice
        c.sanction_weeks += min(b.sanction_weeks, week + b.sanction_weeks - max(week, c.sanctioned_until))
        c.sanctioned_until = week + b.sanction_weeks
        c.salience_until = week + b.sanction_salience_weeks
        c.trust = max(0.0, c.trust - b.sanction_trust_drop)
        c.motivation = max(0.0, c.motivation - b.sanction_motivation_drop)
