"""The report's decomposition of a difference by channel (:mod:`sim.analysis.explain`):
table rows, the markdown file, the chart and the lines on screen, every word from the
catalogue of the chosen language."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from sim.analysis.explain import CHANNELS, SHOWN, channel
from sim.interface.i18n import label, number, scenario_title, text, value, value_range
from sim.interface.i18n.catalogue import catalogue

from .figures import WIDTH, figure, save

FILE = "explain.svg"
ROW = 0.34              #: inches per channel row of a panel
PANEL_FRAME = 0.9       #: inches per panel for its title and axis
LABEL_CHARS = 48        #: a channel's name is shortened to this many characters beside its row
#: outcomes drawn in the chart (each a panel), of those the run covers
CHARTED = ("ever_self_sufficient_52w", "ever_company_activation_52w", "noshow_share", "net_cost")


def channel_label(key: str, lang: str) -> str:
    """A channel's name in ``lang``; the declared English label where the catalogue has none."""
    names = catalogue(lang).get("channels", {})
    if key in names:
        return names[key]
    return channel(key).label if key in {c.key for c in CHANNELS} else key


def short_label(key: str, lang: str) -> str:
    """A channel's name without its detail (the words before a colon)."""
    return channel_label(key, lang).split(":")[0]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _share(r, lang: str) -> str:
    if r.effect == "total":
        return ""                   # the whole difference is the 100 % the shares are of
    if _missing(r.share):
        return "–"
    return f"{number(100 * r.share, lang, 0)} % ({text('table.range', lang, low=number(100 * r.share_p5, lang, 0), high=number(100 * r.share_p95, lang, 0))} %)"


def _cell(r, lang: str) -> dict:
    if r is None:
        return {"difference": "", "range": "", "verdict": "", "bold": False, "share": ""}
    if r.problem:
        return {"difference": "–", "range": r.problem, "verdict": "", "bold": False, "share": "–"}
    return {"difference": value(r.difference_mean, r.unit, lang, diff=True),
            "range": value_range(r.difference_p5, r.difference_p95, r.unit, lang, diff=True),
            "verdict": text(f"verdict.short.{r.verdict}", lang), "bold": r.verdict in ("likely", "clear"),
            "share": _share(r, lang)}


def outcome_rows(table: pd.DataFrame, outcome: str, lang: str) -> list[dict]:
    """One row per channel (the whole difference first, the interaction last): contribution
    with its share, and the effect alone."""
    sub = table[table["outcome"] == outcome]
    rows = []
    for key in dict.fromkeys(sub["channel"]):
        kinds = {r.effect: r for r in sub[sub["channel"] == key].itertuples()}
        main = kinds.get("total") or kinds.get("interaction") or kinds.get("contribution")
        rows.append({"channel": text("explain.total", lang) if key == "total" else
                     text("explain.interaction", lang) if key == "interaction" else channel_label(key, lang),
                     "key": key, "whole": key == "total",
                     "contribution": _cell(main, lang), "alone": _cell(kinds.get("alone"), lang),
                     "switched": _switched(kinds.get("contribution"), kinds.get("alone"), key, lang)})
    return rows


def _switched(without, alone, key: str, lang: str) -> str:
    others = []
    for r in (without, alone):
        if r is not None and r.switched:
            others += [k for k in r.switched.split() if k != key and k not in others]
    return ", ".join(short_label(k, lang) for k in others)


def blocks(table: pd.DataFrame, lang: str) -> list[dict]:
    """Per explained scenario: heading, the outcomes' tables, and the channels left the same."""
    out = []
    for (ref, name), sub in table.groupby(["reference", "scenario"], sort=False):
        shown = [o for o in SHOWN if o in set(sub["outcome"])
                 and not (sub[(sub["outcome"] == o) & (sub["effect"] == "total")]["verdict"] == "not_covered").all()]
        active = [k for k in dict.fromkeys(sub["channel"]) if k not in ("total", "interaction")]
        same = [short_label(c.key, lang).lower() for c in CHANNELS if c.key not in active]
        nested = [text("explain.nested", lang, channel=short_label(k, lang), other=short_label(n, lang).lower())
                  for k in active for n in channel(k).needs if n in active]
        design, reference = scenario_title(name, lang), scenario_title(ref, lang)
        out.append({"heading": text("explain.heading", lang, scenario=design, reference=reference),
                    "intro": text("explain.intro", lang, scenario=design, reference=reference),
                    "same": text("explain.same", lang, items=", ".join(same)) if same else "",
                    "nested": nested,
                    "outcomes": [{"label": label(o, lang), "code": o, "rows": outcome_rows(sub, o, lang)}
                                 for o in shown]})
    return out


def _md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def markdown(table: pd.DataFrame, lang: str, preface: list[str] = ()) -> str:
    """explain.md: ``preface`` (how the parameters were set), the convention, then each
    explained scenario's tables."""
    t = lambda k, **v: text(k, lang, **v)   # noqa: E731
    lines = [f"# {t('explain.title')}", "", *preface, t("report.convention"), ""]
    for b in blocks(table, lang):
        lines += [f"## {b['heading']}", "", b["intro"], ""]
        if b["same"]:
            lines += [b["same"], ""]
        for line in b["nested"]:
            lines += [line, ""]
        for o in b["outcomes"]:
            lines += [f"### {o['label']} (`{o['code']}`)", "",
                      f"| {t('explain.col.channel')} | {t('explain.col.contribution')} | {t('table.low')}–"
                      f"{t('table.high')} | {t('explain.col.share')} | {t('explain.col.alone')} | {t('table.low')}–"
                      f"{t('table.high')} | {t('explain.col.switched')} |", "|---|---:|---|---|---:|---|---|"]
            for r in o["rows"]:
                c, a = r["contribution"], r["alone"]
                diff = f"**{c['difference']}**" if c["bold"] else c["difference"]
                alone = f"**{a['difference']}**" if a["bold"] else a["difference"]
                lines.append(f"| {_md(r['channel'])} | {diff} | {_md(c['range'])} | {c['share']} | {alone} | "
                             f"{_md(a['range'])} | {_md(r['switched'])} |")
            lines.append("")
    lines += [t("explain.file_note"), ""]
    return "\n".join(lines)


def fig_explain(table: pd.DataFrame, path: Path, lang: str):
    """Per charted outcome, a panel (one above the other, at the report's type size): each
    channel's contribution (filled when detectable) and effect alone (open square), with
    90 % intervals; the whole difference on top.  The legend is the caption below it."""
    pairs = list(table.groupby(["reference", "scenario"], sort=False))
    outcomes = [o for o in CHARTED if o in set(table["outcome"])
                and not (table[(table["outcome"] == o) & (table["effect"] == "total")]["verdict"]
                         == "not_covered").all()]
    keys = list(dict.fromkeys(table["channel"]))
    rows = len(keys) * len(pairs)
    heights = [ROW * rows + PANEL_FRAME for _ in outcomes] or [2.0]
    fig = figure(WIDTH, sum(heights) + 0.3)
    if not outcomes:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, text("fig.forest.none", lang), ha="center", va="center")
        ax.set_axis_off()
        return save(fig, path)
    grid = fig.add_gridspec(len(outcomes), 1, height_ratios=heights)
    for k, o in enumerate(outcomes):
        ax = fig.add_subplot(grid[k, 0])
        scale = 100.0 if table[table["outcome"] == o]["unit"].iloc[0] == "share" else 1e-6
        ticks, names = [], []
        y = 0
        for (ref, name), sub in pairs:
            for key in keys:
                for r in sub[(sub["outcome"] == o) & (sub["channel"] == key)].itertuples():
                    if r.problem or _missing(r.difference_mean):
                        continue
                    m, lo, hi = (r.difference_mean * scale, r.difference_p5 * scale, r.difference_p95 * scale)
                    dy = 0.2 if r.effect == "alone" else 0.0
                    filled = r.verdict in ("likely", "clear")
                    colour = "black" if key in ("total", "interaction") else "tab:blue"
                    ax.errorbar(m, y + dy, xerr=[[max(m - lo, 0)], [max(hi - m, 0)]],
                                fmt="s" if r.effect == "alone" else "o", color=colour, capsize=2, ms=5,
                                mfc=colour if filled and r.effect != "alone" else "white")
                ticks.append(y)
                what = (text("explain.total", lang) if key == "total" else text("explain.interaction", lang)
                        if key == "interaction" else short_label(key, lang))
                names.append(textwrap.shorten(what + (f" ({scenario_title(name, lang)})" if len(pairs) > 1 else ""),
                                              LABEL_CHARS, placeholder="…"))
                y += 1
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(ticks)
        ax.set_yticklabels(names)
        ax.set_ylim(y - 0.5, -0.5)
        ax.grid(axis="x", alpha=0.3)
        unit = text("unit.points_short", lang) if scale == 100.0 else text("unit.million_kroner", lang, amount="")
        ax.set_title(f"{label(o, lang)} ({unit.strip()})", loc="left")
    return save(fig, path)


def screen_lines(table: pd.DataFrame, lang: str, outcome: str = "ever_self_sufficient_52w") -> list[str]:
    """A few lines on screen: each channel's contribution to one key outcome."""
    lines = []
    for (ref, name), sub in table.groupby(["reference", "scenario"], sort=False):
        rows = sub[(sub["outcome"] == outcome)]
        if rows.empty:
            continue
        lines.append("  " + text("cli.explain_head", lang, scenario=scenario_title(name, lang),
                                 reference=scenario_title(ref, lang), outcome=label(outcome, lang)))
        width = max(len(channel_label(k, lang)) for k in rows["channel"] if k not in ("total", "interaction"))
        width = max(width, len(text("explain.total", lang)), len(text("explain.interaction", lang)))
        for r in rows[rows["effect"] != "alone"].itertuples():
            what = (text("explain.total", lang) if r.channel == "total" else text("explain.interaction", lang)
                    if r.channel == "interaction" else channel_label(r.channel, lang))
            if r.problem:
                lines.append(f"    {what:<{width}} –  ({r.problem})")
                continue
            lines.append(f"    {what:<{width}} {value(r.difference_mean, r.unit, lang, True):>10} "
                         f"[{value_range(r.difference_p5, r.difference_p95, r.unit, lang, True)}]")
        lines.append("    " + text("explain.not_additive", lang))
    return lines
