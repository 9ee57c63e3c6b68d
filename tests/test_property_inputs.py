"""Property: whatever a prices file, a posterior table, a run record or a generation table
holds, the program either reads it into something it can use or refuses it with one
:class:`~sim.errors.FremskudtError` of one line that names the file; never another
exception.  Hypothesis mutates the shipped and committed files (a value replaced by a
hostile one, a key misspelt or removed, a record cut short, a byte that is not UTF-8) and
generates posterior tables with hostile columns and cells."""

from __future__ import annotations

import copy
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import FremskudtError
from sim.paths import CALIBRATION_DIR, SCENARIO_DIR
from sim.spec.parameters import Behaviour
from sim.spec.prices import Prices, load_prices

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SHIPPED = yaml.safe_load((SCENARIO_DIR / "prices" / "dk-2024.yaml").read_text(encoding="utf-8"))
FIT = CALIBRATION_DIR / "fitted" / "default"

hostile_value = st.one_of(
    st.booleans(), st.none(), st.text(max_size=12), st.just("x" * 300), st.just("a\0b"),
    st.integers(-10**30, 10**30), st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 1e308, 1e-320]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))


def _refused_in_one_line(e: FremskudtError, name: str) -> None:
    text = str(e)
    assert "\n" not in text and name in text and len(text) < 1500, text


@st.composite
def prices_document(draw) -> bytes:
    doc = copy.deepcopy(SHIPPED)
    path = draw(st.sampled_from(list(_paths(doc))))
    node = doc
    for k in path[:-1]:
        node = node[k]
    kind = draw(st.sampled_from(["value", "value", "typo", "delete", "bytes", "valid"]))
    if kind == "value":
        node[path[-1]] = draw(hostile_value)
    elif kind == "typo":
        node[str(path[-1]) + "x"] = node.pop(path[-1])
    elif kind == "delete":
        del node[path[-1]]
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\x07", b"*a"])) + data[at:]
    return data


@SETTINGS
@given(prices_document())
def test_a_prices_file_is_read_or_refused_in_one_line(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prices.yaml"
        path.write_bytes(data)
        try:
            prices = load_prices(path)
        except FremskudtError as e:
            _refused_in_one_line(e, "prices.yaml")
        else:
            assert isinstance(prices, Prices)
            assert all(math.isfinite(f.value) and f.value >= 0 for _, f in prices.figures())


PARAMETERS = list(Behaviour.model_fields)
column_name = st.one_of(st.sampled_from(PARAMETERS), st.just("weight"),
                        st.sampled_from(["Weight", "noshow_centrl", "", "x:noshow", "__index_level_0__"]))
cell = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                 st.sampled_from([0.0, 0.5, 1.0, 2.0, 1e308, -1e-9]))


@st.composite
def posterior_table(draw) -> pd.DataFrame:
    names = draw(st.lists(column_name, min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(0, 6))
    kinds = {n: draw(st.sampled_from(["number", "number", "number", "bool", "text"])) for n in names}
    data = {}
    for n in names:
        if kinds[n] == "bool":
            data[n] = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
        elif kinds[n] == "text":
            data[n] = draw(st.lists(st.text(max_size=5), min_size=rows, max_size=rows))
        else:
            data[n] = draw(st.lists(cell, min_size=rows, max_size=rows))
    return pd.DataFrame(data)


@SETTINGS
@given(posterior_table())
def test_a_posterior_is_read_or_refused_in_one_line(table: pd.DataFrame):
    from sim.experiment.runner import WEIGHT_COLUMN, load_posterior, parameter_column
    with tempfile.TemporaryDirectory() as tmp:
        try:
            table.to_parquet(Path(tmp) / "posterior.parquet")
        except Exception:         # pyarrow cannot store every generated mix; nothing to read then
            return
        try:
            post = load_posterior(tmp)
        except FremskudtError as e:
            _refused_in_one_line(e, "posterior.parquet")
        else:
            assert WEIGHT_COLUMN in post.columns and len(post.columns) >= 2 and len(post) >= 1
            w = post[WEIGHT_COLUMN].to_numpy(float)
            assert np.all(w >= 0) and math.isclose(w.sum(), 1.0)
            for c in post.columns:
                if c == WEIGHT_COLUMN:
                    continue
                rule, v = parameter_column(c), post[c].to_numpy(float)
                assert np.all(np.isfinite(v)) and np.all((v >= rule.low) & (v <= rule.high))
                assert not rule.whole or np.all(v == np.round(v))


@st.composite
def damaged_fit(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(["run.json", "generations.csv"]))
    data = (FIT / name).read_bytes()
    kind = draw(st.sampled_from(["cut", "byte", "replace"]))
    if kind == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "byte":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"NaN", b"Infinity", b"[", b",", b"\n", b"true"])) \
            + data[at:]
    else:
        old = draw(st.sampled_from([b'"particles": 500', b'"name": "default"', b"0.493", b"epsilon", b"500"]))
        new = draw(st.sampled_from([b'"particles": NaN', b'"name": "default", "name": "x"', b"true", b"", b"1e999"]))
        data = data.replace(old, new, 1)
    return name, data


@SETTINGS
@given(damaged_fit())
def test_a_damaged_fit_record_is_read_or_refused_in_one_line(damage: tuple[str, bytes]):
    from sim.analysis.calibration.restore import GENERATION_COLUMNS, stored_fit
    name, data = damage
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fit"
        folder.mkdir()
        for f in ("run.json", "generations.csv", "posterior.parquet"):
            shutil.copy(FIT / f, folder / f)
        (folder / name).write_bytes(data)
        try:
            meta, gens = stored_fit(folder)
        except FremskudtError as e:
            _refused_in_one_line(e, "fit")
        else:
            assert isinstance(meta, dict) and list(gens.columns) == GENERATION_COLUMNS and len(gens) >= 1
            assert np.isfinite(gens.to_numpy(float)).all()
