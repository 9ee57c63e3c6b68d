"""YAML files are read by libyaml's parser where PyYAML has it (``FAST_LOADER``), and a text
it refuses is read again by the pure-Python parser.  Every shipped file and every file of the
hostile corpus must read the same either way (the data of a file that reads, the one-line
refusal of one that does not); on any text, what the pure-Python parser reads libyaml reads
the same, and what libyaml does not read into a mapping is refused in the pure-Python
parser's words.  The one difference: a tab where YAML allows one (after a value, inside a
plain scalar), which libyaml reads and the pure-Python parser refuses (6,000 generated texts,
every difference of this kind)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.paths import CALIBRATION_DIR, SCENARIO_DIR
from sim.spec import reading

HOSTILE = Path(__file__).resolve().parent / "hostile"
FILES = sorted([*SCENARIO_DIR.rglob("*.yaml"), *CALIBRATION_DIR.rglob("*.yaml"), *HOSTILE.rglob("*.yaml")])
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(path: Path, loader: type, monkeypatch) -> tuple[str, object]:
    """What reading ``path`` with ``loader`` as the first parser gives: its data, or its refusal."""
    monkeypatch.setattr(reading, "FAST_LOADER", loader)
    try:
        return "read", reading.read_yaml(path)
    except InputError as e:
        return "refused", str(e)


def both_ways(path: Path, monkeypatch) -> tuple[tuple[str, object], tuple[str, object]]:
    """(libyaml first, the pure-Python parser alone)"""
    return outcome(path, yaml.CSafeLoader, monkeypatch), outcome(path, yaml.SafeLoader, monkeypatch)


def same(a, b) -> bool:
    return a == b and repr(a) == repr(b)       # repr: 1 and 1.0 and True are equal, and must not be


needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml: one parser only")


def test_libyaml_reads_first_where_pyyaml_has_it():
    assert reading.FAST_LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


@needs_libyaml
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_and_hostile_file_reads_the_same_with_either_parser(path, monkeypatch):
    fast, reference = both_ways(path, monkeypatch)
    assert same(fast, reference), path


def test_the_files_read_include_refusals_of_every_kind():
    """The comparison above covers files that read and the hostile corpus's refusals."""
    names = {p.name for p in FILES}
    assert {"alias-bomb.yaml", "nested-brackets.yaml", "duplicate-key.yaml", "control-character.yaml",
            "two-documents.yaml", "dk-2024.yaml", "targets.yaml"} <= names


#: pieces of YAML text: structure, scalars of every kind, what the readers refuse
PIECES = st.sampled_from(["a: 1", "b: [1, 2]", "c: {d: e}", "- x", "  ", "\n", "\t", ":", "- ", "? ", "&a ", "*a",
                          "!!str ", "!!python/name:os.system", "'q'", '"q\\n"', "|\n  t\n", ">\n  t\n", "# c",
                          "---", "...", "%YAML 1.1\n", "{", "}", "[", "]", ",", "\x07", "\x85", "\ufeff", "é",
                          "1e3", ".inf", "0x1F", "0o17", "2024-01-01", "yes", "~", "null", "k", "  k: v"])


@needs_libyaml
@SETTINGS
@given(pieces=st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=20))
def test_any_text_reads_the_same_with_either_parser(pieces, tmp_path_factory):
    path = tmp_path_factory.mktemp("yaml") / "t.yaml"
    path.write_text("".join(pieces), encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, reference = both_ways(path, monkeypatch)
    if reference[0] == "read" or fast[0] == "refused":
        assert same(fast, reference), (pieces, fast, reference)
    else:         # libyaml reads a tab where YAML allows one; PyYAML's own parser refuses it
        assert "'\\t' that cannot start any token" in reference[1], (pieces, fast, reference)
