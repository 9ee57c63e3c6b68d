import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def compiled_model():
    """Compile the model's processes once before any test (a no-op when the cache is warm),
    so that tests which start fresh processes load the compiled code instead of each
    compiling it."""
    from sim.model.warmup import ensure_compiled
    ensure_compiled()
