import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionstart(session):
    """Compile the model's processes once before any test (a no-op when this checkout's
    cache is warm), so that tests which start fresh processes load the compiled code instead
    of each compiling it.  With pytest-xdist (``-n 2``) this runs in the main process before
    the workers start, so they do not compile side by side."""
    if not hasattr(session.config, "workerinput"):
        from sim.model.warmup import ensure_compiled
        ensure_compiled()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, start the long tests (marked slow or browser) first, so that the
    last minutes are not one long test running while the other worker has nothing left."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser")))
