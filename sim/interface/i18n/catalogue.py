"""Reading the catalogues and formatting numbers the way each language writes them."""

from __future__ import annotations

import math
import re
import string
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from sim.experiment.statistics import DEFINITIONS
from sim.spec.reading import FAST_LOADER

LANGUAGES = ("en", "da")
NBSP = "\u00a0"   # keeps a number and its unit on one line


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, Any]:
    """The parsed catalogue of one language (shipped as package data)."""
    if lang not in LANGUAGES:
        raise KeyError(f"language {lang!r} has no catalogue; choose one of {', '.join(LANGUAGES)}")
    raw = resources.files(__package__).joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    return yaml.load(raw, Loader=FAST_LOADER)     # libyaml's safe loader: about 13 ms instead of 120 a language


def _entry(section: str, key: str, lang: str) -> Any:
    table = catalogue(lang)
    try:
        return table[section][key]
    except KeyError:
        raise KeyError(f"{lang}.yaml has no {section}.{key}") from None


def label(outcome: str, lang: str = "en") -> str:
    """The plain label of an outcome (the code name stays the key)."""
    return _entry("outcomes", outcome, lang)["label"]


def definition(outcome: str, lang: str = "en") -> str:
    """What an outcome measures: the code's own definition in English, the catalogue's otherwise."""
    if lang == "en":
        return DEFINITIONS[outcome]
    return _entry("outcomes", outcome, lang)["definition"]


def phrase(outcome: str, lang: str = "en") -> str:
    """The outcome as it reads inside a sentence (falls back to the label)."""
    entry = _entry("outcomes", outcome, lang)
    return entry.get("phrase") or entry["label"][0].lower() + entry["label"][1:]


def lever(key: str, lang: str = "en") -> str:
    """Plain name of a scenario setting (``organisation.caseworkers``, ``companies.count``, ...)."""
    return _entry("levers", key, lang)


def lever_value(v: Any, lang: str = "en") -> str:
    """A setting's value or a named term (yes/no, named options, units of prices, numbers) as a person reads it."""
    if isinstance(v, bool):
        return text("value.yes" if v else "value.no", lang)
    if v is None:
        return text("value.none", lang)
    if isinstance(v, (int, float)):
        return number(v, lang, 0 if float(v).is_integer() else 1)
    if isinstance(v, (list, tuple)) and all(isinstance(o, dict) and "caseworkers" in o for o in v):   # organisation.offices
        return "; ".join(text("value.office", lang, name=o.get("name") or str(k + 1), caseworkers=lever_value(o["caseworkers"], lang),
                              residents=lever_value(o["residents"], lang)) for k, o in enumerate(v))
    return catalogue(lang).get("values", {}).get(str(v), str(v))


def state(key: str, lang: str = "en") -> str:
    return _entry("states", key, lang)


class _Strict(string.Formatter):
    def __init__(self, key: str, lang: str):
        self.where = f"{lang}.yaml text.{key}"

    def get_value(self, key, args, kwargs):
        if key not in kwargs:
            raise KeyError(f"{self.where} needs a value for {{{key}}}")
        return kwargs[key]


_DOUBLE_STOP = re.compile(r"(?<=[a-zæøå])\.\.(?!\.)")


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A sentence or phrase of the catalogue with its ``{placeholders}`` filled (an
    abbreviation's point that ends a sentence is not doubled: '… mio. kr.', not 'kr..')."""
    return _DOUBLE_STOP.sub(".", _Strict(key, lang).vformat(_entry("text", key, lang), (), values))


def scenario_title(name: str, lang: str = "en") -> str:
    """A shipped scenario's plain title (``scenarios:`` in the catalogue); any other name as it is."""
    entry = catalogue(lang).get("scenarios", {}).get(name)
    return entry["title"] if entry else name


def scenario_description(name: str, lang: str = "en", fallback: str = "") -> str:
    """A shipped scenario's description in the language; another scenario's own (``fallback``)."""
    entry = catalogue(lang).get("scenarios", {}).get(name)
    return entry["description"] if entry else fallback


def when(moment: str | datetime | None, lang: str = "en") -> str:
    """A date and time as people write it ('3 May 2025, 14:05'; '3. maj 2025 kl. 14.05'),
    in the moment's own time zone; '–' when unknown."""
    if moment is None or moment == "":
        return "–"
    t = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    fmt = catalogue(lang)["dates"]
    month = fmt["months"][t.month - 1]
    return fmt["format"].format(day=t.day, month=month, year=t.year, hour=f"{t.hour:02d}", minute=f"{t.minute:02d}")


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

def number(x: float, lang: str = "en", digits: int = 0, sign: bool = False) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Danish; a dash for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    fmt = catalogue(lang)["number"]
    if round(x, digits) == 0:
        x = 0.0                        # no '-0.0'
    s = f"{x:{'+' if sign else ''},.{digits}f}"
    s = s.replace(",", "\0").replace(".", fmt["decimal"]).replace("\0", fmt["thousands"])
    return s.replace("-", "−")


def percent(x: float, lang: str = "en", digits: int = 1) -> str:
    """A share (0-1) in percent."""
    return "–" if x is None or math.isnan(x) else f"{number(100 * x, lang, digits)}{NBSP}%"


def points(x: float, lang: str = "en", digits: int = 1, short: bool = True) -> str:
    """A difference of two shares in percentage points, with its sign."""
    if x is None or math.isnan(x):
        return "–"
    unit = text("unit.points_short" if short else "unit.points", lang)
    return f"{number(100 * x, lang, digits, sign=True)}{NBSP}{unit}"


MILLION = 1e6


def kroner(x: float, lang: str = "en", sign: bool = False, million: bool | None = None) -> str:
    """Kroner: millions with one decimal from a million up, whole kroner below (``million``
    forces one or the other, so that a row keeps one unit)."""
    if x is None or math.isnan(x):
        return "–"
    if million if million is not None else abs(x) >= MILLION:
        return text("unit.million_kroner", lang, amount=number(x / 1e6, lang, 1, sign))
    return text("unit.kroner", lang, amount=number(round(x, -1 if abs(x) >= 1e4 else 0), lang, 0, sign))


def value(x: float, unit: str, lang: str = "en", diff: bool = False, million: bool | None = None) -> str:
    """A value (or, with ``diff``, a difference) in the unit of its outcome."""
    if unit == "share":
        return points(x, lang) if diff else percent(x, lang)
    if unit == "kroner":
        return kroner(x, lang, sign=diff, million=million)
    if unit == "persons":
        return number(x, lang, 0, sign=diff)
    return number(x, lang, 2 if unit == "rate" else 1, sign=diff)


def _enough_digits(values, digits: int, most: int = 3) -> int:
    """Digits enough that no bound other than zero is written as zero (an interval that
    excludes zero must not look as if it touched it)."""
    while digits < most and any(x != 0 and round(x, digits) == 0 for x in values):
        digits += 1
    return digits


def value_range(low: float, high: float, unit: str, lang: str = "en", diff: bool = False,
                million: bool | None = None) -> str:
    """An interval with its unit written once: '14.3 to 17.8 %', '+11.0 to +11.8 million kr.'."""
    if any(x is None or math.isnan(x) for x in (low, high)):
        return "–"
    if unit == "kroner":
        if million if million is not None else max(abs(low), abs(high)) >= MILLION:
            span = text("table.range", lang, low=number(low / 1e6, lang, 1, diff), high=number(high / 1e6, lang, 1, diff))
            return text("unit.million_kroner", lang, amount=span)
        digits = -1 if max(abs(low), abs(high)) >= 1e4 else 0
        span = text("table.range", lang, low=number(round(low, digits), lang, 0, diff),
                    high=number(round(high, digits), lang, 0, diff))
        return text("unit.kroner", lang, amount=span)
    if unit == "share":
        digits = _enough_digits((100 * low, 100 * high), 1)
        span = text("table.range", lang, low=number(100 * low, lang, digits, diff),
                    high=number(100 * high, lang, digits, diff))
        return f"{span}{NBSP}{text('unit.points_short', lang)}" if diff else f"{span}{NBSP}%"
    digits = 0 if unit == "persons" else 2 if unit == "rate" else 1
    return text("table.range", lang, low=number(low, lang, digits, diff), high=number(high, lang, digits, diff))


def in_millions(*values: float) -> bool:
    """Whether a row of kroner reads in millions: when any of its figures reaches a million."""
    return any(v is not None and not math.isnan(v) and abs(v) >= MILLION for v in values)


def value_row(mean: float, low: float, high: float, unit: str, lang: str = "en", diff: bool = False) -> tuple[str, str]:
    """A figure and its interval in one unit ('0.9 million kr.' with '0.6 to 1.3 million kr.')."""
    million = in_millions(mean, low, high) if unit == "kroner" else None
    return value(mean, unit, lang, diff, million), value_range(low, high, unit, lang, diff, million)
