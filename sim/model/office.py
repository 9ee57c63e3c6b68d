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

from numba import njit

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
        return serve_queue(arrival, visit_start, close, ready, used, budget, server_start, float(service), float(patience))
    served = np.zeros(len(arrival), dtype=bool)
    minutes = np.zeros(len(ready))
    for d in range(len(visit_start) - 1):
        v, s = slice(visit_start[d], visit_start[d + 1]), slice(server_start[d], server_start[d + 1])
        if v.stop > v.start and s.stop > s.start:
            served[v], minutes[s] = serve_simpy(arrival[v], close[d], ready[s], used[s], budget[s], service, patience)
    return served, minutes


@njit(cache=True)
def serve_queue(arrival, visit_start, close, ready, used, budget, server_start, service, patience):  # pragma: no cover
    """Serve the open-advice queues of several office-days.

    Office-day ``d`` has visits ``visit_start[d]:visit_start[d+1]`` (sorted by arrival,
    minutes from the start of the workday), closes at ``close[d]``, and is staffed by
    servers ``server_start[d]:server_start[d+1]``, each ready at ``ready[s]`` with
    ``used[s]`` of its ``budget[s]`` contact minutes spent.  A free server takes the first
    waiting visitor; a visitor who waited longer than ``patience`` leaves; a server stops
    at closing time or when another visit would exceed its minutes.  Events at the same
    time are taken in the order they were scheduled, as in SimPy.
    Returns (served per visit, minutes served per server)."""
    served = np.zeros(arrival.shape[0], dtype=np.bool_)
    minutes = np.zeros(ready.shape[0])
    for d in range(visit_start.shape[0] - 1):
        v0, v1 = visit_start[d], visit_start[d + 1]
        s0, s1 = server_start[d], server_start[d + 1]
        if v1 == v0 or s1 == s0:
            continue
        k = s1 - s0
        time = np.empty(k)
        order = np.empty(k, dtype=np.int64)
        serving = np.full(k, -1, dtype=np.int64)
        alive = np.ones(k, dtype=np.bool_)
        for j in range(k):
            time[j] = max(0.0, ready[s0 + j])
            order[j] = j
        counter = k
        head = v0
        while True:
            j = -1
            for i in range(k):
                if alive[i] and (j < 0 or time[i] < time[j] or (time[i] == time[j] and order[i] < order[j])):
                    j = i
            if j < 0:
                break
            now = time[j]
            s = s0 + j
            if serving[j] >= 0:
                minutes[s] += service
                served[serving[j]] = True
                serving[j] = -1
            while True:
                if head >= v1 or now >= close[d] or used[s] + minutes[s] + service > budget[s]:
                    alive[j] = False
                    break
                if arrival[head] > now:
                    time[j] = min(arrival[head], close[d])
                    order[j] = counter
                    counter += 1
                    break
                v = head
                head += 1
                if now - arrival[v] > patience:
                    continue
                serving[j] = v
                time[j] = now + service
                order[j] = counter
                counter += 1
                break
    return served, minutes
