"""Case loads, enrolment (process 1) and staff turnover (process 10).

A referral enters the case load of the least-loaded caseworker of its area that has room
under ``caseload_cap`` (else of the whole job centre); without room it waits.  Case
loads are kept in heaps per office so that picking a caseworker costs O(log n).  A
leaving caseworker's cases go at once to colleagues (each a change of caseworker, which
lowers trust and, for ``caseworker_change_weeks``, the job chance); a replacement starts
after ``vacancy_weeks`` and takes cases from the most-loaded colleagues.
"""

from __future__ import annotations

import heapq

from . import pathway
from .agents import Caseworker
from sim.spec.parameters import annual_to_weekly
from .states import State


class Caseloads:
    """Mixin of :class:`sim.model.OutreachModel`: who holds which case."""

    def _hire(self, office, estate_days, week) -> Caseworker:
        org = self.org
        rnd = self.streams["staff"]
        cw = Caseworker(self, hours_per_week=org.caseworker_hours_per_week, contact_share=org.contact_share,
                        estate_days=estate_days, office=office, optimism=rnd.uniform(-0.1, 0.1),
                        authority=(org.sanctions.authority == "all_caseworkers"), hired_week=week)
        self.caseworkers.append(cw)
        self.all_caseworkers.append(cw)
        self._pool_push(cw)
        self.schedule_staff(cw)
        return cw

    def schedule_staff(self, cw) -> None:
        self.schedule(self.streams["turnover"].geometric(annual_to_weekly(self.b.staff_turnover_annual)), "leave", cw)

    # ------------------------------------------------------------------ caseloads
    def _pool_push(self, cw) -> None:
        entry = (cw.caseload, cw.unique_id, cw)
        heapq.heappush(self._pools[cw.office], entry)
        if cw.office is not None:
            heapq.heappush(self._pools["all"], entry)

    def _least_loaded(self, key, cap):
        """The active caseworker with the smallest case load in a pool (None if all are at ``cap``)."""
        heap = self._pools.get(key)
        while heap:
            load, _uid, cw = heap[0]
            if not cw.active or cw.caseload != load:
                heapq.heappop(heap)       # stale entry: the case load changed since it was pushed
                continue
            return cw if cap is None or load < cap else None
        return None

    def _case_add(self, cw, c) -> None:
        cw.cases.add(c)
        self._pool_push(cw)

    def _case_remove(self, cw, c) -> None:
        if c in cw.cases:
            cw.cases.discard(c)
            if cw.active:
                self._pool_push(cw)

    def _assign(self, c, cw) -> None:
        c.caseworker = cw
        self._case_add(cw, c)
        c.belief = cw.belief_in(c, self.b.belief_team_boost if self.org.team_structure == "team" else 0.0)

    def _pick_caseworker(self, c, cap="scenario"):
        """Least-loaded caseworker of the citizen's area with room, else of the whole job centre."""
        cap = self.org.caseload_cap if cap == "scenario" else cap
        if c.area is not None:
            cw = self._least_loaded(c.area, cap)
            if cw is not None:
                return cw
        return self._least_loaded("all" if self.n_offices else None, cap)

    def enrol_waiting(self) -> None:
        """Visitation: referrals enter a case load while there is room (process 1)."""
        if not self.waiting:
            return
        still = []
        for c in self.waiting:
            if c.state != State.NOT_ENROLLED:
                continue
            cw = self._pick_caseworker(c)
            if cw is None:
                still.append(c)
                continue
            self._assign(c, cw)
            if c.enrolled_week is None:
                c.enrolled_week = self.week
                self.log(c, "enrol", 0)
            if c.job_wish:
                pathway.enter_trin2(self, c)
            else:
                self.set_state(c, State.TRIN1)
            interval = self.interval_for(c)
            first = 1 + self.streams["meetings"].integers(0, interval) if self.week == 0 else 1
            self.book_meeting(c, first)
            self._schedule_exits(c)
        self.waiting = still

    def release(self, c) -> None:
        """Close the case: off benefit or exited."""
        cw = c.caseworker
        if cw is not None:
            self._case_remove(cw, c)
        c.caseworker = None
        if c.mentor is not None:
            c.mentor.mentees.discard(c)
            c.mentor = None
        c.in_group = False
        c.consultant = None      # its entry in the consultant's queue is now stale
        c.next_meeting = -1

    # ------------------------------------------------------------------ staff turnover (process 10)
    def _change_caseworker(self, c, new) -> None:
        old = c.caseworker
        if old is not None:
            self._case_remove(old, c)
        self._assign(c, new)
        c.caseworker_changes += 1
        c.change_penalty_until = self.week + self.b.caseworker_change_weeks
        c.trust = max(0.0, c.trust - self.b.trust_drop_change)
        self._schedule_exits(c, other=False, job=True, rest=False)   # the job chance falls after a change
        self.tally["caseworker_changes"] += 1
        self.log(c, "cw_change", new.unique_id)

    def _caseworker_leaves(self, cw) -> None:
        if not cw.active:
            return
        cw.active = False
        self.tally["caseworkers_left"] += 1
        self.caseworkers.remove(cw)
        for c in sorted(cw.cases, key=lambda x: x.unique_id):
            new = self._pick_caseworker(c, cap=None)
            if new is None:
                c.caseworker = None
                self.set_state(c, State.NOT_ENROLLED)
                self.waiting.append(c)
                continue
            self._change_caseworker(c, new)
        cw.cases.clear()
        self.schedule(max(1, self.b.vacancy_weeks), "hire", cw)

    def _replacement_starts(self, old) -> None:
        new = self._hire(office=old.office, estate_days=old.estate_days, week=self.week)
        active = [k for k in self.caseworkers if k.active]
        target = sum(k.caseload for k in active) // len(active)
        # take cases from the most loaded colleagues until balanced
        donors = sorted((k for k in active if k is not new), key=lambda k: (-k.caseload, k.unique_id))
        for d in donors:
            if new.caseload >= target or d.caseload <= target + 1:
                break        # donors come most loaded first: no later one has cases to spare
            for c in sorted(d.cases, key=lambda x: -x.unique_id):
                if d.caseload <= target + 1 or new.caseload >= target:
                    break
                self._change_caseworker(c, new)
        old.remove()   # deregister the departed caseworker from the Mesa model
