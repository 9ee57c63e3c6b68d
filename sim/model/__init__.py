"""The simulation itself: citizens' state as arrays, staff and company agents, and the
weekly processes (docs/ODD.md)."""

from . import jit  # noqa: F401  (first: where the compiled code is cached)
from .model import OutreachModel

__all__ = ["OutreachModel"]
