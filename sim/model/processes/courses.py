"""Course ends (process 3): guidance and upskilling courses (vejledning og opkvalificering)
end after ``course_weeks``; each week of a course adds ``trin1_progress_per_course_week``
of job-plan progress (a course ordered at a meeting, process 9; cut short if the citizen
leaves trin 1-2)."""

from __future__ import annotations

import numpy as np

from .. import pathway
from .base import Process


class CourseEnds(Process):
    name = "course ends"

    def step(self, m, week: int) -> None:
        P = m.pop
        pathway.end_course(m, np.flatnonzero(P.in_course & (P.course_end == week)))
