"""Key findings in words: the structured findings of :mod:`sim.experiment.findings`, the
multi-year budget of :mod:`sim.experiment.horizon` and what the numbers rest on
(:mod:`sim.analysis.trust`), written as sentences of the chosen language (all wording from
the catalogue)."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.trust import VALIDATION_DOC, Trust
from sim.experiment.findings import FINDING_OUTCOMES, ComparisonFindings, Effect, RunFindings
from sim.experiment.horizon import HorizonBudget
from sim.experiment.statistics import unit
from sim.interface.i18n import (in_millions, kroner, label, lever, lever_value, number, percent, phrase, scenario_title, text, value,
                                value_range)
from sim.spec.evidence import KINDS
from sim.spec.prices import Prices


def interval(e: Effect, lang: str, diff: bool) -> str:
    """'90 % interval a to b' in the outcome's unit."""
    return text("findings.interval", lang, range=value_range(e.low, e.high, e.unit, lang, diff))


def _direction(e: Effect) -> str:
    return "up" if e.difference > 0 else "down"


def _who(f: ComparisonFindings, lang: str) -> dict[str, str]:
    return {"scenario": scenario_title(f.scenario, lang), "reference": scenario_title(f.reference, lang)}


def headline(f: ComparisonFindings, lang: str) -> str:
    """What the scenario costs and what it buys, against the reference, in one sentence."""
    who = _who(f, lang)
    c = f.net_cost
    if c is None or c.verdict == "not_covered":
        cost = text("findings.cost.unknown", lang, **who)
    elif c.verdict == "none":
        cost = text("findings.cost.same", lang, **who)
    else:
        cost = text(f"findings.cost.{'more' if c.difference > 0 else 'less'}", lang, amount=kroner(abs(c.difference), lang),
                    **who)
    e = f.headline
    if e is None:
        buys = text("findings.buys.not_covered", lang)
    else:
        values = {"outcome": phrase(e.outcome, lang), "before": value(e.reference, e.unit, lang),
                  "after": value(e.scenario, e.unit, lang)}
        if e.verdict == "none":
            buys = text("findings.buys.none", lang, **values)
        else:
            buys = text(f"findings.buys.{e.verdict}.{_direction(e)}", lang, **values,
                        difference=value(e.difference, e.unit, lang, True), interval=interval(e, lang, True))
    return text("findings.headline", lang, weeks=f.weeks, cost=cost, buys=buys)


def levers(f: ComparisonFindings, lang: str) -> str | None:
    """Every setting that differs from the reference, named."""
    if not f.levers:
        return None
    items = [text("findings.lever_item", lang, lever=lever(k, lang), old=lever_value(a, lang), new=lever_value(b, lang))
             for k, a, b in f.levers]
    return text("findings.levers", lang, reference=scenario_title(f.reference, lang), items="; ".join(items))


def effect_sentence(e: Effect, lang: str) -> str:
    return text("findings.effect", lang, outcome=label(e.outcome, lang),
                verdict=text(f"verdict.{e.verdict}.{_direction(e)}", lang),
                before=value(e.reference, e.unit, lang), after=value(e.scenario, e.unit, lang),
                difference=value(e.difference, e.unit, lang, True), interval=interval(e, lang, True))


def cost_effect_sentence(f: ComparisonFindings, lang: str) -> str:
    """The cost per additional citizen in a job or education with its interval, or why it is not defined."""
    cpc = f.cost_per_citizen
    if cpc.value is None:
        return text("findings.cpc.undefined", lang, reason=text(f"findings.cpc.reason.{cpc.reason}", lang))
    saves = cpc.value < 0
    big = in_millions(cpc.value, cpc.low, cpc.high)
    amount = kroner(-cpc.value if saves else cpc.value, lang, million=big)
    span = value_range(-cpc.high if saves else cpc.low, -cpc.low if saves else cpc.high, "kroner", lang, million=big)
    return text("findings.cpc.saves" if saves else "findings.cpc.value", lang, amount=amount,
                interval=text("findings.interval", lang, range=span))


def cost_sentences(f: ComparisonFindings, lang: str) -> list[str]:
    out = []
    c, p = f.net_cost, f.net_cost_per_citizen
    if c is not None and p is not None:
        out.append(text("findings.cost_line", lang, weeks=f.weeks, difference=kroner(c.difference, lang, True),
                        interval=interval(c, lang, True), per_citizen=kroner(p.difference, lang, True),
                        per_interval=interval(p, lang, True)))
    out.append(cost_effect_sentence(f, lang))
    return out


def years(x: float, lang: str) -> str:
    """'1 year', '3 years', '1.5 years' (Danish: 'år' for all)."""
    return text("unit.year_one" if x == 1 else "unit.years", lang, n=number(x, lang, 0 if float(x).is_integer() else 1))


def budget_sentences(b: HorizonBudget, lang: str) -> list[str]:
    """The multi-year budget in words: the total for the public sector and each payer, the
    payback year and the break-even effect."""
    h = b.horizon
    pub, mun, state = (b.payers[k] for k in ("public", "municipality", "state"))

    big = in_millions(*(x for p in (pub, mun, state) for x in (p.total["mean"], p.total["p5"], p.total["p95"])))

    def total(p) -> str:
        t = p.total
        return text("budget.total", lang, amount=kroner(t["mean"], lang, True, million=big),
                    interval=text("findings.interval", lang,
                                  range=value_range(t["p5"], t["p95"], "kroner", lang, True, million=big)))

    out = [text("budget.horizon", lang, years=years(h.years, lang), rate=percent(h.rate, lang, 1),
                effect=years(h.effect_years, lang), public=total(pub), municipality=total(mun), state=total(state))]
    if pub.total["verdict"] == "none":
        out.append(text("budget.payback.same", lang, years=years(h.years, lang)))
    elif pub.payback_year == 1:
        out.append(text("budget.payback.first", lang))
    elif pub.payback_year is not None:
        out.append(text("budget.payback.year", lang, year=pub.payback_year))
    else:
        out.append(text("budget.payback.none", lang, years=years(h.years, lang)))
    be = b.break_even
    if be is not None:
        if be.persons is None:
            out.append(text("budget.break_even.free", lang))
        else:
            out.append(text("budget.break_even", lang, years=years(h.years, lang), persons=number(be.persons, lang),
                            share=percent(be.share, lang, 1) if be.share is not None else "–",
                            fewer=number(be.simulated_fewer_on_benefit, lang, 0, sign=True)))
    return out


def comparison_sentences(f: ComparisonFindings, lang: str, budget: HorizonBudget | None = None) -> list[str]:
    """The key findings of one scenario against the reference, answer first."""
    out = [headline(f, lang)]
    out += cost_sentences(f, lang)[1:]
    lv = levers(f, lang)
    if lv:
        out.append(lv)
    if f.bought:
        out.append(text("findings.bought", lang, items="; ".join(
            text("findings.bought_item", lang, outcome=label(e.outcome, lang), difference=value(e.difference, e.unit, lang, True),
                 interval=interval(e, lang, True)) for e in f.bought)))
    out += [effect_sentence(e, lang) for e in f.effects if e is not f.headline]
    if f.unchanged:
        out.append(text("findings.unchanged", lang, items=", ".join(label(e.outcome, lang) for e in f.unchanged)))
    out += cost_sentences(f, lang)[:1]
    if budget is not None:
        out += budget_sentences(budget, lang)[:2]
    return out


def run_sentences(f: RunFindings, lang: str, citizens: int) -> list[str]:
    """The key findings of a single scenario: cost, main outcomes, fit to the evaluations."""
    out = []
    if f.net_cost is not None and f.net_cost_per_citizen is not None:
        out.append(text("findings.run.cost", lang, scenario=scenario_title(f.scenario, lang),
                        citizens=number(citizens, lang), weeks=f.weeks, cost=kroner(f.net_cost.scenario, lang),
                        interval=interval(f.net_cost, lang, False),
                        per_citizen=kroner(f.net_cost_per_citizen.scenario, lang)))
    for e in f.outcomes[:4]:
        out.append(text("findings.run.outcome", lang, outcome=label(e.outcome, lang), value=value(e.scenario, e.unit, lang),
                        interval=interval(e, lang, False)))
    if f.misfits:
        items = [text("findings.run.misfit_item", lang, outcome=label(o, lang), simulated=value(m, unit(o), lang),
                      evaluation=value(r, unit(o), lang), z=number(z, lang, 1, sign=True))
                 for o, r, m, z in f.misfits]
        out.append(text("findings.run.misfits", lang, k=len(f.misfits), n=f.compared, items="; ".join(items)))
    elif f.compared:
        out.append(text("findings.run.fit_ok", lang, n=f.compared))
    return out


def parameters_sentence(parameters: str, lang: str, posterior: str = "") -> str:
    """The one sentence on how the behavioural parameters were set."""
    return text(f"report.parameters.{parameters}", lang, path=posterior)


#: key outcomes named in the trust section's list of calibration targets, before "and N more"
TARGETS_NAMED = 4


def _figure(reported: str, statistic: str, lang: str, diff: bool) -> str:
    """A reported figure as written in the validation tables ('0.135', '0.25–0.3') in its unit."""
    try:
        return value(float(reported), unit(statistic), lang, diff=diff)
    except ValueError:
        low, _, high = reported.partition("–")
        try:
            return value_range(float(low), float(high), unit(statistic), lang, diff)
        except ValueError:
            return reported


def _place(scenario: str, lang: str) -> str:
    """A validation row's scenario ('copenhagen-outreach' or 'copenhagen-outreach − central-jobcentre')."""
    parts = [scenario_title(Path(p.strip()).stem, lang) for p in scenario.split("−")]
    return text("table.minus", lang, scenario=parts[0], reference=parts[1]) if len(parts) == 2 else parts[0]


def trust_items(t: Trust, names: list[str], prices: dict[str, Prices], lang: str) -> list[str]:
    """The "How far to trust this" section as a list of plain statements, most important first."""
    out = []
    v = t.validation
    if v is not None:
        misses = "; ".join(text("trust.miss", lang, outcome=label(m.statistic, lang), scenario=_place(m.scenario, lang),
                                reported=_figure(m.reported, m.statistic, lang, "−" in m.scenario),
                                simulated=value(m.simulated, unit(m.statistic), lang, diff="−" in m.scenario),
                                z=number(m.z, lang, 1, sign=True))
                           for m in v.misses)
        out.append(text("trust.validation", lang, targets_inside=v.targets_inside, targets=v.targets,
                        predictions_inside=v.predictions_inside, predictions=v.predictions,
                        heldout_inside=v.heldout_inside, heldout=v.heldout, doc=VALIDATION_DOC,
                        misses=misses or text("trust.no_misses", lang)))
    fitted = [(n, t.targets.get(n, [])) for n in names]
    if any(stats for _, stats in fitted):
        parts = [text("trust.targets_item", lang, scenario=scenario_title(n, lang),
                      outcomes=", ".join(label(s, lang) for s in stats[:TARGETS_NAMED])
                      + (text("trust.and_more", lang, n=len(stats) - TARGETS_NAMED) if len(stats) > TARGETS_NAMED else ""))
                 for n, stats in fitted if stats]
        out.append(text("trust.targets", lang, items="; ".join(parts)))
    else:
        out.append(text("trust.no_targets", lang))
    for n in names[1:]:
        diffs = [d for d in t.differences.get(n, []) if d.statistic in FINDING_OUTCOMES]
        if diffs:
            items = "; ".join(text("trust.difference_item", lang, outcome=label(d.statistic, lang),
                                   reported=value(d.reported, unit(d.statistic), lang, diff=True),
                                   simulated=value(d.simulated, unit(d.statistic), lang, diff=True),
                                   range=value_range(d.low, d.high, unit(d.statistic), lang, diff=True))
                              for d in diffs)
            out.append(text("trust.differences", lang, scenario=scenario_title(n, lang),
                            reference=scenario_title(names[0], lang), items=items,
                            source=diffs[0].source.split(" (")[0]))
        levs = t.levers.get(n, [])
        if levs:
            kinds: dict[str, list[str]] = {}
            for key, ev in levs:
                kinds.setdefault(ev.kind, []).append(lever(key, lang))
            parts = [text(f"trust.lever.{k}", lang, levers=", ".join(kinds[k])) for k in KINDS if k in kinds]
            out.append(text("trust.levers", lang, scenario=scenario_title(n, lang),
                            reference=scenario_title(names[0], lang), items=" ".join(parts)))
    seen: dict[str, Prices] = {}
    for p in prices.values():
        seen.setdefault(p.name, p)
    for p in seen.values():
        figs = p.figures()
        out.append(text("trust.prices", lang, name=p.name, assumed=sum(f.assumed for _, f in figs), total=len(figs)))
    out.append(text("trust.budget_leaves_out", lang))
    return out
