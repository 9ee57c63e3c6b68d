"""The simulation itself: citizens' state, staff and company agents, and the weekly processes."""

from .model import OutreachModel

__all__ = ["OutreachModel"]
