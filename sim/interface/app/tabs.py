"""The views of the main area: the results (first), what each step of a lever costs and
buys (its curve), one possible history (the mechanics, with the view of the agents), the
team scoreboard and the Info panel."""

from __future__ import annotations

import base64

import solara

from sim.interface.i18n import kroner, scenario_title, text

from . import exercise, plots, scoreboard, state, steps, views
from .ensemble import DESIGN
from .levers import curve_levers, shown
from .store import DuplicateDesign, StoreError


def data_url(fig) -> str:
    return "data:image/png;base64," + base64.b64encode(plots.png(fig)).decode("ascii")


def _image(src: str, classes: list[str]) -> None:
    solara.HTML(tag="img", attributes={"src": src, "alt": ""}, classes=["workshop-figure", *classes])


def _stale() -> bool:
    task = state.run_ensemble
    ens = task.latest
    return task.pending or (ens is not None and ens.key != state.request_key())


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
    src = solara.use_memo(lambda: data_url(plots.differences(ens.comparison, [ens.baseline.name, DESIGN], lang,
                                                             hidden=ens.hidden)), [id(ens), lang])
    _image(src, ["workshop-differences"])


def _design_file() -> str:
    name = exercise.file_name(state.base(), state.design_name.value)
    return exercise.scenario_file(state.base(), state.design(), name)


@solara.component
def ResultsTab():
    lang = state.lang.value
    ens = state.run_ensemble.latest
    if ens is None or ens.baseline.name != state.scenario.value:
        return
    stale = _stale()
    with solara.Column(gap="8px", classes=["workshop-results-view"] + (["workshop-stale"] if stale else [])):
        with solara.Column(gap="2px", classes=["workshop-answer"]):
            for s in views.sentences(ens, lang, stale):
                solara.Text(s, classes=["workshop-sentence"])
        solara.Text(views.parameters(ens, lang), classes=["workshop-small", "workshop-parameters"])
        with solara.Div(classes=["workshop-results-row"] + (["workshop-levels-only"] if views.identical(ens) else [])):
            solara.HTML(tag="div", unsafe_innerHTML=views.results_table(ens, lang), classes=["workshop-results-table"])
            if views.identical(ens):
                solara.Text(text("app.results.no_chart", lang), classes=["workshop-note", "workshop-no-chart"])
            else:
                DifferencesChart(ens, lang)
        solara.Text(views.facts(ens, lang), classes=["workshop-small"])
        name = exercise.file_name(state.base(), state.design_name.value)
        with solara.Row(gap="8px", classes=["workshop-export"]):
            solara.FileDownload(_design_file, filename=f"{name}.yaml", label=text("app.export.scenario", lang),
                                mime_type="application/x-yaml")
            solara.Text(text("app.export.scenario_note", lang, name=name), classes=["workshop-small"])


@solara.component
def CurveChart(c, lang: str):
    src = solara.use_memo(lambda: data_url(steps.figure(c, lang, plots.FONT + 1, plots.WIDTH)), [id(c), lang])
    _image(src, ["workshop-curve"])


@solara.component
def CurveTab():
    """What does each step cost and buy?  The curve of the lever being explored, around the design."""
    lang = state.lang.value
    task = state.run_curve
    key = state.explored_lever()
    design, current = state.design(), shown(state.base(), state.requested.value)[key]
    values = [p.value for p in steps.points(state.base(), state.requested.value, key)[0].points]
    with solara.Column(gap="8px", classes=["workshop-curve-view"]):
        solara.Text(text("app.curve.question", lang), classes=["workshop-h3"])
        with solara.Row(gap="8px", classes=["workshop-curve-controls"]):
            solara.v.Select(label=text("app.curve.lever", lang), v_model=key, on_v_model=state.explored.set,
                            items=[{"text": text(f"app.lever.{k}", lang), "value": k} for k in curve_levers(design)],
                            dense=True, hide_details=True, class_="workshop-curve-lever")
            solara.Button(text("app.curve.run", lang), on_click=state.start_curve, color="primary",
                          disabled=task.pending, classes=["workshop-curve-run"])
            solara.Button(text("app.curve.cancel", lang), on_click=state.cancel_curve, disabled=not task.pending,
                          outlined=True, classes=["workshop-curve-cancel"])
        solara.Text(steps.intro(key, values, current, state.replications.value, lang), classes=["workshop-small"])
        if task.pending:
            solara.Text(text("app.curve.running", lang, percent=round(task.progress or 0)), classes=["workshop-note"])
            solara.ProgressLinear(task.progress or True)
        if task.error:
            solara.Text(text("app.status.error", lang, error=str(task.exception)), classes=["workshop-error"])
        c = task.latest
        if c is None or c.sweep.base.name != state.scenario.value:
            return
        stale = c.request != state.curve_key()
        with solara.Column(gap="4px", classes=["workshop-curve-result"] + (["workshop-stale"] if stale else [])):
            if stale:
                solara.Text(text("app.curve.stale", lang), classes=["workshop-note"])
            CurveChart(c, lang)
            for sentence in steps.sentences(c, lang):
                solara.Text(sentence, classes=["workshop-sentence", "workshop-curve-sentence"])
            solara.Text(text("app.curve.facts", lang, n=c.replications, seed=c.seed,
                             seconds=round(c.seconds, 1)), classes=["workshop-small"])


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
    except DuplicateDesign as e:
        state.notice.value = text("app.team.duplicate", lang, team=e.team, name=e.name)
        return
    except StoreError as e:
        state.notice.value = str(e)
        return
    state.notice.value = text("app.team.saved", lang, team=d.team, name=d.name)


def _set_cap(v) -> None:
    try:
        state.cap.value = max(0.0, float(str(v).replace(",", ".")) * 1e6)
    except ValueError:
        pass


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
    cap = state.budget_cap()
    with solara.Column(gap="8px", classes=["workshop-team"]):
        with solara.Row(gap="8px", classes=["workshop-team-save"]):
            solara.InputText(text("app.team.team", lang), value=state.team, continuous_update=True)
            solara.InputText(text("app.team.design", lang), value=state.design_name, continuous_update=True)
            solara.Button(text("app.team.save", lang), on_click=lambda: _save(lang), color="primary",
                          disabled=not (state.team.value.strip() and state.design_name.value.strip()),
                          classes=["workshop-save"])
        if state.notice.value:
            solara.Text(state.notice.value, classes=["workshop-notice"])
        with solara.Row(gap="8px", classes=["workshop-cap"]):
            solara.InputFloat(text("app.team.cap_label", lang), value=round(cap / 1e6, 1), on_value=_set_cap,
                              continuous_update=False)
            solara.Text(text("app.team.cap_help", lang, own=kroner(exercise.programme_cost(state.base()), lang,
                                                                    million=True)), classes=["workshop-small"])
        solara.HTML(tag="div", unsafe_innerHTML=scoreboard.table_html(designs, lang, cap),
                    classes=["workshop-scoreboard-box"])
        if designs:
            _image(scoreboard.chart_src(designs, lang), ["workshop-chart"])
        with solara.Row(gap="8px"):
            solara.FileDownload(lambda: scoreboard.csv_text(designs, lang), filename="scoreboard.csv",
                                label=text("app.team.csv", lang), mime_type="text/csv")
            solara.FileDownload(lambda: scoreboard.page_html(designs, lang, cap=cap), filename="scoreboard.html",
                                label=text("app.team.html", lang), mime_type="text/html")
        solara.Text(text("app.team.where", lang, path=str(store.path)), classes=["workshop-small"])


@solara.component
def InfoTab():
    lang = state.lang.value
    base = state.base()
    sections = solara.use_memo(lambda: views.info(base, lang), [base.name, lang])
    with solara.Column(gap="4px", classes=["workshop-info-panel"]):
        solara.Text(scenario_title(base.name, lang), classes=["workshop-h3"])
        for heading, paragraphs in sections:
            solara.Text(heading, classes=["workshop-h3"])
            with solara.Column(gap="2px"):
                for para in paragraphs:
                    solara.Text(para, classes=["workshop-info-text"])
