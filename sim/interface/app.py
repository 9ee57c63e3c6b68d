"""Workshop app: a Mesa SolaraViz page for trying outreach designs in the browser.

Run it with ``fremskudt app`` (or ``solara run sim.app:Page``).  A participant picks a
scenario from ``scenarios/``, moves the policy levers, presses *Reset* to start a run
with them, then *Step* or ▶ (run).  With *compare with the baseline* on, the unmodified
scenario runs next to the design with the same seed and the same random streams, so a
difference between the two lines is the effect of the decision, not noise.

The app only visualises: the model never imports it.  The population (and with it the
staff, companies and inflow) is scaled by *population scale* so that a run stays
interactive; levers are stated at full size (case load per caseworker, mentors and
company consultants as in the real programme) and scaled here.

>>> m = WorkshopModel(scenario="(built-in default)", population_scale=0.05, horizon_weeks=3)
>>> m.step(); m.design.week
1
"""

from __future__ import annotations

import math
from pathlib import Path

import mesa
import numpy as np

from sim.model.model import OutreachModel
from sim.experiment.outcomes import compute
from sim.paths import SCENARIO_DIR
from sim.spec.scenario import Scenario, load_scenario
from sim.model.states import State

BUILTIN = "(built-in default)"
PREFERRED = ("default", "copenhagen-outreach", "central-jobcentre")

#: Lever -> (label on the slider, Danish term, plain explanation).
LEVERS: dict[str, tuple[str, str, str]] = {
    "caseload": ("Case load per caseworker", "sagsstamme",
                 "How many citizens one caseworker is responsible for. Fewer citizens each means more caseworkers "
                 "for the same group, more time per citizen and room for extra contact."),
    "days_in_estate": ("Days a week in the estate", "fremskudt placering",
                       "How many weekdays caseworkers sit in an office in the housing area instead of the central "
                       "job centre. 0 means a purely central job centre."),
    "open_advice_days": ("Open-advice days a week", "åben rådgivning",
                         "Days a week on which the estate office is open for walk-ins without an appointment "
                         "(only when caseworkers are in the estate)."),
    "open_advice_hours": ("Open-advice hours per day", "åbningstid",
                          "How long the door is open on an open-advice day. Walk-ins that cannot be seen in time "
                          "leave unserved."),
    "meeting_interval_weeks": ("Weeks between mandatory meetings", "opfølgningssamtale / kontaktforløb",
                               "How often a citizen is summoned to a follow-up meeting. The law's minimum was every "
                               "3 months (13 weeks)."),
    "sanctions": ("Sanction policy", "sanktioner",
                  "What happens after an unexcused no-show: never a deduction, a deduction after a few no-shows, or "
                  "after every one."),
    "consultant_stance": ("Company consultant stance", "virksomhedskonsulent",
                          "Whether the company consultants accept unpaid internships (praktik), balance, or demand "
                          "ordinary paid hours (ordinære timer) from companies."),
    "mentors": ("Mentors (full size)", "mentor",
                "One-to-one support for citizens with heavy barriers (trin 1), counted as in the real programme."),
    "company_consultants": ("Company consultants (full size)", "virksomhedskonsulent / jobformidler",
                            "Staff who find companies and match citizens to internships or paid hours (trin 2)."),
    "trin_model": ("Step model (trin 1-3)", "trinmodellen",
                   "A job plan built on the citizen's own wish (trin 1), a search for a company (trin 2) and a "
                   "placement aiming at ordinary hours (trin 3)."),
    "population_scale": ("Population scale", "målgruppe",
                         "Share of the scenario's population to simulate. Staff, companies and inflow scale with it, "
                         "so results are comparable; smaller is faster but noisier."),
    "compare": ("Compare with the baseline (same seed)", "sammenligning",
                "Runs the unmodified scenario next to your design with the same random numbers, so differences "
                "come from your decisions."),
}

#: Short slider labels (the full explanation is in LEVERS and on the page).
SHORT = {"caseload": "Case load (sagsstamme)", "days_in_estate": "Days in estate", "open_advice_days": "Open-advice days",
         "open_advice_hours": "Open-advice hours", "meeting_interval_weeks": "Meeting interval (weeks)",
         "sanctions": "Sanctions (sanktioner)", "consultant_stance": "Consultant stance", "mentors": "Mentors",
         "company_consultants": "Company consultants", "trin_model": "Step model (trin 1-3)",
         "population_scale": "Population scale"}

#: Outcomes always shown in the table (plus every outcome the scenario reports).
KEY_OUTCOMES = ("ever_self_sufficient_52w", "ever_job_or_education_52w", "ever_company_activation_52w",
                "share_ordinary_hours", "noshow_share", "cancel_share", "not_held_share",
                "open_advice_unserved_share", "staff_utilisation", "paid_hours_per_month", "sanctions_per_case_year")


# ----------------------------------------------------------------------------- scenarios
def scenario_names(directory: Path = SCENARIO_DIR) -> list[str]:
    """Scenario files in ``scenarios/`` (preferred ones first), or the built-in default."""
    names = sorted(p.stem for p in Path(directory).glob("*.yaml")) if Path(directory).is_dir() else []
    ordered = [n for n in PREFERRED if n in names] + [n for n in names if n not in PREFERRED]
    return ordered or [BUILTIN]


def base_scenario(name: str) -> Scenario:
    """The named scenario as written (full size)."""
    if name == BUILTIN:
        return Scenario(name="built-in default")
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


def lever_values(sc: Scenario) -> dict:
    """The scenario's own lever settings, in the units the sliders use."""
    org = sc.organisation
    return {
        "caseload": int(round(sc.population.size / max(org.caseworkers, 0.5))),
        "days_in_estate": float(org.days_in_estate),
        "open_advice_days": int(org.open_advice_days),
        "open_advice_hours": float(org.open_advice_hours),
        "meeting_interval_weeks": int(org.meeting_interval_weeks),
        "sanctions": org.sanctions.policy,
        "consultant_stance": org.consultant_stance,
        "mentors": int(org.mentors),
        "company_consultants": int(org.company_consultants),
        "trin_model": bool(org.trin_model),
    }


def _scaled_staff(n: int, per_person: float, scale: float) -> tuple[int, int]:
    """Scale ``n`` staff who each serve ``per_person``: keep the total capacity, whole people."""
    if n <= 0:
        return 0, max(1, int(round(per_person)))
    eff = max(1, int(round(n * scale)))
    return eff, max(1, int(round(n * per_person * scale / eff)))


def design_scenario(base: Scenario, scale: float = 1.0, levers: dict | None = None,
                    horizon_weeks: int | None = None) -> Scenario:
    """Apply lever settings to ``base`` and scale it to ``scale`` of its population.

    Levers not given keep the scenario's value, so ``design_scenario(base, s)`` is the
    baseline at that scale.

    >>> b = Scenario(); s = design_scenario(b, 0.1, {"caseload": 50})
    >>> s.population.size, round(s.organisation.caseworkers, 1)
    (175, 3.5)
    """
    lv = {**lever_values(base), **(levers or {})}
    data = base.model_dump()
    org, pop, comp = data["organisation"], data["population"], data["companies"]
    size = max(20, int(round(base.population.size * scale)))
    pop["size"] = size
    pop["inflow_per_week"] = base.population.inflow_per_week * scale
    org["caseworkers"] = max(0.5, size / max(1, lv["caseload"]))
    n_cw = max(1, round(org["caseworkers"]))
    days = float(lv["days_in_estate"])
    if days <= 0:
        org.update(location="central", days_in_estate=0.0, open_advice_days=0, outreach_offices=0)
    else:
        offices = base.organisation.outreach_offices or 6   # Copenhagen's six areas when the base has none
        org.update(location=base.organisation.location if base.organisation.location != "central" else "outreach",
                   days_in_estate=days, open_advice_days=int(lv["open_advice_days"]),
                   outreach_offices=max(1, min(n_cw, int(round(offices * scale)))))
    org["open_advice_hours"] = float(lv["open_advice_hours"])
    org["meeting_interval_weeks"] = int(lv["meeting_interval_weeks"])
    org["sanctions"]["policy"] = lv["sanctions"]
    org["consultant_stance"] = lv["consultant_stance"]
    org["trin_model"] = bool(lv["trin_model"])
    org["mentors"], org["mentor_caseload"] = _scaled_staff(int(lv["mentors"]), base.organisation.mentor_caseload, scale)
    org["company_consultants"], org["consultant_attempts_per_week"] = _scaled_staff(
        int(lv["company_consultants"]), base.organisation.consultant_attempts_per_week, scale)
    org["mentor_caseload"] = min(200, org["mentor_caseload"])
    org["consultant_attempts_per_week"] = min(500, org["consultant_attempts_per_week"])
    if org["mentors"] == 0:
        org["group_courses"] = False
    org["housing"]["placements"] = int(round(base.organisation.housing.placements * scale))
    if base.companies.count > 0:
        comp["count"] = max(1, int(round(base.companies.count * scale)))
    if horizon_weeks is not None:
        data["horizon_weeks"] = int(horizon_weeks)
    return Scenario.model_validate(data)


# ----------------------------------------------------------------------------- model wrapper
def _snapshot(m: OutreachModel) -> dict:
    """Running figures after a week (cumulative unless the name says 'week')."""
    t, P = m.tallies(), m.pop
    summoned = t["summoned_outreach"] + t["summoned_central"]
    paid = P.hours[P.hours > 0]
    avail, used = float(m.cw.minutes_available.sum()), float(m.cw.minutes_used.sum())
    n = max(1, len(P))
    counts = np.bincount(P.state, minlength=len(State))
    return {
        "week": m.week,
        **{s.name.lower(): int(counts[s]) for s in State},
        "noshow_share": (t["noshow_outreach"] + t["noshow_central"]) / summoned if summoned else math.nan,
        "cancel_share": (t["cancel_outreach"] + t["cancel_central"]) / summoned if summoned else math.nan,
        "minutes_available": avail, "minutes_used": used,
        "staff_utilisation": used / avail if avail else math.nan,
        "open_advice_visits": t["visits_case"],
        "open_advice_unserved_share": t["visits_unserved"] / t["visits_case"] if t["visits_case"] else math.nan,
        "with_paid_hours": len(paid),
        "mean_paid_hours": float(paid.mean()) if len(paid) else 0.0,
        "ever_self_sufficient": float((P.first_off >= 0).any(axis=1).sum()) / n,
        "ever_paid_hours": float((P.first_hours >= 0).sum()) / n,
    }


class WorkshopModel(mesa.Model):
    """The design (and, optionally, its baseline) stepped together, one week per step.

    Keyword arguments are the levers shown in the app (see :data:`LEVERS`); a lever left
    at ``None`` keeps the scenario's value.  ``.design`` and ``.baseline`` are
    :class:`~sim.model.OutreachModel` instances built with the same seed.
    """

    def __init__(self, scenario: str = BUILTIN, population_scale: float = 0.2, compare: bool = True,
                 seed: str | int | None = None, horizon_weeks: int | None = None,
                 caseload: int | None = None, days_in_estate: float | None = None, open_advice_days: int | None = None,
                 open_advice_hours: float | None = None, meeting_interval_weeks: int | None = None,
                 sanctions: str | None = None, consultant_stance: str | None = None, mentors: int | None = None,
                 company_consultants: int | None = None, trin_model: bool | None = None):
        base = base_scenario(scenario)
        try:
            seed_val = int(seed) if seed not in (None, "") else base.seed
        except (TypeError, ValueError):
            seed_val = base.seed
        super().__init__(seed=seed_val)
        given = dict(caseload=caseload, days_in_estate=days_in_estate, open_advice_days=open_advice_days,
                     open_advice_hours=open_advice_hours, meeting_interval_weeks=meeting_interval_weeks,
                     sanctions=sanctions, consultant_stance=consultant_stance, mentors=mentors,
                     company_consultants=company_consultants, trin_model=trin_model)
        self.scenario_name = scenario
        self.base = base
        self.scale = float(population_scale)
        self.levers = {**lever_values(base), **{k: v for k, v in given.items() if v is not None}}
        self.design_scenario = design_scenario(base, self.scale, self.levers, horizon_weeks)
        self.baseline_scenario = design_scenario(base, self.scale, None, horizon_weeks)
        self.seed_used = seed_val
        self.design = OutreachModel(self.design_scenario, seed=seed_val)
        self.baseline = OutreachModel(self.baseline_scenario, seed=seed_val) if compare else None
        self.horizon = self.design.horizon
        self.history: dict[str, list[dict]] = {arm: [_snapshot(m)] for arm, m in self.arms.items()}
        self.history.setdefault("baseline", [])
        self.running = True

    @property
    def arms(self) -> dict[str, OutreachModel]:
        return {"design": self.design, **({"baseline": self.baseline} if self.baseline is not None else {})}

    @property
    def week(self) -> int:
        return self.design.week

    def changed_levers(self) -> dict:
        """Levers that differ from the scenario's own setting: name -> (scenario, design)."""
        own = lever_values(self.base)
        return {k: (own[k], v) for k, v in self.levers.items() if own[k] != v}

    def step(self) -> None:
        for arm, m in self.arms.items():
            if m.week < m.horizon:
                m.step()
                self.history[arm].append(_snapshot(m))
                if m.week >= m.horizon:
                    self._finish(m)
        self.running = self.design.week < self.design.horizon

    @staticmethod
    def _finish(m: OutreachModel) -> None:
        m.running = False

    def run_to_end(self) -> None:
        while self.running:
            self.step()

    def outcomes(self) -> dict[str, dict[str, float]]:
        """Summary measures so far for each arm (NaN where the horizon is not yet reached)."""
        return {arm: compute(m) for arm, m in self.arms.items()}


# ----------------------------------------------------------------------------- page
def _fmt(v: float, name: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if name in ("paid_hours_per_month",) or name.endswith("_per_case_year") or name.endswith("_per_case_month"):
        return f"{v:.2f}"
    return f"{100 * v:.1f} %"


def outcome_rows(model: WorkshopModel) -> list[tuple[str, str, str, str, str]]:
    """Rows (outcome, design, baseline, evaluation figure, source) for the table."""
    res = model.outcomes()
    names = list(KEY_OUTCOMES) + [k for k in model.base.reported if k not in KEY_OUTCOMES]
    rows = []
    for k in names:
        rep = model.base.reported.get(k)
        rows.append((k, _fmt(res["design"].get(k, math.nan), k),
                     _fmt(res["baseline"].get(k, math.nan), k) if "baseline" in res else "",
                     _fmt(rep.value, k) if rep else "", rep.source if rep else ""))
    return rows


STATE_COLOURS = {"not_enrolled": "#9e9e9e", "trin1": "#1f77b4", "trin2": "#ff7f0e", "trin3": "#2ca02c",
                 "self_sufficient": "#d62728", "exited": "#8c564b"}


def _figure(title: str, ylabel: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.6), dpi=80)   # no automatic layout: drawing speed matters here
    fig.subplots_adjust(left=0.11, right=0.88, bottom=0.14, top=0.9)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("week")
    ax.set_ylabel(ylabel)
    return fig, ax


def _series(model: WorkshopModel, arm: str, key: str, per=None):
    h = model.history[arm]
    weeks = [r["week"] for r in h]
    vals = [per(r) if per else r[key] for r in h]
    return weeks, vals


def _lines(ax, model: WorkshopModel, key: str, label: str, colour: str, per=None) -> None:
    for arm, style in (("design", "-"), ("baseline", "--")):
        if arm == "baseline" and model.baseline is None:
            continue
        x, y = _series(model, arm, key, per)
        ax.plot(x, y, style, color=colour, marker=".", markersize=2,
                label=f"{label} ({arm})" if model.baseline is not None else label)
    ax.set_xlim(0, model.horizon)


def plot_states(model: WorkshopModel):
    title = "Citizens by pathway state" + (" (solid: design, dashed: baseline)" if model.baseline is not None else "")
    fig, ax = _figure(title, "citizens")
    for key, col in STATE_COLOURS.items():
        _lines(ax, model, key, key.replace("_", " "), col)
    ax.legend(fontsize=6, ncol=2)
    return fig


def plot_attendance(model: WorkshopModel):
    fig, ax = _figure("No-shows and cancellations (share of summoned meetings, so far)", "share")
    _lines(ax, model, "noshow_share", "no-shows (udeblivelser)", "#d62728")
    _lines(ax, model, "cancel_share", "cancellations (afbud)", "#1f77b4")
    for name, col in (("noshow_share", "#d62728"), ("cancel_share", "#1f77b4")):
        rep = model.base.reported.get(name)
        if rep is not None:
            ax.axhline(rep.value, color=col, lw=0.8, ls=":", label=f"evaluation: {name}")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=6)
    return fig


def plot_staff(model: WorkshopModel):
    fig, ax = _figure("Caseworker time and open advice", "share")

    def weekly_util(hist):
        out, prev = [], (0.0, 0.0)
        for r in hist:
            da, du = r["minutes_available"] - prev[0], r["minutes_used"] - prev[1]
            out.append(du / da if da else math.nan)
            prev = (r["minutes_available"], r["minutes_used"])
        return out

    for arm, style in (("design", "-"), ("baseline", "--")):
        if arm == "baseline" and model.baseline is None:
            continue
        h = model.history[arm]
        ax.plot([r["week"] for r in h], weekly_util(h), style, color="#2ca02c", marker=".", markersize=2,
                label=f"staff utilisation, week ({arm})")
    _lines(ax, model, "open_advice_unserved_share", "open advice unserved", "#9467bd")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=6)
    return fig


def plot_hours(model: WorkshopModel):
    fig, ax = _figure("Ordinary paid hours (ordinære timer)", "citizens with paid hours")
    _lines(ax, model, "with_paid_hours", "citizens with paid hours", "#ff7f0e")
    ax2 = ax.twinx()
    _lines(ax2, model, "mean_paid_hours", "mean hours/month", "#8c564b")
    ax2.set_ylabel("mean paid hours a month")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=6)
    return fig


def lever_guide_markdown() -> str:
    lines = ["**What the levers mean.** Change a lever, then press **Reset** to start a new run with it; "
             "**Step** advances one week, **▶** runs to the end (week 52).", ""]
    for label, danish, text in LEVERS.values():
        lines.append(f"- **{label}** (*{danish}*): {text}")
    return "\n".join(lines)


def headline_markdown(model: WorkshopModel) -> str:
    d = model.design
    lines = [f"### Week {d.week} of {d.horizon}",
             f"Scenario **{model.scenario_name}** at population scale {model.scale:g}: "
             f"{len(d.pop)} citizens, {len(d.caseworkers)} caseworkers, {len(d.mentors)} mentors, "
             f"{len(d.consultants)} company consultants, seed {model.seed_used}."]
    changed = model.changed_levers()
    if changed:
        lines.append("Your changes: " + "; ".join(f"{LEVERS[k][0]} {a} → {b}" for k, (a, b) in changed.items()) + ".")
    else:
        lines.append("No lever differs from the scenario yet.")
    lines.append("Design: " + ", ".join(f"{SHORT[k].split(' (')[0].lower()} **{v}**" for k, v in model.levers.items()) + ".")
    h = {arm: (model.history[arm][-1] if model.history[arm] else None) for arm in model.arms}
    rows = ["| so far | design | baseline |", "|---|---|---|"] if model.baseline is not None else \
        ["| so far | design |", "|---|---|"]
    for key, label, pct in (("ever_self_sufficient", "ever self-sufficient", True),
                            ("ever_paid_hours", "ever had paid hours", True),
                            ("trin3", "in a company placement now", False),
                            ("not_enrolled", "waiting for a caseworker now", False)):
        cells = []
        for arm in model.arms:
            r = h[arm]
            cells.append("–" if r is None else (f"{100 * r[key]:.1f} %" if pct else str(r[key])))
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n\n".join(lines) + "\n\n" + "\n".join(rows)


def outcomes_markdown(model: WorkshopModel) -> str:
    if model.baseline is not None:
        head = "| outcome | design | baseline | evaluation | source |\n|---|---|---|---|---|"
        body = "\n".join(f"| {k} | {d} | {b} | {r} | {s} |" for k, d, b, r, s in outcome_rows(model))
    else:
        head = "| outcome | design | evaluation | source |\n|---|---|---|---|"
        body = "\n".join(f"| {k} | {d} | {r} | {s} |" for k, d, _, r, s in outcome_rows(model))
    note = ("Outcomes 'within 52 weeks' appear when the run reaches week 52. The evaluation column is the figure "
            "reported for this scenario's real setting.")
    return f"**Cumulative outcomes**\n\n{head}\n{body}\n\n{note}"


def model_params(name: str) -> dict:
    """Mesa ``model_params`` for the sliders, switches and selects, set to the scenario's values."""
    lv = lever_values(base_scenario(name))

    def lab(k):
        return SHORT[k]

    return {
        "scenario": name,
        "population_scale": {"type": "SliderFloat", "value": 0.2, "min": 0.05, "max": 1.0, "step": 0.05,
                             "label": lab("population_scale")},
        "compare": {"type": "Checkbox", "value": True, "label": LEVERS["compare"][0]},
        "seed": {"type": "InputText", "value": str(base_scenario(name).seed), "label": "Random seed"},
        "caseload": {"type": "SliderInt", "value": min(300, lv["caseload"]), "min": 20, "max": 300, "step": 5,
                     "label": lab("caseload")},
        "days_in_estate": {"type": "SliderFloat", "value": lv["days_in_estate"], "min": 0.0, "max": 5.0, "step": 0.1,
                           "label": lab("days_in_estate")},
        "open_advice_days": {"type": "SliderInt", "value": lv["open_advice_days"], "min": 0, "max": 5, "step": 1,
                             "label": lab("open_advice_days")},
        "open_advice_hours": {"type": "SliderFloat", "value": lv["open_advice_hours"], "min": 0.0, "max": 8.0,
                              "step": 0.5, "label": lab("open_advice_hours")},
        "meeting_interval_weeks": {"type": "SliderInt", "value": lv["meeting_interval_weeks"], "min": 1, "max": 26,
                                   "step": 1, "label": lab("meeting_interval_weeks")},
        "sanctions": {"type": "Select", "value": lv["sanctions"], "values": ["never", "after_k", "strict"],
                      "label": lab("sanctions")},
        "consultant_stance": {"type": "Select", "value": lv["consultant_stance"],
                              "values": ["accept_internships", "balanced", "demand_hours"],
                              "label": lab("consultant_stance")},
        "mentors": {"type": "SliderInt", "value": lv["mentors"], "min": 0, "max": 20, "step": 1, "label": lab("mentors")},
        "company_consultants": {"type": "SliderInt", "value": lv["company_consultants"], "min": 0, "max": 10, "step": 1,
                                "label": lab("company_consultants")},
        "trin_model": {"type": "Checkbox", "value": lv["trin_model"], "label": lab("trin_model")},
    }


_MODEL_CLASSES: dict[str, type] = {}


def model_class(name: str) -> type:
    """A :class:`WorkshopModel` whose default scenario is ``name``.

    Mesa's *Reset* builds ``type(model)(**parameters)`` from the inputs the participant
    touched; with this class the scenario (and every lever not touched, which keeps the
    scenario's own value) is right even when ``parameters`` holds only the changed inputs.
    """
    cls = _MODEL_CLASSES.get(name)
    if cls is None:
        def __init__(self, scenario: str = name, **kwargs):
            WorkshopModel.__init__(self, scenario=scenario, **kwargs)

        cls = type("WorkshopModel", (WorkshopModel,), {"__init__": __init__, "__module__": __name__,
                                                        "__doc__": f"WorkshopModel of scenario {name!r}."})
        _MODEL_CLASSES[name] = cls
    return cls


def initial_values(name: str) -> dict:
    """Keyword arguments for :class:`WorkshopModel` from the slider defaults of ``name``."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in model_params(name).items()}


def _solara_parts():
    """Solara components of the page (built on first use: solara is imported lazily)."""
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import force_update, update_counter

    @solara.component
    def Plot(fn, model, week):
        # ``week`` is passed so that the plot is redrawn when the (mutable) model advances
        fig = solara.use_memo(lambda: fn(model), [id(model), week])
        return solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), week])

    @solara.component
    def Dashboard(model: WorkshopModel):
        """Headline numbers, outcome table and live plots; redrawn after every step."""
        update_counter.get()

        def run_all():
            model.run_to_end()
            force_update()

        with solara.Column(style={"padding": "8px"}) as col:
            with solara.Columns([1, 1]):
                with solara.Card("This run", classes=["workshop-headline"]):
                    solara.Markdown(headline_markdown(model))
                    solara.Button(f"Run to week {model.horizon}", on_click=run_all, color="primary",
                                  outlined=True, disabled=not model.running)
                Plot(plot_states, model, model.week)
            with solara.Columns([1, 1]):
                Plot(plot_attendance, model, model.week)
                Plot(plot_staff, model, model.week)
            with solara.Columns([1, 1]):
                Plot(plot_hours, model, model.week)
                with solara.Card("Cumulative outcomes", classes=["workshop-outcomes"]):
                    solara.Markdown(outcomes_markdown(model))
        return col

    def make_page(choices: list[str]):
        @solara.component
        def Page():
            name, set_name = solara.use_state(choices[0])
            first = solara.use_memo(lambda: model_class(choices[0])(**initial_values(choices[0])), [])
            model = solara.use_reactive(first)

            def choose(new_name):
                model.value = model_class(new_name)(**initial_values(new_name))
                set_name(new_name)

            with solara.Column():
                # Mesa's controls and sliders (the sidebar); the plots are drawn by Dashboard
                SolaraViz(model, components=[], model_params=model_params(name),
                          name="Fremskudt: outreach employment workshop", play_interval=50).key(f"viz-{name}")
                with solara.Card("Scenario and levers"):
                    solara.Select("Scenario", value=name, values=choices, on_value=choose)
                    solara.Markdown(lever_guide_markdown())
                Dashboard(model.value)

        return Page

    return Dashboard, make_page


def _page():
    return _solara_parts()[1](scenario_names())


def __getattr__(attr):
    # ``solara run sim.app:Page`` asks for Page; build it only then (solara is imported lazily)
    if attr == "Page":
        page = _page()
        globals()["Page"] = page
        return page
    raise AttributeError(attr)
