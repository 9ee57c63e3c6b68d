import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionstart(session):
    """Compile the model's processes once before any test (about a second when they are
    in the cache), so that tests which start fresh processes load the compiled code instead
    of each compiling it.  With pytest-xdist (``-n 2``) this runs in the main process before
    the workers start, so they do not compile side by side.

    Not ``ensure_compiled()``: its mark is per version of the model, but numba keeps its
    cache per folder of the source files, so in a fresh clone of a version compiled
    elsewhere the mark is there and the code is not: every process would compile it."""
    if not hasattr(session.config, "workerinput"):
        from sim.model import jit, warmup
        print("Compiling or loading the model's processes ...", flush=True)
        warmup.compile_all()
        jit.mark_warm()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, start the long tests (marked slow or browser) first, so that the
    last minutes are not one long test running while the other worker has nothing left."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not (item.get_closest_marker("slow") or item.get_closest_marker("browser")))
