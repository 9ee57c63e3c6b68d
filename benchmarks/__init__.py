"""Benchmarks for the simulation: national scale, Copenhagen throughput, scaling.

One command runs them and writes ``benchmarks/out/RESULTS.md`` (``--write-committed``: the
committed ``benchmarks/RESULTS.md``)::

    .venv/bin/python -m benchmarks [national|copenhagen|scaling|all] [--repeats N]

* ``national``   100,000 citizens, 1,000 caseworkers, 250 mentors, 130 company
  consultants, 5,000 companies, 260 weeks, half of the caseworkers central and half
  with one day a week in an estate office.  Wall and CPU time, agent-weeks per
  second and peak memory (maxrss) of a fresh process per repeat (default 3).
* ``copenhagen`` ``scenarios/copenhagen-outreach.yaml`` for 52 weeks through
  ``simulate(..., detail=False)``, the calibration fast path: simulations per second
  on one core, median over the repeats (default 5) after one warm-up run.
* ``scaling``    the Copenhagen scenario at 1,000, 10,000 and 100,000 citizens with
  staff, offices and companies scaled in proportion, 52 weeks: time per citizen-week
  and per model event (default 3 repeats, each a fresh process).

Each suite's latest figures are kept in the JSON file next to the Markdown
(``RESULTS.json``); the Markdown is regenerated from it, so running one suite leaves the
others' figures in place (a new file in ``out/`` starts from the committed figures).
``--rev REV`` measures ``sim/`` and ``scenarios/`` as committed at a git revision (a
snapshot in a temporary directory), so figures belong to one commit even while the
working tree changes; ``--jobs N`` runs N fresh processes at once; ``--render-only``
rewrites the Markdown from the JSON.  ``python -m benchmarks.profile national``
writes a pyinstrument text profile to ``benchmarks/out/profiles/`` (see PROFILE.md).
``--quick`` shrinks every setting to a few hundred citizens and weeks (for testing
the harness only; its figures mean nothing).
"""
