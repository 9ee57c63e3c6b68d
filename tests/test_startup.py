"""A new process starts quickly: Mesa's optional subpackages (scipy.spatial through its
continuous space, networkx through its grids) are not imported by a simulation, and still
work when something uses them (sim/lazy_imports.py)."""

import subprocess
import sys


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


def test_mesa_imported_first_is_left_as_it_is():
    code = "import mesa, sys; import sim.model.model; print('scipy.spatial' in sys.modules, type(mesa.space).__name__)"
    assert run(code) == "True module"


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
