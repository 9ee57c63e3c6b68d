"""User-facing errors, one place for every layer.

Each error's ``str()`` is a complete message for the person at the keyboard; the command
line prints it after ``fremskudt: error:`` and exits with status 2 (no traceback).  Every
layer may import this module; it imports nothing from the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Longest rendering of a bad value in a message; longer values are cut with "…" so that
#: a huge or hostile value (a megabyte of text, a deeply nested list) cannot flood the screen.
VALUE_CHARS = 80


def shown(value: Any, limit: int = VALUE_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters (a value in an error message)."""
    if isinstance(value, (dict, list, tuple, set)) and len(value) > 20:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = repr(value)
    except RecursionError:
        return f"<deeply nested {type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path: str | Path, limit: int = 200) -> str:
    """A file or folder name for a message: as typed when printable, escaped and cut otherwise."""
    text = str(path)
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FremskudtError(Exception):
    """Base of the errors a user can cause and fix (bad input, not a bug)."""


class InputError(FremskudtError):
    """A file the program reads is unreadable or invalid (:mod:`sim.spec.reading`).
    ``str(err)`` names the file, the key path (or a table's column and row), the bad value
    and what is allowed, on one line: what is allowed may quote a library's message, whose
    line breaks (pandas: "Expected 7 fields in line 5, saw 8\n") become spaces."""

    def __init__(self, file: str | Path | None, key: str, value: Any, allowed: str):
        allowed = " ".join(str(allowed).split())
        self.file, self.key, self.value, self.allowed = (str(file) if file else "<input>"), key, value, allowed
        where = shown_path(key, 120) or "(top level)"
        super().__init__(f"{shown_path(self.file)}: {where}: bad value {shown(value)}; {allowed}")


class ScenarioError(InputError):
    """A scenario file is unreadable or invalid (same message shape as :class:`InputError`)."""

    def __init__(self, file: str | Path | None, key: str, value: Any, allowed: str):
        super().__init__(file or "<scenario>", key, value, allowed)


class CalibrationError(ScenarioError):
    """A targets or priors file is invalid (same message shape as :class:`ScenarioError`)."""


class PricesError(ScenarioError):
    """A prices file is unreadable or invalid (same message shape as :class:`ScenarioError`)."""


class UsageError(FremskudtError):
    """A command-line input error: a bad option value or combination."""


class ScaleError(UsageError, ValueError):
    """A scenario cannot be run at the population asked for (``--population``, a population
    cap): the staff would not keep their capacity per citizen."""


class RunError(FremskudtError):
    """A problem with a run's inputs found while preparing it (posterior file, scheduler)."""


class OutputExists(FremskudtError):
    """The output folder exists and may not be replaced."""


class Stopped(KeyboardInterrupt):
    """The program was asked to stop by a signal (SIGINT, SIGTERM or SIGHUP).

    A subclass of :class:`KeyboardInterrupt`, so that every clean-up written for Ctrl+C
    runs for the other stop signals too; ``exit_status`` is the shell's ``128 + signal``."""

    def __init__(self, signum: int, name: str):
        self.signum, self.name = signum, name
        super().__init__(name)

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


#: the stop signal received by this process, if any (set by the command line's handler; see
#: :mod:`sim.interface.cli`): code that Python runs from C, such as matplotlib's drawing or a
#: finaliser, can swallow the :class:`Stopped` raised there or turn it into another error, so
#: the request is also kept here, where the program checks it before writing its results
_stop_requested: list[Stopped] = []


def request_stop(stopped: Stopped | None) -> None:
    """Record a stop signal (``None`` forgets it, at the start and end of a command)."""
    _stop_requested[:] = [] if stopped is None else [stopped]


def stop_requested() -> Stopped | None:
    """The stop signal this process received, if any."""
    return _stop_requested[0] if _stop_requested else None


def raise_if_stopped() -> None:
    """Raise the recorded stop signal again, if there is one."""
    if _stop_requested:
        s = _stop_requested[0]
        raise Stopped(s.signum, s.name)
