"""The page: a header (scenario by its plain title, language), the Run button and the
levers on the left, and the results, what each step of a lever costs and buys, one
possible history, the team scoreboard and the Info panel on the right, results first.

Choosing a scenario runs its baseline ensemble at once (cached for every participant), so
the first screen always holds results; a lever change restarts the history at once and
marks the results as not yet run until *Run* is pressed.
"""

from __future__ import annotations

from importlib import resources

import solara

from sim.interface.i18n import LANGUAGES, text

from . import state
from .controls import Sidebar
from .ensemble import settings_key
from .tabs import CurveTab, HistoryTab, InfoTab, ResultsTab, Status, TeamTab
from .views import scenario_items

LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}


def css() -> str:
    return resources.files(__package__).joinpath("templates/app.css").read_text(encoding="utf-8")


@solara.component
def Header():
    lang = state.lang.value
    with solara.Row(gap="16px", justify="space-between", classes=["workshop-header"]):
        solara.Text(text("app.title", lang), classes=["workshop-title"])
        with solara.Row(gap="16px", classes=["workshop-header-controls"]):
            solara.v.Select(label=text("app.scenario", lang), items=scenario_items(state.SCENARIOS, lang),
                            v_model=state.scenario.value, on_v_model=state.choose_scenario, dense=True,
                            hide_details=True, class_="workshop-scenario")
            solara.ToggleButtonsSingle(value=lang, on_value=state.lang.set,
                                       children=[solara.Button(LANGUAGE_NAMES[k], value=k, text=True)
                                                 for k in LANGUAGES], classes=["workshop-lang"])


@solara.component
def Layout(children=[]):
    """No app bar or navigation around the page: it has its own header."""
    solara.Column(children=children, gap="0px", style={"padding": "0"})


@solara.component
def Page():
    lang = state.lang.value
    name = state.scenario.value
    design_key = settings_key(state.design())
    solara.use_effect(state.start_ensemble, [name])
    solara.use_effect(state.sync_history, [name, design_key])
    solara.Title(text("app.title", lang))
    solara.Style(css())
    with solara.Column(gap="0px", classes=["workshop-page"]):
        Header()
        with solara.Row(gap="0px", classes=["workshop-body"]):
            Sidebar()
            with solara.Column(gap="0px", classes=["workshop-main"]):
                Status()
                with solara.lab.Tabs(lazy=True):
                    with solara.lab.Tab(text("app.tab.results", lang), classes=["workshop-tab-results"]):
                        ResultsTab()
                    with solara.lab.Tab(text("app.tab.curve", lang), classes=["workshop-tab-curve"]):
                        CurveTab()
                    with solara.lab.Tab(text("app.tab.history", lang), classes=["workshop-tab-history"]):
                        HistoryTab()
                    with solara.lab.Tab(text("app.tab.team", lang), classes=["workshop-tab-team"]):
                        TeamTab()
                    with solara.lab.Tab(text("app.tab.info", lang), classes=["workshop-tab-info"]):
                        InfoTab()
