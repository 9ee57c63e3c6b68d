"""``fremskudt compare A.yaml B.yaml [...]``: run scenarios with the same replication seeds
(common random numbers) and report each outcome's difference against the first."""

from __future__ import annotations

from .run import add_run_options, execute_command


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "compare", help="compare scenarios with common random numbers",
        description="Run two or more scenarios with the same replication seeds and report, for every outcome, "
                    "the difference against the first scenario: the mean of the paired differences and their 90 % interval (5-95 %) over "
                    "replications, paired by seed.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more scenario files (or names in scenarios/); the first is the reference")
    add_run_options(p)
    p.add_argument("--explain", action="store_true",
                   help="also decompose each difference by channel (as fremskudt explain; about twice as many runs "
                        "per channel in which the designs differ)")
    p.set_defaults(func=_compare)


def _compare(args) -> int:
    from sim.errors import UsageError
    if len(args.scenarios) < 2:
        raise UsageError("compare needs at least two scenarios, e.g. fremskudt compare central-jobcentre default")
    return execute_command(args, list(args.scenarios), kind="explain" if args.explain else "compare")
