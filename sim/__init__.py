"""fremskudt: an agent-based simulation of Danish outreach employment programmes.

The public names below are imported when first used (``from sim import simulate``), so
that the command line starts, and installs its signal handlers, before the model and its
compiled code are loaded."""

import os
from importlib import import_module

# The model runs on one thread, and parallel work (ensembles, calibration) runs as one
# process per core: a pool of linear-algebra threads per process (OpenBLAS, loaded with
# numpy and scipy) only competes with them for the cores.  A user's own setting is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Mesa's optional subpackages (scipy.spatial, networkx), scipy's linear algebra and pandas load
# only if something uses them.
from .lazy_imports import defer_optional_parts  # noqa: E402

defer_optional_parts()

_PUBLIC = {
    "OutreachModel": "sim.model.model",
    "Outcomes": "sim.experiment.outcomes",
    "DEFINITIONS": "sim.experiment.outcomes",
    "Behaviour": "sim.spec.parameters",
    "Scenario": "sim.spec.scenario",
    "ScenarioError": "sim.spec.scenario",
    "load_scenario": "sim.spec.scenario",
    "simulate": "sim.experiment.simulate",
    "run_model": "sim.experiment.simulate",
}

__all__ = list(_PUBLIC)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
