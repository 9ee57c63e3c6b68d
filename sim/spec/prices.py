"""Prices for the public-budget view: benefit rates, how earnings reduce benefit, tax,
staff, offices, courses and wage subsidies.

A prices file is YAML in ``scenarios/prices/`` (or any path).  Every figure carries its
``value``, ``unit``, ``year`` and ``source``; a source either cites a publication
(institute, year, title, table or section) or starts with ``assumed`` and gives the
reasoning.  Units are checked against what each figure means, so a salary given per
month instead of per year is an error, not a silent factor of twelve.  Problems raise
:class:`PricesError` naming the file, the key path, the bad value and what is allowed.

The file also says how the public cost splits between the municipality and the state
(:class:`PublicSplit`: the state's refund of benefits under the rules of its year, and the
municipality's share of the income tax) and the discount rate of the multi-year budget.

A scenario names its prices file in ``prices:`` (default :data:`DEFAULT_PRICES`);
``fremskudt run/compare --prices`` overrides it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from sim.errors import PricesError
from sim.paths import SCENARIO_DIR

from .keys import unknown_key
from .reading import file_sha256, read_yaml, strict_numbers

#: a path into working notes outside the repository, which a source must never be
NOT_A_PUBLICATION = "shared" + "/"

PRICES_DIR = SCENARIO_DIR / "prices"
DEFAULT_PRICES = "dk-2024"
BENEFITS = ("kontanthjaelp", "uddannelseshjaelp", "integrationsydelse")
#: The largest value a figure may have, by unit: far above any real price (the largest in the
#: shipped files is a salary of about 600,000 kr. a year), so a typo such as 1e308 is refused
#: instead of turning the budget into "inf million kr.".
MAXIMUM = {"DKK per month": 1_000_000, "DKK per year": 100_000_000, "DKK per hour": 100_000,
           "DKK per week": 1_000_000, "share": 1.0, "share per year": 1.0, "hours per week": 168.0}


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
        if NOT_A_PUBLICATION in v:
            raise ValueError("cite the publication itself (institute, year, title, table), not a path to working notes")
        return v

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumed")


def _given_in(unit: str) -> type[Figure]:
    """A figure that must be given in ``unit`` (a share must also be at most 1)."""
    class InUnit(Figure):
        @field_validator("unit")
        @classmethod
        def _unit(cls, v: str) -> str:
            if v != unit:
                raise ValueError(f"this figure must be given in '{unit}', got '{v}'")
            return v

        @field_validator("value")
        @classmethod
        def _at_most(cls, v: float) -> float:
            if v > MAXIMUM[unit]:
                what = "a share" if unit.startswith("share") else f"a figure in '{unit}'"
                most = MAXIMUM[unit]
                raise ValueError(f"{what} must be <= {int(most) if most == int(most) else most:,}, got {v:g}")
            return v
    InUnit.__name__ = InUnit.__qualname__ = f"Figure in {unit}"
    return InUnit


Monthly, Yearly, Hourly, Weekly = (_given_in(f"DKK per {u}") for u in ("month", "year", "hour", "week"))
Share, HoursPerWeek = _given_in("share"), _given_in("hours per week")
SharePerYear = _given_in("share per year")


class Situations(_Closed):
    """Monthly rates of one benefit for one age group, by household situation, and how
    the target group is assumed to be spread over those situations."""

    rates: dict[str, Monthly]
    mix: dict[str, float]
    mix_source: str = Field(min_length=8)

    @field_validator("mix")
    @classmethod
    def _mix_covers_rates(cls, mix: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        rates = info.data.get("rates", {})
        if set(mix) != set(rates):
            raise ValueError(f"mix needs exactly the situations of rates ({sorted(rates)})")
        if any(v < 0 for v in mix.values()) or abs(sum(mix.values()) - 1.0) > 1e-6:
            raise ValueError(f"mix shares must be >= 0 and sum to 1 (they sum to {sum(mix.values()):.4f})")
        return mix

    def monthly(self) -> float:
        """The mix-weighted monthly rate."""
        return sum(self.mix[k] * fig.value for k, fig in self.rates.items())


class Benefit(_Closed):
    """Rates of one benefit type: citizens aged 30 or over and citizens under 30."""

    age_30_and_over: Situations
    under_30: Situations


class StaffCost(_Closed):
    """A full-time employee's yearly cost: salary with pension, plus overhead."""

    salary: Yearly
    overhead: Share

    def annual(self) -> float:
        return self.salary.value * (1.0 + self.overhead.value)


class Staff(_Closed):
    caseworker: StaffCost
    mentor: StaffCost
    company_consultant: StaffCost


class Earnings(_Closed):
    """Ordinary paid hours: the wage, and the rules by which earnings reduce benefit (modregning)."""

    hourly_wage: Hourly
    labour_market_contribution: Share
    disregard_per_hour: Hourly


class Tax(_Closed):
    """Average income tax (including the labour-market contribution on earnings)."""

    on_benefits: Share
    on_earnings_on_benefit: Share
    on_earnings_off_benefit: Share


class WageSubsidy(_Closed):
    per_hour: Hourly
    hours_per_week: HoursPerWeek


class RefundStep(_Closed):
    """From this week on benefit on (counted as the law counts it), the state refunds ``rate``."""

    from_week: int = Field(ge=1)
    rate: Share


class Refund(_Closed):
    """The state's refund of the municipality's benefit and wage-subsidy costs.

    ``rule: duration`` (the refund system, *refusionstrappen*, from 2016): the rate falls
    with the citizen's weeks on public benefit so far, step by step (``steps``).
    ``rule: activity`` (the rules of 2011-2015): ``company_or_education`` in weeks with an
    offer in a company, ``other`` in every other week (courses and passive weeks)."""

    rule: Literal["duration", "activity"]
    steps: list[RefundStep] = []
    company_or_education: Share | None = None
    other: Share | None = None

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[RefundStep]) -> list[RefundStep]:
        if v and (v[0].from_week != 1 or any(b.from_week <= a.from_week for a, b in zip(v, v[1:]))):
            raise ValueError("steps start at from_week 1 and their weeks increase")
        return v

    @model_validator(mode="after")
    def _complete(self) -> "Refund":
        if self.rule == "duration" and not self.steps:
            raise ValueError("the duration rule needs its steps (from_week 1 on)")
        if self.rule == "activity" and (self.other is None or self.company_or_education is None):
            raise ValueError("the activity rule needs company_or_education and other")
        return self

    def mean_rate(self, before: np.ndarray, weeks: np.ndarray, company_weeks: np.ndarray) -> np.ndarray:
        """Each citizen's refund rate averaged over ``weeks`` weeks on benefit, after
        ``before`` weeks on benefit already counted; ``company_weeks`` of them with an offer
        in a company (the activity rule).  A citizen without a week on benefit gets 0."""
        before, weeks = np.asarray(before, dtype=float), np.asarray(weeks, dtype=float)
        out = np.zeros(len(weeks))
        some = weeks > 0
        if self.rule == "activity":
            company = np.minimum(np.asarray(company_weeks, dtype=float), weeks)
            out[some] = (self.company_or_education.value * company[some]
                         + self.other.value * (weeks[some] - company[some])) / weeks[some]
            return out
        first, last = before + 1.0, before + weeks               # the weeks counted, first and last
        bounds = [s.from_week for s in self.steps[1:]] + [math.inf]
        refunded = np.zeros(len(weeks))
        for step, upto in zip(self.steps, bounds):
            overlap = np.minimum(last, upto - 1.0) - np.maximum(first, float(step.from_week)) + 1.0
            refunded += step.rate.value * np.clip(overlap, 0.0, None)
        out[some] = refunded[some] / weeks[some]
        return out

    def rate_after(self, before: np.ndarray) -> np.ndarray:
        """The rate of the next week on benefit after ``before`` weeks (the activity rule: a
        week without an offer)."""
        return self.mean_rate(before, np.ones(len(np.asarray(before))), np.zeros(len(np.asarray(before))))


class PublicSplit(_Closed):
    """Who pays: the state's refund of benefits, and the municipality's share of the income
    tax paid on benefits and on earnings (the rest goes to the state)."""

    refund: Refund
    municipal_share_of_tax_on_benefits: Share
    municipal_share_of_tax_on_earnings: Share


class Prices(_Closed):
    """A complete, validated prices file."""

    name: str
    description: str = Field(min_length=8)
    year: int = Field(ge=1990, le=2100)
    currency: Literal["DKK"] = "DKK"
    benefits: dict[Literal["kontanthjaelp", "uddannelseshjaelp", "integrationsydelse"], Benefit]
    sanction_withheld_share: Share
    earnings: Earnings
    tax: Tax
    staff: Staff
    outreach_office: Yearly
    course_week: Weekly
    wage_subsidy: WageSubsidy
    public_split: PublicSplit
    discount_rate: SharePerYear
    _file: Path | None = PrivateAttr(default=None)

    @field_validator("benefits")
    @classmethod
    def _every_benefit(cls, v: dict) -> dict:
        missing = [b for b in BENEFITS if b not in v]
        if missing:
            raise ValueError(f"rates for every benefit type are needed; missing {', '.join(missing)}")
        return v

    @property
    def file(self) -> Path | None:
        return self._file

    def monthly_benefit(self, benefit: str, age: float) -> float:
        b = self.benefits[benefit]
        return (b.under_30 if age < 30 else b.age_30_and_over).monthly()

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure with its key path (for the report's table of prices)."""
        return list(_figures(self))

    def record(self) -> dict[str, Any]:
        """What the manifest keeps: the file, its hash and every resolved figure."""
        f = self._file
        return {"name": self.name, "file": str(f) if f else None,
                "sha256": file_sha256(f) if f else None,
                "resolved": self.model_dump(mode="json")}


def _figures(node: Any, path: str = ""):
    """(key path, figure) of every figure below ``node``, in file order."""
    if isinstance(node, Figure):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _figures(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _figures(value, f"{path}.{i}")


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

def locate(ref: str | Path) -> Path:
    """The file a prices reference names: a path, or a name in ``scenarios/prices/``."""
    text = str(ref)
    if not text.strip() or "\0" in text:
        raise PricesError(text, "prices", text, f"a prices name or file; give a path or one of: {', '.join(shipped())}")
    p = Path(text)
    try:
        if not p.exists() and not p.suffix and (PRICES_DIR / f"{p}.yaml").exists():
            p = PRICES_DIR / f"{p}.yaml"
        return p.resolve()
    except OSError as e:             # e.g. a name too long for the file system
        raise PricesError(text, "prices", text, f"the file cannot be read ({e.strerror})") from None


def shipped() -> list[str]:
    return sorted(p.stem for p in PRICES_DIR.glob("*.yaml"))


def _error(path: Path, e: ValidationError) -> PricesError:
    err = e.errors()[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        return PricesError(path, key, value, unknown_key(Prices, loc))
    if err["type"] == "missing":
        return PricesError(path, key, None, "this figure is required (value, unit, year and source)")
    ctx = err.get("ctx", {}).get("error")
    flat = isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values())
    shown = "…" if isinstance(value, dict) and not flat else value
    return PricesError(path, key, shown, f"allowed: {ctx or err['msg']}")


def load_prices(ref: str | Path) -> Prices:
    """Read and validate a prices file (a name in ``scenarios/prices/`` or a path), with the
    limits of :mod:`sim.spec.reading` and strict numbers."""
    path = locate(ref)
    if not path.exists():
        raise PricesError(ref, "prices", str(ref), f"no such prices file; give a path or one of: {', '.join(shipped())}")
    data = read_yaml(path, PricesError, empty="the prices file is empty; see scenarios/prices/dk-2024.yaml")
    data.setdefault("name", path.stem)
    strict_numbers(data, Prices, path, PricesError)
    try:
        prices = Prices.model_validate(data)
    except ValidationError as e:
        raise _error(path, e) from None
    prices._file = path
    return prices
