"""The three views of the main area: the results (first), one possible history (the
mechanics, with the view of the agents), and the team scoreboard."""

from __future__ import annotations

import base64

import solara

from sim.interface.i18n import text

from . import plots, scoreboard, state, views
from .ensemble import DESIGN
from .store import StoreError


def data_url(fig) -> str:
    return "data:image/png;base64," + base64.b64encode(plots.png(fig)).decode("ascii")


def _image(src: str, classes: list[str]) -> None:
    solara.HTML(tag="img", attributes={"src": src, "alt": ""}, classes=["workshop-figure", *classes])


@solara.component
def Status():
    lang = state.lang.value
    task = state.run_ensemble
    kind, sentence = views.status(task.latest, state.request_key(), task.pending, task.progress or 0.0, lang)
    with solara.Column(gap="2px", classes=["workshop-status", f"workshop-status-{kind}"]):
        solara.Text(sentence)
        if task.pending:
            solara.ProgressLinear(task.progress or True)
        if task.error:
            solara.Text(text("app.status.error", lang, error=str(task.exception)), classes=["workshop-error"])


@solara.component
def DifferencesChart(ens, lang: str):
    src = solara.use_memo(lambda: data_url(plots.differences(ens.comparison, [ens.baseline.name, DESIGN], lang)),
                          [id(ens), lang])
    _image(src, ["workshop-differences"])


@solara.component
def ResultsTab():
    lang = state.lang.value
    ens = state.run_ensemble.latest
    if ens is None or ens.baseline.name != state.scenario.value:
        return
    with solara.Column(gap="8px", classes=["workshop-results-view"]):
        with solara.Column(gap="2px", classes=["workshop-answer"]):
            for s in views.sentences(ens, lang):
                solara.Text(s, classes=["workshop-sentence"])
        with solara.Div(classes=["workshop-results-row"] + (["workshop-levels-only"] if views.identical(ens) else [])):
            solara.HTML(tag="div", unsafe_innerHTML=views.results_table(ens, lang), classes=["workshop-results-table"])
            if views.identical(ens):
                solara.Text(text("app.results.no_chart", lang), classes=["workshop-note", "workshop-no-chart"])
            else:
                DifferencesChart(ens, lang)
        solara.Text(views.facts(ens, lang), classes=["workshop-small"])


@solara.component
def HistoryTab():
    lang = state.lang.value
    state.tick.value                                   # redraw after every week
    h = state.history.value
    if h is None:
        return
    arm = state.arm.value
    with h.lock:
        office, states = data_url(plots.office(h, arm, lang)), data_url(plots.states(h, lang))
        visits = h.last[arm].visits
    with solara.Column(gap="8px", classes=["workshop-history"]):
        solara.Text(text("app.history.one", lang, seed=h.seed), classes=["workshop-note"])
        with solara.Row(gap="8px", classes=["workshop-history-controls"]):
            solara.Text(text("app.history.week", lang, week=h.week, horizon=h.horizon), classes=["workshop-week"])
            solara.Button(text("app.history.step", lang), on_click=state.step_history,
                          disabled=h.finished or state.playing.value)
            solara.Button(text("app.history.pause" if state.playing.value else "app.history.play", lang),
                          on_click=state.toggle_play, disabled=h.finished)
            solara.Button(text("app.history.restart", lang), on_click=state.restart_history, text=True)
            solara.ToggleButtonsSingle(value=arm, on_value=state.arm.set,
                                       children=[solara.Button(text("app.design", lang), value="design"),
                                                 solara.Button(text("app.baseline", lang), value="baseline")])
        solara.Text(text("app.history.visits", lang, **visits), classes=["workshop-small"])
        _image(office, ["workshop-office"])
        _image(states, ["workshop-states"])


def _save(lang: str) -> None:
    ens = state.run_ensemble.latest
    if ens is None or ens.key != state.request_key():
        state.notice.value = text("app.team.need_results", lang)
        return
    try:
        d = state.store().save(scoreboard.saved_design(ens, state.team.value, state.design_name.value))
    except StoreError as e:
        state.notice.value = str(e)
        return
    state.notice.value = text("app.team.saved", lang, team=d.team, name=d.name)


@solara.component
def TeamTab():
    lang = state.lang.value
    state.notice.value                                 # re-read the store after a save
    try:
        store = state.store()
        designs = store.designs()
    except StoreError as e:
        solara.Text(str(e), classes=["workshop-error"])
        return
    with solara.Column(gap="8px", classes=["workshop-team"]):
        with solara.Row(gap="8px", classes=["workshop-team-save"]):
            solara.InputText(text("app.team.team", lang), value=state.team, continuous_update=True)
            solara.InputText(text("app.team.design", lang), value=state.design_name, continuous_update=True)
            solara.Button(text("app.team.save", lang), on_click=lambda: _save(lang), color="primary",
                          disabled=not (state.team.value.strip() and state.design_name.value.strip()))
        if state.notice.value:
            solara.Text(state.notice.value, classes=["workshop-notice"])
        solara.HTML(tag="div", unsafe_innerHTML=scoreboard.table_html(designs, lang), classes=["workshop-scoreboard-box"])
        with solara.Row(gap="8px"):
            solara.FileDownload(lambda: scoreboard.csv_text(designs, lang), filename="scoreboard.csv",
                                label=text("app.team.csv", lang), mime_type="text/csv")
            solara.FileDownload(lambda: scoreboard.page_html(designs, lang), filename="scoreboard.html",
                                label=text("app.team.html", lang), mime_type="text/html")
        solara.Text(text("app.team.where", lang, path=str(store.path)), classes=["workshop-small"])
