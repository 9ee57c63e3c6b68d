"""``fremskudt validate SCENARIO...``: check scenario files without running them."""

from __future__ import annotations

import sys

from sim.errors import ScenarioError
from sim.experiment.runner import load_checked
from sim.spec.prices import load_prices


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help="check scenario files",
                              description="Check scenario files (including the files they extend and the prices file they name). "
                                          "Exit status 0 if all are valid, 2 otherwise.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files, or names in scenarios/")
    p.set_defaults(func=_validate)


def _validate(args) -> int:
    bad = 0
    for path in args.scenarios:
        try:
            sc = load_checked(path)
            load_prices(sc.prices)          # the prices file it names must be valid too
        except ScenarioError as e:
            bad += 1
            print(f"fremskudt: error: {e}", file=sys.stderr)
        else:
            print(f"ok: {path} ({sc.name}; digest {sc.digest()[:12]})")
    return 2 if bad else 0
