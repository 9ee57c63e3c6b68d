"""The Mesa model: the shell that holds the state and steps the week.

Citizens' state is a set of arrays (``model.pop``, :mod:`sim.model.population`); staff,
companies and the housing organisation are Mesa agents over small arrays
(:mod:`sim.model.agents`).  One step is one week: the processes of
:data:`sim.model.processes.PROCESSES` run in that order (docs/ODD.md §1.3), each over every
citizen it concerns at once.  Every random draw comes from a named stream seeded from the
scenario's seed (:mod:`sim.model.rng`).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.spec.scenario import Scenario
from sim.spec.parameters import Behaviour

from . import agents, build, invariants, pathway
from .population import Citizens, new_store
from .processes import PROCESSES
from .processes.matching import orientation
from .rng import Streams
from .tally import Tally, tally_dict


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
                 office_engine: str = "compiled"):
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
        self.week = 0
        self.tally = np.zeros(len(Tally))
        self._ticket = 0
        self.waiting: list[int] = []
        self.visits = (np.zeros(0, np.int64),) * 3
        self.unsolved = np.zeros(0, np.int64)
        self.orders: list[np.ndarray] = []        # offers ordered at this week's meetings (process 13)
        self.weekly: list[dict] = []
        self.caseworkers_by_index: list[agents.Caseworker] = []
        self._companies: list[agents.Company] | None = None
        self.staff_version = 0          # changes whenever a caseworker starts or leaves
        self.orientation = orientation(self)
        self.multipliers = pathway.multiplier_table(self.b, self.org.trin_model)
        self.placement_weeks = pathway.placement_weeks(self.b)
        size = scenario.population.size + int(2 * scenario.population.inflow_per_week * self.horizon) + 16
        self.pop = new_store(size, max(1, scenario.organisation.sanctions.k - 1))
        for name, store in agents.stores().items():
            setattr(self, name, store)
        build.build(self)
        self.morning_used = np.zeros((len(self.cw), 5))
        self.citizens = Citizens(self)
        self.processes = [cls(self) for cls in PROCESSES]
        self.running = True

    # ------------------------------------------------------------------ helpers the processes share
    def draw(self, stream: str, ids: np.ndarray) -> np.ndarray:
        """Uniforms for the citizens ``ids`` (an event's draws: one each, in order)."""
        return self.streams[stream].random(len(ids))

    def draw_all(self, stream: str, ids: np.ndarray) -> np.ndarray:
        """Uniforms for the citizens ``ids``, each from that citizen's slot of one draw for
        the whole population: for the weekly chances every citizen on benefit faces, so
        that scenarios compared with the same seed stay aligned citizen by citizen
        (common random numbers)."""
        return self.streams.per_citizen(stream, len(self.pop), ids)

    def next_ticket(self, k: int) -> np.ndarray:
        """``k`` increasing numbers: places in a queue, in the order they were handed out."""
        t = np.arange(self._ticket, self._ticket + k, dtype=np.int64)
        self._ticket += k
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

    def tallies(self) -> dict[str, float]:
        return tally_dict(self.tally)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        for process in self.processes:
            process.step(self, self.week)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def run(self) -> "OutreachModel":
        """Run to the horizon."""
        while self.week < self.horizon:
            self.step()
        return self

    def check_invariants(self) -> None:
        """Raise AssertionError if a model invariant is broken (used by the tests)."""
        invariants.check(self)
