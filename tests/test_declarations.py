"""Each process reads and writes only what it declares, and reads a hand-off of the week only
after an earlier process wrote it (sim/model/declare.py).

* Statically: the source of every compiled function that takes a process's columns is read
  (its first argument ``C``): the arrays it touches, writes, the functions it hands ``C`` to,
  the random streams and counters it names, against its declaration.
* Dynamically: a model with every feature on runs for some weeks; after each process's step
  every array of the model is compared with a copy taken before it, and only the declared
  ones may have changed.
* The order: the model refuses a process list in which a process reads a hand-off no
  earlier process writes that week.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import numpy as np
import pytest

from sim import OutreachModel
from sim.model.declare import FUNCTIONS, TRANSITIONS, check_order, effective
from sim.model.processes import PROCESSES, Matching, Meetings, OpenAdvice, Problems
from sim.model.tally import Tally

from helpers import OUTREACH, scenario, with_org

EVERYTHING = with_org(OUTREACH, caseload_cap=60, trin_model=True, consultant_stance="demand_hours",
                      drop_refusing_companies=True, group_courses=True, retention_support=True,
                      housing={"placements": 4, "debt_counselling": True})


def accesses(fn):
    """What the function's source does with its first argument: (touched, written, called,
    streams drawn from, counters added to)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(fn, "py_func", fn))))
    func = tree.body[0]
    c = func.args.args[0].arg
    touched, written, called, streams, counts = set(), set(), set(), set(), set()
    alias: dict[str, str] = {}

    def column(node):
        """The column behind ``C.x``, ``C.x[...]`` or an alias of either."""
        while isinstance(node, ast.Subscript):
            node = node.value
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == c:
            return node.attr
        if isinstance(node, ast.Name):
            return alias.get(node.id)
        return None

    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            col = column(node.value) if isinstance(node.value, (ast.Subscript, ast.Attribute)) else None
            if col is not None:
                alias[node.targets[0].id] = col
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == c:
                touched.add(node.attr)
            elif node.value.id == "Stream":
                streams.add(node.attr)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and column(node) is not None:
            written.add(column(node))
        if isinstance(node, ast.AugAssign) and column(node.target) is not None:
            written.add(column(node.target))
        if (isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript)
                and isinstance(node.target.value, ast.Name) and node.target.value.id == "tally"):
            counts |= {a.attr for a in ast.walk(node.target.slice)
                       if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id == "Tally"}
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == c for a in node.args):
            called.add(node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func))
    return touched, written, called, streams, counts


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_compiled_function_declares_exactly_what_its_code_touches(name):
    d, fn = TRANSITIONS[name], FUNCTIONS[name]
    touched, written, called, streams, counts = accesses(fn)
    assert touched <= d.reads | d.writes, f"{name} touches undeclared {sorted(touched - d.reads - d.writes)}"
    assert written <= d.writes, f"{name} writes {sorted(written - d.writes)}, declared as read only"
    assert d.reads | d.writes <= touched, f"{name} declares {sorted(d.reads | d.writes - touched)} but never touches them"
    assert called <= set(TRANSITIONS), f"{name} hands its columns to unregistered {sorted(called - set(TRANSITIONS))}"
    assert called == set(d.calls), f"{name} calls {sorted(called)}, declares {sorted(d.calls)}"
    assert streams == {s.name for s in d.streams}, f"{name} draws from {sorted(streams)}, declares {sorted(s.name for s in d.streams)}"
    assert counts == {t.name for t in d.counts}, f"{name} counts {sorted(counts)}, declares {sorted(t.name for t in d.counts)}"


def state_arrays(m) -> dict[str, np.ndarray]:
    """Every array of the model's state, by its declared name."""
    out = {name: a for name, a in m.pop._data.items()}
    for prefix, store in (("cw_", m.cw), ("mentors_", m.mentor_table), ("consultants_", m.consultant_table),
                          ("firm_", m.firms)):
        out.update({prefix + k: a for k, a in store._data.items()})
    out.update(net_members=m.networks.members, net_length=m.networks.length, model_ticket=m.ticket,
               model_hours_hist=m.hours_hist, model_weekly_counts=m.weekly_counts)
    return out


def test_every_process_changes_only_what_it_declares():
    m = OutreachModel(scenario(400, 30, org=EVERYTHING, behaviour={"staff_turnover_annual": 0.9, "vacancy_weeks": 3},
                               population={"inflow_per_week": 3}), seed=5)
    changed_by = {p.name: set() for p in m.processes}
    while m.week < m.horizon:
        m.start_week()
        for p in m.processes:
            before = {k: a.copy() for k, a in state_arrays(m).items()}
            tally = m.tally.copy()
            p.step(m, m.week)
            after = state_arrays(m)
            changed = {k for k, a in before.items() if a.shape != after[k].shape or not np.array_equal(a, after[k])}
            allowed = p.uses.writes
            assert changed <= allowed, f"week {m.week}, {p.name} changed undeclared {sorted(changed - allowed)}"
            counted = {Tally(k).name for k in np.flatnonzero(m.tally != tally)}
            assert counted <= {t.name for t in p.uses.counts}, f"{p.name} counted undeclared {counted}"
            changed_by[p.name] |= changed
        m.week += 1
    # the run exercised the processes' main writes
    assert {"state", "trust", "next_meeting"} <= set().union(*changed_by.values())


def test_a_hand_off_read_before_it_is_written_is_refused():
    order = list(PROCESSES)
    i, j = order.index(Problems), order.index(OpenAdvice)
    order[i], order[j] = order[j], order[i]
    with pytest.raises(RuntimeError, match="open advice: reads visit_day, which no earlier process writes this week"):
        OutreachModel(scenario(50, 2, org=EVERYTHING), seed=1, processes=tuple(order))
    order = list(PROCESSES)
    i, j = order.index(Meetings), order.index(Matching)
    order[i], order[j] = order[j], order[i]
    with pytest.raises(RuntimeError, match="reads order_ticket, which no earlier process writes this week"):
        OutreachModel(scenario(50, 2, org=EVERYTHING), seed=1, processes=tuple(order))


def test_the_shipped_order_fits_the_declarations():
    m = OutreachModel(scenario(50, 2, org=EVERYTHING), seed=1)
    from sim.model import build
    from sim.model.model import known_names, weekly_names
    assert check_order(m.processes, set(build.BUILT), weekly_names(m), known_names(m)) == []
    assert all(effective(p.own).reads | effective(p.own).writes for p in m.processes)


def test_a_process_binds_its_columns_with_the_same_types_in_every_scenario():
    """A process class finds the compiled function that binds its columns once (the columns
    keep their declared dtypes); every shipped scenario gives the same numba types, and a
    table that grows marks the processes reading it stale."""
    import numba

    from sim.paths import SCENARIO_DIR
    from sim.spec.scenario import load_scenario

    seen: dict = {}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        sc = load_scenario(path).model_copy(update={"horizon_weeks": 2})
        m = OutreachModel(sc, seed=1)
        for p in m.processes:
            fields = p.Columns(*(getattr(m, n) if t is None else getattr(getattr(m, t), n) for t, n in p._where))
            types = tuple(numba.typeof(a) for a in fields)
            assert seen.setdefault(type(p), types) == types, f"{p.name} in {path.name}"
        m.run()
        reader = next(p for p in m.processes if "pop" in p._tables)
        assert not reader._stale
        m.pop.add(1)
        assert reader._stale
