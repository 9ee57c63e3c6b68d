"""Staff agents: caseworkers, mentors and company consultants."""

from __future__ import annotations

from collections import deque

import mesa


class Caseworker(mesa.Agent):
    """Caseworker (sagsbehandler / jobkonsulent): holds the mandatory meetings, builds
    the job plan, may sanction, and has a case load, weekly hours and a place of work
    (estate office on some weekdays, central job centre on the others)."""

    def __init__(self, model, *, hours_per_week: float, contact_share: float, estate_days: int,
                 office: int | None, optimism: float, authority: bool, hired_week: int = 0):
        super().__init__(model)
        self.hours_per_week = hours_per_week
        self.contact_minutes_per_day = hours_per_week * 60.0 * contact_share / 5.0
        self.estate_days = estate_days      # weekdays 0..estate_days-1 are spent in the estate
        self.office = office                # outreach office index, or None
        self.optimism = optimism            # shifts the belief in each citizen
        self.authority = authority          # may sanction
        self.hired_week = hired_week
        self.active = True
        self.cases: set = set()
        self.minutes_available = 0.0
        self.minutes_used = 0.0
        self.clock: dict[str, int] = {}

    @property
    def caseload(self) -> int:
        return len(self.cases)

    def in_estate(self, day: int) -> bool:
        return self.office is not None and day < self.estate_days

    def belief_in(self, citizen, team_boost: float) -> float:
        """Belief that the citizen will get a job: higher for better A-G categories."""
        base = {"A": 0.8, "B": 0.75, "C": 0.65, "D": 0.55, "E": 0.4, "F": 0.3, "G": 0.2}[citizen.category]
        return min(1.0, max(0.0, base + self.optimism + team_boost))


class Mentor(mesa.Agent):
    """Mentor: supports citizens with heavy barriers one to one and runs peer-to-peer
    group courses."""

    def __init__(self, model, *, capacity: int):
        super().__init__(model)
        self.capacity = capacity
        self.mentees: set = set()

    @property
    def has_room(self) -> bool:
        return len(self.mentees) < self.capacity


class CompanyConsultant(mesa.Agent):
    """Company consultant (virksomhedskonsulent / jobformidler): keeps a network of
    companies and seeks job matches; the stance decides whether unpaid internships are
    accepted or ordinary hours demanded."""

    def __init__(self, model, *, network: list, attempts_per_week: int, hours_orientation: float):
        super().__init__(model)
        self.network = network
        self.attempts_per_week = attempts_per_week
        self.hours_orientation = hours_orientation
        self.queue: deque = deque()   # (citizen, token) in trin 2; stale entries are skipped
        self.dropped = 0
