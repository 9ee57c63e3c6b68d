"""Key findings in words: the structured findings of :mod:`sim.experiment.findings`
written as sentences of the chosen language (all wording from the catalogue)."""

from __future__ import annotations

from sim.experiment.findings import ComparisonFindings, Effect, RunFindings
from sim.experiment.statistics import unit
from sim.interface.i18n import kroner, label, lever, lever_value, number, phrase, text, value, value_range

MAX_LEVERS = 4


def interval(e: Effect, lang: str, diff: bool) -> str:
    """'90 % interval a to b' in the outcome's unit."""
    return text("findings.interval", lang, range=value_range(e.low, e.high, e.unit, lang, diff))


def _direction(e: Effect) -> str:
    return "up" if e.difference > 0 else "down"


def headline(f: ComparisonFindings, lang: str) -> str:
    """What the scenario costs and what it buys, against the reference, in one sentence."""
    who = {"scenario": f.scenario, "reference": f.reference}
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
    if not f.levers:
        return None
    items = [text("findings.lever_item", lang, lever=lever(k, lang), old=lever_value(a, lang), new=lever_value(b, lang))
             for k, a, b in f.levers[:MAX_LEVERS]]
    more = len(f.levers) - MAX_LEVERS
    if more > 0:
        items.append(text("findings.levers_more", lang, n=more))
    return text("findings.levers", lang, reference=f.reference, items="; ".join(items))


def effect_sentence(e: Effect, lang: str) -> str:
    return text("findings.effect", lang, outcome=label(e.outcome, lang),
                verdict=text(f"verdict.{e.verdict}.{_direction(e)}", lang),
                before=value(e.reference, e.unit, lang), after=value(e.scenario, e.unit, lang),
                difference=value(e.difference, e.unit, lang, True), interval=interval(e, lang, True))


def cost_sentences(f: ComparisonFindings, lang: str) -> list[str]:
    out = []
    c, p = f.net_cost, f.net_cost_per_citizen
    if c is not None and p is not None:
        out.append(text("findings.cost_line", lang, weeks=f.weeks, difference=kroner(c.difference, lang, True),
                        interval=interval(c, lang, True), per_citizen=kroner(p.difference, lang, True),
                        per_interval=interval(p, lang, True)))
    cpc = f.cost_per_citizen
    if cpc.value is None:
        out.append(text("findings.cpc.undefined", lang, reason=text(f"findings.cpc.reason.{cpc.reason}", lang)))
    elif cpc.value < 0:
        out.append(text("findings.cpc.saves", lang, amount=kroner(-cpc.value, lang)))
    else:
        out.append(text("findings.cpc.value", lang, amount=kroner(cpc.value, lang)))
    return out


def comparison_sentences(f: ComparisonFindings, lang: str) -> list[str]:
    """The key findings of one scenario against the reference, answer first."""
    out = [headline(f, lang)]
    lv = levers(f, lang)
    if lv:
        out.append(lv)
    out += [effect_sentence(e, lang) for e in f.effects]
    if f.unchanged:
        out.append(text("findings.unchanged", lang, items=", ".join(label(e.outcome, lang) for e in f.unchanged)))
    out += cost_sentences(f, lang)
    return out


def run_sentences(f: RunFindings, lang: str, citizens: int) -> list[str]:
    """The key findings of a single scenario: cost, main outcomes, fit to the evaluations."""
    out = []
    if f.net_cost is not None and f.net_cost_per_citizen is not None:
        out.append(text("findings.run.cost", lang, scenario=f.scenario, citizens=number(citizens, lang), weeks=f.weeks,
                        cost=kroner(f.net_cost.scenario, lang), interval=interval(f.net_cost, lang, False),
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

