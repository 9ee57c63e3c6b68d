"""Scenario schema: the population, the organisation (policy levers), the company pool,
the horizon and seed, and optional overrides of behavioural parameters.

Policy levers (:class:`Organisation`) are kept apart from uncertain behavioural
parameters (:class:`sim.spec.parameters.Behaviour`).  A scenario file is YAML, read with
limits by :mod:`sim.spec.loading` (a file can never run code), may ``extends:`` another
file and then states only what differs.  Any problem raises :class:`ScenarioError`
naming the file, the key path, the bad value and what is allowed.

Numbers are strict: ``true``/``false`` and quoted text are not numbers, and every number
must be finite.  Shares that split a group (``ag_distribution``, ``benefit_shares``) must
each lie in [0, 1] and sum to 1 within :data:`SHARE_TOLERANCE`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.errors import ScenarioError
from sim.paths import SCENARIO_DIR  # noqa: F401  (re-exported: where the shipped scenarios live)

from .keys import model_at, unknown_key
from .loading import read_chain
from .reading import bounds_text, strict_numbers
from .parameters import Behaviour
from .prices import DEFAULT_PRICES

CATEGORIES = ("A", "B", "C", "D", "E", "F", "G")
#: How far a set of shares that splits a group may sum away from 1.
SHARE_TOLERANCE = 0.001
#: What a scenario name may be: it names result folders, so it must be a plain file name.
NAME_RULE = re.compile(r"[^\W_][\w.-]{0,79}")
NAME_ALLOWED = ("a name of 1 to 80 characters: letters, digits, '-', '_' and '.', starting with a letter or digit "
                "(it names the result folder)")
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


def valid_name(name: object) -> bool:
    """Is ``name`` usable as a scenario name (and so as part of a folder name)?"""
    return isinstance(name, str) and NAME_RULE.fullmatch(name) is not None


def _check_shares(what: str, shares: dict[str, float]) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} must sum to 1 (within {SHARE_TOLERANCE}); these sum to {total:.4g}")


def _ag_default() -> dict[str, float]:
    # copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2: UB in January 2014 (n = 1,021; G 29.7 % rounded down so the shares sum to 1)
    return {"A": 0.05, "B": 0.17, "C": 0.10, "D": 0.11, "E": 0.21, "F": 0.07, "G": 0.29}


class Population(_Closed):
    """Who is in the target group (aktivitetsparate ledige)."""

    size: int = Field(1750, ge=1, le=2_000_000, description="Citizens in the target group at week 0 (copenhagen-outreach-2015, programme description: 1,750 active cases)")
    inflow_per_week: float = Field(0.0, ge=0.0, le=10_000, description="New referrals per week (visitation)")
    age_min: int = Field(30, ge=18, le=64, description="Youngest age in the group (copenhagen-outreach-2015, introduction: over 30)")
    age_max: int = Field(64, ge=18, le=67, description="Oldest age in the group")
    female_share: float = Field(0.5, ge=0.0, le=1.0, description="Share of women (assumed)")
    immigrant_share: float = Field(0.64, ge=0.0, le=1.0, description="Share with immigrant background (copenhagen-outreach-2015, programme description: 64 % of adults in the six areas)")
    no_work_experience_share: float = Field(0.4, ge=0.0, le=1.0, description="Share of immigrant women without work experience (assumed)")
    ag_distribution: dict[str, Share] = Field(default_factory=_ag_default, description="Share in each A-G category at week 0 (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2)")
    seniority_weeks_mean: float = Field(150.0, ge=0.0, le=2000.0, description="Mean weeks on benefit at week 0 (assumed; 'many years in the system', activation-practice-2012, chapter 4)")
    benefit_shares: dict[Literal["kontanthjaelp", "uddannelseshjaelp", "integrationsydelse"], Share] = Field(
        default_factory=lambda: {"kontanthjaelp": 1.0, "uddannelseshjaelp": 0.0, "integrationsydelse": 0.0},
        description="Share on each benefit type")
    trust_mean: float = Field(0.5, ge=0.0, le=1.0, description="Mean trust in the job centre at week 0 (assumed)")
    motivation_mean: float = Field(0.5, ge=0.0, le=1.0, description="Mean motivation and belief in a job (tro på job) at week 0 (assumed)")
    job_ready_share: float = Field(0.0, ge=0.0, le=1.0, description="Share of job-ready residents included in the case loads (jobgaranti-midway-2019, part on the organisation in the five municipalities: Høje-Taastrup)")

    @field_validator("ag_distribution", "benefit_shares")
    @classmethod
    def _sum_to_one(cls, shares: dict, info) -> dict:
        _check_shares(info.field_name, shares)
        return shares

    @model_validator(mode="after")
    def _check(self) -> "Population":
        if set(self.ag_distribution) != set(CATEGORIES):
            missing = sorted(set(CATEGORIES) - set(self.ag_distribution))
            extra = sorted(set(self.ag_distribution) - set(CATEGORIES))
            raise ValueError(f"ag_distribution needs exactly the keys A-G (missing {missing}, unknown {extra})")
        if self.age_max < self.age_min:
            raise ValueError(f"age_max ({self.age_max}) must be >= age_min ({self.age_min})")
        return self


class Sanctions(_Closed):
    """Sanction policy (sanktioner)."""

    policy: Literal["never", "after_k", "strict"] = Field("after_k", description="never / after k unexcused no-shows / every unexcused no-show")
    k: int = Field(2, ge=1, le=20, description="Unexcused no-shows (within a year) before a sanction under 'after_k'")
    authority: Literal["all_caseworkers", "central_only"] = Field("all_caseworkers", description="Who may sanction: every caseworker, or only central caseworkers, so that staff in the estate office must report a no-show first (two-step path, alle-i-gang-2009, chapter 4, text to Figure 4.3; jobgaranti-midway-2019, part on trin 1)")
    announced: bool = Field(False, description="Citizens are told explicitly that absence leads to deductions (alle-i-gang-2009, chapter 4, Figure 4.3 and footnote 17)")


class Intensive(_Closed):
    """An intensive contact period at the start (e.g. Alle i gang: weekly meetings for 26 weeks)."""

    interval_weeks: int = Field(1, ge=1, le=26)
    duration_weeks: int = Field(26, ge=1, le=520)
    meeting_minutes: float = Field(30.0, ge=5.0, le=120.0)


class Housing(_Closed):
    """Housing organisation and local actors (boligorganisation, helhedsplan)."""

    placements: int = Field(0, ge=0, le=10_000, description="Placement slots in estate operations (jobgaranti-midway-2019, Bilag 1: 15 in 5 areas, 14 unpaid)")
    hours_willingness: float = Field(0.05, ge=0.0, le=1.0, description="Probability a housing placement has ordinary hours (jobgaranti-midway-2019, Bilag 1: 1 hybrid of 15)")
    debt_counselling: bool = Field(False, description="Debt counselling by housing-social staff (jobgaranti-midway-2019, part on the organisation in the five municipalities: Roskilde)")


def caseworkers_in_post(caseworkers: float) -> int:
    """The caseworkers the model puts in post for a setting of ``organisation.caseworkers``:
    whole people, at least one (a fractional setting is rounded)."""
    return max(1, round(caseworkers))


class Office(_Closed):
    """One outreach office run as a separate effort: its own caseworkers and the residents of
    its own area."""

    name: str = Field("", max_length=80, description="What the office is called (e.g. the municipality)")
    caseworkers: int = Field(ge=0, le=100_000, description="Caseworkers (case holders, whole people) in post in this office; they sum to the caseworkers in post")
    residents: float = Field(gt=0.0, le=1e9, description="Relative size of the target group in the office's area (normalised over the offices; e.g. the citizens referred there)")


class Organisation(_Closed):
    """Policy levers: staff, where they sit, meetings, sanctions, the trin model."""

    caseworkers: float = Field(15.5, ge=0.5, le=100_000, description="Caseworker FTE (sagsbehandlere/jobkonsulenter); copenhagen-outreach-2015, programme description")
    caseworker_hours_per_week: float = Field(37.0, ge=1.0, le=45.0, description="A caseworker's contract hours a week (the Danish full-time week; activation-practice-2012, chapter 4: relationship-oriented caseworkers work 37 to 45)")
    caseload_cap: int | None = Field(None, ge=1, le=10_000, description="Most active cases per caseworker; referrals beyond it wait (None: no cap)")
    location: Literal["central", "outreach", "split"] = Field("central", description="Where caseworkers sit: central job centre, outreach office in the estate, or days split")
    days_in_estate: float = Field(0.0, ge=0.0, le=5.0, description="Average days a week a caseworker sits in the estate (copenhagen-outreach-2015, programme description: 1-4)")
    outreach_offices: int = Field(0, ge=0, le=10_000, description="Outreach offices in the estates")
    offices: list[Office] | None = Field(None, max_length=10_000, description="Optional: each outreach office as a separate effort (e.g. one per municipality of a pool), with its own caseworkers and share of the residents; a citizen is then enrolled, and handed over at staff turnover, only within the office of their area. Without it the caseworkers are spread evenly, the residents live in each area alike, and a citizen whose office has no room is enrolled by another office (jobgaranti-midway-2019, Bilag 1 and the part on the organisation in the five municipalities: separate efforts, staffed differently)")
    open_advice_days: int = Field(0, ge=0, le=5, description="Open-advice (åben rådgivning) days a week per office")
    open_advice_hours: float = Field(3.0, ge=0.0, le=8.0, description="Open-advice hours per opening day (afternoons; copenhagen-outreach-2015, part on open advice)")
    summon_vulnerable_locally: bool = Field(True, description="Summon citizens in E-G to the local office, others centrally (copenhagen-outreach-2015, part on local offices)")
    meeting_interval_weeks: int = Field(13, ge=1, le=52, description="Weeks between mandatory meetings (activation-practice-2012, chapter 2: at least every 3 months)")
    meeting_minutes: float = Field(20.0, ge=5.0, le=120.0, description="Standard meeting length (activation-practice-2012, chapter 4: about 20 minutes)")
    min_meeting_minutes: float = Field(5.0, ge=1.0, le=60.0, description="Shortest a meeting is cut to before it is postponed (activation-practice-2012, chapter 4: 5-10 minutes)")
    intensive: Intensive | None = Field(None, description="Optional intensive contact period at the start")
    courses: bool = Field(True, description="Caseworkers order guidance and upskilling courses (vejledning og opkvalificering), the commonest offer for the non-job-ready (activation-practice-2012, chapter 3, Figure 3.2)")
    team_structure: Literal["team", "order_and_deliver"] = Field("order_and_deliver", description="Interdisciplinary team, or the classic order (bestilling) and deliver split")
    sanctions: Sanctions = Field(default_factory=Sanctions)
    trin_model: bool = Field(False, description="The STAR step model (trin 1-3) with wish-based job plans and ordinary-hours focus")
    mentors: int = Field(0, ge=0, le=100_000, description="Mentors (copenhagen-outreach-2015, programme description: 4)")
    mentor_caseload: int = Field(20, ge=1, le=200, description="Most mentees a mentor takes (assumed)")
    mentor_hours_per_week: float = Field(37.0, ge=1.0, le=45.0, description="A mentor's contract hours a week (full time)")
    group_courses: bool = Field(False, description="Weekly peer-to-peer group courses run by mentors for the heavy part of the group")
    group_size: int = Field(10, ge=2, le=40, description="Participants per group course (assumed)")
    company_consultants: int = Field(0, ge=0, le=100_000, description="Company consultants (virksomhedskonsulenter); copenhagen-outreach-2015, programme description: 2")
    consultant_hours_per_week: float = Field(37.0, ge=1.0, le=45.0, description="A company consultant's contract hours a week (full time)")
    consultant_stance: Literal["accept_internships", "balanced", "demand_hours"] = Field("accept_internships", description="Stance towards companies")
    drop_refusing_companies: bool = Field(False, description="Consultants end cooperation with companies that refuse ordinary hours (jobgaranti-midway-2019, part on trin 2)")
    retention_support: bool = Field(False, description="Retention support (fastholdelse) in trin 3")
    include_job_ready: bool = Field(False, description="Job-ready residents are part of the offer to companies (jobgaranti-midway-2019, recommendations: recommendation 3)")
    payment_counts_internships: bool = Field(False, description="A payment criterion counts internships and ordinary hours alike (Flere Skal Med 40 %, jobgaranti-midway-2019, part on payment criteria)")
    housing: Housing = Field(default_factory=Housing)

    @property
    def separate_offices(self) -> bool:
        """Are the outreach offices separate efforts (``offices``): citizens enrolled and
        handed over only within their own office?"""
        return self.offices is not None

    @model_validator(mode="after")
    def _check(self) -> "Organisation":
        if self.location != "central" and self.outreach_offices < 1:
            raise ValueError(f"location '{self.location}' needs outreach_offices >= 1")
        if self.location == "outreach" and self.days_in_estate == 0:
            raise ValueError("location 'outreach' needs days_in_estate > 0")
        if self.location == "central" and (self.days_in_estate > 0 or self.open_advice_days > 0):
            raise ValueError("location 'central' cannot have days_in_estate or open_advice_days above 0")
        if self.min_meeting_minutes > self.meeting_minutes:
            raise ValueError("min_meeting_minutes must not exceed meeting_minutes")
        if self.group_courses and self.mentors == 0:
            raise ValueError("group_courses needs mentors >= 1 to run them")
        if self.separate_offices:
            if len(self.offices) != self.outreach_offices:
                raise ValueError(f"offices lists {len(self.offices)} offices but outreach_offices is {self.outreach_offices}")
            staffed = sum(o.caseworkers for o in self.offices)
            if staffed != caseworkers_in_post(self.caseworkers):
                raise ValueError(f"the offices' caseworkers sum to {staffed} but caseworkers puts {caseworkers_in_post(self.caseworkers)} in post")
        return self


class Companies(_Closed):
    """The pool of companies the consultants can approach."""

    count: int = Field(80, ge=0, le=1_000_000, description="Companies in the consultants' networks (assumed)")
    slots_per_company: int = Field(2, ge=1, le=1000, description="Supported hires a company can hold at once (assumed)")


class Reported(_Closed):
    """An evaluation's figure for one outcome in this setting."""

    value: float = Field(description="The reported figure (a share as a fraction)")
    source: str = Field("", description="Publication and table, figure or section")
    n: int | None = Field(None, ge=1, le=100_000_000, description="Denominator of the reported share")


class Scenario(_Closed):
    """A complete, validated scenario."""

    name: str = "unnamed"
    description: str = ""
    seed: int = Field(20140101, ge=0, le=2**32 - 1)
    replications: int = Field(10, ge=1, le=10_000)
    horizon_weeks: int = Field(52, ge=1, le=1040)
    population: Population = Field(default_factory=Population)
    organisation: Organisation = Field(default_factory=Organisation)
    companies: Companies = Field(default_factory=Companies)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    prices: str = Field(DEFAULT_PRICES, min_length=1, description="Prices for the public-budget view: a name in scenarios/prices/ or a path (sim/spec/prices.py)")
    reported: dict[str, Reported] = Field(default_factory=dict, description="Evaluation figures for this setting, by outcome name")

    @field_validator("reported", mode="before")
    @classmethod
    def _clear_reported(cls, v):
        return {} if v is None else v

    def resolved(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def digest(self) -> str:
        """SHA-256 of the fully resolved scenario (what actually runs)."""
        blob = json.dumps(self.resolved(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()


# --------------------------------------------------------------------------------------
# Validation: from a merged mapping to a Scenario, or one ScenarioError
# --------------------------------------------------------------------------------------

def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _bounds(info: Any) -> str:
    return bounds_text(info)


def _as_scenario_error(e: ValidationError, file) -> ScenarioError:
    errors = e.errors()
    # an unknown key first: its "did you mean" also explains a required key reported missing
    err = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        return ScenarioError(file, key, value, unknown_key(Scenario, loc))
    if err["type"] in ("value_error", "assertion_error"):
        ctx = err.get("ctx", {}).get("error")
        return ScenarioError(file, key, value, f"{ctx or err['msg']}")
    parent = model_at(Scenario, loc[:-1])
    info = parent.model_fields.get(str(loc[-1])) if parent else None
    bounds = _bounds(info) if info else ""
    return ScenarioError(file, key, value, bounds.removeprefix("; ") if bounds else f"allowed: {err['msg']}")


def validate_mapping(data: dict, file: str | Path | None = None, outcomes: Iterable[str] | None = None) -> Scenario:
    """Validate a merged mapping; the first problem becomes a :class:`ScenarioError`.

    ``outcomes``, when given, are the outcome names a ``reported`` entry may name."""
    strict_numbers(data, Scenario, file, ScenarioError)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        raise _as_scenario_error(e, file) from None
    if not valid_name(sc.name):
        raise ScenarioError(file, "name", sc.name, NAME_ALLOWED + "; the name comes from the file name unless "
                                                              "the file says 'name:'")
    if outcomes is not None:
        known = list(outcomes)
        for name in sc.reported:
            if name not in known:
                guess = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean '{guess[0]}'? " if guess else ""
                raise ScenarioError(file, f"reported.{name}", name, f"unknown outcome; {hint}allowed: {_listed(known)}")
    return sc


def _listed(names: list[str], limit: int = 400) -> str:
    """The allowed names, or where they are listed when there are too many for one line."""
    text = ", ".join(names)
    if len(text) <= limit:
        return text
    return (f"one of the {len(names)} outcomes in docs/ODD.md, section 3.4 "
            f"(e.g. {', '.join(names[:4])})")


def _merge_chain(chain: list[tuple[Path, dict]]) -> dict:
    data: dict = {}
    for _p, own in chain:
        data = _deep_merge(data, own)
    leaf, own = chain[-1]
    if "name" not in own:
        data["name"] = leaf.stem     # a variant is named after its own file unless it says otherwise
    return data


def resolve_file(path: str | Path) -> dict:
    """Read a scenario file and its ``extends:`` chain into one merged mapping.

    ``reported: null`` in a variant clears the evaluation figures it would inherit."""
    return _merge_chain(read_chain(path))


def load_scenario(path: str | Path, overrides: dict | None = None, *,
                  outcomes: Iterable[str] | None = None) -> Scenario:
    """Load, merge (``extends``), override and validate a scenario file (a path, or the
    name of a shipped scenario).  ``outcomes``: see :func:`validate_mapping`.

    >>> s = load_scenario("default")  # doctest: +SKIP
    """
    chain = read_chain(path)
    # a broken file further up the chain is blamed by its own name
    for i in range(len(chain) - 1):
        validate_mapping(_merge_chain(chain[: i + 1]), chain[i][0], outcomes)
    data = _merge_chain(chain)
    if overrides:
        data = _deep_merge(data, overrides)
    return validate_mapping(data, chain[-1][0], outcomes)
