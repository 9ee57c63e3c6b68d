"""The week in a few compiled calls (sim.model.week): the same results as stepping the
processes one by one, bit for bit, and the one-by-one week wherever the segments cannot run."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import jit, week, model as model_module
from sim.model.model import OutreachModel
from sim.model.processes import PROCESSES, Intake, StaffTurnover
from sim.model.processes.base import Process
from sim.model.warmup import EVERYTHING
from sim.spec.scenario import Scenario

#: every process and feature on, with staff leaving and citizens arriving (tables grow mid-run)
SETTING = Scenario.model_validate({**EVERYTHING, "horizon_weeks": 40})


def final_state(m) -> dict[str, np.ndarray]:
    out = {f"pop.{k}": np.array(getattr(m.pop, k)) for k in m.pop.columns}
    out.update({f"cw.{k}": np.array(getattr(m.cw, k)) for k in m.cw.columns})
    out.update(tally=m.tally.copy(), weekly=m.weekly_counts.copy(), hours=m.hours_hist.copy())
    return out


def one_by_one(scenario, seed: int) -> OutreachModel:
    m = OutreachModel(scenario, seed=seed)
    m.week_parts = list(m.processes)
    return m.run()


@pytest.mark.parametrize("seed", [1, 2])
def test_the_segments_give_the_same_run_as_the_processes_one_by_one(seed):
    m = OutreachModel(SETTING, seed=seed)
    assert any(isinstance(part, week.Segment) for part in m.week_parts)
    m.run()
    reference = one_by_one(SETTING, seed)
    assert reference.cw.version > 1 and reference.pop.version > 1        # staff were hired and citizens referred mid-run
    a, b = final_state(m), final_state(reference)
    assert a.keys() == b.keys()
    different = [k for k in a if a[k].shape != b[k].shape or not np.array_equal(a[k], b[k], equal_nan=True)]
    assert not different


def test_a_growing_table_cuts_the_live_rows_again_instead_of_binding_every_array(monkeypatch):
    """Referrals every week and hires: the segments' structs are made anew only when a
    table's arrays were allocated anew (the run's results are checked above)."""
    made = []
    struct = week.Segment.struct
    monkeypatch.setattr(week.Segment, "struct", lambda self, m, whole=False: made.append(self) or struct(self, m, whole))
    m = OutreachModel(SETTING, seed=1).run()
    segments = [part for part in m.week_parts if isinstance(part, week.Segment)]
    assert m.pop.version > 15 and m.cw.version > 1                   # grew in most weeks
    allocations = 1 + m.pop.allocation + m.cw.allocation
    assert all(made.count(s) <= 2 * allocations for s in segments)
    assert all(s.allocations == (m.pop.allocation, m.cw.allocation) for s in segments)


def test_the_tables_have_room_for_the_runs_referrals_and_replacements():
    """Built with room for twice the expected referrals and replacements, the tables are not
    allocated anew during a run, so the segments bind their arrays once."""
    m = OutreachModel(SETTING, seed=1).run()
    assert m.cw.version > 1 and m.pop.version > 15                   # replacements hired, citizens referred
    assert m.cw.allocation == 0 and m.pop.allocation == 0


def test_the_staff_table_is_built_with_at_most_the_staff_again_as_room():
    """A long run with high turnover does not allocate all its replacements at the start: the
    room is at most one doubling, and the table grows as it hires."""
    long_run = Scenario.model_validate({**EVERYTHING, "horizon_weeks": 1040,
                                        "behaviour": {**EVERYTHING["behaviour"], "staff_turnover_annual": 0.9}})
    m = OutreachModel(long_run, seed=1)
    assert m.cw.allocated() == 2 * len(m.cw) + model_module.ROOM


def test_tables_allocated_anew_mid_run_give_the_same_run(monkeypatch):
    """Tables built too small for the run are allocated anew when they grow; the segments then
    bind every array again, and the run is the one with room to spare."""
    reference = final_state(OutreachModel(SETTING, seed=2).run())
    stores, new_store = model_module.agents.stores, model_module.new_store
    monkeypatch.setattr(model_module.agents, "stores", lambda rows: stores(1))
    monkeypatch.setattr(model_module, "new_store", lambda size, k: new_store(SETTING.population.size, k))
    m = OutreachModel(SETTING, seed=2).run()
    assert m.cw.allocation > 0 and m.pop.allocation > 0
    a = final_state(m)
    assert not [k for k in a if not np.array_equal(a[k], reference[k], equal_nan=True)]


def test_only_processes_with_python_work_stand_between_the_segments():
    m = OutreachModel(SETTING, seed=1)
    alone = [part for part in m.week_parts if isinstance(part, Process)]
    assert [type(p) for p in alone] == [StaffTurnover, Intake]
    segments = [part for part in m.week_parts if isinstance(part, week.Segment)]
    assert [p for s in segments for p in s.processes] == [p for p in m.processes if p.plan(m) is not None]
    # in the processes' order
    order = [p for part in m.week_parts for p in (part.processes if isinstance(part, week.Segment) else [part])]
    assert order == m.processes


def test_processes_the_scenario_switches_off_are_skipped_in_their_segments():
    off = Scenario.model_validate({**EVERYTHING, "horizon_weeks": 6,
                                   "organisation": {**EVERYTHING["organisation"], "mentors": 0, "group_courses": False},
                                   "behaviour": {**EVERYTHING["behaviour"], "improve_spontaneous": 0.0,
                                                 "deteriorate_spontaneous": 0.0}})
    m = OutreachModel(off, seed=3)
    skipped = [p.name for s in m.week_parts if isinstance(s, week.Segment) for p, on in zip(s.processes, s.on) if not on]
    assert skipped == ["barrier drift", "mentors and group courses"]
    m.run()
    a, b = final_state(m), final_state(one_by_one(off, 3))
    assert all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


@pytest.mark.parametrize("how", ["simpy", "own processes", "interpreted"])
def test_the_week_steps_the_processes_one_by_one_where_segments_do_not_apply(how, monkeypatch):
    small = Scenario.model_validate({**EVERYTHING, "horizon_weeks": 2})
    if how == "simpy":
        m = OutreachModel(small, seed=1, office_engine="simpy")
    elif how == "own processes":
        m = OutreachModel(small, seed=1, processes=PROCESSES[:-1])
    else:
        monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
        m = OutreachModel(small, seed=1)
    assert m.week_parts == m.processes


def test_without_a_writable_cache_folder_the_week_steps_one_by_one(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder\n")
    monkeypatch.setattr(jit, "CACHE_DIR", blocked)
    monkeypatch.setattr(week, "_MODULE_OF", {})
    m = OutreachModel(Scenario.model_validate({**EVERYTHING, "horizon_weeks": 2}), seed=1)
    assert m.week_parts == m.processes
    m.run()
    assert blocked.read_text() == "not a folder\n"


def test_a_segments_file_that_is_not_the_generated_text_is_never_run(tmp_path, monkeypatch):
    monkeypatch.setattr(jit, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(week, "_MODULE_OF", {})
    small = Scenario.model_validate({**EVERYTHING, "horizon_weeks": 2})
    OutreachModel(small, seed=1)
    (path,) = (tmp_path / "week").glob("segments_*.py")
    path.write_text("raise SystemExit('this file was changed')\n")
    monkeypatch.setattr(week, "_MODULE_OF", {})
    m = OutreachModel(small, seed=1)
    assert m.week_parts == m.processes
    assert path.read_text() == "raise SystemExit('this file was changed')\n"


def test_the_segments_source_is_written_once_and_never_replaced(tmp_path):
    path = tmp_path / "segments_x.py"
    week._write_once(path, "first = 1\n")
    week._write_once(path, "second = 2\n")
    assert path.read_text() == "first = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["segments_x.py"]      # no temporary file left behind


def test_the_segments_source_depends_on_the_processes_not_on_the_scenario():
    a = OutreachModel(SETTING, seed=1)
    b = OutreachModel(Scenario.model_validate({"population": {"size": 30}, "horizon_weeks": 2}), seed=9)
    groups = [[(p, p.plan(m)) for p in m.processes if p.plan(m) is not None] for m in (a, b)]
    assert week.source(a, [groups[0]]) == week.source(b, [groups[1]])
