"""The interface every process has.

A process is one ODD process (docs/ODD.md §1.3 lists them in the order the model steps
them).  It is built once per model from the scenario (``__init__`` computes what the
scenario fixes), and ``step(model, week)`` applies its rule to every citizen it concerns
at once.  ``counts`` names the counters (:class:`~sim.model.tally.Tally`) it adds to.
"""

from __future__ import annotations

from ..tally import Tally


class Process:
    name: str = ""
    counts: tuple[Tally, ...] = ()

    def __init__(self, model):
        pass

    def step(self, m, week: int) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<process {self.name!r}>"
