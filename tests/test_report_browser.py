"""The comparison report in headless Chromium at 1400 x 900, in English and Danish: the first
screen says what the numbers say, the cost per additional citizen carries its interval
(or says why it is not defined), the parameters' sentence opens the page, "How far to
trust this" starts within the first two screens and quotes the committed validation, no
figure text is drawn under 11 px, no two labels of a figure overlap, and nothing runs past
the right margin."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.trust import VALIDATION_DIR
from sim.interface.cli import main
from sim.interface.i18n import kroner, value_range

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREEN = {"width": 1400, "height": 900}
SMALLEST_TEXT_PX = 11.0
#: every text of every embedded figure: its drawn size in CSS pixels and its box on the page
FIGURE_TEXTS = """() => { const out = [];
  document.querySelectorAll('svg.figure').forEach((svg, k) => {
    svg.querySelectorAll('text').forEach(t => {
      if (!t.textContent.trim()) return;
      const m = t.getScreenCTM(), r = t.getBoundingClientRect();
      out.push({figure: k, text: t.textContent.trim().slice(0, 60),
                px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
                left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    });
  }); return out; }"""


def expected_headline(comp: pd.DataFrame, scenario: str) -> list[str]:
    """Pieces the headline must contain, read from comparison.csv (the numbers)."""
    rows = comp[comp["scenario"] == scenario].set_index("outcome")
    cost = rows.loc["net_cost"]
    pieces = [f"{kroner(abs(cost['difference_mean']), 'en')} {'more' if cost['difference_mean'] > 0 else 'less'}"]
    effect = rows.loc["ever_job_or_education_52w"]
    if effect["verdict"] == "none":
        pieces.append("buys no detectable change in the share in a job or education at least one week within 52 weeks")
    else:
        pieces.append("raises" if effect["difference_mean"] > 0 else "lowers")
    return pieces


def expected_cost_sentence(ce: pd.DataFrame, scenario: str) -> str:
    """The cost per additional citizen as the report must say it: with its interval, or not defined."""
    row = ce.set_index("scenario").loc[scenario]
    if not row["defined"]:
        return "Cost per additional citizen in a job or education within 52 weeks: not defined, because"
    million = max(abs(row["kroner_per_citizen"]), abs(row["p5"]), abs(row["p95"])) >= 1e6
    amount = kroner(row["kroner_per_citizen"], "en", million=million)
    span = value_range(row["p5"], row["p95"], "kroner", "en", million=million)
    return f"Cost per additional citizen in a job or education within 52 weeks: {amount} (90 % interval {span})."


def check_figures(page, where: str) -> None:
    texts = page.evaluate(FIGURE_TEXTS)
    assert len(texts) > 50, where
    small = [t for t in texts if t["px"] < SMALLEST_TEXT_PX]
    assert not small, f"{where}: figure text under {SMALLEST_TEXT_PX} px: {small[:3]}"
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a["figure"] != b["figure"]:
                continue
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert dx <= 1 or dy <= 1, f"{where}: '{a['text']}' overlaps '{b['text']}'"


def check_margins(page, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"], f"{where}: scrolls sideways"
    right = page.evaluate("(() => { const b = document.body, s = getComputedStyle(b); "
                          "return b.getBoundingClientRect().right - parseFloat(s.paddingRight); })()")
    for box in page.evaluate("[...document.querySelectorAll('table, svg.figure')].map(e => { "
                             "const r = e.getBoundingClientRect(); return {right: r.right, width: r.width}; })"):
        assert box["width"] == 0 or box["right"] <= right + 1, f"{where}: a table or figure runs past the margin"


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_comparison_report_in_chromium(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (scripts/test-deps.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    items = pd.read_csv(VALIDATION_DIR / "items.csv")
    targets = items[items["role"] == "target"]
    folders = {}
    for lang in ("en", "da"):
        folders[lang] = tmp_path / lang
        # the shipped scenarios at full size take well under a second a replication; five pairs are the
        # fewest from which a difference can be called detectable
        assert main(["compare", "central-jobcentre", "copenhagen-outreach", "small-caseload", "-n", "5",
                     "--out", str(folders[lang]), "--quiet", "--lang", lang]) == 0
    comp = pd.read_csv(folders["en"] / "comparison.csv")
    ce = pd.read_csv(folders["en"] / "cost_effectiveness.csv")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=SCREEN)
            page.goto((folders["en"] / "report.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / "report-first-screen.png"))
            assert page.locator("#parameters").inner_text().startswith(
                "Behavioural parameters: each replication drew one set from the calibrated posterior")
            blocks = page.locator("#key-findings ul")
            assert blocks.count() == 2
            for i, scenario in enumerate(("copenhagen-outreach", "small-caseload")):
                sentences = blocks.nth(i).locator("li")
                headline = sentences.first
                box = headline.bounding_box()
                assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= SCREEN["height"], box
                text = headline.inner_text().replace("\u00a0", " ")
                for piece in expected_headline(comp, scenario):
                    assert piece.replace("\u00a0", " ") in text, (piece, text)
                # the cost per additional citizen comes with its interval, or says why it is not defined
                cost = sentences.nth(1).inner_text().replace("\u00a0", " ")
                assert cost.startswith(expected_cost_sentence(ce, scenario).replace("\u00a0", " ")), cost
            first = blocks.nth(0).locator("li").nth(1)
            assert first.bounding_box()["y"] + first.bounding_box()["height"] <= SCREEN["height"]
            # how far to trust it: starts within the first two screens, with the committed validation's counts
            trust = page.locator("#trust")
            assert trust.bounding_box()["y"] < 2 * SCREEN["height"] - 100, trust.bounding_box()
            said = trust.inner_text()
            assert f"{int(targets['inside_90'].sum())} of {len(targets)} calibration targets" in said
            assert "docs/VALIDATION.md" in said and "are assumed" in said and "leaves out" in said
            assert "Calibration targets" in said and "No evaluation measured what" in said
            assert page.locator("#forest-plot svg.figure").count() == 1
            check_figures(page, "English report")
            check_margins(page, "English report")
            page.goto((folders["da"] / "report.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / "report-first-screen-da.png"))
            assert page.locator("#trust h2").inner_text() == "Hvor meget kan man stole på tallene"
            assert "kalibreringsmål" in page.locator("#trust").inner_text()
            check_figures(page, "Danish report")
            check_margins(page, "Danish report")
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_sweep_report_in_chromium(tmp_path):
    """The sweep's report: the answer on the first screen, every step with its interval,
    the figure's text at least 11 px and never overlapping, nothing past the margin; in both languages."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (scripts/test-deps.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    folders = {}
    for lang in ("en", "da"):
        folders[lang] = tmp_path / lang
        assert main(["sweep", "central-jobcentre", "--caseload", "25,50,100,150,225,300", "-n", "5",
                     "--out", str(folders[lang]), "--quiet", "--lang", lang]) == 0
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=SCREEN)
            page.goto((folders["en"] / "report.html").as_uri())
            page.screenshot(path=str(ARTIFACTS / "sweep-first-screen.png"))
            steps = page.locator("#key-findings li.step")
            assert steps.count() == 5
            first = steps.first
            box = first.bounding_box()
            assert box["y"] + box["height"] <= SCREEN["height"], box              # the answer on the first screen
            said = first.inner_text().replace("\u00a0", " ")
            assert said.startswith("Going from 225 to 25 cases per caseworker (7.8 → 70 caseworkers) buys"), said
            assert "90 % interval" in said and "Cost per additional citizen in a job or education" in said
            assert "whole people in post (70, 35, 18, 12, 8, 6)" in page.locator("#caseworkers").inner_text()
            assert page.locator("#trust").bounding_box()["y"] < 2 * SCREEN["height"]
            assert page.locator("#curve svg.figure").count() == 1
            check_figures(page, "English sweep report")
            check_margins(page, "English sweep report")
            page.goto((folders["da"] / "report.html").as_uri())
            assert page.locator("#key-findings li.step").first.inner_text().startswith("At gå fra 225 til 25 sager")
            check_figures(page, "Danish sweep report")
            check_margins(page, "Danish sweep report")
        finally:
            browser.close()
