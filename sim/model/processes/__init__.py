"""The model's processes, in the order the week runs them (docs/ODD.md §1.3)."""

from .base import Process
from .courses import CourseEnds
from .discretionary import DiscretionaryTime
from .drift import BarrierDrift
from .enrolment import Enrolment
from .exits import Exits
from .intake import Intake
from .matching import Matching
from .meetings import Meetings
from .mentoring import Mentoring
from .open_advice import OpenAdvice
from .problems import Problems
from .record import Record
from .trin3 import PlacementsAndHours
from .turnover import StaffTurnover
from .unsolved import UnsolvedProblems

#: one week, in order
PROCESSES: tuple[type[Process], ...] = (StaffTurnover, Exits, CourseEnds, PlacementsAndHours, BarrierDrift, Problems,
                                        Intake, Enrolment, Meetings, OpenAdvice, DiscretionaryTime, UnsolvedProblems,
                                        Mentoring, Matching, Record)

__all__ = ["PROCESSES", "Process", *(p.__name__ for p in PROCESSES)]
