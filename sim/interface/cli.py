"""Command line: ``fremskudt <command> ...`` (also ``python -m sim``).

Each command lives in its own module under :mod:`sim.interface.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking
the parsed arguments and returning an exit status.  Bad input (a broken scenario file,
an unknown option value) prints one clear message to stderr and exits with status 2.

SIGINT (Ctrl+C), SIGTERM and SIGHUP stop a command cleanly: each becomes a
:class:`sim.errors.Stopped` exception in the main thread, so the same clean-up runs as for
Ctrl+C (worker processes ended, half-written folders removed), and the exit status is the
shell's ``128 + signal`` (130, 143, 129).  A second signal during that clean-up is ignored,
and so is a signal the caller already ignores (``nohup`` ignores SIGHUP).

Python runs a signal handler wherever the main thread happens to be, and that can be inside
a finaliser (a weak-reference callback or ``__del__`` that the garbage collector calls, as
multiprocessing and matplotlib set up), where an exception is not raised but printed as
"Exception ignored" and dropped: the stop would be lost and the command would run on.
:func:`stop_signals_handled` therefore also takes over :data:`sys.unraisablehook`; a dropped
:class:`~sim.errors.Stopped` is sent again as the same signal, which then takes effect in
the ordinary code that runs next.  Code that Python calls from C can also turn the exception
into another one (matplotlib's drawing reports "Invalid affine transformation matrix") or
swallow it, so the stop is recorded too (:func:`sim.errors.request_stop`): an error while a
stop is recorded is reported as the stop, a command that returns after one ends as
stopped, and a results folder is not moved into place after one.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import importlib
import math
import os
import pkgutil
import signal
import sys
import threading
import time

from sim.errors import FremskudtError, Stopped, raise_if_stopped, request_stop, stop_requested
from sim.shutdown import leave_the_objects_to_the_system

EXIT_BAD_INPUT = 2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SEED_MAX = 2**32 - 1
#: how often a stop signal dropped in a finaliser checks that it may be sent again
HOOK_POLL_SECONDS = 0.001
#: seconds a stopped command may take to end after its message before it is ended regardless
EXIT_SECONDS = 3.0
#: commands that simulate outside the replication runner (which compiles the model itself first)
COMPILING = ("calibrate", "check-fit", "sensitivity", "app")


def positive(kind=int, maximum: float | None = None):
    """An argparse type accepting a positive, finite ``int`` or ``float`` (at most
    ``maximum``), with a plain message otherwise."""
    what = "whole number" if kind is int else "number"
    limit = f" up to {maximum:,}" if maximum is not None else ""

    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {what}{limit}, got {text!r}") from None
        if not math.isfinite(v) or v <= 0 or (maximum is not None and v > maximum):
            raise argparse.ArgumentTypeError(f"expected a positive {what}{limit}, got {text!r}")
        return v
    return parse


def non_negative(maximum: float):
    """An argparse type accepting a finite number from 0 to ``maximum``, with a plain message otherwise."""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or not 0 <= v <= maximum:
            raise argparse.ArgumentTypeError(f"expected a number from 0 to {maximum:g}, got {text!r}")
        return v
    return parse


def seed(text: str) -> int:
    """An argparse type for a seed: a whole number from 0 to 2**32 - 1."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= v <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"must be between 0 and {SEED_MAX}, got {v}")
    return v


def address(text: str) -> str:
    """An argparse type for a Dask scheduler address such as tcp://host:8786."""
    if not text.strip() or any(c.isspace() or c == "\0" for c in text):
        raise argparse.ArgumentTypeError(f"expected a scheduler address such as tcp://host:8786, got {text!r}")
    return text


def version_text() -> str:
    """'fremskudt 0.1.0 (commit abc1234…)': the package version and the git commit of the
    source tree it runs from, with a note when the tree has uncommitted changes."""
    from importlib import metadata

    from sim.experiment.outputs import git_state
    try:
        version = metadata.version("fremskudt")
    except metadata.PackageNotFoundError:
        import sim
        version = sim.__version__
    git = git_state()
    if git["commit"] is None:
        return f"fremskudt {version} (unknown commit)"
    return f"fremskudt {version} (commit {git['commit']}{', with uncommitted changes' if git['dirty'] else ''})"


class _Version(argparse.Action):
    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, help="print the version and git commit, then exit", **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit(0)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given the command line ``argv``, only what it needs: the
    parser of the command its first word names, or none for ``--version``.  A command's module
    imports what its options need (the calibration's defaults import pyabc, the run's the
    model), so `fremskudt list` starts in about 0.3 s instead of 1.6 s.  Help, or a word that
    is no command, builds them all, so that every command is listed."""
    parser = argparse.ArgumentParser(prog="fremskudt", description="Simulate Danish outreach employment programmes.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    from . import commands
    modules = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    first = argv[0] if argv else None
    if first == "--version":                 # printed before any command is looked at
        modules = []
    elif first is not None and first.replace("-", "_") in modules:
        modules = [first.replace("-", "_")]
    for name in modules:
        mod = importlib.import_module(f"{commands.__name__}.{name}")
        if hasattr(mod, "register"):
            mod.register(sub)
    return parser


_owner = os.getpid()


def completed_outputs() -> list:
    """Results folders this process has moved into place (none if it never wrote one)."""
    outputs = sys.modules.get("sim.experiment.outputs")     # not imported: nothing was written
    return list(getattr(outputs, "completed", []))


def _stop(signum, frame):
    if os.getpid() != _owner:       # a forked worker inherited this handler: just end, as by default
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    for s in STOP_SIGNALS:          # let the clean-up finish
        signal.signal(s, signal.SIG_IGN)
    stopped = Stopped(signum, signal.Signals(signum).name)
    request_stop(stopped)
    raise stopped


_previous_hook = sys.unraisablehook
_in_hook = False


def _unraisable(unraisable) -> None:
    """``sys.unraisablehook`` while the stop signals are handled: a :class:`Stopped` dropped
    in a finaliser is sent again as its signal (see the module docstring); anything else goes
    to the hook that was there before."""
    global _in_hook
    _in_hook = True
    stopped = unraisable.exc_value
    if isinstance(stopped, Stopped) and os.getpid() == _owner:
        signal.signal(stopped.signum, _stop)          # _stop set it to be ignored before raising
        threading.Thread(target=_send_again, args=(stopped.signum,), daemon=True).start()
    else:
        _previous_hook(unraisable)
    _in_hook = False          # nothing after this line can run a signal handler inside the hook


def _send_again(signum: int) -> None:
    """Send ``signum`` to the main thread once it has left :func:`_unraisable` (a handler run
    inside the hook would be dropped as well)."""
    while _in_hook:
        time.sleep(HOOK_POLL_SECONDS)
    signal.pthread_kill(threading.main_thread().ident, signum)


@contextlib.contextmanager
def stop_signals_handled():
    """SIGINT, SIGTERM and SIGHUP raise :class:`Stopped` in the main thread within the block
    (those the caller set to be ignored stay ignored: nohup, a background job); the previous
    handlers and ``sys.unraisablehook`` are restored after it."""
    global _owner, _previous_hook
    _owner = os.getpid()
    previous = {s: signal.signal(s, _stop) for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN}
    _previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable
    request_stop(None)
    try:
        yield
    finally:
        request_stop(None)
        sys.unraisablehook = _previous_hook
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> int:
    # first of all, so that a stop signal while the commands load ends the program cleanly too
    with stop_signals_handled():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    written_before = len(completed_outputs())        # by earlier calls in this process
    try:
        args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)
        if args.command in COMPILING:
            from sim.model.warmup import ensure_compiled
            ensure_compiled()
        status = int(args.func(args) or 0)
        stop = stop_requested()
        if stop is not None and status != stop.exit_status:
            raise_if_stopped()         # a stop whose exception the interrupted code swallowed
        return status                  # (with the stop's status, the command has said what it kept)
    except KeyboardInterrupt as e:
        return _stopped(e if isinstance(e, Stopped) else None, written_before)
    except Exception as e:
        if stop_requested() is not None:   # the stop's exception, turned into another by the code it interrupted
            return _stopped(stop_requested(), written_before)
        if isinstance(e, FremskudtError):
            print(f"fremskudt: error: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT
        raise


def _stopped(stopped: Stopped | None, written_before: int) -> int:
    """Say what a stop signal (None: a plain KeyboardInterrupt) left; the shell's status."""
    done = completed_outputs()[written_before:]
    what = (f"the results were already complete in {done[-1]}" if done else "nothing was written")
    print(f"fremskudt: stopped by {stopped.name if stopped else 'SIGINT'}; {what}", file=sys.stderr)
    return stopped.exit_status if stopped else 128 + signal.SIGINT


def run() -> None:
    """The program's entry (``fremskudt`` and ``python -m sim``): :func:`main`, then exit with
    its status.  A command stopped by a signal has cleaned up when :func:`main` returns; if
    the interpreter's own exit then waits on something (a thread or process of a library
    that the signal cut short) for more than :data:`EXIT_SECONDS`, the program says what it
    was waiting for and ends with the stop's status all the same."""
    status = main()
    if status in {128 + s for s in STOP_SIGNALS}:
        _end_within(EXIT_SECONDS, status)
    try:
        leave_the_objects_to_the_system()
    except KeyboardInterrupt:        # Ctrl+C once the work is done: the exit goes on, without a traceback
        pass
    sys.exit(status)


def _end_within(seconds: float, status: int) -> None:
    """End the process with ``status`` in ``seconds`` unless it has ended by then."""
    def end() -> None:
        time.sleep(seconds)
        print(f"fremskudt: the program did not end within {seconds:g} s of stopping; what it was still "
              "waiting for:", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(status)
    threading.Thread(target=end, daemon=True, name="end-after-stop").start()


if __name__ == "__main__":  # pragma: no cover
    run()
