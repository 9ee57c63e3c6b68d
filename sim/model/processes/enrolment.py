"""Enrolment (process 8): waiting citizens enter case loads, in the order they joined the
waiting list, while a caseworker has room under ``caseload_cap`` (the least-loaded of the
citizen's area, else of the whole job centre).  A citizen with a clarified job wish starts
in trin 2, the others in trin 1.  The first meeting is booked within the first interval for
the stock at week 0, next week for later referrals."""

from __future__ import annotations

import numpy as np

from .. import caseload, pathway
from ..states import ST
from .base import Process
from .meetings import book_meeting, interval_for


class Enrolment(Process):
    name = "enrolment"

    def step(self, m, week: int) -> None:
        if not m.waiting:
            return
        P = m.pop
        ids = np.asarray(m.waiting, dtype=np.int64)
        ids = ids[P.state[ids] == ST.NOT_ENROLLED]
        ids = ids[np.sort(np.unique(ids, return_index=True)[1])]       # first place in the list counts
        cws = caseload.pick_caseworkers(m, ids, m.org.caseload_cap)
        got = cws >= 0
        m.waiting = ids[~got].tolist()
        ids, cws = ids[got], cws[got]
        if len(ids) == 0:
            return
        caseload.assign(m, ids, cws)
        P.enrolled_week[ids] = np.where(P.enrolled_week[ids] < 0, week, P.enrolled_week[ids])
        wish = P.job_wish[ids]
        pathway.enter_trin2(m, ids[wish])
        pathway.set_state(m, ids[~wish], ST.TRIN1)
        if week == 0:
            first = 1 + (m.draw("meetings", ids) * interval_for(m, ids)).astype(np.int64)
        else:
            first = np.ones(len(ids), dtype=np.int64)
        book_meeting(m, ids, first)
