"""Course ends (process 3): guidance and upskilling courses (vejledning og opkvalificering)
end after ``course_weeks``; each week of a course adds ``trin1_progress_per_course_week``
of job-plan progress (a course ordered at a meeting, process 9; cut short if the citizen
leaves trin 1-2)."""

from __future__ import annotations

from numba import njit

from ..declare import transition
from ..transitions import end_course
from .base import WEEK, Process


@transition(reads=("in_course", "course_end"), calls=(end_course,))
@njit(cache=True)
def course_ends(C, T, week, keys):  # pragma: no cover - compiled
    for i in range(C.in_course.shape[0]):
        if C.in_course[i] and C.course_end[i] == week:
            end_course(C, i, week, T, keys)


class CourseEnds(Process):
    name = "course ends"
    calls = (course_ends,)

    def plan(self, m):
        return ((course_ends, (m.T, WEEK, m.keys)),)
