"""The few loops that are truly sequential, compiled with numba.

Each is a small function over arrays with no randomness of its own (uniforms are drawn
beforehand from the model's named streams), so the compiled code changes speed, not
results.  They are:

* :func:`least_loaded` — referrals into case loads, one at a time (each pick changes the
  loads the next one sees);
* :func:`meeting_day` — a caseworker's day of booked meetings within the day's contact
  minutes (a meeting that no longer fits is postponed);
* :func:`open_advice` — the open-advice queues, a multi-server first-come-first-served
  queue with patience and staff minutes; its readable reference is the SimPy model in
  :mod:`sim.model.office`, and the tests check that both give the same result;
* :func:`match_attempts` — company consultants' negotiations, one at a time (a company's
  free places and willingness change as attempts succeed or fail).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: outcome of a booked meeting
HELD, CANCELLED, NO_SHOW = 0, 1, 2


@njit(cache=True)
def least_loaded(areas, loads, office, active, cap):  # pragma: no cover - compiled
    """For each citizen in order: the active caseworker of its area with the smallest load
    under ``cap`` (ties: lowest index), else the same over all caseworkers; -1 if none.
    ``loads`` is updated as picks are made; ``cap < 0`` means no cap."""
    n_cw = loads.shape[0]
    out = np.full(areas.shape[0], -1, dtype=np.int64)
    for i in range(areas.shape[0]):
        best = -1
        a = areas[i]
        if a >= 0:
            for j in range(n_cw):
                if active[j] and office[j] == a and (cap < 0 or loads[j] < cap):
                    if best < 0 or loads[j] < loads[best]:
                        best = j
        if best < 0:
            for j in range(n_cw):
                if active[j] and (cap < 0 or loads[j] < cap):
                    if best < 0 or loads[j] < loads[best]:
                        best = j
        if best >= 0:
            loads[best] += 1
            out[i] = best
    return out


@njit(cache=True)
def meeting_day(group_start, budget, standard, outcome, min_minutes):  # pragma: no cover - compiled
    """Hold each caseworker-day's meetings in order.  Group ``g`` is
    ``group_start[g]:group_start[g+1]`` with ``budget[g]`` contact minutes.  Each meeting
    gets ``min(standard, max(min_minutes, budget / meetings))`` minutes; one that no longer
    fits is postponed.  A cancellation costs nothing, a no-show half the length (waiting).
    Returns (length, postponed, used minutes per group)."""
    n = standard.shape[0]
    length = np.zeros(n)
    postponed = np.zeros(n, dtype=np.bool_)
    used_by_group = np.zeros(group_start.shape[0] - 1)
    for g in range(group_start.shape[0] - 1):
        s, e = group_start[g], group_start[g + 1]
        share = max(min_minutes, budget[g] / (e - s))
        used = 0.0
        for i in range(s, e):
            ln = min(standard[i], share)
            length[i] = ln
            if used + ln > budget[g] + 1e-9:
                postponed[i] = True
                continue
            if outcome[i] == HELD:
                used += ln
            elif outcome[i] == NO_SHOW:
                used += ln / 2.0
        used_by_group[g] = used
    return length, postponed, used_by_group


@njit(cache=True)
def open_advice(arrival, visit_start, close, ready, used, budget, server_start, service, patience):  # pragma: no cover
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


@njit(cache=True)
def match_attempts(p_match, u, net_of, orientation, wage_subsidy_ok, members, net_start, net_len,
                   slots, placed, hours_w, intern_w, refusals, is_housing, housing_hours, hours_boost,
                   culture_shift, drop_refusing, promise_factor, wage_subsidy_share):  # pragma: no cover
    """One negotiation per attempt, in order (trin 2).

    Attempt ``a`` finds an interested company with ``p_match[a]`` and picks one at random
    from network ``net_of[a]``; a full company ends the attempt.  With probability
    ``orientation[a]`` the consultant insists on ordinary hours: the company agrees with
    its willingness (+ ``hours_boost``), or refuses, grows more willing by
    ``culture_shift`` and may be dropped from the network.  Otherwise the company may take
    an unpaid intern, with an agreement on hours 'på sigt' with its willingness times
    ``promise_factor``; long-term recipients may get wage subsidy instead.  The housing
    organisation offers unpaid placements in estate operations.  Uniforms ``u[a, 0:7]``.
    Returns (kind per attempt: 0 none or a Placement code, company, promised, dropped)."""
    n = p_match.shape[0]
    kind = np.zeros(n, dtype=np.int8)
    company = np.full(n, -1, dtype=np.int64)
    promised = np.zeros(n, dtype=np.bool_)
    dropped = 0
    for a in range(n):
        k = net_of[a]
        m = net_len[k]
        if m == 0 or u[a, 0] >= min(1.0, p_match[a]):
            continue
        pos = int(u[a, 1] * m)
        c = members[net_start[k] + pos]
        if placed[c] >= slots[c]:
            continue
        willing = housing_hours if is_housing[c] else hours_w[c] + hours_boost
        if u[a, 2] < orientation[a] and not is_housing[c]:
            if u[a, 3] < willing:
                kind[a], company[a], promised[a] = 3, c, True
                placed[c] += 1
                continue
            refusals[c] += 1
            hours_w[c] = min(1.0, hours_w[c] + culture_shift)
            if drop_refusing:
                for q in range(pos, m - 1):
                    members[net_start[k] + q] = members[net_start[k] + q + 1]
                net_len[k] = m - 1
                dropped += 1
            continue
        if u[a, 4] >= intern_w[c]:
            continue
        promised[a] = u[a, 5] < willing * promise_factor
        if is_housing[c]:
            kind[a] = 4
        elif wage_subsidy_ok[a] and u[a, 6] < wage_subsidy_share:
            kind[a] = 2
        else:
            kind[a] = 1
        company[a] = c
        placed[c] += 1
    return kind, company, promised, dropped


# ------------------------------------------------------------------ barriers (sim.model.barriers)
@njit(cache=True)
def _factors_row(r, f):  # pragma: no cover - compiled
    f[0] = min(r[0], r[1])
    f[1] = r[2]
    f[2] = r[3]
    f[3] = r[4]
    f[4] = min(r[5], r[6])


@njit(cache=True)
def _binding(r, factor):  # pragma: no cover - compiled
    if factor == 0:
        return 0 if r[0] <= r[1] else 1
    if factor == 4:
        return 5 if r[5] <= r[6] else 6
    return factor + 1


@njit(cache=True)
def summarise(ratings, ids, category, health, low_factors):  # pragma: no cover - compiled
    """Category code, health factor and number of factors rated 1-2 of each citizen in ids
    (the rules in sim.model.barriers); written into the three arrays."""
    f = np.empty(5, dtype=np.int64)
    for i in ids:
        _factors_row(ratings[i], f)
        low = 0
        threes = 0
        for k in range(5):
            if f[k] <= 2:
                low += 1
            elif f[k] == 3:
                threes += 1
        if f[4] == 1 or f[3] == 1:
            cat = 6
        elif low == 0:
            cat = 0 if threes == 0 else (1 if threes <= 2 else 2)
        elif low == 1:
            cat = 3
        elif low <= 3:
            cat = 4
        else:
            cat = 5
        category[i] = cat
        health[i] = f[4]
        low_factors[i] = low


@njit(cache=True)
def improve(ratings, ids, u):  # pragma: no cover - compiled
    """Raise the sub-rating behind each citizen's weakest factor by one (ties between
    factors broken by u).  Returns a mask of the citizens whose ratings changed."""
    f = np.empty(5, dtype=np.int64)
    changed = np.zeros(ids.shape[0], dtype=np.bool_)
    for j in range(ids.shape[0]):
        r = ratings[ids[j]]
        _factors_row(r, f)
        lo = f.min()
        if lo >= 5:
            continue
        n = 0
        for k in range(5):
            if f[k] == lo:
                n += 1
        pick = int(u[j] * n)
        for k in range(5):
            if f[k] == lo:
                if pick == 0:
                    r[_binding(r, k)] += 1
                    changed[j] = True
                    break
                pick -= 1
    return changed


@njit(cache=True)
def deteriorate(ratings, ids, factor):  # pragma: no cover - compiled
    """Lower each citizen's given factor by one step (not below 1).  Returns a mask of the
    citizens whose ratings changed."""
    changed = np.zeros(ids.shape[0], dtype=np.bool_)
    for j in range(ids.shape[0]):
        r = ratings[ids[j]]
        s = _binding(r, factor[j])
        if r[s] > 1:
            r[s] -= 1
            changed[j] = True
    return changed


# ------------------------------------------------------------------ the pace of progress (sim.model.pathway)
@njit(cache=True)
def progress_multiplier(ids, motivation, belief, heavy, health, penalty_until, week, belief_effect, table):  # pragma: no cover
    """(0.5 + motivation) × (1 + belief_effect × (belief − 0.5)) × table[heavy + 2·(health rated 1)
    + 4·(recent change of caseworker)] for each citizen in ids (see pathway.progress_multiplier)."""
    out = np.empty(ids.shape[0])
    for j in range(ids.shape[0]):
        i = ids[j]
        k = (1 if heavy[i] else 0) + (2 if health[i] == 1 else 0) + (4 if week < penalty_until[i] else 0)
        out[j] = (0.5 + motivation[i]) * (1.0 + belief_effect * (belief[i] - 0.5)) * table[k]
    return out


# ------------------------------------------------------------------ the week's record (sim.model.processes.record)
@njit(cache=True)
def record_week(state, hours, placement, in_course, in_group, mentor, smajob_hours, hours_per_week_of_month,
                benefit_weeks, self_sufficient_weeks, paid_hours, paid_hours_on_benefit, internship_weeks,
                wage_subsidy_weeks, housing_weeks, course_weeks, mentor_weeks, group_weeks, counts, totals,
                hist, bin_hours):  # pragma: no cover
    """Add this week to each citizen's totals; count citizens by state (``counts``) and fill
    ``totals`` = [on benefit, in a course, in a group, sum of paid hours, with paid hours,
    with a småjob, sum of paid hours on benefit, with paid hours on benefit]; ``hist``
    counts the citizens with paid hours by hours a month in bins of ``bin_hours`` (the
    last bin holds the rest)."""
    for i in range(state.shape[0]):
        s = state[i]
        counts[s] += 1
        on = s <= 3
        h = hours[i]
        worked = h * hours_per_week_of_month
        paid_hours[i] += worked
        if on:
            benefit_weeks[i] += 1.0
            paid_hours_on_benefit[i] += worked
            totals[0] += 1.0
        elif s == 4:
            self_sufficient_weeks[i] += 1.0
        p = placement[i]
        if p == 1:
            internship_weeks[i] += 1.0
        elif p == 2:
            wage_subsidy_weeks[i] += 1.0
        elif p == 4:
            housing_weeks[i] += 1.0
        if in_course[i]:
            course_weeks[i] += 1.0
            totals[1] += 1.0
        if in_group[i]:
            group_weeks[i] += 1.0
            totals[2] += 1.0
        if mentor[i] >= 0:
            mentor_weeks[i] += 1.0
        if h > 0:
            totals[3] += h
            totals[4] += 1.0
            if h >= smajob_hours:
                totals[5] += 1.0
            if on:
                totals[6] += h
                totals[7] += 1.0
            hist[min(int(h / bin_hours), hist.shape[0] - 1)] += 1


@njit(cache=True)
def add_progress(ids, amount, state, plan_progress, motivation, belief, heavy, health, penalty_until, week,
                 belief_effect, table):  # pragma: no cover - compiled
    """Trin-1 job-plan progress: ``amount[j]`` times the progress multiplier for each
    citizen in trin 1 (state 1).  Returns a mask of those who reached 1.0 (wish clarified)."""
    done = np.zeros(ids.shape[0], dtype=np.bool_)
    scalar = amount.shape[0] == 1
    for j in range(ids.shape[0]):
        i = ids[j]
        if state[i] != 1:
            continue
        k = (1 if heavy[i] else 0) + (2 if health[i] == 1 else 0) + (4 if week < penalty_until[i] else 0)
        x = (0.5 + motivation[i]) * (1.0 + belief_effect * (belief[i] - 0.5)) * table[k]
        plan_progress[i] += (amount[0] if scalar else amount[j]) * x
        done[j] = plan_progress[i] >= 1.0
    return done


# ------------------------------------------------------------------ the consultants' queues (processes/matching.py)
@njit(cache=True)
def consultant_rounds(state, ticket, consultant, ready_week, attempts_per_week, week):  # pragma: no cover - compiled
    """Each consultant's round of its trin-2 queue, in queue order: citizens it can act on
    are tried until the week's attempts are used up; citizens it reaches but cannot act on
    yet are passed over.  Returns (the citizens tried, in consultant then queue order; a
    mask over them; every citizen reached, in the same order)."""
    n = state.shape[0]
    idx = np.empty(n, dtype=np.int64)
    q = 0
    for i in range(n):
        if state[i] == 2 and ticket[i] >= 0:
            idx[q] = i
            q += 1
    idx = idx[:q]
    key = np.empty(q, dtype=np.int64)
    for a in range(q):
        key[a] = consultant[idx[a]] * 1099511627776 + ticket[idx[a]]      # consultant first, then place in queue
    idx = idx[np.argsort(key)]
    tried = np.empty(q, dtype=np.int64)
    reached = np.empty(q, dtype=np.int64)
    nt = 0
    nr = 0
    left = attempts_per_week.copy()
    for i in idx:
        j = consultant[i]
        if left[j] <= 0:
            continue                       # this consultant's week is over
        reached[nr] = i
        nr += 1
        if week >= ready_week[i]:
            tried[nt] = i
            nt += 1
            left[j] -= 1
    return tried[:nt], reached[:nr]
