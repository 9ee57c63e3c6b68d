"""Struct-of-arrays storage: one numpy array per attribute, indexed by agent id.

A :class:`Store` declares its columns (name, dtype, default) once.  ``store.trust`` is the
live array of the agents added so far (a view, no copy), so a rule over all agents is one
vectorised expression, as in Starsim's ``People`` or LASER's ``LaserFrame``.  Capacity
grows by doubling when agents are added, so a view held in a local variable must be
fetched again after :meth:`Store.add`; ``store.version`` counts the changes of size,
``store.allocation`` the times the arrays were allocated anew, and the objects in
``store.holders`` (the processes that bound its arrays) are marked stale
(``holder._stale = True``) so that they fetch them again.

:class:`View` is the per-agent object for tests, inspection and the app: its attributes
are properties over one row of the arrays, never a second copy of the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np


@dataclass(frozen=True)
class Column:
    """One attribute: its dtype, its value for a new agent, and what it means.  A ``weekly``
    column is a hand-off between the processes of one week: the model sets it back to its
    default at the start of every week (sim.model.declare)."""

    dtype: Any
    default: Any = 0
    doc: str = ""
    shape: tuple[int, ...] = ()
    weekly: bool = False


class Store:
    """A growable table of agents with one array per :class:`Column`.

    >>> s = Store({"trust": Column(float, 0.5)})
    >>> ids = s.add(3); s.trust[ids[1]] = 0.9; float(s.trust.sum())
    1.9
    """

    def __init__(self, columns: dict[str, Column], capacity: int = 16):
        self.__dict__["columns"] = dict(columns)
        self.__dict__["n"] = 0
        self.__dict__["version"] = 0
        self.__dict__["allocation"] = 0        # counts the times the arrays were allocated anew (grown)
        self.__dict__["holders"] = []
        self.__dict__["weekly"] = tuple(name for name, col in columns.items() if col.weekly)
        self.__dict__["_data"] = {name: self._empty(col, max(1, capacity)) for name, col in columns.items()}
        self._refresh()

    @staticmethod
    def _empty(col: Column, capacity: int) -> np.ndarray:
        if not col.default:
            return np.zeros((capacity, *col.shape), dtype=col.dtype)
        a = np.empty((capacity, *col.shape), dtype=col.dtype)
        a.fill(col.default)
        return a

    def _refresh(self) -> None:
        """Point each column attribute at the live rows (a plain attribute: fast to read)."""
        n = self.n
        for name, a in self._data.items():
            self.__dict__[name] = a[:n]

    def __setattr__(self, name: str, value) -> None:
        if name in self._data:
            self._data[name][: self.n] = value       # a whole column assigned: write into the array
        else:
            self.__dict__[name] = value

    def __len__(self) -> int:
        return self.n

    def allocated(self) -> int:
        """Rows allocated (at least ``len(self)``)."""
        return len(next(iter(self._data.values())))

    def add(self, k: int) -> np.ndarray:
        """Room for ``k`` new agents with default values; returns their ids."""
        n = self.n
        if n + k > self.allocated():
            cap = max(n + k, 2 * self.allocated())
            for name, col in self.columns.items():
                grown = self._empty(col, cap)
                grown[:n] = self._data[name][:n]
                self._data[name] = grown
            self.__dict__["allocation"] = self.allocation + 1
        self.__dict__["n"] = n + k
        self.__dict__["version"] = self.version + 1
        self._refresh()
        for holder in self.holders:
            holder._stale = True
        return np.arange(n, n + k)

    def full(self, name: str) -> np.ndarray:
        """The whole allocated array of a column (its live rows are ``len(self)`` first)."""
        return self._data[name]

    def clear_weekly(self) -> None:
        """Set the weekly hand-off columns back to their defaults."""
        for name in self.__dict__["weekly"]:
            self.__dict__[name].fill(self.columns[name].default)

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._data.values())


class View:
    """One agent of a :class:`Store`, seen as an object (``view.trust`` reads the array).

    Subclasses name their store with ``_store_of(model)`` and get a property per column
    from :func:`columns_as_properties`."""

    __slots__ = ("model", "id")

    def __init__(self, model, agent_id: int):
        self.model = model
        self.id = int(agent_id)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.model is self.model and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self), id(self.model), self.id))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id})"


def columns_as_properties(cls: type, store_attr: str, names: Iterable[str]) -> type:
    """Give ``cls`` a read/write property for each column name, over ``model.<store_attr>``."""
    for name in names:
        def fget(self, _n=name):
            v = getattr(self.model, store_attr)._data[_n][self.id]
            return v.item() if hasattr(v, "item") and np.ndim(v) == 0 else v

        def fset(self, value, _n=name):
            getattr(self.model, store_attr)._data[_n][self.id] = value

        if not hasattr(cls, name):
            setattr(cls, name, property(fget, fset))
    return cls
