"""Who holds which case: assigning citizens to caseworkers, closing cases, and changes
of caseworker (used by enrolment and staff turnover).

A referral goes to the least-loaded active caseworker of the citizen's area with room
under ``caseload_cap``, else to the least-loaded in the whole job centre (ties: the
caseworker hired first); the compiled loop is :func:`sim.model.kernels.least_loaded`.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .tally import Tally


def pick_caseworkers(m, ids: np.ndarray, cap: int | None) -> np.ndarray:
    """Caseworker index for each citizen in ``ids`` in order (-1: no room), counting each
    pick against the case loads as it goes (the loads themselves are not changed)."""
    cw = m.cw
    loads = cw.caseload.copy()
    return kernels.least_loaded(m.pop.area[ids].astype(np.int64), loads, cw.office.astype(np.int64),
                                cw.active, -1 if cap is None else int(cap))


def belief(m, ids: np.ndarray, cws: np.ndarray) -> np.ndarray:
    """The caseworker's belief that the citizen will get a job: by the A-G category on the
    citizen's latest form, shifted by the caseworker's optimism and, in a team, by the
    team's shared belief."""
    base = np.asarray(m.b.belief_by_category)[m.pop.rated[ids]]
    boost = m.b.belief_team_boost if m.org.team_structure == "team" else 0.0
    return np.clip(base + m.cw.optimism[cws] + boost, 0.0, 1.0)


def assign(m, ids: np.ndarray, cws: np.ndarray) -> None:
    """Put each citizen into the case load of the matching caseworker."""
    P = m.pop
    P.caseworker[ids] = cws
    np.add.at(m.cw.caseload, cws, 1)
    P.belief[ids] = belief(m, ids, cws)


def release(m, ids: np.ndarray) -> None:
    """Close the cases: no caseworker, mentor, group, consultant queue or booked meeting."""
    if len(ids) == 0:
        return
    P = m.pop
    cws = P.caseworker[ids]
    np.subtract.at(m.cw.caseload, cws[cws >= 0], 1)
    P.caseworker[ids] = -1
    if m.n_mentors:
        mentors = P.mentor[ids]
        np.subtract.at(m.mentor_table.mentees, mentors[mentors >= 0], 1)
        P.mentor[ids] = -1
        P.mentor_queue[ids] = -1
        P.in_group[ids] = False
    P.consultant[ids] = -1
    P.queue_ticket[ids] = -1
    P.next_meeting[ids] = -1


def change_caseworker(m, ids: np.ndarray, new: np.ndarray) -> None:
    """A change of caseworker: trust falls, and for ``caseworker_change_weeks`` the job
    chance and progress are lower (jobgaranti-midway-2019: about 22 % lower)."""
    P, b = m.pop, m.b
    old = P.caseworker[ids]
    has = old >= 0
    np.subtract.at(m.cw.caseload, old[has], 1)
    assign(m, ids, new)
    P.caseworker_changes[ids] += 1
    P.change_penalty_until[ids] = m.week + b.caseworker_change_weeks
    P.trust[ids] = np.maximum(0.0, P.trust[ids] - b.trust_drop_change)
    m.tally[Tally.CASEWORKER_CHANGES] += len(ids)
