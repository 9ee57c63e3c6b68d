"""Staff, companies and the housing organisation: Mesa agents over small arrays.

There are few of them, so each is a Mesa agent (``model.agents`` lists them); their state
sits in arrays (``model.cw``, ``model.mentor_table``, ``model.consultant_table``,
``model.firms``) so that the processes can read it in one vectorised step, and an
agent's attributes are properties over its row.
"""

from __future__ import annotations

import itertools
import weakref

import mesa
import numpy as np

from sim.spec.parameters import WEEKDAYS

from .store import Column, Store, columns_as_properties

CASEWORKER_COLUMNS = {
    "office": Column(np.int16, -1, "outreach office (-1: central only)"),
    "estate_days": Column(np.int8, 0, "weekdays 0..estate_days-1 are spent in the estate office"),
    "optimism": Column(np.float64, 0.0, "shifts the belief in each citizen"),
    "authority": Column(bool, True, "may sanction"),
    "hired_week": Column(np.int32, 0),
    "active": Column(bool, True, "has not left"),
    "leaves_week": Column(np.int32, -1, "the week it leaves (drawn when hired; the horizon: it stays)"),
    "caseload": Column(np.int32, 0, "active cases"),
    "desk_minutes": Column(np.float64, 0.0, "minutes a week at the open-advice desk (its office's open afternoons on the weekdays spent there)"),
    "week_left": Column(np.float64, 0.0, "this week's minutes left after overhead, case administration, open advice and the meetings so far", weekly=True),
    "replacement_week": Column(np.int32, -1, "after leaving: week the replacement starts"),
    "morning_used": Column(np.float64, 0.0, "this week's contact minutes spent on booked meetings, by weekday",
                           shape=(WEEKDAYS,), weekly=True),
}
MENTOR_COLUMNS = {"capacity": Column(np.int32, 0, "most mentees"), "mentees": Column(np.int32, 0)}
CONSULTANT_COLUMNS = {"attempts_per_week": Column(np.int32, 0, "match attempts the week's hours allow")}
COMPANY_COLUMNS = {
    "slots": Column(np.int32, 0, "supported hires it can hold at once"),
    "placed": Column(np.int32, 0, "citizens placed there now"),
    "hours_willingness": Column(np.float64, 0.0, "probability of agreeing ordinary hours when asked"),
    "internship_willingness": Column(np.float64, 0.0, "probability of taking an unpaid intern"),
    "refusals": Column(np.int32, 0, "times it refused ordinary hours"),
    "housing": Column(bool, False, "the housing organisation's estate operations"),
}


class _IdsByModel(weakref.WeakKeyDictionary):
    """Each model's counter of agent ids (``unique_id`` 1, 2, ...), held weakly.

    Mesa 3.3's ``Agent._ids`` is a class-level ``defaultdict`` keyed by the model itself, so
    every model that ever made an agent stays alive with all its arrays (mesa issue #3179,
    fixed after 3.3.1).  A model's own agents count here instead, and a finished model is
    freed once nothing else refers to it."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


class _Row(mesa.Agent):
    """A Mesa agent whose attributes live in a row of one of the model's stores."""

    store_attr = ""
    _ids = _IdsByModel()

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = int(index)
        self.id = self.index


class Caseworker(_Row):
    """Caseworker (sagsbehandler / jobkonsulent): holds the mandatory meetings, builds the
    job plan, may sanction; has a case load, weekly contact time and a place of work
    (the estate office on some weekdays, the central job centre on the others)."""

    store_attr = "cw"

    @property
    def cases(self) -> np.ndarray:
        """Ids of the citizens in this caseworker's case load."""
        return np.flatnonzero(self.model.pop.caseworker == self.index)

    def in_estate(self, day: int) -> bool:
        return self.office >= 0 and day < self.estate_days


class Mentor(_Row):
    """Mentor: supports citizens with heavy barriers one to one and runs peer-to-peer
    group courses."""

    store_attr = "mentor_table"

    @property
    def has_room(self) -> bool:
        return self.mentees < self.capacity


class CompanyConsultant(_Row):
    """Company consultant (virksomhedskonsulent / jobformidler): keeps a network of
    companies and seeks job matches for the citizens in trin 2; the stance decides how
    often ordinary hours are demanded instead of an unpaid internship."""

    store_attr = "consultant_table"

    @property
    def network(self) -> np.ndarray:
        """Ids of the companies this consultant still works with, in order."""
        return self.model.networks.of(self.index)


class Company(_Row):
    """A company that may take supported hires: willing to agree ordinary paid hours with
    some probability, or only unpaid internships (the culture of expecting free labour,
    jobgaranti-midway-2019)."""

    store_attr = "firms"

    @property
    def has_room(self) -> bool:
        return self.placed < self.slots


class HousingOrganisation(Company):
    """Housing organisation and local actors (boligorganisation / helhedsplan): placements
    in estate operations (mostly unpaid) and, where offered, debt counselling."""

    def __init__(self, model, index: int, debt_counselling: bool):
        super().__init__(model, index)
        self.debt_counselling = debt_counselling


for _cls, _cols in ((Caseworker, CASEWORKER_COLUMNS), (Mentor, MENTOR_COLUMNS),
                    (CompanyConsultant, CONSULTANT_COLUMNS), (Company, COMPANY_COLUMNS)):
    columns_as_properties(_cls, _cls.store_attr, _cols)


class Networks:
    """Each consultant's list of companies, plus the job centre's whole pool (the last
    network), used when a caseworker orders an offer at a meeting.  Kept as one flat array
    with a start and a current length per network, so that a compiled loop can pick from
    and drop companies in place, keeping the order."""

    def __init__(self, lists: list[list[int]]):
        self.start = np.zeros(len(lists), dtype=np.int64)
        self.length = np.array([len(x) for x in lists], dtype=np.int64)
        self.start[1:] = np.cumsum(self.length)[:-1]
        self.members = np.array([c for x in lists for c in x], dtype=np.int64)

    @property
    def pool(self) -> int:
        """Index of the whole pool (the fallback network)."""
        return len(self.length) - 1

    def of(self, k: int) -> np.ndarray:
        """The companies of network ``k``, in order."""
        s = self.start[k]
        return self.members[s: s + self.length[k]].copy()


def stores(caseworker_rows: int = 16) -> dict[str, Store]:
    """Empty stores for the staff and companies of one model, with room for
    ``caseworker_rows`` caseworkers (a replacement is a new row)."""
    return {"cw": Store(CASEWORKER_COLUMNS, caseworker_rows), "mentor_table": Store(MENTOR_COLUMNS),
            "consultant_table": Store(CONSULTANT_COLUMNS), "firms": Store(COMPANY_COLUMNS)}
