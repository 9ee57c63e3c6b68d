"""The workshop app without a browser: levers (one source of truth), ensembles
(deterministic, cached, no process left behind), one history, figures for a projector,
the page's words, assets and the command."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from sim.interface.app import assets, ensemble, history, levers, plots, views
from sim.interface.app.levers import LEVERS, design_scenario, lever_values
from sim.spec.scale import scale_scenario
from sim.spec.scenario import load_scenario

NAMES = ["default", "copenhagen-outreach", "central-jobcentre", "small-caseload", "jobgaranti-outreach",
         "weekly-meetings", "strict-sanctions", "no-open-advice", "ordinary-hours-first"]
#: a value for every lever that differs from every shipped scenario's own
ODD = {"caseload": 37, "days_in_estate": 1.3, "open_advice_days": 1, "open_advice_hours": 6.5,
       "meeting_interval_weeks": 21, "mentors": 17, "company_consultants": 9}


def _other(lv, own):
    """A value of the lever that is not ``own``."""
    if lv.kind == "bool":
        return not own
    if lv.kind == "choice":
        return next(c for c in lv.choices if c != own)
    return ODD[lv.key]


def _small(name: str, k: float = 0.1):
    return scale_scenario(load_scenario(name), k)


# ----------------------------------------------------------------------------- levers
@pytest.mark.parametrize("name", NAMES)
def test_unmoved_levers_keep_the_scenario_exactly(name):
    base = load_scenario(name)
    own = lever_values(base)
    assert design_scenario(base, {}) is base and design_scenario(base, own) is base
    for key, lv in LEVERS.items():
        if lv.kind in ("int", "float"):
            lo, hi = lv.bounds(own[key])
            assert lo <= own[key] <= hi
            assert abs(((own[key] - lo) / lv.step) - round((own[key] - lo) / lv.step)) < 1e-6, (key, lo)


@pytest.mark.parametrize("name", NAMES)
def test_every_lever_reaches_the_model(name):
    base = load_scenario(name)
    for key, lv in LEVERS.items():
        want = _other(lv, lever_values(base)[key])
        d = design_scenario(base, {"days_in_estate": 2.0, key: want} if key.startswith("open_advice") else {key: want})
        assert lever_values(d)[key] == want, (name, key)
        assert levers.changed(base, d)[key][1] == want


def test_a_request_the_design_cannot_honour_shows_what_runs():
    base = load_scenario("central-jobcentre")
    d = design_scenario(base, {"open_advice_days": 3})
    assert d is base and lever_values(d)["open_advice_days"] == 0
    assert levers.disabled(d) == {"open_advice_days", "open_advice_hours"}
    out = design_scenario(base, {"days_in_estate": 2.0, "open_advice_days": 3})
    assert out.organisation.location == "split" and out.organisation.outreach_offices == levers.DEFAULT_OFFICES
    assert design_scenario(load_scenario("copenhagen-outreach"), {"days_in_estate": 0}).organisation.location == "central"
    assert not design_scenario(load_scenario("default"), {"mentors": 0}).organisation.group_courses


def test_separate_offices_keep_their_own_staff_and_the_other_levers_act():
    base = load_scenario("jobgaranti-by-municipality")
    assert levers.disabled(base) == {"caseload", "days_in_estate"}
    assert design_scenario(base, {"caseload": 37, "days_in_estate": 0}) is base
    d = design_scenario(base, {"caseload": 37, "mentors": 4})
    assert lever_values(d)["mentors"] == 4 and d.organisation.offices == base.organisation.offices
    assert "caseload" not in levers.curve_levers(d)


@pytest.fixture
def page(tmp_path, monkeypatch):
    """The whole page rendered without a browser (no ensemble started)."""
    import solara

    from sim.interface.app import state
    from sim.interface.app.page import Page

    monkeypatch.setenv("FREMSKUDT_APP_DATA", str(tmp_path))
    monkeypatch.setattr(state, "start_ensemble", lambda: None)
    state.choose_scenario(state.SCENARIOS[0])
    box, rc = solara.render(Page(), handle_error=False)
    yield rc, state
    rc.close()


@pytest.mark.slow
def test_widgets_show_what_the_model_uses_across_scenario_switches(page):
    """The lever/model mismatch: a lever set on one scenario, then another scenario chosen;
    round the scenarios, so that each is once left with changed levers and once chosen."""
    rc, state = page

    def shown():
        return {k: rc.find(meta_ref=f"lever-{k}").widget.v_model for k in LEVERS}

    names = ["default", "copenhagen-outreach", "central-jobcentre", "small-caseload"]
    for a, b in zip(names, names[1:] + names[:1]):
        state.choose_scenario(a)
        for key, lv in LEVERS.items():
            w = rc.find(meta_ref=f"lever-{key}").widget
            w.v_model = _other(lv, w.v_model)
        assert shown() == lever_values(state.design())
        state.choose_scenario(b)
        assert shown() == lever_values(load_scenario(b)), (a, b)
        h = state.history.value
        assert lever_values(h.models["design"].scenario) == shown()


def test_a_lever_that_cannot_act_is_shown_as_the_model_runs_it(page):
    rc, state = page
    state.choose_scenario("central-jobcentre")
    w = rc.find(meta_ref="lever-open_advice_days").widget
    w.v_model = 3
    assert rc.find(meta_ref="lever-open_advice_days").widget.v_model == 0
    assert rc.find(meta_ref="lever-open_advice_days").widget.disabled


# ----------------------------------------------------------------------------- ensembles
@pytest.mark.slow
def test_ensemble_is_deterministic_for_any_number_of_workers_on_a_warm_pool():
    ensemble.clear_cache()
    base = _small("central-jobcentre")
    d = design_scenario(base, {"caseload": 40, "sanctions": "strict"})
    one = ensemble.run(base, d, 4, workers=1)
    ensemble.clear_cache()
    try:
        two = ensemble.run(base, d, 4, workers=2)
        workers = {p.pid for p in multiprocessing.active_children()}
        assert len(workers) == 2                              # the warm pool stays for the next Run ...
        ensemble.clear_cache()
        ensemble.run(base, design_scenario(base, {"caseload": 41}), 4, workers=2)
        assert {p.pid for p in multiprocessing.active_children()} == workers     # ... and the next Run uses it
    finally:
        ensemble.shutdown_pool()
    assert one.reps.equals(two.reps)
    assert not multiprocessing.active_children()
    assert set(one.comparison["scenario"]) == {ensemble.DESIGN}
    row = one.comparison.set_index("outcome").loc["net_cost"]
    assert row["difference_p5"] <= row["difference_mean"] <= row["difference_p95"]


@pytest.mark.slow
def test_ensemble_cache_progress_and_cancel():
    ensemble.clear_cache()
    base = _small("copenhagen-outreach")
    seen = []
    first = ensemble.run(base, base, 3, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) == 6
    assert (first.comparison["difference_mean"].fillna(0) == 0).all()       # the same runs: no difference
    again = ensemble.run(base.model_copy(update={"name": "renamed"}), base, 3)
    assert again.reps["value"].equals(first.reps["value"])                  # from the cache, whatever the name
    with pytest.raises(ensemble.Cancelled):
        ensemble.run(base, design_scenario(base, {"mentors": 9}), 3, cancelled=lambda: True)
    try:
        with pytest.raises(ensemble.Cancelled):
            ensemble.run(base, design_scenario(base, {"mentors": 8}), 3, workers=2, cancelled=lambda: True)
    finally:
        ensemble.shutdown_pool()
    assert not multiprocessing.active_children()


def test_the_app_draws_from_the_posterior_and_reproduces_the_command_line():
    """The same scenario, seed and replications give the app and fremskudt run the same numbers."""
    from sim.experiment import runner

    ensemble.clear_cache()
    base = _small("copenhagen-outreach")
    ens = ensemble.run(base, base, 3)
    assert ens.parameters == "posterior"
    _, tasks = runner.plan([base], base.seed, 3, runner.load_posterior(runner.DEFAULT_POSTERIOR))
    assert all(t.parameters for t in tasks)                   # each replication drew a parameter set
    cli = runner.replications_table(runner.execute(tasks))
    app = ens.reps[ens.reps["scenario"] == base.name]
    assert app[["seed", "outcome"]].reset_index(drop=True).equals(cli[["seed", "outcome"]])
    assert (app["value"].to_numpy() == cli["value"].to_numpy()).all() or \
        app["value"].reset_index(drop=True).equals(cli["value"])
    fixed = ensemble.run(base, base, 3, parameters="fixed")
    assert not fixed.reps["value"].equals(ens.reps["value"])
    assert "calibrated posterior" in views.parameters(ens, "en")
    assert "posteriorfordeling" in views.parameters(ens, "da")


def test_large_scenarios_run_scaled_with_capacity_kept(monkeypatch):
    monkeypatch.setattr(ensemble, "FULL_SIZE_LIMIT", 100)
    base = _small("central-jobcentre")
    e = ensemble.run(base, base, 2)
    assert e.scale == pytest.approx(100 / base.population.size, abs=0.01)
    assert "scale" in views.facts(e, "en")


# ----------------------------------------------------------------------------- one history
def test_history_records_who_did_what_this_week():
    base = _small("copenhagen-outreach")
    h = history.History(base, design_scenario(base, {"sanctions": "strict"}))
    totals = {"came": 0, "noshow": 0, "cancelled": 0}
    while not h.finished:
        h.step()
        for k in totals:
            totals[k] += len(h.last["design"].citizens[k])
    t = h.models["design"].tallies()
    assert h.week == h.horizon == base.horizon_weeks
    assert totals["noshow"] == t["noshow_outreach"] + t["noshow_central"]
    assert totals["cancelled"] == t["cancel_outreach"] + t["cancel_central"]
    assert totals["came"] > 0
    week = h.week
    h.step()                                   # past the horizon: nothing happens
    assert h.week == week


def test_playing_stops_at_the_horizon_or_when_paused():
    from sim.interface.app.state import play_until

    base = _small("central-jobcentre").model_copy(update={"horizon_weeks": 4})
    h = history.History(base, base)
    weeks = []
    assert play_until(h, lambda: len(weeks) < 2, lambda: weeks.append(h.week), pause=0) == 2
    assert play_until(h, lambda: True, lambda: weeks.append(h.week), pause=0) == 2
    assert weeks == [1, 2, 3, 4] and h.finished
    assert play_until(h, lambda: True, lambda: None, pause=0) == 0


def test_same_levers_give_the_same_history():
    base = _small("default")
    h = history.History(base, base)
    for _ in range(6):
        h.step()
    assert h.weekly("design").equals(h.weekly("baseline"))


# ----------------------------------------------------------------------------- figures and words
def _fonts(fig) -> list[float]:
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
             if t.get_text().strip()]
    return [t.get_fontsize() for t in texts]


def test_figures_are_drawn_for_a_projector():
    base = _small("copenhagen-outreach")
    d = design_scenario(base, {"caseload": 40, "company_consultants": 6})
    ens = ensemble.run(base, d, 5)
    h = history.History(base, d)
    h.step()
    figs = [plots.differences(ens.comparison, [base.name, ensemble.DESIGN], "da"), plots.states(h, "en"),
            plots.office(h, "design", "en")]
    for fig in figs:
        sizes = _fonts(fig)
        assert sizes and min(sizes) >= 12, sizes
        assert plots.png(fig)[:4] == b"\x89PNG"


def test_results_words_answer_first_with_intervals():
    base = _small("central-jobcentre")
    ens = ensemble.run(base, design_scenario(base, {"caseload": 30, "mentors": 10}), 5)
    said = views.sentences(ens, "en")
    assert said[0].startswith("Over 52 weeks, your design costs the public sector")
    assert said[1].startswith("Cost per additional citizen in a job or education within 52 weeks:")
    assert "90 % interval" in said[1] or "not defined, because" in said[1]
    assert said[2].startswith("Over 3\u00a0years, discounted at 3.5\u00a0% a year")
    html = views.results_table(ens, "en")
    assert "Net public cost" in html and "Net cost to the municipality" in html and "\u00a0pp" in html
    assert "\u00a0kr." in html and any(v in html for v in ("clearly", "likely", "no detectable difference"))
    shown = [o for o in views.RESULT_OUTCOMES if o not in ens.hidden]
    assert html.count("<tr") == len(shown) + len(views.RESULT_BUDGET) + 1
    same = ensemble.run(base, base, 5)
    assert views.identical(same) and "No lever differs" in views.sentences(same, "en")[0]
    # a lever moved since: the old figures are not said to be the design's
    stale = views.sentences(same, "en", stale=True)[0]
    assert "No lever differs" not in stale and stale.startswith("These are the scenario's own figures")
    assert "Evaluation" in views.results_table(same, "en")
    assert views.readout("caseload", 113, load_scenario("default"), "da") == "113 borgere hver (15,5 sagsbehandlere)"
    assert views.lever_title("meeting_interval_weeks", 13, base, "en") == "Meeting interval: every 13 weeks"


def test_status_follows_the_levers():
    base = _small("central-jobcentre")
    ens = ensemble.run(base, base, 3)
    assert views.status(ens, ens.key, False, 0, "en")[0] == "current"
    moved = ensemble.request_key(base, design_scenario(base, {"mentors": 5}), 3, base.seed, "posterior")
    assert views.status(ens, moved, False, 0, "en")[0] == "stale"
    assert views.status(ens, moved, True, 40, "en") == ("running", "Running design and baseline: 40 % done")


# ----------------------------------------------------------------------------- assets and the command
def test_the_browser_assets_are_installed_and_checked(tmp_path):
    need = assets.required()
    assert any(p.startswith("@widgetti/solara-vuetify-app@") for p in need) and "requirejs@2.3.6" in need
    assert assets.missing() == [], "make setup installs solara-assets, which holds them"
    with pytest.raises(assets.AssetsError, match="solara-vuetify-app.*make setup"):
        assets.check(tmp_path)


def test_command_refuses_to_start_without_assets_or_with_a_foreign_database(tmp_path, monkeypatch, capsys):
    from sim.interface import cli
    from sim.interface.commands import app as command

    args = cli.build_parser().parse_args(["app", "--no-browser", "--data-dir", str(tmp_path), "--workers", "2"])
    env = command.server_env(args.data_dir, args.workers)
    assert env["FREMSKUDT_APP_DATA"] == str(tmp_path) and env["FREMSKUDT_APP_WORKERS"] == "2"
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert "sim.interface.app.page:Page" in command.server_command("127.0.0.1", 9999)
    (tmp_path / "designs.sqlite").write_text("somebody else's notes")
    assert cli.main(["app", "--no-browser", "--data-dir", str(tmp_path)]) == 2
    assert "not a fremskudt designs database" in capsys.readouterr().err
    assert (tmp_path / "designs.sqlite").read_text() == "somebody else's notes"
    monkeypatch.setattr(assets, "cache_dir", lambda: tmp_path / "empty")
    assert cli.main(["app", "--no-browser", "--data-dir", str(tmp_path / "new")]) == 2
    assert "browser assets are missing" in capsys.readouterr().err


def test_the_guide_and_the_menu_speak_plainly():
    assert ("Case load", "sagsstamme", text_help("caseload")) in views.guide("en")   # the Danish term beside it
    da = dict((name, term) for name, term, _ in views.guide("da"))
    assert da["Sagsstamme"] is None and da["Dage i boligområdet"] == "fremskudt placering"
    items = views.scenario_items(["default", "small-caseload"], "da")
    assert items == [{"text": "Fremskudt indsats i København (ét år)", "value": "default"},
                     {"text": "Centralt jobcenter med små sagsstammer", "value": "small-caseload"}]


def text_help(key):
    from sim.interface.i18n import text
    return text(f"app.lever.{key}.help", "en")


def test_a_design_exported_as_a_scenario_file_runs_from_the_command_line(tmp_path):
    from sim.interface.app import exercise
    from sim.interface.cli import main

    base = _small("central-jobcentre")
    d = design_scenario(base, {"caseload": 40, "mentors": 3})
    name = exercise.file_name(base, "Fewer cases, more mentors")
    assert name == "fewer-cases-more-mentors"
    path = tmp_path / f"{name}.yaml"
    path.write_text(exercise.scenario_file(base, d, name), encoding="utf-8")
    loaded = load_scenario(path)
    assert lever_values(loaded) == lever_values(d) and not loaded.reported
    assert main(["run", str(path), "-n", "2", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert (tmp_path / "o" / "report.html").is_file()


def test_programme_cost_and_the_cap_by_hand():
    from sim.interface.app import exercise
    from sim.spec.prices import load_prices

    base = load_scenario("copenhagen-outreach")
    p = load_prices("dk-2024")
    # 15.5 caseworkers and 2 consultants at 570,000 x 1.25, 4 mentors at 500,000 x 1.25, 6 offices at 250,000
    assert exercise.programme_cost(base, p) == pytest.approx(17.5 * 712_500 + 4 * 625_000 + 6 * 250_000)
    more = design_scenario(base, {"mentors": 6})
    assert exercise.programme_cost(more, p) - exercise.programme_cost(base, p) == pytest.approx(2 * 625_000)
    cap = exercise.programme_cost(base, p)
    assert exercise.within(cap, cap) and not exercise.within(exercise.programme_cost(more, p), cap)


def test_the_info_panel_says_how_far_to_trust_it():
    sections = views.info(load_scenario("copenhagen-outreach"), "da")
    headings = [h for h, _ in sections]
    assert headings == ["Sådan virker modellen", "Hvad man skal lægge mærke til", "Hvad man kan prøve",
                        "Hvor meget kan man stole på tallene"]
    trust = " ".join(sections[-1][1])
    assert "kalibreringsmål" in trust and "docs/VALIDATION.md" in trust and "antagelser" in trust


# ----------------------------------------------------------------------------- what each step costs and buys
def test_the_curve_of_the_explored_lever_around_the_design():
    from sim.interface.app import steps

    ensemble.clear_cache()
    base = load_scenario("central-jobcentre")            # full size: every value staffs other people
    current = lever_values(base)["caseload"]
    seen = []
    c = steps.run(base, {}, "caseload", 3, progress=seen.append)
    assert c.sweep.reference == current == 224 and c.sweep.values == [78, 112, 168, 224]
    assert len(seen) == 3 * len(c.sweep.values) and seen[-1] == 1.0
    assert c.sweep.reference_point.scenario.organisation == base.organisation      # the design itself
    table = c.table.set_index(["value", "outcome"])
    assert table.loc[(current, "net_cost"), "verdict"] == "reference"
    dearer = table.loc[(78, "net_cost")]                                            # more caseworkers cost more
    assert dearer["difference_mean"] > 0 and dearer["pairs"] == 3
    words = steps.sentences(c, "en")
    assert len(words) == 3 and all("90 % interval" in w and "cases per caseworker" in w for w in words)
    assert "Kører sagsstamme på" in steps.intro("caseload", c.sweep.values, current, 3, "da")
    fig = steps.figure(c, "en", plots.FONT + 1, plots.WIDTH)
    assert min(_fonts(fig)) >= 12 and plots.png(fig)[:4] == b"\x89PNG"
    again = []
    steps.run(base, {}, "caseload", 3, progress=again.append)                      # every value from the cache
    assert len(again) == len(seen)
    with pytest.raises(ensemble.Cancelled):
        steps.run(base, {"caseload": current}, "mentors", 3, cancelled=lambda: True)
    # values that put the same caseworkers in post are drawn once; a lever that cannot act is not offered
    small = _small("central-jobcentre")                   # 175 citizens: one caseworker at 175 and at 262 cases
    few = steps.points(small, {}, "caseload")[0]
    assert [p.staffed for p in few.points] == [3, 2, 1] and few.reference == 175 and 175 in few.values
    assert "open_advice_days" not in levers.curve_levers(base) and "caseload" in levers.curve_levers(base)


@pytest.mark.slow
@pytest.mark.serial
def test_the_warm_pool_ends_at_once_when_the_server_exits():
    """The exit does not wait for a running replication (sim.experiment.pool.stop)."""
    pool = ensemble.warm_pool(1)
    try:
        running = pool.executor.submit(time.sleep, 60)
        deadline = time.monotonic() + 10
        while not running.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.running()
        t0 = time.monotonic()
    finally:
        ensemble.shutdown_pool()
    assert time.monotonic() - t0 < 8
    assert not multiprocessing.active_children()
