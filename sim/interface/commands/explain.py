"""``fremskudt explain A B``: why B differs from A, channel by channel: the comparison of
``fremskudt compare A B`` with its difference decomposed by counterfactual runs that switch
one channel of the design back at a time (:mod:`sim.analysis.explain`)."""

from __future__ import annotations

from .run import add_run_options, execute_command


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "explain", help="why two designs differ: the difference decomposed by channel",
        description="Compare scenario B (and any further ones) with reference A and decompose each difference by "
                    "channel (case load, offices, open advice, meetings, mentors, consultants, sanctions, the trin "
                    "model, ...): for every channel in which the designs differ, one run of B with that channel "
                    "switched back to A and one run of A with only that channel from B, all with the same seeds "
                    "(and posterior draws). The channels are listed in docs/ODD.md, section 2.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="the reference, then one or more scenarios to explain against it (files or names in "
                        "scenarios/)")
    add_run_options(p)
    p.set_defaults(func=_explain)


def _explain(args) -> int:
    from sim.errors import UsageError
    if len(args.scenarios) < 2:
        raise UsageError("explain needs a reference and a scenario, e.g. fremskudt explain central-jobcentre "
                         "copenhagen-outreach")
    return execute_command(args, list(args.scenarios), kind="explain")
