"""The interface every process has.

A process is one ODD process (docs/ODD.md §1.3 lists them in the order the model steps
them).  It declares what it reads and writes (names as in :mod:`sim.model.declare`), the
shared transitions it calls, the random streams it draws from and the counters it adds to.
Its ``Columns`` type is the named tuple of exactly those arrays; :meth:`Process.columns`
fetches them from the model (again whenever a table changed size) and
:meth:`Process.run` calls a compiled function with them, the LASER pattern: the week's rule
is one compiled loop over the arrays it declares.

``__init__`` computes what the scenario fixes (probabilities per week, tables), as a
small named tuple ``self.par`` passed to the compiled code.

Most processes' week is nothing but compiled calls: :meth:`Process.plan` lists them (each
kernel with the arguments after its columns, ``WEEK`` standing for the week's number) and
:meth:`Process.active` says whether the scenario runs the process at all.  The model then
runs a stretch of such processes as one compiled call (:mod:`sim.model.week`); a process with
Python work of its own (hiring staff, drawing the week's referrals) has no plan and its own
:meth:`Process.step`.
"""

from __future__ import annotations

from ..declare import Uses, columns_type, effective, locate
from ..jit import binder as binder_for, entry_point


#: the tables that grow during a run: the citizens (referrals) and the caseworkers (hires)
GROWING = ("pop", "cw")


class _Week:
    """Stands for the week's number among a plan's arguments."""

    def __repr__(self) -> str:
        return "WEEK"


WEEK = _Week()


class Process:
    name: str = ""
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    calls: tuple = ()          #: shared transitions (registered compiled functions) it calls
    streams: tuple = ()        #: random streams (sim.model.rng.Stream) its own code draws from
    counts: tuple = ()         #: counters (sim.model.tally.Tally) its own code adds to
    uses: Uses = Uses()        #: the effective declaration (with the transitions')
    Columns: type = tuple

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        own = Uses(frozenset(cls.reads), frozenset(cls.writes), tuple(getattr(c, "py_func", c).__name__ for c in cls.calls),
                   frozenset(cls.streams), frozenset(cls.counts))
        cls.own = own
        cls._declared = None
        cls._binder = None       #: the compiled function that binds its columns (found once)

    @classmethod
    def declaration(cls) -> Uses:
        """The effective declaration: its own and its transitions' (the transitions are
        registered when their module is imported, so this is worked out on first use)."""
        if cls._declared is None:
            cls._declared = effective(cls.own)
            cls.Columns = columns_type(cls.__name__, cls.__module__, cls._declared.reads | cls._declared.writes)
            cls._where = tuple(locate(name) for name in cls.Columns._fields)
            cls._tables = tuple(sorted({table for table, _ in cls._where if table in ("pop", "cw")}))
        return cls._declared

    def __init__(self, model):
        self.uses = self.declaration()
        self._stale = True
        self._bound: dict = {}
        for table in self._tables:             # told when a table it reads changes size
            getattr(model, table).holders.append(self)

    def fields(self, m, whole: bool = False):
        """The named tuple (``Columns``) of the process's declared arrays as they are now;
        ``whole``: the citizens' and caseworkers' columns as allocated, beyond their live rows
        (sim.model.week keeps them to cut the live rows from)."""
        def array(table, name):
            if table is None:
                return getattr(m, name)
            held = getattr(m, table)
            return held.full(name) if whole and table in GROWING else getattr(held, name)
        return self.Columns(*(array(table, name) for table, name in self._where))

    def columns(self, m):
        """The process's arrays as a struct (sim.model.jit.bind) of its ``Columns``, fetched
        again whenever a table it uses changed size (the table marks it stale,
        :meth:`sim.model.store.Store.add`)."""
        if self._stale:
            fields = self.fields(m)
            binder = type(self)._binder
            if binder is None:           # the columns' numba types never change: declared dtypes
                binder = type(self)._binder = binder_for(fields)
            self.C = binder(fields)
            self._stale = False
        return self.C

    def run(self, m, kernel, *args):
        """Call ``kernel(C, *args)`` with the process's columns, through its compiled entry
        point (:func:`sim.model.jit.entry_point`)."""
        C = self.columns(m) if self._stale else self.C
        fn = self._bound.get(kernel)
        if fn is None:
            fn = self._bound[kernel] = entry_point(kernel, (C, *args))
        return fn(C, *args)

    def plan(self, m) -> tuple | None:
        """The week's compiled calls in order, each ``(kernel, arguments after the columns)``
        with :data:`WEEK` for the week's number; None when the step has Python work of its
        own (it then overrides :meth:`step`)."""
        return None

    def active(self, m) -> bool:
        """Does the scenario run this process at all (fixed for a run)?"""
        return True

    def step(self, m, week: int) -> None:
        """The week of this process alone: its plan's calls, in order."""
        if self.active(m):
            for kernel, args in self.plan(m):
                self.run(m, kernel, *(week if a is WEEK else a for a in args))

    def __repr__(self) -> str:
        return f"<process {self.name!r}>"
