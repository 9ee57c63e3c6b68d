"""User-facing errors, one place for every layer.

Each error's ``str()`` is a complete message for the person at the keyboard; the command
line prints it after ``fremskudt: error:`` and exits with status 2 (no traceback).  Every
layer may import this module; it imports nothing from the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class FremskudtError(Exception):
    """Base of the errors a user can cause and fix (bad input, not a bug)."""


class ScenarioError(FremskudtError):
    """A scenario file is unreadable or invalid. ``str(err)`` names the file, the key
    path, the bad value and what is allowed."""

    def __init__(self, file: str | Path | None, key: str, value: Any, allowed: str):
        self.file, self.key, self.value, self.allowed = (str(file) if file else "<scenario>"), key, value, allowed
        super().__init__(f"{self.file}: {key or '(top level)'}: bad value {value!r}; {allowed}")


class CalibrationError(ScenarioError):
    """A targets or priors file is invalid (same message shape as :class:`ScenarioError`)."""


class PricesError(ScenarioError):
    """A prices file is unreadable or invalid (same message shape as :class:`ScenarioError`)."""


class UsageError(FremskudtError):
    """A command-line input error: a bad option value or combination."""


class RunError(FremskudtError):
    """A problem with a run's inputs found while preparing it (posterior file, scheduler)."""


class OutputExists(FremskudtError):
    """The output folder exists and may not be replaced."""
