"""Local worker processes that never outlive the command that started them.

Every process pool of the package (replications, sensitivity designs, the calibration's
posterior predictive) is made by :func:`local_pool`, and the calibration's own worker
processes call :func:`ensure_dies_with` on their first evaluation.  Each worker then

* asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and
  as a fallback on other systems watches its parent once a second and exits when the
  parent is gone: after SIGKILL of the command no worker is left running and holding the
  caller's terminal or pipes open;
* ignores SIGINT, so that Ctrl+C in a terminal (sent to the whole process group) is
  handled once, by the parent, and ends at once on SIGTERM or SIGHUP (the default).

When the parent stops (an error, Ctrl+C, SIGTERM, SIGHUP), :func:`local_pool` ends the
workers at once instead of waiting for their running simulations.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterable, Iterator

import psutil

from sim.shutdown import at_exit_leave_the_objects_to_the_system

PR_SET_PDEATHSIG = 1          # from <linux/prctl.h>
WATCH_SECONDS = 1.0           # how often a worker checks that its parent still runs
STOP_SECONDS = 5.0            # how long a stopped worker may take before it is killed
MANAGER_SECONDS = 2.0         # how long the pool's manager thread may take, once its workers ended, to close its pipes

_watching_pid: int | None = None


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)


def signal_on_parent_death(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (for a
    ``preexec_fn`` of a program started with :mod:`subprocess`; a no-op elsewhere)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def die_with_parent(parent_pid: int) -> None:
    """Run in a worker process: end it when ``parent_pid`` ends; leave SIGINT to the parent;
    at a normal exit, hand what is left back to the system without a search
    (:mod:`sim.shutdown`)."""
    global _watching_pid
    _watching_pid = os.getpid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):     # a forked worker may have inherited the parent's handlers
        if callable(signal.getsignal(sig)):         # (an inherited "ignore", as under nohup, is kept)
            signal.signal(sig, signal.SIG_DFL)
    signal_on_parent_death(signal.SIGKILL)   # where there is no prctl, the watch thread does the job
    if os.getppid() != parent_pid:      # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="watch-parent").start()
    at_exit_leave_the_objects_to_the_system()


def ensure_dies_with(parent_pid: int) -> None:
    """:func:`die_with_parent`, once per process, for workers that another library forks
    from ``parent_pid`` (pyabc's samplers).  Does nothing in the parent itself, nor in a
    process the parent did not start (a Dask worker elsewhere runs on its own terms)."""
    if os.getpid() != parent_pid and os.getppid() == parent_pid and _watching_pid != os.getpid():
        die_with_parent(parent_pid)


#: what the command line of a process started by multiprocessing's "spawn" contains
SPAWN_MARK = "spawn_main"


def spawned_children() -> set[int]:
    """The process ids of this process's children that multiprocessing started with
    "spawn", whether or not it has recorded them."""
    pids = set()
    for child in psutil.Process().children():
        try:
            if any(SPAWN_MARK in part for part in child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:          # it ended meanwhile
            pass
    return pids


def stop(pool: ProcessPoolExecutor, also: Iterable[multiprocessing.process.BaseProcess] = (),
         unrecorded: Iterable[int] = ()) -> None:
    """End a pool's workers now (their running tasks are lost) and release the pool.
    ``also``: processes started for the pool that it may not list yet (a stop signal can
    arrive between a worker's start and the pool's record of it); ``unrecorded``: process
    ids of spawned workers that multiprocessing has no record of at all (the signal came
    between starting the program and handing it its instructions, which it would then miss
    and print a traceback for)."""
    processes = list({*(getattr(pool, "_processes", None) or {}).values(), *also})   # no public API for this
    known = {p.pid for p in processes}
    orphans = []
    for pid in set(unrecorded) - known:
        try:
            orphans.append(psutil.Process(pid))
            orphans[-1].terminate()
        except psutil.Error:
            pass
    for p in processes:
        if p.is_alive():
            p.terminate()
    manager = getattr(pool, "_executor_manager_thread", None)      # shutdown forgets these two; no public API
    result_queue = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_SECONDS
    for p in processes:
        p.join(timeout=max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(timeout=1.0)
    _, alive = psutil.wait_procs(orphans, timeout=max(0.0, deadline - time.monotonic()))
    for p in alive:
        p.kill()
    # A worker ended while it sent a result leaves half a message in the result pipe, and
    # the manager thread waits for the rest for ever (this process holds the pipe's writing
    # end too, so the read never sees its end).  With every worker gone, closing that end
    # turns the wait into an end of file: the manager sees a broken pool and ends.
    if result_queue is not None:
        result_queue._writer.close()
    # The pool's manager thread sees its workers gone and closes its wake-up pipe.  Python
    # 3.11's exit wakes that thread through the pipe without a lock, so if the thread closed
    # it at that moment the exit printed "Exception ignored ... Bad file descriptor": wait for
    # it here, before anything else can end the program.
    if manager is not None and manager is not threading.current_thread():
        manager.join(timeout=max(0.0, deadline - time.monotonic()) + MANAGER_SECONDS)


def kill_started_since(before: set) -> None:
    """Kill the child processes that multiprocessing started since ``before`` (a set of
    ``multiprocessing.active_children()``) and wait for them: for a library's workers, which
    a stop leaves working for a parent that no longer reads their queue.  Asked to end
    politely, such a worker would wait for ever at its exit to hand over what it queued."""
    children = [p for p in multiprocessing.active_children() if p not in before]
    for p in children:
        p.kill()
    for p in children:
        p.join(timeout=STOP_SECONDS)


def _start_ignoring_sigint(pool: ProcessPoolExecutor) -> None:
    """Start every worker now, with SIGINT ignored from its first instruction: a Ctrl+C
    while a worker still imports the package must not print its traceback.  (Python keeps
    an inherited "ignore SIGINT" instead of installing its KeyboardInterrupt handler.)
    The pool would otherwise start workers one by one as tasks arrive."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool._launch_processes()          # no public API starts them all at once
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def local_pool(workers: int, start_method: str = "spawn") -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process and are ended at once when the
    block is left by an exception (including Ctrl+C and the other stop signals)."""
    ctx = multiprocessing.get_context(start_method)
    before = set(multiprocessing.active_children())
    spawned_before = spawned_children() if start_method == "spawn" else set()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=die_with_parent,
                               initargs=(os.getpid(),))
    try:                      # a stop signal while the workers start must end them too
        _start_ignoring_sigint(pool)
        yield pool
    except BaseException:
        stop(pool, set(multiprocessing.active_children()) - before,
             spawned_children() - spawned_before if start_method == "spawn" else ())
        raise
    pool.shutdown(wait=True)
