"""Companies and the housing organisation."""

from __future__ import annotations

import mesa


class Company(mesa.Agent):
    """A company that may take supported hires: willing to agree ordinary paid hours
    with some probability, or only unpaid internships (the culture of expecting free
    labour, jobgaranti-midway-2019 L470)."""

    def __init__(self, model, *, slots: int, hours_willingness: float, internship_willingness: float):
        super().__init__(model)
        self.slots = slots
        self.hours_willingness = hours_willingness
        self.internship_willingness = internship_willingness
        self.placed: set = set()
        self.refusals = 0

    @property
    def has_room(self) -> bool:
        return len(self.placed) < self.slots


class HousingOrganisation(Company):
    """Housing organisation and local actors (boligorganisation / helhedsplan):
    placements in estate operations (mostly unpaid: 14 of 15 in jobgaranti-midway-2019 T8)
    and optional debt counselling."""

    def __init__(self, model, *, slots: int, hours_willingness: float, debt_counselling: bool):
        super().__init__(model, slots=slots, hours_willingness=hours_willingness, internship_willingness=1.0)
        self.debt_counselling = debt_counselling
        self.counselled = 0
