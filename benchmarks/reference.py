"""A trivial plain-Mesa model of the same size, measured beside the real one.

Each citizen is a Mesa agent that draws a few random transitions a week (a chance of
starting, hours that grow, a chance of stopping, a drifting motivation) from the model's
random generator; a week is one ``agents.shuffle_do("step")``.  It does nothing useful: it is
the yardstick for what naive Mesa costs at a given size on this machine, so that a speed
figure can be reported as a ratio measured in the same run (the two timed alternately),
which drifts much less than seconds on a shared machine.  It is the same trivial model as
the one the project's speed check times.
"""

from __future__ import annotations

import mesa


class _Citizen(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.state, self.hours, self.motivation = 0, 0.0, self.random.random()

    def step(self) -> None:
        r = self.random.random()
        if self.state == 0 and r < 0.02 * (0.5 + self.motivation):
            self.state = 1
        elif self.state == 1:
            self.hours += self.random.random() * 2
            if self.hours > 30:
                self.state = 2
        elif self.state == 2 and r < 0.01:
            self.state, self.hours = 0, 0.0
        self.motivation = min(1.0, max(0.0, self.motivation + (self.random.random() - 0.5) * 0.05))


class TrivialModel(mesa.Model):
    """``citizens`` Mesa agents, ``weeks`` steps."""

    def __init__(self, citizens: int, weeks: int, seed: int = 1):
        super().__init__(seed=seed)
        self.weeks = weeks
        _Citizen.create_agents(self, citizens)

    def step(self) -> None:
        self.agents.shuffle_do("step")

    def run(self) -> "TrivialModel":
        for _ in range(self.weeks):
            self.step()
        mesa.Agent._ids.pop(self, None)
        return self


def run(citizens: int, weeks: int, seed: int = 1) -> None:
    TrivialModel(citizens, weeks, seed).run()
