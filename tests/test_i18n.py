"""The catalogues: complete in both languages, the same placeholders, numbers written the
language's way, and shipped with the package."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from sim.experiment.findings import settings
from sim.experiment.statistics import DEFINITIONS
from sim.interface.i18n import (LANGUAGES, definition, kroner, label, lever, number, percent, points, state, text,
                                value, value_range)
from sim.interface.i18n.catalogue import catalogue
from sim.interface.report.figures import STATES
from sim.spec.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_outcome_has_a_label_in_every_language_and_a_danish_definition():
    for lang in LANGUAGES:
        for o in DEFINITIONS:
            assert label(o, lang) and definition(o, lang), (lang, o)
    assert definition("noshow_share", "en") == DEFINITIONS["noshow_share"]
    assert label("noshow_share", "da") == "Udeblivelser fra obligatoriske samtaler"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_reads_the_same_with_pyyaml_s_own_parser(lang):
    """The catalogues are read with libyaml's parser (sim.spec.reading.FAST_LOADER); PyYAML's
    pure-Python parser reads them the same."""
    import yaml
    raw = (Path(__file__).resolve().parents[1] / "sim" / "interface" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8")
    reference = yaml.load(raw, Loader=yaml.SafeLoader)
    assert catalogue(lang) == reference and repr(catalogue(lang)) == repr(reference)


def test_languages_have_the_same_keys_and_placeholders():
    en, da = catalogue("en"), catalogue("da")
    for section in ("outcomes", "levers", "values", "states", "channels", "text"):
        assert set(en[section]) == set(da[section]), section
    for key, s in en["text"].items():
        assert _fields(s) == _fields(da["text"][key]), key
    for o in DEFINITIONS:                       # no label is left untranslated
        assert en["outcomes"][o]["label"] != da["outcomes"][o]["label"], o


def test_every_setting_a_key_finding_can_name_has_a_label():
    keys = set(settings(Scenario(organisation={"intensive": {"interval_weeks": 1}}))) | {"organisation.intensive"}
    for lang in LANGUAGES:
        for k in keys:
            assert lever(k, lang), (lang, k)
        for s in STATES:
            assert state(s, lang)


def test_numbers_percent_points_and_kroner():
    assert number(1234.5, "en", 1) == "1,234.5" and number(1234.5, "da", 1) == "1.234,5"
    assert number(-0.04, "en", 1, sign=True) == "+0.0"              # no '-0.0'
    assert percent(0.174, "da") == "17,4\u00a0%" and points(-0.058, "en") == "−5.8\u00a0pp"
    assert kroner(22_640_000, "en") == "22.6\u00a0million kr." and kroner(22_640_000, "da") == "22,6\u00a0mio. kr."
    assert kroner(12_934, "da", sign=True) == "+12.930\u00a0kr."
    assert value(0.29, "rate", "en") == "0.29" and value(3.0, "persons", "en", diff=True) == "+3"
    assert value_range(11.0e6, 11.8e6, "kroner", "en", diff=True) == "+11.0 to +11.8\u00a0million kr."
    assert value_range(0.143, 0.178, "share", "da") == "14,3 til 17,8\u00a0%"


def test_text_fills_placeholders_and_names_what_is_missing():
    assert text("table.minus", "en", scenario="b", reference="a") == "b minus a"
    with pytest.raises(KeyError, match=r"en.yaml text.table.minus needs a value for \{reference\}"):
        text("table.minus", "en", scenario="b")
    with pytest.raises(KeyError, match="da.yaml has no text.no.such.key"):
        text("no.such.key", "da")
    with pytest.raises(KeyError, match="choose one of en, da"):
        label("noshow_share", "sv")


def test_templates_and_catalogues_ship_as_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, globs in data.items():
        folder = ROOT / package.replace(".", "/")
        found = {p.name for g in globs for p in folder.glob(g)}
        assert found, package
    assert {"en.yaml", "da.yaml"} <= {p.name for p in (ROOT / "sim/interface/i18n").glob("*.yaml")}
    shipped = {p.name for g in data["sim.interface.report"] for p in (ROOT / "sim/interface/report").glob(g)}
    assert shipped == {p.name for p in (ROOT / "sim/interface/report/templates").iterdir()}


def test_every_channel_of_a_design_has_a_name_in_every_language():
    from sim.analysis.explain import CHANNELS
    for lang in LANGUAGES:
        assert {c.key for c in CHANNELS} <= set(catalogue(lang)["channels"]), lang
def test_one_unit_per_row_dates_and_no_doubled_point():
    from datetime import datetime

    from sim.interface.i18n import value_row, when
    # a row whose interval reaches a million writes its mean in millions too
    assert value_row(942_200, 0.6e6, 1.3e6, "kroner", "en") == ("0.9\u00a0million kr.", "0.6 to 1.3\u00a0million kr.")
    assert value_row(42_000, 30_000, 55_000, "kroner", "da")[0] == "42.000\u00a0kr."
    # dates as people write them, in either language; never an ISO UTC stamp
    moment = datetime.fromisoformat("2025-05-03T14:05:09+02:00")
    assert when(moment, "da") == "3. maj 2025 kl. 14.05" and when("2025-05-03T14:05:09+02:00", "en") == "3 May 2025, 14:05"
    # a sentence that ends on 'kr.' keeps one point
    said = text("findings.cpc.saves", "da", amount=kroner(2e5, "da"), interval="90 %-interval 1 til 2 kr.")
    assert ".." not in said and said.endswith("kr.).")
    assert text("budget.assume.rate", "da", rate="3,5 %", source="et loft på 25 kr.").endswith("loft på 25 kr.")


def test_danish_words_of_the_first_screens():
    da = catalogue("da")["text"]
    every = " ".join(str(v) for v in da.values())
    for wrong in ("håndtag", "frø", "committ", "Forskelle fra", "og {n} andre"):
        assert wrong not in every, wrong
    assert "greb" in da["app.levers.none"] and da["findings.lever_item"] == "{lever}: {old} → {new}"
    titles = catalogue("da")["scenarios"]
    assert set(titles) == set(catalogue("en")["scenarios"]) >= {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    for name, entry in titles.items():
        assert entry["title"] != catalogue("en")["scenarios"][name]["title"], name
