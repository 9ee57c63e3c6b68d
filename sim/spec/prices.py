"""Prices for the public-budget view: benefit rates, how earnings reduce benefit, tax,
staff, offices, courses and wage subsidies.

A prices file is YAML in ``scenarios/prices/`` (or any path).  Every figure carries its
``value``, ``unit``, ``year`` and ``source``; a source either cites a publication
(institute, year, title, table or section) or starts with ``assumed`` and gives the
reasoning.  Units are checked against what each figure means, so a salary given per
month instead of per year is an error, not a silent factor of twelve.  Problems raise
:class:`PricesError` naming the file, the key path, the bad value and what is allowed.

A scenario names its prices file in ``prices:`` (default :data:`DEFAULT_PRICES`);
``fremskudt run/compare --prices`` overrides it.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from sim.errors import PricesError
from sim.paths import SCENARIO_DIR

PRICES_DIR = SCENARIO_DIR / "prices"
DEFAULT_PRICES = "dk-2024"
BENEFITS = ("kontanthjaelp", "uddannelseshjaelp", "integrationsydelse")
MONTHLY, YEARLY, HOURLY, WEEKLY, SHARE = "DKK per month", "DKK per year", "DKK per hour", "DKK per week", "share"


def _unit(unit: str, **kw) -> Any:
    """A figure field and the unit its value must be given in."""
    return Field(json_schema_extra={"unit": unit}, **kw)


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Closed):
    """One price: its value, unit, the year it applies to and where it comes from."""

    value: float = Field(ge=0.0)
    unit: str
    year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=8)
    label: str = ""

    @field_validator("source")
    @classmethod
    def _standalone(cls, v: str) -> str:
        if "shared/" in v:
            raise ValueError("cite the publication itself (institute, year, title, table), not a shared/ path")
        return v

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumed")


class Situations(_Closed):
    """Monthly rates of one benefit for one age group, by household situation, and how
    the target group is assumed to be spread over those situations."""

    rates: dict[str, Figure]
    mix: dict[str, float]
    mix_source: str = Field(min_length=8)

    @model_validator(mode="after")
    def _mix_covers_rates(self) -> "Situations":
        if set(self.mix) != set(self.rates):
            raise ValueError(f"mix needs exactly the situations of rates ({sorted(self.rates)}), got {sorted(self.mix)}")
        if any(v < 0 for v in self.mix.values()) or abs(sum(self.mix.values()) - 1.0) > 1e-6:
            raise ValueError(f"mix shares must be >= 0 and sum to 1 (sum {sum(self.mix.values()):.4f})")
        for key, fig in self.rates.items():
            if fig.unit != MONTHLY:
                raise ValueError(f"rates.{key}.unit must be '{MONTHLY}', got '{fig.unit}'")
        return self

    def monthly(self) -> float:
        """The mix-weighted monthly rate."""
        return sum(self.mix[k] * fig.value for k, fig in self.rates.items())


class Benefit(_Closed):
    """Rates of one benefit type: citizens aged 30 or over and citizens under 30."""

    age_30_and_over: Situations
    under_30: Situations


class StaffCost(_Closed):
    """A full-time employee's yearly cost: salary with pension, plus overhead."""

    salary: Figure = _unit(YEARLY)
    overhead: Figure = _unit(SHARE)

    def annual(self) -> float:
        return self.salary.value * (1.0 + self.overhead.value)


class Staff(_Closed):
    caseworker: StaffCost
    mentor: StaffCost
    company_consultant: StaffCost


class Earnings(_Closed):
    """Ordinary paid hours: the wage, and the rules by which earnings reduce benefit (modregning)."""

    hourly_wage: Figure = _unit(HOURLY)
    labour_market_contribution: Figure = _unit(SHARE)
    disregard_per_hour: Figure = _unit(HOURLY)


class Tax(_Closed):
    """Average income tax (including the labour-market contribution on earnings)."""

    on_benefits: Figure = _unit(SHARE)
    on_earnings_on_benefit: Figure = _unit(SHARE)
    on_earnings_off_benefit: Figure = _unit(SHARE)


class WageSubsidy(_Closed):
    per_hour: Figure = _unit(HOURLY)
    hours_per_week: Figure = _unit("hours per week")


class Prices(_Closed):
    """A complete, validated prices file."""

    name: str
    description: str = Field(min_length=8)
    year: int = Field(ge=1990, le=2100)
    currency: Literal["DKK"] = "DKK"
    benefits: dict[Literal["kontanthjaelp", "uddannelseshjaelp", "integrationsydelse"], Benefit]
    sanction_withheld_share: Figure = _unit(SHARE)
    earnings: Earnings
    tax: Tax
    staff: Staff
    outreach_office: Figure = _unit(YEARLY)
    course_week: Figure = _unit(WEEKLY)
    wage_subsidy: WageSubsidy
    _file: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> "Prices":
        missing = [b for b in BENEFITS if b not in self.benefits]
        if missing:
            raise ValueError(f"benefits needs rates for every benefit type; missing {missing}")
        for path, fig, unit in _declared_figures(self):
            if fig.unit != unit:
                raise ValueError(f"{path}.unit must be '{unit}', got '{fig.unit}'")
            if unit == SHARE and fig.value > 1.0:
                raise ValueError(f"{path}.value is a share and must be <= 1, got {fig.value}")
        return self

    @property
    def file(self) -> Path | None:
        return self._file

    def monthly_benefit(self, benefit: str, age: float) -> float:
        b = self.benefits[benefit]
        return (b.under_30 if age < 30 else b.age_30_and_over).monthly()

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure with its key path, in file order (for the report's table of prices)."""
        out = [(p, f) for p, f, _ in _declared_figures(self)]
        for name, ben in self.benefits.items():
            for group in ("age_30_and_over", "under_30"):
                for key, fig in getattr(ben, group).rates.items():
                    out.append((f"benefits.{name}.{group}.rates.{key}", fig))
        return out

    def record(self) -> dict[str, Any]:
        """What the manifest keeps: the file, its hash and every resolved figure."""
        f = self._file
        return {"name": self.name, "file": str(f) if f else None,
                "sha256": hashlib.sha256(f.read_bytes()).hexdigest() if f else None,
                "resolved": self.model_dump(mode="json")}


def _declared_figures(model: BaseModel, prefix: str = ""):
    """(key path, figure, required unit) of every figure field declared with a unit."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if isinstance(value, Figure) and "unit" in extra:
            yield path, value, extra["unit"]
        elif isinstance(value, BaseModel) and not isinstance(value, Figure):
            yield from _declared_figures(value, path + ".")


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

def locate(ref: str | Path) -> Path:
    """The file a prices reference names: a path, or a name in ``scenarios/prices/``."""
    p = Path(ref)
    if not p.exists() and not p.suffix and (PRICES_DIR / f"{p}.yaml").exists():
        p = PRICES_DIR / f"{p}.yaml"
    return p.resolve()


def shipped() -> list[str]:
    return sorted(p.stem for p in PRICES_DIR.glob("*.yaml"))


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = Prices
    for part in loc:
        if isinstance(part, int) or model is None:
            return None
        field = model.model_fields.get(part)
        if field is None:   # a key inside a dict field: the dict's value type
            continue
        ann, model = field.annotation, None
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                model = cand
    return model


def _error(path: Path, e: ValidationError) -> PricesError:
    err = e.errors()[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        parent = _model_at(loc[:-1])
        valid = sorted(parent.model_fields) if parent else []
        guess = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        return PricesError(path, key, value, f"unknown key; {hint}valid keys here: {', '.join(valid)}")
    if err["type"] == "missing":
        return PricesError(path, key, None, "this figure is required (value, unit, year and source)")
    ctx = err.get("ctx", {}).get("error")
    shown = "…" if isinstance(value, dict) else value
    return PricesError(path, key, shown, f"allowed: {ctx or err['msg']}")


def load_prices(ref: str | Path) -> Prices:
    """Read and validate a prices file (a name in ``scenarios/prices/`` or a path)."""
    path = locate(ref)
    if not path.is_file():
        raise PricesError(ref, "prices", str(ref), f"no such prices file; give a path or one of: {', '.join(shipped())}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise PricesError(path, "", f"<YAML syntax error at {where}>", "the file must be valid YAML") from None
    except OSError as e:
        raise PricesError(path, "", str(path), f"the file cannot be read ({e.strerror})") from None
    if not isinstance(data, dict):
        raise PricesError(path, "", type(data).__name__, "a prices file must be a mapping of keys to values")
    data.setdefault("name", path.stem)
    try:
        prices = Prices.model_validate(data)
    except ValidationError as e:
        raise _error(path, e) from None
    prices._file = path
    return prices
