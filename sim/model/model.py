"""The Mesa model: the shell that holds the state and steps the week.

Citizens' state is a set of arrays (``model.pop``, :mod:`sim.model.population`); staff,
companies and the housing organisation are Mesa agents over small arrays
(:mod:`sim.model.agents`).  One step is one week: the week's hand-offs are cleared, then
the processes of :data:`sim.model.processes.PROCESSES` run in that order (docs/ODD.md
§1.3), each a compiled loop over the arrays it declares (:mod:`sim.model.declare`); a
stretch of processes with no Python work is one compiled call (:mod:`sim.model.week`).  Every
random draw comes from a named stream seeded from the scenario's seed (:mod:`sim.model.rng`).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.spec.parameters import WEEKS_PER_YEAR, Behaviour
from sim.spec.scenario import Scenario, caseworkers_in_post

from . import agents, build, invariants, week
from .declare import check_order
from .jit import bind
from .population import Citizens, new_store
from .processes import PROCESSES
from .processes.record import HOURS_BINS, WEEKLY_KEYS
from .rng import Stream, Streams, fill_blocks, stream_keys
from .tally import Tally, tally_dict
from .transitions import transition_parameters

#: rows allocated beyond the expected size of the citizens' and caseworkers' tables
ROOM = 16


#: process lists whose declarations have been checked against their order (once per list)
_CHECKED: set[tuple] = set()


class OutreachModel(mesa.Model):
    """Agent-based model of outreach employment (fremskudt beskæftigelsesindsats).

    >>> from sim.spec.scenario import Scenario
    >>> m = OutreachModel(Scenario(population={"size": 50}, horizon_weeks=4), seed=1).run()
    >>> int(m.pop.state.size), m.week
    (50, 4)

    ``office_engine`` chooses how the open-advice queues are served: ``"compiled"`` (the
    default) or ``"simpy"`` (the readable reference, same results, much slower).
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, behaviour: Behaviour | None = None,
                 office_engine: str = "compiled", processes=PROCESSES):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        if office_engine not in ("compiled", "simpy"):
            raise ValueError(f"office_engine must be 'compiled' or 'simpy', not {office_engine!r}")
        self.scenario = scenario
        self.seed_used = seed
        self.org = scenario.organisation
        self.b = behaviour if behaviour is not None else scenario.behaviour
        self.horizon = scenario.horizon_weeks
        self.office_engine = office_engine
        self.streams = Streams(seed)
        self.keys = stream_keys(seed)
        self.week = 0
        self.tally = np.zeros(len(Tally))
        self.ticket = np.zeros(1, dtype=np.int64)      #: the counter that orders every queue
        self.hours_hist = np.zeros(HOURS_BINS, dtype=np.int64)   # citizen-weeks with paid hours, by hours a month
        self.weekly_counts = np.zeros((self.horizon, len(WEEKLY_KEYS)), dtype=np.int64)   #: the weekly table
        self.caseworkers_by_index: list[agents.Caseworker] = []
        self._companies: list[agents.Company] | None = None
        # room for twice the expected referrals and replacements: a table that outgrows its
        # arrays is allocated anew and every process binds its arrays again (sim.model.week).
        # The staff's room is at most the staff again (one doubling): long runs with high
        # turnover grow the table as they hire rather than allocate it all at the start
        size = scenario.population.size + int(2 * scenario.population.inflow_per_week * self.horizon) + ROOM
        self.pop = new_store(size, max(1, scenario.organisation.sanctions.k - 1))
        staff = caseworkers_in_post(self.org.caseworkers)
        replacements = int(2 * staff * self.b.staff_turnover_annual * self.horizon / WEEKS_PER_YEAR)
        staff_rows = staff + min(staff, replacements) + ROOM
        for name, store in agents.stores(staff_rows).items():
            setattr(self, name, store)
        build.build(self)
        self.T = bind(transition_parameters(self.b, self.org, self.n_consultants))
        build.build_citizens(self)
        self.processes = [cls(self) for cls in processes]
        self.processes_stepped = key = tuple(processes)
        if key not in _CHECKED:
            problems = check_order(self.processes, set(build.BUILT), weekly_names(self), known_names(self))
            if problems:
                raise RuntimeError("the processes' declarations do not fit their order:\n" + "\n".join(map(str, problems)))
            _CHECKED.add(key)
        self.citizens = Citizens(self)
        self.week_parts = week.parts(self)     #: the processes, a stretch of compiled ones as one call (sim.model.week)
        self.running = True

    # ------------------------------------------------------------------ what the processes share
    @property
    def layout(self) -> tuple[int, int]:
        """Changes whenever a table of citizens or caseworkers changes size (a process then
        fetches its arrays again)."""
        return self.pop.version, self.cw.version

    def next_tickets(self, k: int) -> np.ndarray:
        """``k`` increasing numbers: places in a queue, in the order they were handed out."""
        t = np.arange(self.ticket[0], self.ticket[0] + k, dtype=np.int64)
        self.ticket[0] += k
        return t

    @property
    def caseworkers(self) -> list[agents.Caseworker]:
        """The caseworkers now employed."""
        return [a for a, on in zip(self.caseworkers_by_index, self.cw.active) if on]

    @property
    def companies(self) -> list[agents.Company]:
        """The companies as Mesa agents (made on first use: their state is in ``model.firms``,
        and most runs never need the objects)."""
        if self._companies is None:
            self._companies = [agents.Company(self, i) for i in range(self.n_companies)]
        return self._companies

    @property
    def weekly(self) -> list[dict[str, int]]:
        """The rows of the weekly table for the weeks run so far, as mappings."""
        return [dict(zip(WEEKLY_KEYS, row)) for row in self.weekly_counts[: self.week].tolist()]

    def tallies(self) -> dict[str, float]:
        return tally_dict(self.tally)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        self.start_week()
        for part in self.week_parts:
            part.step(self, self.week)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def start_week(self) -> None:
        """Before the processes: the week's hand-offs are cleared and the weekly chances
        drawn, one block of the chances stream per citizen (docs/ODD.md §1.3)."""
        self.pop.clear_weekly()
        self.cw.clear_weekly()
        fill_blocks(self.keys[Stream.CHANCES], self.week, self.pop.chance)

    def run(self) -> "OutreachModel":
        """Run to the horizon."""
        while self.week < self.horizon:
            self.step()
        return self

    def check_invariants(self) -> None:
        """Raise AssertionError if a model invariant is broken (used by the tests)."""
        invariants.check(self)


def known_names(m) -> set[str]:
    """Every name a process may declare (sim.model.declare)."""
    names = set(m.pop.columns)
    for prefix, table in (("cw_", m.cw), ("mentors_", m.mentor_table), ("consultants_", m.consultant_table),
                          ("firm_", m.firms)):
        names |= {prefix + c for c in table.columns}
    names |= {"net_members", "net_start", "net_length", "day_office", "day_weekday", "day_count", "day_index",
              "model_ticket", "model_hours_hist", "model_weekly_counts"}
    return names


def weekly_names(m) -> set[str]:
    """The week's hand-offs: cleared at the start of every week."""
    return set(m.pop.weekly) | {"cw_" + c for c in m.cw.weekly}
