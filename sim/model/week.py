"""The week in a few compiled calls (docs/ODD.md §1.3).

Most processes' week is nothing but compiled calls (:meth:`Process.plan`).  A stretch of
such processes in a row is a *segment*: one compiled function, written out from their plans,
that calls their kernels in the same order with the same arguments, each process only if the
scenario runs it (:meth:`Process.active`).  The results are the same, bit for bit, as those of
stepping the processes one by one (tests/test_week.py); what changes is the cost of the week
from Python: one call a segment instead of one a kernel, about 80 µs a week before.  A
process with Python work of its own (staff turnover hires Mesa agents, intake draws the
week's referrals) runs between the segments.

The segments' source is generated from the default list of processes and written once, under
its digest, into the compiled-code cache (:data:`sim.model.jit.CACHE_DIR`), where numba caches
their compiled code like any other; the source depends only on the processes' code, not on
the scenario.  A segment's arguments are one struct (as :func:`sim.model.jit.bind` makes
them): each process's on-switch, its columns' struct and its own arguments, then the model's
shared ones.  The segment's module has its own binder, which makes the processes' structs
and the segment's in one compiled call (and whose cache alone names the module's types).
When citizens are referred or a caseworker is hired, a table grows within the arrays it
allocated: the segment then cuts the live rows again in compiled code from a second struct
of the whole arrays (``resize``), instead of binding every array anew (about 230 µs).
Where the cache folder cannot be written, or a run steps other processes than the default
ones, or open advice runs on the SimPy reference, or the code runs interpreted
(``NUMBA_DISABLE_JIT=1``), the processes step one by one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path

from sim.errors import InputError
from sim.spec.reading import read_text

from . import jit
from .processes import PROCESSES
from .processes.base import GROWING, WEEK

#: the model's attributes a plan may pass, named in a segment's struct once
SHARED = ("T", "keys", "tally")

#: the most a segments file may hold (the generated text is a few kilobytes)
SOURCE_LIMIT = 1 << 20

#: for a list of processes: the segment module, and where each process's own arguments sit in
#: its plan (the same for every model: the roles are the processes'); None: no module
_MODULE_OF: dict[tuple, tuple | None] = {}


def parts(m) -> list:
    """The week's parts in order: segments, and the processes with Python work of their own;
    the processes themselves when the week cannot run in segments (see the module's text)."""
    if m.processes_stepped != PROCESSES or m.office_engine != "compiled" or not jit.compiling():
        return list(m.processes)
    plans = [p.plan(m) for p in m.processes]
    groups: list[list] = []
    for p, plan in zip(m.processes, plans):
        if plan is None:
            groups.append(p)
        elif groups and isinstance(groups[-1], list):
            groups[-1].append((p, plan))
        else:
            groups.append([(p, plan)])
    key = m.processes_stepped
    if key not in _MODULE_OF:
        segments = [g for g in groups if isinstance(g, list)]
        module = segment_module(m, segments)
        own = [[_own(m, plan, i) for i, (_, plan) in enumerate(seg)] for seg in segments]
        _MODULE_OF[key] = None if module is None else (module, own)
    if _MODULE_OF[key] is None:
        return list(m.processes)
    module, own = _MODULE_OF[key]
    out, k = [], 0
    for g in groups:
        if isinstance(g, list):
            out.append(Segment(m, [p for p, _ in g], [plan for _, plan in g], module, k, own[k]))
            k += 1
        else:
            out.append(g)
    return out


def _role(m, arg, i: int, k: int) -> str:
    """The struct field (or ``week``) an argument of a plan is read from."""
    if arg is WEEK:
        return "week"
    for name in SHARED:
        if arg is getattr(m, name):
            return f"s.{name}"
    return f"s.a{i}_{k}"


def _own(m, plan, i: int) -> list[int]:
    """Where the ``i``-th process's own arguments (not the week, not a shared one) sit among
    its plan's arguments."""
    return [k for k, arg in enumerate(_args(plan)) if _role(m, arg, i, k) == f"s.a{i}_{k}"]


def _fields(m, plans) -> list[str]:
    """The fields of a segment's struct, in order."""
    names = []
    for i, plan in enumerate(plans):
        names += [f"on{i}", f"c{i}", *(f"a{i}_{k}" for k in _own(m, plan, i))]
    return names + list(SHARED)


def _made(name: str) -> str:
    """How the segment's binder makes a field of the struct from the same field of the named
    tuple it is given: a process's columns become their struct, the rest is kept."""
    return f"as_ref(f.{name})" if re.fullmatch(r"c\d+", name) else f"f.{name}"


def _args(plan) -> list:
    """A plan's arguments in order, all its calls' together."""
    return [arg for _, args in plan for arg in args]


def source(m, segments) -> str:
    """The segments' module: for each segment, the named tuple of its struct's fields and the
    compiled function that runs its processes' calls."""
    imports = sorted({(k.py_func.__module__, k.py_func.__name__) for seg in segments for _, plan in seg for k, _ in plan})
    lines = ['"""The week\'s segments, written by sim.model.week from the processes\' plans."""', "",
             "from collections import namedtuple", "", "from numba import njit", "", "from sim.model.jit import as_ref"]
    lines += [f"from {mod} import {name}" for mod, name in imports]
    for s, seg in enumerate(segments):
        plans = [plan for _, plan in seg]
        lines += ["", "", f"Segment{s} = namedtuple('Segment{s}', {_fields(m, plans)!r})", "", "",
                  "@njit(cache=True)", f"def bind{s}(f):  # pragma: no cover - compiled",
                  f"    return as_ref(Segment{s}({', '.join(_made(name) for name in _fields(m, plans))}))", "", "",
                  "@njit(cache=True)", f"def resize{s}(s, whole, n_pop, n_cw):  # pragma: no cover - compiled",
                  "    \"\"\"The live rows of the citizens' and caseworkers' columns, cut again from the whole arrays.\"\"\""]
        for i, (p, _) in enumerate(seg):
            lines.append(f"    c, w = s.c{i}, whole.c{i}")
            for field, (table, _) in zip(p.Columns._fields, p._where):
                if table in GROWING:
                    lines.append(f"    c.{field} = w.{field}[:n_{table}]")
        lines += ["", "",
                  "@njit(cache=True)", f"def segment{s}(s, week):  # pragma: no cover - compiled",
                  f"    \"\"\"{', '.join(p.name for p, _ in seg)}.\"\"\""]
        for i, (p, plan) in enumerate(seg):
            lines.append(f"    if s.on{i}:")
            k = 0
            for kernel, args in plan:
                call = [f"s.c{i}"]
                for arg in args:
                    call.append(_role(m, arg, i, k))
                    k += 1
                lines.append(f"        {kernel.py_func.__name__}({', '.join(call)})")
    return "\n".join(lines) + "\n"


def segment_module(m, segments):
    """The imported module of the segments (written into the cache folder once); None when
    it cannot be written there, or the file there is not the text this code writes."""
    text = source(m, segments)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = jit.CACHE_DIR / "week"
    path = folder / f"segments_{digest}.py"
    name = f"fremskudt_week_{digest}"
    try:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            _write_once(path, text)
        if read_text(path, limit=SOURCE_LIMIT) != text:    # not what this code writes: never run it
            return None
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module          # numba's cache finds the struct types' named tuples here
        spec.loader.exec_module(module)
    except (OSError, InputError):
        sys.modules.pop(name, None)
        return None
    return module


def _write_once(path: Path, text: str) -> None:
    """Write ``path`` unless it exists; a file already there (another process wrote the same
    text at the same time) is kept, so its compiled code in numba's cache stays valid."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".segments-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


class Segment:
    """Processes in a row whose week is compiled calls only, run as one compiled call."""

    def __init__(self, m, processes, plans, module, index: int, own: list[list[int]]):
        self.processes = processes
        self.name = " + ".join(p.name for p in processes)
        self.kernel = getattr(module, f"segment{index}")
        self.Fields = getattr(module, f"Segment{index}")
        self.binder = getattr(module, f"bind{index}")     # makes the processes' structs and the segment's in one call
        self.own = [[_args(plan)[k] for k in where] for plan, where in zip(plans, own)]
        self.on = [bool(p.active(m)) for p in processes]
        self.resizer = getattr(module, f"resize{index}")
        self.make = self.call = self.resize = None     # the compiled binder, segment and resizer, looked up at the first bind
        self.allocations = None      # the tables' allocations the struct of whole arrays was made from
        self._stale = True
        for table in sorted({t for p in processes for t in p._tables}):
            getattr(m, table).holders.append(self)

    def struct(self, m, whole: bool = False):
        """The segment's struct: each process's on-switch, columns and own arguments, then the
        shared ones; ``whole``: with the growing tables' whole arrays (Process.fields)."""
        values = []
        for p, on, own in zip(self.processes, self.on, self.own):
            values += [on, p.fields(m, whole), *own]
        values += [getattr(m, name) for name in SHARED]
        fields = self.Fields(*values)
        if self.make is None:       # the arguments' types are the same at every bind: declared dtypes
            self.make = jit.entry_point(self.binder, (fields,))
        return self.make(fields)

    def bind(self, m) -> None:
        """The struct of the segment's arguments, again whenever a table it uses changed size:
        made anew when a table's arrays were allocated anew, else the live rows cut again in
        compiled code from a struct of the whole arrays (a week's referrals, a hire)."""
        allocations = (m.pop.allocation, m.cw.allocation)
        if allocations != self.allocations:
            self.S = self.struct(m)
            self.whole = self.struct(m, whole=True)
            self.allocations = allocations
            if self.call is None:
                self.call = jit.entry_point(self.kernel, (self.S, 0))
                self.resize = jit.entry_point(self.resizer, (self.S, self.whole, 0, 0))
        else:
            self.resize(self.S, self.whole, len(m.pop), len(m.cw))
        self._stale = False

    def step(self, m, week: int) -> None:
        if self._stale:
            self.bind(m)
        self.call(self.S, week)

    def __repr__(self) -> str:
        return f"<segment {self.name!r}>"
