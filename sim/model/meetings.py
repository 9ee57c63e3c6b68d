"""Mandatory meetings (process 2): booking, the appointment, and the effects of a held
meeting.  Attendance and sanction rules are in :mod:`sim.attendance`; the office day
that runs the appointments is in :mod:`sim.office`."""

from __future__ import annotations

from collections import defaultdict

from . import pathway
from .barriers import improve, is_good
from .states import State

_TALLY_KEYS = {loc == "outreach": (f"summoned_{loc}", f"cancel_{loc}", f"noshow_{loc}", f"held_{loc}")
               for loc in ("outreach", "central")}


class Meetings:
    """Mixin of :class:`sim.model.OutreachModel`: mandatory meetings."""

    def interval_for(self, c) -> int:
        it = self.org.intensive
        if it is not None and c.enrolled_week is not None and self.week - c.enrolled_week < it.duration_weeks:
            return it.interval_weeks
        return self.org.meeting_interval_weeks

    def book_meeting(self, c, delay: int) -> None:
        w = self.week + max(1, delay)
        c.next_meeting = w
        if w < self.horizon:
            self.meetings_due[w].append(c)

    # ------------------------------------------------------------------ meetings
    def meeting_postponed(self, c) -> None:
        self.tally["meetings_postponed"] += 1
        self.book_meeting(c, 1)

    def standard_minutes(self, c) -> float:
        it = self.org.intensive
        if it is not None and self.interval_for(c) == it.interval_weeks and self.org.meeting_interval_weeks != it.interval_weeks:
            return it.meeting_minutes
        return self.org.meeting_minutes

    def meeting_at_appointment(self, c, cw, day: int, length: float, standard: float) -> float:
        """Process 3 at the appointment. Returns the caseworker minutes used."""
        outreach = cw.in_estate(day)
        k_summoned, k_cancel, k_noshow, k_held = _TALLY_KEYS[outreach]
        interval = self.interval_for(c)
        p_cancel, p_noshow = self.attendance.probabilities(c, outreach, interval, self.week)
        rnd = self.streams["attendance"].random
        tally = self.tally
        tally[k_summoned] += 1
        if rnd() < p_cancel:
            tally[k_cancel] += 1
            c.cancellations += 1
            self.book_meeting(c, self.b.rebook_weeks)
            return 0.0
        if rnd() < p_noshow:
            tally[k_noshow] += 1
            c.noshows += 1
            self.log(c, "noshow", 0)
            if self.sanction_rule.sanctionable(c, self.week):
                srnd = self.streams["sanction"].random
                if self.sanction_rule.decide(c, cw.authority or not outreach, srnd):
                    self.sanction_rule.apply(c, self.week)
                    self.tally["sanctions"] += 1
                    self.log(c, "sanction", 0)
            self.book_meeting(c, self.b.rebook_weeks)
            return length / 2.0      # time spent waiting for the citizen
        tally[k_held] += 1
        tally["held_minutes"] += length
        self.hold_meeting(c, outreach, quality=length / standard)
        return length

    def meeting_via_open_advice(self, c) -> None:
        """A citizen holds the due follow-up meeting in open advice (copenhagen-outreach-2015 L1220-1235)."""
        self.tally["summoned_outreach"] += 1
        self.tally["held_outreach"] += 1
        self.tally["held_via_open_advice"] += 1
        self.hold_meeting(c, True, quality=1.0)

    def hold_meeting(self, c, outreach: bool, quality: float) -> None:
        """Effects of a held meeting (processes 2, 6, 7, 9)."""
        b = self.b
        q = min(1.0, quality) ** 0.5
        c.meetings_held += 1
        c.last_contact = self.week
        c.trust = min(1.0, c.trust + (b.trust_gain_outreach if outreach else b.trust_gain_central))
        if self.streams["improve"].random() < b.improve_per_meeting * q:
            if improve(c.ratings, self.streams["improve"].random):
                self.ratings_changed(c)
        pathway.add_progress(self, c, b.trin1_progress_per_meeting * q)
        if (self.org.courses and not c.in_course and c.state in (State.TRIN1, State.TRIN2)
                and self.streams["course"].random() < b.course_order_probability):
            self.start_course(c)
        if c.state == State.TRIN2 and self.week >= c.trin2_ready_week:
            # the caseworker orders a company-directed offer at the meeting (bestilling)
            self.tally["match_attempts_meeting"] += 1
            pathway.attempt_match(self, c, self.fallback_network, self.orientation)
        self.book_meeting(c, self.interval_for(c))

    def _agendas(self) -> dict:
        """Book this week's due meetings into caseworkers' days."""
        agendas: dict = defaultdict(list)
        rnd = self.streams["booking"].random
        summon_local = self.org.summon_vulnerable_locally
        for c in self.meetings_due.pop(self.week, ()):
            if c.next_meeting != self.week or not c.enrolled:
                continue
            cw = c.caseworker
            ed = cw.estate_days
            if ed <= 0:
                local = False
            elif ed >= 5:
                local = True
            elif summon_local:
                local = not is_good(c.category)
            else:
                local = rnd() < ed / 5.0
            day = int(rnd() * ed) if local else ed + int(rnd() * (5 - ed))
            agendas[(cw, day)].append(c)
        return agendas
