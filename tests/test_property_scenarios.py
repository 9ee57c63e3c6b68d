"""Property: whatever scenario document a user writes, ``fremskudt run`` either runs it or
exits with status 2 and one line naming the file, the key and the value; never a
traceback, and a refused file writes nothing.

Hypothesis generates small valid documents (20-50 citizens, 2-8 weeks, so a run takes
about a second) and mutates them: a value replaced by a hostile one (true/false, text,
NaN, infinity, huge or negative numbers, lists, mappings, NUL bytes, 300 characters), a
key misspelt, removed or repeated, an alias added, a byte that is not UTF-8."""

from __future__ import annotations

import pytest

import contextlib
import io
import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.interface.cli import main
from sim.spec.scenario import SCENARIO_DIR

BASE = str(SCENARIO_DIR / "copenhagen-outreach.yaml")
OUTCOMES = ["noshow_share", "cancel_share", "attendance_share", "noshow_shar", "no_such_outcome"]

valid_document = st.fixed_dictionaries({
    "name": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
    "extends": st.just(BASE),
    "horizon_weeks": st.integers(2, 8),
    "replications": st.just(1),
    "seed": st.integers(0, 2**32 - 1),
    "population": st.fixed_dictionaries({"size": st.integers(20, 50)},
                                        optional={"immigrant_share": st.floats(0, 1),
                                                  "age_min": st.integers(18, 40)}),
    "organisation": st.fixed_dictionaries({}, optional={
        "caseworkers": st.floats(0.5, 20),
        "meeting_interval_weeks": st.integers(1, 13),
        "open_advice_days": st.integers(0, 5),
        "sanctions": st.fixed_dictionaries({"policy": st.sampled_from(["never", "after_k", "strict"])}),
        "trin_model": st.booleans()}),
    "reported": st.dictionaries(st.sampled_from(OUTCOMES[:3]),
                                st.fixed_dictionaries({"value": st.floats(0, 1), "n": st.integers(1, 5000)}),
                                max_size=2),
})

hostile_value = st.one_of(
    st.booleans(), st.none(), st.text(max_size=12), st.just(""), st.just("x" * 300), st.just("a\0b"),
    st.integers(-10**30, 10**30), st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 1e308]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from(OUTCOMES))


def _paths(doc, prefix=()):
    """Every key path in a nested mapping."""
    for k, v in doc.items():
        yield prefix + (k,)
        if isinstance(v, dict):
            yield from _paths(v, prefix + (k,))


@st.composite
def document(draw) -> bytes:
    doc = draw(valid_document)
    kind = draw(st.sampled_from(["valid", "value", "value", "typo", "delete", "new_key", "duplicate", "alias",
                                 "bytes"]))
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    node = doc
    for k in path[:-1]:
        node = node[k]
    if kind == "value":
        node[path[-1]] = draw(hostile_value)
    elif kind == "typo":
        node[path[-1] + draw(st.sampled_from(["s", "_", "x"]))] = node.pop(path[-1])
    elif kind == "delete":
        del node[path[-1]]
    elif kind == "new_key":
        node[draw(st.text(min_size=1, max_size=8))] = draw(hostile_value)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if kind == "duplicate":
        text += text.splitlines()[0] + "\n"
    elif kind == "alias":
        text = "anchor: &a [1, 2]\n" + text + "other: *a\n"
    data = text.encode("utf-8")
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xc3", b"\x07"])) + data[at:]
    return data


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@pytest.mark.slow
@given(document())
def test_a_run_or_one_clear_message(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "scenario.yaml"
        path.write_bytes(data)
        out = tmp / "out"
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["run", str(path), "--out", str(out), "--quiet"])
        err = err.getvalue()
        assert "Traceback" not in err
        if code == 0:
            assert (out / "manifest.json").is_file() and (out / "report.html").is_file()
        else:
            assert code == 2, err
            assert err.startswith("fremskudt: error: ") and err.count("\n") == 1, err
            assert path.name in err and "bad value" in err, err
            assert len(err) < 1500
            assert sorted(p.name for p in tmp.iterdir()) == ["scenario.yaml"]   # nothing written
