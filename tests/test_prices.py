"""Prices files: every figure has unit, year and source; every shipped scenario has prices;
a broken file gives one clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.errors import PricesError
from sim.spec.prices import NOT_A_PUBLICATION, PRICES_DIR, load_prices, shipped
from sim.spec.scenario import SCENARIO_DIR, load_scenario

SHIPPED = sorted(PRICES_DIR.glob("*.yaml"))


def test_dk_2014_and_dk_2024_are_shipped():
    assert {"dk-2014", "dk-2024"} <= set(shipped())


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_figure_has_unit_year_and_a_source_or_says_assumed(path: Path):
    prices = load_prices(path)
    assert prices.name == path.stem
    figures = prices.figures()
    assert len(figures) >= 25
    for key, fig in figures:
        assert fig.unit and fig.year == prices.year, key
        cites = re.search(r"\b(19|20)\d\d\b", fig.source) is not None
        assert fig.assumed or cites, f"{key}: a source names its publication and year, or says 'assumed'"
        assert NOT_A_PUBLICATION not in fig.source and not re.search(r"\bL\d+", fig.source), key
    for name, ben in prices.benefits.items():
        for group in (ben.age_30_and_over, ben.under_30):
            assert group.mix_source.startswith("assumed") or re.search(r"\d{4}", group.mix_source), name


def test_published_rates_are_marked_as_taken_from_the_ministry_tables():
    p14, p24 = load_prices("dk-2014"), load_prices("dk-2024")
    k14 = p14.benefits["kontanthjaelp"].age_30_and_over.rates
    assert (k14["provider"].value, k14["other"].value) == (14203, 10689)
    assert not k14["other"].assumed and "Satser for 2014" in k14["other"].source
    k24 = p24.benefits["kontanthjaelp"].age_30_and_over.rates
    assert (k24["provider"].value, k24["other"].value) == (16382, 12326)
    assert p14.earnings.disregard_per_hour.value == 25 and not p14.earnings.disregard_per_hour.assumed
    # a value not read from a public table says so
    assert p24.earnings.disregard_per_hour.assumed and p24.staff.caseworker.salary.assumed


@pytest.mark.parametrize("path", sorted(SCENARIO_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_has_prices(path: Path):
    sc = load_scenario(path)
    prices = load_prices(sc.prices)
    assert prices.monthly_benefit("kontanthjaelp", 40) > 10_000


def _broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load((PRICES_DIR / "dk-2024.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, pieces", [
    (lambda d: d["staff"]["caseworker"].update(salery=1), ["staff.caseworker.salery", "did you mean 'salary'"]),
    (lambda d: d["staff"]["caseworker"]["salary"].update(unit="DKK per month"),
     ["staff.caseworker.salary.unit", "'DKK per month'", "must be given in 'DKK per year'"]),
    (lambda d: d["benefits"]["kontanthjaelp"]["age_30_and_over"]["mix"].update(provider=0.9),
     ["benefits.kontanthjaelp.age_30_and_over.mix", "0.9", "sum to 1"]),
    (lambda d: d["tax"].pop("on_benefits"), ["tax.on_benefits", "required"]),
    (lambda d: d["tax"]["on_benefits"].update(value=25), ["tax.on_benefits.value", "25", "share must be <= 1"]),
    (lambda d: d["outreach_office"].update(source=""), ["outreach_office.source"]),
    (lambda d: d["outreach_office"].update(source=f"see {NOT_A_PUBLICATION}evidence/x.md"), ["outreach_office.source", "publication"]),
    (lambda d: d["benefits"].pop("integrationsydelse"), ["benefits", "integrationsydelse"]),
])
def test_broken_prices_file_names_file_key_and_what_is_allowed(tmp_path, edit, pieces):
    with pytest.raises(PricesError) as e:
        load_prices(_broken(tmp_path, edit))
    msg = str(e.value)
    assert "broken.yaml" in msg and "\n" not in msg
    assert all(p in msg for p in pieces), msg


def test_unknown_name_and_bad_yaml(tmp_path):
    with pytest.raises(PricesError, match=r"no such prices file.*dk-2014, dk-2024"):
        load_prices("dk-1999")
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: [2024\n")
    with pytest.raises(PricesError, match="YAML syntax error at line 2"):
        load_prices(bad)
