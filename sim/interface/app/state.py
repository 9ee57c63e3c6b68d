"""The state of one participant's page (each browser tab has its own: Solara scopes
reactive variables and tasks to the page's kernel) and the background work.

The only lever state is :data:`requested`, what the participant asked for; everything
shown is derived from it through :func:`design` (one source of truth, see
:mod:`.levers`).  Choosing a scenario clears it.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from pathlib import Path

import solara
from solara.lab import task

from sim.experiment.runner import draw_parameters
from sim.paths import SCENARIO_DIR
from sim.spec.scenario import Scenario, load_scenario

from . import ensemble, steps
from .exercise import programme_cost
from .history import History
from .levers import CURVE_SPACING, LEVERS, curve_levers, design_scenario, shown
from .store import DesignStore

PREFERRED = ("default", "copenhagen-outreach", "central-jobcentre")
PLAY_PAUSE = 0.25                  #: seconds between weeks when playing a history


def parameters() -> str:
    """How the app's ensembles set the behavioural parameters: drawn from the fit, unless
    ``fremskudt app --fixed-parameters`` fixed them."""
    return "fixed" if os.environ.get(ensemble.PARAMETERS_ENV) == "fixed" else "posterior"


def scenario_names(directory: Path = SCENARIO_DIR) -> list[str]:
    """Scenario files in ``scenarios/``, the usual starting points first."""
    names = sorted(p.stem for p in Path(directory).glob("*.yaml"))
    return [n for n in PREFERRED if n in names] + [n for n in names if n not in PREFERRED]


@lru_cache(maxsize=None)
def base_scenario(name: str) -> Scenario:
    """The named scenario as written (full size)."""
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


_store: list[DesignStore] = []
_store_lock = threading.Lock()


def store() -> DesignStore:
    """The server's designs database (opened on first use)."""
    with _store_lock:
        if not _store:
            _store.append(DesignStore())
        return _store[0]


SCENARIOS = scenario_names()
lang = solara.reactive("en")
scenario = solara.reactive(SCENARIOS[0] if SCENARIOS else "")
requested: solara.Reactive[dict] = solara.reactive({})
replications = solara.reactive(ensemble.DEFAULT_REPLICATIONS)
history: solara.Reactive[History | None] = solara.reactive(None)
history_key = solara.reactive(None)
tick = solara.reactive(0)                 # bumped after every week of the history: redraws it
playing = solara.reactive(False)
arm = solara.reactive("design")
team = solara.reactive("")
design_name = solara.reactive("")
notice = solara.reactive("")
refused = solara.reactive(0)              # bumped when a lever value was not taken: rebuilds the widgets
cap = solara.reactive(None)               # the exercise's cap on the programme's cost a year (None: the scenario's own)
explored = solara.reactive("caseload")    # the lever whose curve "what does each step cost and buy?" draws


def base() -> Scenario:
    return base_scenario(scenario.value)


def design() -> Scenario:
    return design_scenario(base(), requested.value)


def request_key() -> tuple:
    return ensemble.request_key(base(), design(), replications.value, base().seed, parameters())


def budget_cap() -> float:
    """The cap on the programme's cost a year: the facilitator's, else the scenario's own cost."""
    return cap.value if cap.value is not None else programme_cost(base())


def choose_scenario(name: str) -> None:
    """Another scenario: its own lever values, a new history, its baseline ensemble, its own cap."""
    playing.value = False
    requested.value = {}
    cap.value = None
    scenario.value = name


def set_lever(key: str, v) -> None:
    """A participant moved a lever.  When the design cannot take the value (open advice
    without days in the estate), the widget is rebuilt so that it shows what runs: a
    widget keeps what it was set to unless its shown value changes."""
    want = LEVERS[key].clean(v)
    requested.value = {**requested.value, key: want}
    if key in CURVE_SPACING:
        explored.value = key                # the lever moved last is the one being explored
    if shown(base(), requested.value)[key] != want:
        refused.value = refused.value + 1


@task
def run_ensemble(baseline: Scenario, planned: Scenario, n: int) -> ensemble.Ensemble:
    """The design against its baseline over ``n`` replications (progress in percent)."""
    run_ensemble.progress = 0.0

    def progress(share: float) -> None:
        run_ensemble.progress = 100.0 * share

    return ensemble.run(baseline, planned, n, workers=ensemble.env_workers(), progress=progress,
                        cancelled=lambda: not run_ensemble.is_current(), parameters=parameters())


def start_ensemble() -> None:
    run_ensemble(base(), design(), replications.value)


def explored_lever() -> str:
    """The lever being explored, if the design lets it act; else the first that can."""
    able = curve_levers(design())
    return explored.value if explored.value in able else able[0]


def curve_key() -> tuple:
    return steps.request_key(explored_lever(), design(), replications.value, base().seed, parameters())


@task
def run_curve(baseline: Scenario, wanted: dict, key: str, n: int) -> steps.Curve:
    """What each step of lever ``key`` costs and buys around the design (progress in percent)."""
    run_curve.progress = 0.0

    def progress(share: float) -> None:
        run_curve.progress = 100.0 * share

    return steps.run(baseline, wanted, key, n, workers=ensemble.env_workers(), progress=progress,
                     cancelled=lambda: not run_curve.is_current(), parameters=parameters())


def start_curve() -> None:
    run_curve(base(), dict(requested.value), explored_lever(), replications.value)


def cancel_curve() -> None:
    """Stop the curve: replications not started are dropped, the last curve stays shown."""
    if run_curve.pending:
        run_curve.cancel()


def new_history() -> History:
    """One possible history of design and baseline, with the behavioural parameters its seed
    draws from the fit (the rule of every replication), unless they are fixed."""
    drawn = ensemble.posterior(parameters())
    params = draw_parameters(drawn, base().seed)[1] if drawn is not None else None
    return History(base(), design(), parameters=params)


def sync_history() -> None:
    """A new history when the design or scenario changed (levers act on it at once)."""
    key = ensemble.request_key(base(), design(), 0, base().seed, parameters())
    if history.value is None or history_key.value != key:
        playing.value = False
        history.value = new_history()
        history_key.value = key
        tick.value += 1


def restart_history() -> None:
    playing.value = False
    history.value = new_history()
    tick.value += 1


def step_history() -> None:
    h = history.value
    if h is not None and not h.finished:
        h.step()
        tick.value += 1


def play_until(h: History | None, keep_going, on_week, pause: float = PLAY_PAUSE) -> int:
    """Step ``h`` until it ends or ``keep_going()`` says stop; returns the weeks stepped."""
    weeks = 0
    while h is not None and not h.finished and keep_going():
        h.step()
        weeks += 1
        on_week()
        time.sleep(pause)
    return weeks


@task
def play() -> None:
    """Step the history until it ends or the participant pauses; then the button shows
    Play again (and is disabled at the horizon)."""
    h = history.value

    def bump() -> None:
        tick.value += 1

    play_until(h, lambda: playing.value and play.is_current() and history.value is h, bump)
    playing.value = False


def toggle_play() -> None:
    playing.value = not playing.value
    if playing.value:
        play()


def prewarm() -> None:
    """Start the warm pool and run the first scenario's baseline, so that the first Run of
    the day finds both ready (in the background; a failure here shows up at that Run)."""
    try:
        workers = ensemble.env_workers()
        if workers > 1:
            ensemble.warm_pool(workers)
        first = base_scenario(SCENARIOS[0])
        ensemble.run(first, first, ensemble.DEFAULT_REPLICATIONS, workers=workers, parameters=parameters())
    except Exception:       # noqa: BLE001 - the page's own Run reports any error to the participant
        pass


if os.environ.get(ensemble.PREWARM_ENV) == "1" and SCENARIOS:
    threading.Thread(target=prewarm, daemon=True, name="prewarm").start()
