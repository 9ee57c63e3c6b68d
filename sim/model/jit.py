"""Compiled code: where numba keeps it, how a process hands its arrays to it, and calling a
compiled process cheaply.

The processes' compiled functions are cached on disk (``@njit(cache=True)``), so a new
worker process loads them instead of compiling again.  The cache lives outside the source
tree, in ``$XDG_CACHE_HOME/fremskudt/numba/<digest>`` (``~/.cache`` by default), where the
digest covers every source file of :mod:`sim.model`, numba's and Python's versions and the
folder the model is in: numba checks only the file of a cached function, not the files of
the functions it calls, so a change anywhere in the model starts a fresh cache instead of
loading stale code; and numba keeps a cache per folder of source files, so the mark that
every process is compiled (:func:`mark_warm`) is kept per checkout too.  A user's own
``NUMBA_CACHE_DIR`` is respected.

A process's arrays reach its compiled code as one struct of arrays (:func:`bind`), made
once from the named tuple of its declared arrays: numba passes a named tuple to a function
by value, with a reference count taken on each of its arrays at every call (about 0.5 µs
for 60 arrays), while a struct is one pointer (a few ns).  The struct holds the same arrays,
so the compiled code reads and writes the model's own state.

This module is imported before any compiled function is defined (``sim/model/__init__.py``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numba.extending import overload

MODEL_DIR = Path(__file__).resolve().parent
WARM_STAMP = "compiled"        #: written into the cache folder once every process has been compiled


def source_digest() -> str:
    """A digest of the model's source files, of where they are and of the compiler's version."""
    h = hashlib.sha256()
    h.update(f"{numba.__version__} {sys.version_info[:3]} {MODEL_DIR}".encode())
    for path in sorted(MODEL_DIR.rglob("*.py")):
        h.update(path.relative_to(MODEL_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    own = os.environ.get("NUMBA_CACHE_DIR")
    if own:
        return Path(own)
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "fremskudt" / "numba" / source_digest()


CACHE_DIR = cache_dir()
numba.config.CACHE_DIR = str(CACHE_DIR)
os.environ.setdefault("NUMBA_CACHE_DIR", str(CACHE_DIR))     # worker processes find the same cache


def cache_is_warm() -> bool:
    """Has every process of this version of the model been compiled into the cache?"""
    return (CACHE_DIR / WARM_STAMP).exists()


def mark_warm() -> None:
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        (CACHE_DIR / WARM_STAMP).write_text("every process of this model version is compiled\n", encoding="utf-8")
    except OSError:        # a read-only home: the cache is then only as warm as numba could make it
        pass


def compiling() -> bool:
    """Is the code compiled (not run interpreted with ``NUMBA_DISABLE_JIT=1``)?"""
    return os.environ.get("NUMBA_DISABLE_JIT") != "1"


_ENTRY_POINTS: dict = {}


def _kind(a):
    """What decides an argument's numba type, cheaply: a struct's type, an array's dtype,
    dimensions and order, a named tuple's fields', a number's Python type.  Arrays come
    first: they are most of the arguments (a process's columns when they are bound)."""
    if isinstance(a, np.ndarray):
        flags = a.flags
        return a.dtype, a.ndim, flags.c_contiguous, flags.writeable
    t = getattr(a, "_type", None)
    if t is not None:
        return t
    if isinstance(a, tuple):
        return type(a), tuple(_kind(x) for x in a)
    return type(a)


def entry_point(kernel, args: tuple):
    """The compiled machine code of ``kernel`` for the types of ``args``, callable directly.

    Numba's dispatcher works out the type of every argument at every call (about 0.3 µs an
    array, 1 µs a field of a named tuple); a process passes the same kinds of arguments every
    week, so the compiled code is looked up once per kind of arguments and the week calls it
    with no dispatch.  Loads from or writes to the disk cache as usual."""
    if not compiling() or not hasattr(kernel, "overloads"):
        return kernel                                   # interpreted run (the reference)
    key = (kernel, tuple(_kind(a) for a in args))
    fn = _ENTRY_POINTS.get(key)
    if fn is None:
        sig = tuple(numba.typeof(a) for a in args)
        if sig not in kernel.overloads:
            kernel.compile(sig)
        fn = _ENTRY_POINTS[key] = kernel.overloads[sig].entry_point
    return fn


# ------------------------------------------------------------------ a struct of arrays for the compiled code
@structref.register
class RefType(types.StructRef):
    """The numba type of a struct of named fields (arrays and numbers)."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class Ref(structref.StructRefProxy):
    """The Python handle of a struct made by :func:`bind`."""


structref.define_boxing(RefType, Ref)


def as_ref(fields):
    """The struct with the fields of the named tuple ``fields`` (compiled code); in an
    interpreted run (NUMBA_DISABLE_JIT=1) the named tuple itself, which reads the same."""
    return fields


@overload(as_ref)
def _as_ref(fields):
    names = fields.fields
    ref_type = RefType(list(zip(names, fields.types)))
    src = "def impl(fields):\n    st = new(ref_type)\n" + "".join(f"    st.{n} = fields.{n}\n" for n in names) + "    return st\n"
    scope = {"new": structref.new, "ref_type": ref_type}
    exec(src, scope)
    return scope["impl"]


@numba.njit(cache=True)
def _bind(fields):  # pragma: no cover - compiled
    return as_ref(fields)


def binder(fields):
    """The compiled function that makes a struct of a named tuple of the kinds of ``fields``
    (a holder of many such tuples looks it up once)."""
    return entry_point(_bind, (fields,))


def bind(fields):
    """A struct of the named tuple's fields, for the compiled processes (see the module's
    text)."""
    return binder(fields)(fields)

