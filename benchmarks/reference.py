"""A trivial plain-Mesa model of the same size, measured beside the real one.

Each citizen is a Mesa agent that draws a few random transitions a week (a chance of a
problem, of a meeting, of leaving benefit) from the model's random generator; a week is
one ``agents.do("step")``.  It does nothing useful: it is the yardstick for what naive Mesa
costs at a given size on this machine, so that a speed figure can be reported as a ratio
measured in the same run, which drifts much less than seconds on a shared machine.
"""

from __future__ import annotations

import mesa


class _Citizen(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.on_benefit = True
        self.problems = 0
        self.meetings = 0

    def step(self) -> None:
        r = self.model.random.random
        if not self.on_benefit:
            if r() < 0.01:
                self.on_benefit = True
            return
        if r() < 0.08:
            self.problems += 1
        if r() < 1 / 13:
            self.meetings += 1
        if r() < 0.004:
            self.on_benefit = False


class TrivialModel(mesa.Model):
    """``citizens`` Mesa agents, ``weeks`` steps."""

    def __init__(self, citizens: int, weeks: int, seed: int = 1):
        super().__init__(seed=seed)
        self.weeks = weeks
        _Citizen.create_agents(self, citizens)

    def step(self) -> None:
        self.agents.do("step")

    def run(self) -> "TrivialModel":
        for _ in range(self.weeks):
            self.step()
        mesa.Agent._ids.pop(self, None)
        return self


def run(citizens: int, weeks: int, seed: int = 1) -> None:
    TrivialModel(citizens, weeks, seed).run()
