"""``fremskudt list``: the scenarios shipped in scenarios/ with their descriptions."""

from __future__ import annotations

from sim.errors import ScenarioError
from sim.paths import SCENARIO_DIR
from sim.spec.loading import read_scenario_file


def register(subparsers) -> None:
    p = subparsers.add_parser("list", help="list the scenarios in scenarios/",
                              description="List the scenario files in scenarios/ with their one-line descriptions.")
    p.set_defaults(func=_list)


def scenario_descriptions() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        try:       # read with the limits of every scenario file (a hostile file costs nothing)
            desc = str(read_scenario_file(path).get("description", ""))
        except ScenarioError:
            desc = "(unreadable: run fremskudt validate on it)"
        out.append((path.stem, desc))
    return out


def _list(args) -> int:
    rows = scenario_descriptions()
    width = max((len(n) for n, _ in rows), default=0)
    for name, desc in rows:
        print(f"{name:<{width}}  {desc}")
    if rows:
        print(f"\n{len(rows)} scenarios in {SCENARIO_DIR}; run one with: fremskudt run <name>")
    else:
        print(f"no scenarios in {SCENARIO_DIR}")
    return 0
