"""Everything a report is made from, computed once: the tables of a run or comparison, the
key findings, the outcomes left out of the key rows, the multi-year budget and what the
numbers rest on.  The command line builds one :class:`Results`; the tables, figures, HTML
page and the summary on screen all read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from sim.analysis.trust import Trust, trust
from sim.experiment.findings import (COST_EFFECT_OUTCOME, ComparisonFindings, RunFindings, compare_findings, left_out,
                                     run_findings)
from sim.experiment.horizon import Horizon, HorizonBudget, horizon_budget
from sim.spec.prices import Prices
from sim.spec.scenario import Scenario

#: how the behavioural parameters were set (the manifest's "parameters")
PARAMETERS = ("posterior", "fixed")
CE_COLUMNS = ["scenario", "reference", "effect", "kroner_per_citizen", "p5", "p95", "defined", "reason"]


@dataclass
class Results:
    scenarios: list[Scenario]
    reps: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame | None
    weekly: pd.DataFrame
    citizens: pd.DataFrame
    prices: dict[str, Prices]
    lang: str = "en"
    parameters: str = "posterior"            # posterior | fixed
    horizon: Horizon | None = None
    manifest: dict = field(default_factory=dict)
    #: the differences decomposed by channel (``fremskudt explain``, :mod:`sim.analysis.explain`)
    decomposition: pd.DataFrame | None = None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def compare(self) -> bool:
        return self.comparison is not None and not self.comparison.empty

    @cached_property
    def hidden(self) -> set[str]:
        """Outcomes left out of the key findings, the charts and the key tables."""
        return left_out(self.reps, self.names)

    @cached_property
    def comparisons(self) -> list[ComparisonFindings]:
        return compare_findings(self.comparison, self.scenarios, self.reps) if self.compare else []

    @cached_property
    def runs(self) -> list[RunFindings]:
        return [run_findings(self.summary, sc, self.hidden) for sc in self.scenarios]

    @cached_property
    def budgets(self) -> list[HorizonBudget]:
        """The multi-year budget of each scenario against the reference (comparisons with prices)."""
        if not self.compare or self.horizon is None or not self.prices:
            return []
        weeks = self.scenarios[0].horizon_weeks
        return [horizon_budget(self.reps, self.names[0], n, weeks, self.horizon) for n in self.names[1:]]

    @cached_property
    def trust(self) -> Trust:
        return trust(self.scenarios)

    def cost_effectiveness(self) -> pd.DataFrame:
        """One row per compared scenario: the cost per additional citizen in a job or
        education with its 90 % interval, or why it is not defined."""
        rows = []
        for f in self.comparisons:
            c = f.cost_per_citizen
            rows.append({"scenario": f.scenario, "reference": f.reference, "effect": COST_EFFECT_OUTCOME,
                         "kroner_per_citizen": c.value, "p5": c.low, "p95": c.high, "defined": c.value is not None,
                         "reason": c.reason or ""})
        return pd.DataFrame(rows, columns=CE_COLUMNS)
