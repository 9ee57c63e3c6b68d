"""A new process starts quickly: Mesa's optional subpackages (scipy.spatial through its
continuous space, networkx through its grids) are not imported by a simulation, nor is
scipy's linear algebra run (numba imports only its BLAS module), nor pandas until a table is
made, and all of them still work when something uses them (sim/lazy_imports.py)."""

import importlib.util
import subprocess
import sys
import threading

import pytest

from sim.lazy_imports import DeferredModule


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_a_simulation_does_not_import_mesas_optional_parts():
    code = ("import sys; from sim import simulate, load_scenario; "
            "simulate(load_scenario('scenarios/default.yaml').model_copy(update={'horizon_weeks': 2}), seed=1); "
            "print(sorted(m for m in ('scipy.spatial', 'networkx', 'mesa.experimental.continuous_space') if m in sys.modules))")
    assert run(code) == "[]"


def test_mesas_optional_parts_load_when_used():
    code = ("import sim.model.model, mesa, sys; "
            "from mesa.experimental.continuous_space import ContinuousSpace; "
            "print(mesa.space.MultiGrid.__name__, mesa.discrete_space.OrthogonalMooreGrid.__name__, "
            "ContinuousSpace.__name__, mesa.experimental.devs.__name__, 'networkx' in sys.modules)")
    assert run(code) == "MultiGrid OrthogonalMooreGrid ContinuousSpace mesa.experimental.devs True"


def test_a_simulation_does_not_run_scipys_linear_algebra_and_numba_still_has_its_blas():
    code = ("import sys; from sim import simulate, load_scenario; "
            "simulate(load_scenario('scenarios/default.yaml').model_copy(update={'horizon_weeks': 2}), seed=1); "
            "from numba.np import arraymath; "
            "print(type(sys.modules['scipy.linalg']).__name__, 'scipy.linalg.cython_blas' in sys.modules, "
            "arraymath._HAVE_BLAS)")
    assert run(code) == "DeferredModule True True"


def test_scipys_linear_algebra_works_when_used():
    code = ("import sim.model.model, sys, numpy as np, numba; from sim import simulate, load_scenario; "
            "simulate(load_scenario('scenarios/default.yaml').model_copy(update={'horizon_weeks': 2}), seed=1); "
            "import scipy.linalg, scipy.stats; from scipy.linalg import lstsq; "
            "dot = numba.njit(lambda a, b: np.dot(a, b)); "
            "print(scipy.linalg.solve(np.eye(2), np.ones(2)).tolist(), lstsq.__name__, scipy.stats.norm.cdf(0.0), "
            "dot(np.ones(3), np.ones(3)), type(sys.modules['scipy.linalg']).__name__)")
    assert run(code) == "[1.0, 1.0] lstsq 0.5 3.0 module"


def test_scipys_linear_algebra_imported_first_is_left_as_it_is():
    code = "import scipy.linalg, sys; import sim.model.model; print(type(sys.modules['scipy.linalg']).__name__)"
    assert run(code) == "module"


def test_mesa_imported_first_is_left_as_it_is():
    code = "import mesa, sys; import sim.model.model; print('scipy.spatial' in sys.modules, type(mesa.space).__name__)"
    assert run(code) == "True module"


def test_a_simulation_s_summary_does_not_run_pandas_and_its_tables_do():
    code = ("import sys; from sim import simulate, load_scenario; "
            "sc = load_scenario('scenarios/default.yaml').model_copy(update={'horizon_weeks': 2}); "
            "simulate(sc, seed=1, detail=False); before = type(sys.modules['pandas']).__name__; "
            "out = simulate(sc, seed=1); "
            "print(before, type(sys.modules['pandas']).__name__, type(out.weekly).__name__, len(out.weekly))")
    assert run(code) == "DeferredModule module DataFrame 2"


def test_a_pandas_submodule_imported_first_finds_pandas_initialised_and_is_not_imported_twice():
    code = ("import sys, sim; from pandas.api.types import is_bool_dtype; import pandas.core.frame as frame; "
            "import pandas as pd; "
            "print(is_bool_dtype(pd.Series([True])), frame.DataFrame is pd.DataFrame, "
            "sys.modules['pandas.core.frame'] is frame, type(pd).__name__)")
    assert run(code) == "True True True module"


def test_pandas_imported_first_is_left_as_it_is():
    code = ("import pandas, sys; import sim; from sim.lazy_imports import RunPackageFirst; "
            "print(sys.modules['pandas'] is pandas, any(isinstance(f, RunPackageFirst) for f in sys.meta_path))")
    assert run(code) == "True False"


def test_the_compiled_code_and_its_mark_are_kept_per_checkout(tmp_path, monkeypatch):
    """numba keeps its cache per folder of source files, so the same model in another
    folder (a second clone) has its own cache folder and its own 'every process compiled'
    mark: a fresh clone is told it compiles, and compiles once, not in every process."""
    import shutil

    from sim.model import jit

    here = jit.source_digest()
    copy = tmp_path / "model"
    shutil.copytree(jit.MODEL_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(jit, "MODEL_DIR", copy)
    assert jit.source_digest() != here


def deferred(path, code: str) -> DeferredModule:
    """A module of ``code`` at ``path``, deferred as Mesa's subpackages and scipy's linear algebra are."""
    path.write_text(code)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(path.stem, path))
    module.__class__ = DeferredModule
    return module


def test_a_deferred_module_runs_its_code_once_whichever_thread_reads_it_first(tmp_path):
    runs = tmp_path / "runs"
    module = deferred(tmp_path / "slowmod.py",
                      f"import time\nopen({str(runs)!r}, 'a').write('ran\\n')\ntime.sleep(0.3)\nVALUE = 42\n")
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(module.VALUE)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [42] * 4                           # no thread saw the module half run
    assert runs.read_text() == "ran\n"                # and its code ran once


def test_a_deferred_module_that_fails_to_load_says_so_each_time(tmp_path):
    module = deferred(tmp_path / "badmod.py", "raise ImportError('needs something missing')\n")
    for _ in range(2):
        with pytest.raises(ImportError, match="needs something missing"):
            module.anything
