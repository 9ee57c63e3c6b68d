"""Small scenarios for fast tests."""

from __future__ import annotations

import contextlib
import io

from sim.spec.scenario import Scenario

OUTREACH = dict(location="split", outreach_offices=2, days_in_estate=2.7, open_advice_days=3, mentors=1,
                company_consultants=1, caseworkers=5)
CENTRAL = dict(location="central", caseworkers=3, company_consultants=1)


def scenario(size=500, weeks=52, org=None, behaviour=None, population=None, **kw) -> Scenario:
    pop = {"size": size}
    pop.update(population or {})
    return Scenario(population=pop, horizon_weeks=weeks, organisation=org or dict(OUTREACH),
                    behaviour=behaviour or {}, **kw)


def with_org(base: dict, **changes) -> dict:
    d = dict(base)
    d.update(changes)
    return d


def run(argv: list[str]) -> tuple[int, str, str]:
    """``fremskudt ARGV`` in this process: (exit status, stdout, stderr)."""
    from sim.interface.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def one_line(code: int, err: str, *pieces: str) -> None:
    """Bad input: exit status 2 and one short line on stderr naming every piece."""
    assert code == 2, err
    assert err.startswith("fremskudt: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 1000, err
    for piece in pieces:
        assert piece in err, (piece, err)


def send_half_a_result(seconds: float, written: str) -> None:
    """Run in a process-pool worker: write the start of a result message that announces a
    megabyte and then stop writing, as a worker ended in the middle of sending its result
    does; then create the file ``written`` and sleep ``seconds``."""
    import os
    import struct
    import sys
    import time

    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:            # concurrent.futures' worker loop
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1 << 20) + b"half")   # multiprocessing's header: the length
    open(written, "w").close()
    time.sleep(seconds)


def local_cluster(**options):
    """A Dask cluster on this machine for a test, without a dashboard and with the
    scheduler's HTTP server on a free port: its default, 8787, is taken whenever the other
    test process has a cluster of its own (Dask then warns and moves)."""
    import distributed
    return distributed.LocalCluster(dashboard_address=None, silence_logs=50,
                                    scheduler_kwargs={"dashboard_address": ":0"}, **options)
