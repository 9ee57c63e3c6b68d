"""The sidebar: the Run button and the number of replications first (so that both are on
the first screen at 1280 x 720), the design's programme cost against the exercise's cap,
then the levers (each with its readout, a tooltip with the Danish term and what it does,
and marks when it differs from the scenario or from the last results)."""

from __future__ import annotations

from html import escape

import solara

from sim.interface.i18n import kroner, lever_value, text

from . import state, views
from .ensemble import REPLICATION_CHOICES
from .exercise import programme_cost, within
from .levers import LEVERS, disabled, lever_values


@solara.component
def Help(tip: str):
    """An 'i' that shows ``tip`` on hover (the lever guide, where it is used)."""
    with solara.Tooltip(tip):
        solara.Text("i", classes=["workshop-info"])


def _widget(key: str, value, own, off: bool, lang: str):
    """The lever's widget (plain Vuetify widgets, so that :func:`_show` can reach them)."""
    lv = LEVERS[key]
    on = lambda v, k=key: state.set_lever(k, v)   # noqa: E731
    common = dict(v_model=value, on_v_model=on, disabled=off, hide_details=True)
    if lv.kind == "bool":
        el = solara.v.Switch(**common, class_="workshop-switch")
    elif lv.kind == "choice":
        items = [{"text": lever_value(c, lang), "value": c} for c in lv.choices]
        el = solara.v.Select(**common, items=items, dense=True, class_="workshop-select")
    else:
        lo, hi = lv.bounds(own)
        el = solara.v.Slider(**common, min=lo, max=hi, step=lv.step, thumb_label=False, class_="workshop-slider")
    return el.meta(ref=f"lever-{key}")


@solara.component
def LeverControl(key: str, value, own, ran, off: bool, refused: int):
    """One lever: title with readout, widget, and what differs (``refused`` changes when a
    value was not taken, which redraws the lever)."""
    lang = state.lang.value
    sc = state.design()
    classes = ["workshop-lever", f"workshop-lever-{key}"] + (["workshop-changed"] if value != own else [])
    with solara.Column(gap="0px", classes=classes):
        with solara.Row(gap="4px", justify="space-between", classes=["workshop-lever-head"]):
            solara.Text(views.lever_title(key, value, sc, lang), classes=["workshop-lever-title"])
            Help(views.lever_help(key, lang))
        # a widget keeps what the participant set unless the value passed to it changes: when
        # the design could not take a value, a new widget (new key) shows what runs instead
        _widget(key, value, own, off, lang).key(f"lever-{key}-{refused}")
        marks = []
        if value != own:
            marks.append(text("app.mark.scenario", lang, value=views.readout(key, own, state.base(), lang)))
        if ran is not None and value != ran:
            marks.append(text("app.mark.not_run", lang))
        if off:
            marks.append(text("app.mark.off", lang))
        if marks:
            solara.Text(" · ".join(marks), classes=["workshop-mark"])


@solara.component
def Sidebar():
    lang = state.lang.value
    design, base = state.design(), state.base()
    shown, own = lever_values(design), lever_values(base)
    ens = state.run_ensemble.latest
    ran = lever_values(ens.design) if ens is not None and ens.baseline.name == base.name else {}
    off = disabled(design)
    with solara.Column(gap="6px", classes=["workshop-sidebar"]):
        RunControls()
        Budget()
        with solara.Row(justify="space-between", classes=["workshop-levers-head"]):
            solara.Text(text("app.levers.title", lang), classes=["workshop-h3"])
            solara.Button(text("app.levers.reset", lang), on_click=lambda: state.requested.set({}), text=True,
                          small=True, disabled=shown == own, classes=["workshop-reset"])
        for key in LEVERS:
            LeverControl(key, shown[key], own[key], ran.get(key), key in off, state.refused.value).key(f"lever-{key}")
        with solara.Details(text("app.guide.title", lang)):
            for name, term, explain in views.guide(lang):
                named = f"<b>{escape(name)}</b> (<i>{escape(term)}</i>)" if term else f"<b>{escape(name)}</b>"
                solara.HTML(tag="p", unsafe_innerHTML=f"{named}: {escape(explain)}", classes=["workshop-guide"])


@solara.component
def Budget():
    """The design's programme cost a year against the exercise's cap."""
    lang = state.lang.value
    cost, cap = programme_cost(state.design()), state.budget_cap()
    ok = within(cost, cap)
    solara.Text(text("app.budget.line" if ok else "app.budget.over", lang, cost=kroner(cost, lang, million=True),
                     cap=kroner(cap, lang, million=True)),
                classes=["workshop-budget-line", "workshop-within" if ok else "workshop-over"])


@solara.component
def RunControls():
    lang = state.lang.value
    stale = views.status(state.run_ensemble.latest, state.request_key(), False, 0, lang)[0] != "current"
    items = [{"text": text("app.run.replications", lang, n=n), "value": n} for n in REPLICATION_CHOICES]
    with solara.Column(gap="4px", classes=["workshop-run"]):
        solara.Button(text("app.run.button", lang, n=state.replications.value), on_click=state.start_ensemble,
                      color="primary" if stale else None, outlined=not stale, disabled=state.run_ensemble.pending,
                      classes=["workshop-run-button"], block=True)
        solara.v.Select(label=text("app.run.replications_label", lang), items=items, v_model=state.replications.value,
                        on_v_model=state.replications.set, dense=True, hide_details=True)
