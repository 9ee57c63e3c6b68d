"""The workshop app (sim/app.py): model wiring without a browser, and the page in headless Chromium."""

from __future__ import annotations

import inspect
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from sim.interface import app
from sim.interface.commands.app import server_command, server_env

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# ----------------------------------------------------------------------------- without a browser
def test_model_params_match_the_model_signature():
    sig = inspect.signature(app.WorkshopModel.__init__).parameters
    for name in app.scenario_names():
        params = app.model_params(name)
        assert set(params) <= set(sig), set(params) - set(sig)
        for key, spec in params.items():
            if isinstance(spec, dict) and spec.get("type", "").startswith("Slider"):
                assert spec["min"] <= spec["value"] <= spec["max"], (name, key, spec)
    assert set(app.LEVERS) >= set(app.SHORT)


def test_baseline_is_the_scenario_and_levers_change_only_the_design():
    m = app.WorkshopModel(**{**app.initial_values(app.scenario_names()[0]), "population_scale": 0.1, "caseload": 40,
                             "trin_model": True})
    assert m.changed_levers()["caseload"][1] == 40
    assert m.baseline_scenario == app.design_scenario(m.base, 0.1)
    assert m.design_scenario.organisation.caseworkers > m.baseline_scenario.organisation.caseworkers
    assert m.design.seed_used == m.baseline.seed_used
    before = app.headline_markdown(m)
    m.step()
    assert m.steps == 1 and m.week == 1 and m.running
    assert app.headline_markdown(m) != before
    m.run_to_end()
    assert not m.running and m.week == m.horizon
    for arm in ("design", "baseline"):
        assert len(m.history[arm]) == m.horizon + 1
    m.step()   # stepping past the horizon is harmless
    assert m.week == m.horizon
    rows = app.outcome_rows(m)
    assert rows and all(len(r) == 5 for r in rows)
    for fn in (app.plot_states, app.plot_attendance, app.plot_staff, app.plot_hours):
        assert fn(m).axes


def test_same_levers_give_identical_arms():
    """Common random numbers: with no lever changed, design and baseline are the same run."""
    m = app.WorkshopModel(scenario=app.scenario_names()[0], population_scale=0.1, horizon_weeks=10)
    m.run_to_end()
    assert m.history["design"] == m.history["baseline"]


def test_builtin_default_and_central_design():
    m = app.WorkshopModel(scenario=app.BUILTIN, population_scale=0.05, days_in_estate=0.0, compare=False,
                          horizon_weeks=4)
    assert m.design_scenario.organisation.location == "central" and m.baseline is None
    m.run_to_end()
    assert "baseline" not in app.outcomes_markdown(m).split("\n")[2]


def test_page_and_dashboard_render_and_follow_the_model():
    import ipywidgets
    import solara
    from mesa.visualization.utils import force_update

    box, rc = solara.render(app._page()(), handle_error=False)   # the whole page, with Mesa's controls
    rc.close()
    dashboard, _ = app._solara_parts()
    m = app.WorkshopModel(scenario=app.scenario_names()[0], population_scale=0.05)
    box, rc = solara.render(dashboard(m), handle_error=False)
    try:
        def images():
            return [w.value for w in rc.find(ipywidgets.Image).widgets]

        plots0 = images()
        assert len(plots0) == 4
        m.step()
        m.step()
        force_update()
        plots2 = images()
        assert all(a != b for a, b in zip(plots0, plots2))
    finally:
        rc.close()


def test_cli_builds_the_server_command():
    from sim.interface.cli import build_parser

    args = build_parser().parse_args(["app", "--no-browser", "--port", "9999"])
    assert args.host == "127.0.0.1" and args.port == 9999 and args.no_browser
    cmd = server_command(args.host, args.port)
    assert "sim.interface.app:Page" in cmd and cmd[cmd.index("--port") + 1] == "9999"


# ----------------------------------------------------------------------------- in the browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 45.0) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"app server did not answer on {url} within {timeout:.0f} s")


PLOTS = "img.widget-image"
_DIGESTS = """async () => Promise.all([...document.querySelectorAll('img.widget-image')].map(async e => {
    const a = new Uint8Array(await (await fetch(e.src)).arrayBuffer());
    let h = 0; for (const x of a) h = (h * 31 + x) >>> 0;
    return a.length + ':' + h; }))"""


def _check_assets(url: str) -> None:
    """The page needs Solara's browser bundle; offline it must be in Solara's local cache."""
    with urllib.request.urlopen(url, timeout=10) as r:
        html = r.read().decode("utf-8", "replace")
    for asset in re.findall(r'(?:src|href)="(/_solara/cdn/[^"]+)"', html):
        try:
            with urllib.request.urlopen(url.rstrip("/") + asset, timeout=30) as r:
                ok = r.status == 200
        except OSError:
            ok = False
        if not ok:
            pytest.fail(f"the app server cannot serve {asset}: run scripts/solara-assets.sh to put Solara's "
                        "browser assets into its local cache")


def _plot_digests(page) -> list[str]:
    """A digest of each plot's image bytes (the images are blob URLs)."""
    return page.evaluate(_DIGESTS)


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_app_in_headless_chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (scripts/test-deps.sh installs Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(ARTIFACTS / "app-server.log", "w")
    proc = subprocess.Popen(server_command("127.0.0.1", port), cwd=ROOT, env=server_env(), stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        _wait_for(url, proc)
        _check_assets(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1600, "height": 1500})
                page.set_default_timeout(30_000)
                expect.set_options(timeout=30_000)
                page.goto(url)
                headline = page.locator(".workshop-headline")
                expect(headline).to_contain_text("Week 0 of 52")
                expect(headline).to_contain_text("No lever differs")
                expect(page.locator(PLOTS)).to_have_count(4)
                plots0 = _plot_digests(page)

                # move the case-load slider to its minimum and start a new run with it
                slider = page.locator(".v-slider", has_text="Case load").get_by_role("slider")
                slider.focus()
                slider.press("Home")
                page.get_by_role("button", name="Reset").click()
                expect(headline).to_contain_text(re.compile(r"Case load per caseworker \d+ → 20"))
                text0 = headline.inner_text()

                # two weeks, one at a time (no meeting is due in the first week)
                page.get_by_role("button", name="Step").click()
                expect(headline).to_contain_text("Week 1 of 52")
                page.get_by_role("button", name="Step").click()
                expect(headline).to_contain_text("Week 2 of 52")
                deadline = time.time() + 20
                plots1 = _plot_digests(page)
                while sum(a != b for a, b in zip(plots0, plots1)) < 4 and time.time() < deadline:
                    time.sleep(0.25)
                    plots1 = _plot_digests(page)
                text1 = headline.inner_text()
                assert text1 != text0
                changed = [a != b for a, b in zip(plots0, plots1)]
                assert len(plots1) == 4 and all(changed), f"plots did not change after a step: {changed}"

                # the rest of the year
                page.get_by_role("button", name="Run to week 52").click()
                expect(headline).to_contain_text("Week 52 of 52")
                outcomes = page.locator(".workshop-outcomes")
                expect(outcomes).to_contain_text("ever_self_sufficient_52w")
                row = outcomes.locator("tr", has_text="ever_self_sufficient_52w").inner_text()
                assert re.search(r"\d+\.\d %", row), row
                plots52 = _plot_digests(page)
                assert all(a != b for a, b in zip(plots1, plots52)), "plots did not change over the year"
                page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)

                # another scenario survives Mesa's Reset, also with the comparison switched off
                other = app.scenario_names()[1] if len(app.scenario_names()) > 1 else None
                if other is not None:
                    page.locator(".v-select", has_text="Scenario").first.click()
                    page.get_by_role("option", name=other, exact=True).click()
                    expect(headline).to_contain_text(f"Scenario {other}")
                    page.get_by_label(app.LEVERS["compare"][0]).uncheck()
                    page.get_by_role("button", name="Reset").click()
                    page.get_by_role("button", name="Step").click()
                    expect(headline).to_contain_text("Week 1 of 52")
                    expect(headline).to_contain_text(f"Scenario {other}")
                    expect(headline.locator("th")).to_have_count(2)   # 'so far' and 'design' only
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_reset_with_only_the_touched_inputs_keeps_the_scenario():
    """Mesa's Reset calls type(model)(**inputs); inputs may hold only what was changed."""
    name = app.scenario_names()[-1]
    m = app.model_class(name)(**app.initial_values(name))
    again = type(m)(compare=False, population_scale=0.05)
    assert again.scenario_name == name and again.baseline is None
    assert again.levers == app.lever_values(again.base)
    assert app.model_class(name) is type(m)
