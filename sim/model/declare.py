"""What each process and each shared transition reads and writes, declared once.

A *name* is a column of one of the model's tables: a citizen column by its own name
(``state``, ``trust``), a caseworker column as ``cw_<column>``, a mentor's as
``mentor_<column>``, a company consultant's as ``consultant_<column>``, a company's as
``firm_<column>``, the consultants' networks as ``net_<array>``, the open-advice days as
``day_<array>``, and a model-wide array as ``model_<name>`` (``model_ticket``, the counter
that orders queues).  Citizen and caseworker columns marked ``weekly`` are the week's
*hand-offs* between processes (planned visits, unsolved problems, offers ordered, the
morning's minutes): the model clears them at the start of every week, so a process can read
one only after an earlier process of the same week wrote it.

A shared transition (go off benefit, start a placement, end a course, ...) is a compiled
function registered with :func:`transition`, which records the names it reads and writes,
the transitions it calls, and the random streams and counters it uses; a process's
effective declaration includes those of the transitions it calls.  The compiled code of a
process receives exactly its declared arrays (a named tuple, :func:`columns_type`), so it
cannot touch anything else; the tests check the declarations against the code.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

#: prefixes of names that are not citizen columns, and the model attribute holding their table
PREFIXES = {"cw_": "cw", "mentors_": "mentor_table", "consultants_": "consultant_table", "firm_": "firms",
            "net_": "networks", "day_": "days", "model_": None}


@dataclass(frozen=True)
class Uses:
    """What a process or a transition reads and writes, and what it calls and draws."""

    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    calls: tuple[str, ...] = ()
    streams: frozenset = frozenset()
    counts: frozenset = frozenset()

    def union(self, other: "Uses") -> "Uses":
        return Uses(self.reads | other.reads, self.writes | other.writes, self.calls,
                    self.streams | other.streams, self.counts | other.counts)


#: every registered transition, by name: its declaration, and the compiled function
TRANSITIONS: dict[str, Uses] = {}
FUNCTIONS: dict[str, object] = {}


def transition(reads=(), writes=(), calls=(), streams=(), counts=()):
    """Register a compiled function that takes a process's columns: what it reads, writes,
    calls (other registered functions), draws and counts."""
    def register(fn):
        name = getattr(fn, "py_func", fn).__name__
        TRANSITIONS[name] = Uses(frozenset(reads), frozenset(writes),
                                 tuple(getattr(c, "py_func", c).__name__ for c in calls),
                                 frozenset(streams), frozenset(counts))
        FUNCTIONS[name] = fn
        return fn
    return register


def effective(uses: Uses) -> Uses:
    """A declaration with those of every transition it calls, directly or not."""
    out, seen, todo = uses, set(), list(uses.calls)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        t = TRANSITIONS[name]
        out = out.union(t)
        todo.extend(t.calls)
    return out


def columns_type(owner: str, module: str, names) -> type:
    """The named tuple of arrays a process's compiled code receives (fields in name order)."""
    cls = namedtuple(f"{owner}Columns", sorted(names))
    cls.__module__ = module
    cls.__qualname__ = f"{owner}.Columns"
    return cls


def locate(name: str) -> tuple[str | None, str]:
    """Where a declared name lives: (the model's attribute holding its table, or None for
    the model itself; the attribute in it)."""
    for prefix, table in PREFIXES.items():
        if name.startswith(prefix):
            return table, name[len(prefix):]
    return "pop", name


def resolve(m, name: str):
    """The live array behind a declared name."""
    table, attr = locate(name)
    return getattr(m, attr) if table is None else getattr(getattr(m, table), attr)


@dataclass
class Problem:
    """One way the declarations and the order of the processes disagree."""

    process: str
    text: str

    def __str__(self) -> str:
        return f"{self.process}: {self.text}"


def check_order(processes, built: set[str], weekly: set[str], known: set[str]) -> list[Problem]:
    """Every name a process reads is known and written by the build or a process; a weekly
    hand-off only after an earlier process of the week (or the reader itself) wrote it."""
    problems = []
    written_this_week: set[str] = set()
    written_ever = set(built)
    for p in processes:
        written_ever |= p.uses.writes
    for p in processes:
        u = p.uses
        for name in sorted(u.reads | u.writes):
            if name not in known:
                problems.append(Problem(p.name, f"declares {name}, which is no column of the model"))
        for name in sorted(u.reads - u.writes):
            if name in weekly and name not in written_this_week:
                problems.append(Problem(p.name, f"reads {name}, which no earlier process writes this week"))
            elif name not in weekly and name not in written_ever:
                problems.append(Problem(p.name, f"reads {name}, which neither the build nor any process writes"))
        written_this_week |= u.writes
    return problems
