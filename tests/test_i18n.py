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
