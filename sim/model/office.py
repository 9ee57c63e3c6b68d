"""The office day: when open advice is open, and the open-advice queue in SimPy.

Each caseworker works five days of ``caseworker_hours_per_week / 5`` hours, starting at
08:00.  Booked meetings are held in the morning; on an office's open-advice days the office
is open for ``open_advice_hours`` at the end of the day.  Visitors arrive at random times
while it is open; staff of that office present that day serve the first waiting visitor
when free, each from when the office opens or their meetings end, whichever is later.  A
visitor who has waited longer than ``walkin_patience_minutes``, or is still waiting at
closing time, leaves unserved; a caseworker stops when the day's contact minutes are
spent.

:func:`serve_simpy` is that queue written as a SimPy model: the readable reference.  The
model runs the same rules compiled (:func:`sim.model.kernels.open_advice`, about 200 times
faster: 0.26 against 52 µs of CPU for an office-day of 5-25 visitors); the tests check on
random days that the two give identical results, and
``OutreachModel(..., office_engine="simpy")`` runs whole simulations on the reference.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import simpy

from . import kernels

WORKDAY_START = 8 * 60        #: minutes after midnight


def serve_simpy(arrival, close, ready, used, budget, service, patience):
    """One office-day's queue in SimPy.  Times are minutes from the start of the workday.

    ``arrival`` (sorted) are the visitors; ``ready[s]``, ``used[s]``, ``budget[s]`` describe
    staff member ``s``.  Returns (served per visitor, minutes served per staff member)."""
    env = simpy.Environment()
    queue = deque(range(len(arrival)))
    served = np.zeros(len(arrival), dtype=bool)
    minutes = np.zeros(len(ready))

    def staff(s):
        yield env.timeout(max(0.0, ready[s]) - env.now)
        while queue and env.now < close and used[s] + minutes[s] + service <= budget[s]:
            v = queue[0]
            if arrival[v] > env.now:
                yield env.timeout(min(arrival[v], close) - env.now)     # wait at the door for the next visitor
                continue
            queue.popleft()
            if env.now - arrival[v] > patience:
                continue                                              # gave up waiting
            yield env.timeout(service)
            minutes[s] += service
            served[v] = True

    for s in range(len(ready)):
        env.process(staff(s))
    env.run()
    return served, minutes


def serve(arrival, visit_start, close, ready, used, budget, server_start, service: float, patience: float,
          engine: str = "compiled"):
    """Serve several office-days at once.  Office-day ``d`` has the visitors
    ``visit_start[d]:visit_start[d+1]`` (sorted by arrival within the day) and the staff
    members ``server_start[d]:server_start[d+1]``.  Returns (served per visitor, minutes
    served per staff member)."""
    if engine == "compiled":
        return kernels.open_advice(arrival, visit_start, close, ready, used, budget, server_start,
                                   float(service), float(patience))
    served = np.zeros(len(arrival), dtype=bool)
    minutes = np.zeros(len(ready))
    for d in range(len(visit_start) - 1):
        v, s = slice(visit_start[d], visit_start[d + 1]), slice(server_start[d], server_start[d + 1])
        if v.stop > v.start and s.stop > s.start:
            served[v], minutes[s] = serve_simpy(arrival[v], close[d], ready[s], used[s], budget[s], service, patience)
    return served, minutes
