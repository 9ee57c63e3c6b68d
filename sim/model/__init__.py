"""The simulation itself: citizens' state as arrays, staff and company agents, and the
weekly processes (docs/ODD.md)."""

from .model import OutreachModel

__all__ = ["OutreachModel"]
