"""The comparison report in headless Chromium: the first screen (1400 x 900) shows key
findings that say what the numbers say, and the differences chart is on the page."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from sim.interface.cli import main
from sim.interface.i18n import kroner

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREEN = {"width": 1400, "height": 900}


def expected_headline(comp: pd.DataFrame, scenario: str) -> list[str]:
    """Pieces the headline must contain, read from comparison.csv (the numbers)."""
    rows = comp[comp["scenario"] == scenario].set_index("outcome")
    cost = rows.loc["net_cost"]
    pieces = [scenario, f"{kroner(abs(cost['difference_mean']), 'en')} {'more' if cost['difference_mean'] > 0 else 'less'}"]
    ss = rows.loc["ever_self_sufficient_52w"]
    if ss["verdict"] == "none":
        pieces.append("buys no detectable change in the share ever self-sufficient")
    else:
        pieces.append("raises" if ss["difference_mean"] > 0 else "lowers")
    return pieces


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_comparison_report_first_screen(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (scripts/test-deps.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "cmp"
    # the shipped scenarios at full size take well under a second a replication; five pairs are the
    # fewest from which a difference can be called detectable
    assert main(["compare", "central-jobcentre", "copenhagen-outreach", "small-caseload", "-n", "5",
                 "--out", str(out), "--quiet"]) == 0
    comp = pd.read_csv(out / "comparison.csv")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=SCREEN)
            page.goto((out / "report.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / "report-first-screen.png"))
            blocks = page.locator("#key-findings ul")
            assert blocks.count() == 2
            for i, scenario in enumerate(("copenhagen-outreach", "small-caseload")):
                headline = blocks.nth(i).locator("li").first
                assert headline.is_visible()
                box = headline.bounding_box()
                assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= SCREEN["height"], box
                text = headline.inner_text().replace("\u00a0", " ")
                for piece in expected_headline(comp, scenario):
                    assert piece.replace("\u00a0", " ") in text, (piece, text)
            small = blocks.nth(1).inner_text()
            assert "Cost per additional citizen ever self-sufficient" in small
            forest = page.locator("#forest-plot")
            assert forest.count() == 1
            assert page.evaluate("document.getElementById('forest-plot').naturalWidth") > 600
        finally:
            browser.close()
