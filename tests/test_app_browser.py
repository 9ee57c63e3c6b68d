"""The workshop app in headless Chromium, as a facilitator would use it: the lever/model
mismatch of the first version (reproduced and shown fixed), readouts, the Run button and
the answer on the first screen at 1280x720, parameters drawn from the fit (and said so),
stale results dimmed, an ensemble difference with intervals, two saved designs on the
scoreboard and a third refused for its taken name, one history, the Info panel, element
bounds at 1280x720 and 1400x900, and the page with the network cut off.  Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from sim.interface.app.levers import lever_values
from sim.interface.commands.app import server_command, server_env
from sim.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SIZES = ((1400, 900), (1280, 720))

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent")]

# Every visible element of these groups must lie inside the window and not overlap another
# element of the same group; the text containers of CLIP must show all their content.
GROUPS = {
    "header": [".workshop-title", ".workshop-scenario", ".workshop-lang"],
    "levers": [".workshop-lever", ".workshop-run-button", ".workshop-levers-head", ".workshop-budget-line"],
    "results": [".workshop-answer", ".workshop-results-table", "img.workshop-differences", ".workshop-status"],
    "tabs": [".v-tab"],
}
CLIP = [".workshop-title", ".workshop-lever-title", ".workshop-mark", ".workshop-answer", ".workshop-results-table",
        ".workshop-table td", ".workshop-table th", ".workshop-status", ".workshop-scoreboard-box", ".workshop-sidebar"]
_BOXES = """(selectors) => selectors.flatMap(sel => [...document.querySelectorAll(sel)]
    .filter(e => e.offsetParent !== null)
    .map(e => { const r = e.getBoundingClientRect();
        return {sel, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                sw: e.scrollWidth, cw: e.clientWidth, text: (e.innerText || e.alt || '').slice(0, 40)}; }))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``fremskudt app``'s server on a free port, stopped (with its children) at the end."""

    def __init__(self, data_dir: Path, name: str, offline: bool = False):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = server_env(str(data_dir))
        if offline:        # the server's own fetches (Solara's CDN proxy) cannot leave the machine either
            env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1,localhost",
                       http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9", no_proxy="127.0.0.1,localhost")
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"{name}-server.log", "w")
        self.proc = subprocess.Popen(server_command("127.0.0.1", self.port), cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout: float = 60.0) -> None:
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app server exited with status {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise TimeoutError(f"app server did not answer on {self.url}")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, 9)
        self.log.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def check_bounds(page, where: str) -> None:
    """Nothing outside the window, clipped or overlapping (see GROUPS)."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{where}: the page scrolls sideways"
    for group, selectors in GROUPS.items():
        boxes = page.evaluate(_BOXES, selectors)
        for b in boxes:
            assert b["left"] >= -1 and b["right"] <= width + 1, f"{where}: {b} lies outside the window"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
                dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                assert dx <= 1 or dy <= 1, f"{where}: {a} overlaps {b}"
    for b in page.evaluate(_BOXES, CLIP):
        assert b["sw"] <= b["cw"] + 1, f"{where}: {b} clips its content"


def at_both_sizes(page, view: str) -> None:
    """A screenshot and the bounds check at each window size, then back to 1400x900."""
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        time.sleep(0.5)
        page.screenshot(path=str(ARTIFACTS / f"app-{view}-{w}x{h}.png"))
        check_bounds(page, f"{view} at {w}x{h}")
    page.set_viewport_size({"width": 1400, "height": 900})


def choose(page, within: str, option: str) -> None:
    page.locator(f"{within} .v-select__slot").first.click()
    page.locator(".menuable__content__active [role=option]", has_text=re.compile(f"^{re.escape(option)}$")).click()


def lever_title(page, key: str) -> str:
    return page.locator(f".workshop-lever-{key} .workshop-lever-title").inner_text()


def wait_current(page) -> None:
    page.locator(".workshop-status-current").wait_for(timeout=120_000)


def on_first_screen(page, selector: str) -> None:
    """The element is wholly inside the window without scrolling the page or its column."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 1, (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 1, (selector, box)


def test_workshop_in_chromium(browser, tmp_path):
    from playwright.sync_api import expect

    server = Server(tmp_path, "app")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        server.wait()
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        page.goto(server.url)
        wait_current(page)

        # the projector's first screen: the Run button and the answer, without scrolling
        page.set_viewport_size({"width": 1280, "height": 720})
        time.sleep(0.5)
        on_first_screen(page, ".workshop-run-button")
        on_first_screen(page, ".workshop-answer .workshop-sentence")
        page.screenshot(path=str(ARTIFACTS / "app-first-screen-1280x720.png"))
        page.set_viewport_size({"width": 1400, "height": 900})
        # the numbers carry the parameters' uncertainty, as the report's do, and the page says so
        expect(page.locator(".workshop-parameters")).to_contain_text("draws its behavioural parameters from the "
                                                                     "calibrated posterior")
        # scenarios are listed by their plain titles
        expect(page.locator(".workshop-scenario")).to_contain_text("Outreach in Copenhagen (one year)")

        # readouts: every lever says its value at rest
        for key in ("caseload", "days_in_estate", "meeting_interval_weeks", "mentors", "sanctions"):
            assert re.search(r": \S", lever_title(page, key)), lever_title(page, key)
        expect(page.locator(".workshop-lever-caseload .workshop-lever-title")).to_contain_text("113 citizens each")

        # the mismatch of the first version: a lever set on one scenario, then another scenario chosen
        choose(page, ".workshop-lever-sanctions", "at every no-show")
        expect(page.locator(".workshop-lever-sanctions .workshop-lever-title")).to_contain_text("at every no-show")
        page.locator(".workshop-lever-caseload [role=slider]").focus()
        page.keyboard.press("End")
        expect(page.locator(".workshop-lever-caseload .workshop-mark")).to_contain_text("scenario: 113")
        choose(page, ".workshop-scenario", "Central job centre")
        central = lever_values(load_scenario("central-jobcentre"))
        expect(page.locator(".workshop-lever-sanctions .workshop-lever-title")).to_contain_text(
            "after repeated no-shows")
        expect(page.locator(".workshop-lever-caseload .workshop-lever-title")).to_contain_text(
            f"{central['caseload']} citizens each")
        expect(page.locator(".workshop-changed")).to_have_count(0)
        choose(page, ".workshop-scenario", "Outreach in Copenhagen's housing areas")
        expect(page.locator(".workshop-lever-caseload .workshop-lever-title")).to_contain_text("113 citizens each")
        wait_current(page)

        # a design: smaller case loads and strict sanctions, marked until run, then run against the baseline
        page.locator(".workshop-lever-caseload [role=slider]").focus()
        page.keyboard.press("Home")
        choose(page, ".workshop-lever-sanctions", "at every no-show")
        expect(page.locator(".workshop-status-stale")).to_be_visible()
        expect(page.locator(".workshop-lever-sanctions .workshop-mark")).to_contain_text("not in the results yet")
        # the results of the scenario are dimmed and not said to be the design's
        stale = page.locator(".workshop-results-view.workshop-stale")
        expect(stale).to_be_visible()
        expect(stale).to_have_css("opacity", "0.4")      # once its fade (0.2 s) has ended
        expect(page.locator(".workshop-answer")).not_to_contain_text("No lever differs")
        page.locator(".workshop-run-button").click()
        wait_current(page)
        expect(page.locator(".workshop-results-view.workshop-stale")).to_have_count(0)
        table = page.locator(".workshop-results-table")
        expect(table).to_contain_text("Your design")
        row = table.locator("tr", has_text="In a job or education").inner_text()
        assert re.search(r"[+−]\d+\.\d\s*pp", row) and re.search(r"to [+−]?\d+\.\d\s*pp", row), row
        expect(table.locator("tr", has_text="Net public cost").first).to_contain_text("kr.")
        expect(page.locator("img.workshop-differences")).to_be_visible()
        expect(page.locator(".workshop-answer")).to_contain_text("your design costs the public sector")
        expect(page.locator(".workshop-answer")).to_contain_text("Cost per additional citizen in a job or education")

        # the first screen at 1400x900 holds the answer and the table
        for sel in (".workshop-answer", ".workshop-results-table"):
            box = page.locator(sel).bounding_box()
            assert box["y"] + box["height"] <= 900 + 1, f"{sel} ends below the first screen: {box}"
        at_both_sizes(page, "results")
        save_two_designs(page, expect)
        watch_one_history(page, expect)
        read_the_info(page, expect)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "app-failure.png"))
        raise
    finally:
        server.stop()


def save_two_designs(page, expect) -> None:
    page.get_by_role("tab", name="Team scoreboard").click()
    page.get_by_label("Team").fill("Team A")
    page.get_by_label("Design name").fill("small case loads")
    page.get_by_role("button", name="Save this design").click()
    expect(page.locator(".workshop-notice")).to_contain_text("Saved: Team A, small case loads.")
    page.locator(".workshop-lever-company_consultants [role=slider]").focus()
    page.keyboard.press("End")
    expect(page.locator(".workshop-status-stale")).to_be_visible()
    page.get_by_role("button", name="Save this design").click()
    expect(page.locator(".workshop-notice")).to_contain_text("Run the design first")
    page.locator(".workshop-run-button").click()
    wait_current(page)
    page.get_by_label("Team").fill("Team B")
    page.get_by_label("Design name").fill("more consultants")
    page.get_by_role("button", name="Save this design").click()
    board = page.locator(".workshop-scoreboard tbody tr")
    expect(board).to_have_count(2)
    expect(board.nth(1)).to_contain_text("Company consultants 2 → 10")
    assert re.search(r"\d+\.\d\s*%", board.nth(0).inner_text())
    # another team picks a name already on the board: refused, nothing replaced
    page.get_by_label("Team").fill("Team A")
    page.get_by_label("Design name").fill("small case loads")
    page.get_by_role("button", name="Save this design").click()
    expect(page.locator(".workshop-notice")).to_contain_text("Not saved: a design named small case loads by team "
                                                             "Team A is on the board already")
    expect(board).to_have_count(2)
    expect(board.nth(0)).to_contain_text("Case load 113 → 23")
    expect(page.locator("img.workshop-chart")).to_be_visible()            # cost against effect
    expect(board.nth(1)).to_contain_text("over the cap")                   # eight more consultants
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
    at_both_sizes(page, "scoreboard")


def watch_one_history(page, expect) -> None:
    page.get_by_role("tab", name="Watch one history").click()
    expect(page.locator(".workshop-week")).to_contain_text("Week 0 of 52")
    first = page.locator("img.workshop-office").get_attribute("src")
    page.get_by_role("button", name="Step one week").click()
    expect(page.locator(".workshop-week")).to_contain_text("Week 1 of 52")
    page.get_by_role("button", name="Step one week").click()
    expect(page.locator(".workshop-week")).to_contain_text("Week 2 of 52")
    assert page.locator("img.workshop-office").get_attribute("src") != first
    page.get_by_role("button", name="▶ Play").click()
    expect(page.locator(".workshop-week")).to_contain_text(re.compile(r"Week ([4-9]|\d\d) of 52"))
    page.get_by_role("button", name="❚❚ Pause").click()
    expect(page.get_by_role("button", name="▶ Play")).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "app-history-1400x900.png"), full_page=True)


def read_the_info(page, expect) -> None:
    page.get_by_role("tab", name="Info").click()
    panel = page.locator(".workshop-info-panel")
    expect(panel).to_contain_text("How the model works")
    expect(panel).to_contain_text("How far to trust this")
    expect(panel).to_contain_text("calibration targets")
    page.screenshot(path=str(ARTIFACTS / "app-info-1400x900.png"), full_page=True)


def test_works_offline(browser, tmp_path):
    """No request may leave the machine: the browser's are aborted, the server's go nowhere."""
    from playwright.sync_api import expect

    server = Server(tmp_path, "offline", offline=True)
    try:
        server.wait()
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        left = []

        def only_local(route):
            host = re.match(r"^[a-z]+://([^/:]+)", route.request.url)
            if route.request.url.startswith(("data:", "blob:")) or (host and host.group(1) in ("127.0.0.1", "localhost")):
                route.continue_()
            else:
                left.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        failed = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        cdn = []
        page.on("response", lambda r: cdn.append((r.url, r.status)) if "/_solara/cdn/" in r.url else None)
        page.goto(server.url)
        wait_current(page)
        expect(page.locator(".workshop-results-table")).to_contain_text("In a job or education")
        expect(page.locator(".workshop-lever-caseload .workshop-lever-title")).to_contain_text("citizens each")
        assert cdn and all(status == 200 for _, status in cdn), cdn
        assert not [u for u in failed if u not in left], failed
        page.screenshot(path=str(ARTIFACTS / "app-offline-1400x900.png"))
        context.close()
    finally:
        server.stop()


def test_what_each_step_costs_and_buys(browser, tmp_path):
    """The curve of the lever being explored: offered for the lever moved last, run on the
    warm pool with progress, cancellable, and shown as a chart with bands and a sentence a step."""
    from playwright.sync_api import expect

    server = Server(tmp_path, "curve")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        server.wait()
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        page.goto(server.url)
        wait_current(page)
        page.locator(".workshop-lever-mentors [role=slider]").focus()
        page.keyboard.press("ArrowRight")                        # mentors 4 -> 5: the lever being explored
        page.get_by_role("tab", name="What each step costs and buys").click()
        view = page.locator(".workshop-curve-view")
        expect(view).to_contain_text("What does each step cost and buy?")
        expect(page.locator(".workshop-curve-lever")).to_contain_text("Mentors")
        expect(view).to_contain_text("Runs mentors at 1, 3, 5, 7, 9 (your design: 5)")
        # cancelled: the replications not started are dropped and the button is back
        page.locator(".workshop-curve-run").click()
        expect(page.locator(".workshop-curve-cancel")).to_be_enabled()
        page.locator(".workshop-curve-cancel").click()
        expect(page.locator(".workshop-curve-run")).to_be_enabled()
        expect(page.locator("img.workshop-curve")).to_have_count(0)
        # the case load's curve, drawn to the end
        choose(page, ".workshop-curve-lever", "Case load")
        expect(view).to_contain_text("Runs case load at 56, 85, 113, 170, 226 (your design: 113)")
        page.locator(".workshop-curve-run").click()
        expect(page.locator("img.workshop-curve")).to_be_visible(timeout=180_000)
        sentences = page.locator(".workshop-curve-sentence")
        expect(sentences).to_have_count(4)
        expect(sentences.first).to_contain_text("Going from 113 to 56 cases per caseworker")
        expect(sentences.first).to_contain_text("90 % interval")
        expect(page.locator(".workshop-curve-result.workshop-stale")).to_have_count(0)
        box = page.locator("img.workshop-curve").bounding_box()
        assert box["width"] > 600 and box["x"] + box["width"] <= 1400, box
        page.screenshot(path=str(ARTIFACTS / "app-curve-1400x900.png"), full_page=True)
        # a lever moved since: the curve is marked as not the design's
        page.locator(".workshop-lever-company_consultants [role=slider]").focus()
        page.keyboard.press("ArrowRight")
        page.get_by_role("tab", name="What each step costs and buys").click()
        expect(page.locator(".workshop-curve-result.workshop-stale")).to_be_visible()
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "app-curve-failure.png"))
        raise
    finally:
        server.stop()
