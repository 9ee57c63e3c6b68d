"""What the evaluations say about each policy lever: the one declared table the reports'
"How far to trust this" section and the workshop app's Info panel read.

Each organisation setting (by its key path, as :func:`sim.experiment.findings.settings`
names it) is one of

* ``direct``: an evaluation compared programmes that differ in this setting and reports
  the difference (the model is checked against it in ``docs/VALIDATION.md``);
* ``levels``: an evaluation reports outcomes of a programme with this setting, but no
  comparison without it, so the model's *effect* of the setting is not checked;
* ``assumed``: no evaluation in ``docs/evidence/`` measured what the setting does; the
  model's effect of it runs only through mechanisms it assumes (docs/ODD.md).

A setting not listed is ``assumed``.  The words for each setting (what was measured, how
the model lets it act) are in the catalogues, ``evidence.<key path>``.
"""

from __future__ import annotations

from dataclasses import dataclass

DIRECT, LEVELS, ASSUMED = "direct", "levels", "assumed"
KINDS = (DIRECT, LEVELS, ASSUMED)


@dataclass(frozen=True)
class LeverEvidence:
    kind: str
    source: str = ""          # publication key and part (docs/evidence/README.md)


_OUTREACH = LeverEvidence(DIRECT, "copenhagen-outreach-2015, Table 1 and the effect analysis")

LEVER_EVIDENCE: dict[str, LeverEvidence] = {
    "organisation.location": _OUTREACH,
    "organisation.days_in_estate": _OUTREACH,
    "organisation.outreach_offices": _OUTREACH,
    "organisation.summon_vulnerable_locally": _OUTREACH,
    "organisation.open_advice_days": LeverEvidence(LEVELS, "copenhagen-outreach-2015, part on open advice"),
    "organisation.open_advice_hours": LeverEvidence(LEVELS, "copenhagen-outreach-2015, part on open advice"),
    "organisation.caseworkers": LeverEvidence(LEVELS, "activation-practice-2012, chapters 2 and 4; jobgaranti-midway-2019, "
                                                      "part on staffing and case loads; copenhagen-outreach-2015, programme "
                                                      "description (half the case load, with the move to the estates)"),
    "organisation.offices": LeverEvidence(LEVELS, "jobgaranti-midway-2019, Bilag 1 (the share in an active effort in each "
                                                  "municipality) and the part on the organisation in the five municipalities"),
    "organisation.meeting_interval_weeks": LeverEvidence(LEVELS, "alle-i-gang-2009, chapter 4, Figure 4.3"),
    "organisation.intensive": LeverEvidence(LEVELS, "alle-i-gang-2009, chapter 4, Figure 4.3"),
    "organisation.trin_model": LeverEvidence(LEVELS, "jobgaranti-midway-2019, Bilag 1"),
    "organisation.consultant_stance": LeverEvidence(LEVELS, "jobgaranti-midway-2019, Bilag 1"),
    "organisation.drop_refusing_companies": LeverEvidence(LEVELS, "jobgaranti-midway-2019, Bilag 1"),
    "organisation.courses": LeverEvidence(LEVELS, "activation-practice-2012, chapter 3, Figure 3.1"),
    "organisation.group_courses": LeverEvidence(LEVELS, "activation-practice-2012, chapter 3, Figure 3.1"),
}


def evidence(key: str) -> LeverEvidence:
    """The evidence for a setting (``assumed`` when the table does not list it).  A nested
    setting (``organisation.intensive.interval_weeks``) takes its parent's entry."""
    while key:
        if key in LEVER_EVIDENCE:
            return LEVER_EVIDENCE[key]
        key = key.rpartition(".")[0]
    return LeverEvidence(ASSUMED)
