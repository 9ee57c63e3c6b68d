"""Compiling the model once per version, with a word to the user.

The first simulation after the model's source changed compiles every process (about a
minute of CPU on this project's 2-core machines); the code is then cached on disk
(:mod:`sim.model.jit`) and every later process, a pool worker included, loads it in well
under a second.  :func:`ensure_compiled` does the compiling up front, on a small scenario
with every process and feature switched on, says so, and marks the cache as complete.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

from sim.spec.scenario import Scenario

from . import jit

#: a small scenario in which every process and feature runs (the compiled code is the same for any size)
EVERYTHING = {
    "horizon_weeks": 56,
    "population": {"size": 120, "inflow_per_week": 1.0},
    "organisation": {"caseworkers": 4, "location": "split", "outreach_offices": 2, "days_in_estate": 2.5,
                     "open_advice_days": 2, "mentors": 1, "group_courses": True, "company_consultants": 1,
                     "trin_model": True, "consultant_stance": "demand_hours", "drop_refusing_companies": True,
                     "retention_support": True, "caseload_cap": 40, "include_job_ready": True,
                     "intensive": {"interval_weeks": 2, "duration_weeks": 8, "meeting_minutes": 30},
                     "sanctions": {"policy": "after_k", "k": 2},
                     "housing": {"placements": 2, "debt_counselling": True}},
    "behaviour": {"staff_turnover_annual": 0.9, "vacancy_weeks": 2},
}


def compile_all() -> None:
    """Run the small scenario through every process (compiling or loading each)."""
    from .model import OutreachModel
    OutreachModel(Scenario.model_validate(EVERYTHING), seed=1).run()


def ensure_compiled(say: Callable[[str], None] | None = None) -> None:
    """Compile every process of this model version unless the cache already holds them."""
    if jit.cache_is_warm():
        return
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    say("Compiling the model's processes for this version (once; about two minutes on 2 cores) ...")
    t = time.perf_counter()
    compile_all()
    jit.mark_warm()
    say(f"Compiled in {time.perf_counter() - t:.0f} s; later runs load the compiled code at once.")
