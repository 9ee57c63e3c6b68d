"""The end of a process: what is left is handed back to the system without a search.

At its exit the interpreter searches every object it still tracks for garbage, more than
once; after a simulation the compiled code's many objects (numba's types, llvmlite's
modules) made that take 0.6-0.8 s of a Copenhagen simulation's process, against 0.1-0.2 s
with them frozen.  The memory goes back to the system either way."""

from __future__ import annotations

import atexit
import gc


def leave_the_objects_to_the_system() -> None:
    """Collect what is garbage now (its finalisers run, as in the exit's own collection),
    then freeze what is left, so that the exit does not search it again.  Call it only when
    the process is about to end: frozen objects are never collected."""
    gc.collect()
    gc.freeze()


def at_exit_leave_the_objects_to_the_system() -> None:
    """Do :func:`leave_the_objects_to_the_system` when the process exits normally (in a
    worker, whose exit the pool's owner waits for): a handler registered now runs before
    those registered earlier, among them multiprocessing's own."""
    atexit.register(leave_the_objects_to_the_system)
