"""A fixed corpus of hostile and malformed scenario files (``tests/hostile/``), plus a few
generated at test time (an extends chain 1,200 files deep, a file over the size limit).

Every one must give exit status 2 and one short line naming the file, the key and the
value, quickly, without a traceback, and write nothing."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from sim.interface.cli import main
from sim.spec.loading import MAX_BYTES, MAX_EXTENDS

HOSTILE = Path(__file__).resolve().parent / "hostile"

# file -> pieces the message must contain (besides the file name)
CORPUS = {
    "alias-bomb-description.yaml": ["aliases", "*a (line 6)"],
    "alias-bomb-unknown-key.yaml": ["aliases", "*a (line 3)"],
    "alias-bomb-extends.yaml": ["aliases", "*a (line 3)"],
    "nested-brackets.yaml": ["nest", "32"],
    "not-utf8.yaml": ["UTF-8", "byte 0xf8 at byte offset 26"],
    "nul-byte.yaml": ["NUL byte at byte offset 9"],
    "control-character.yaml": ["control characters"],
    "duplicate-key.yaml": ["horizon_weeks", "duplicate key", "lines 3 and 4"],
    "bool-caseworkers.yaml": ["organisation.caseworkers", "True", "true/false", ">= 0.5"],
    "bool-population.yaml": ["population.size", "True", "whole number"],
    "bool-flag-as-number.yaml": ["organisation.trin_model", "1", "true or false"],
    "text-as-number.yaml": ["seed", "'12'", "whole number"],
    "nan-number.yaml": ["organisation.caseworkers", "nan", "finite"],
    "huge-number.yaml": ["population.size", "<= 2000000"],
    "negative-benefit-shares.yaml": ["population.benefit_shares.kontanthjaelp", "1.5"],
    "ag-distribution-short.yaml": ["population.ag_distribution", "sum to 1", "0.985"],
    "empty.yaml": ["empty", "minimal scenario file", "extends: default.yaml"],
    "comment-only.yaml": ["empty", "minimal scenario file"],
    "empty-mapping.yaml": ["empty"],
    "top-level-list.yaml": ["list", "mapping"],
    "two-documents.yaml": ["YAML", "single document"],
    "bool-key.yaml": ["'yes'", "key must be text"],
    "long-name.yaml": ["name", "xxxx", "1 to 80 characters"],
    "nul-in-name.yaml": ["name", "a\\x00b", "1 to 80 characters"],
    "name-escapes.yaml": ["name", "'../../../../elsewhere/ESCAPED'"],
    "name-absolute.yaml": ["name", "'/some/absolute/ABSOLUTE'"],
    "name-empty.yaml": ["name", "''"],
    "reported-unknown-outcome.yaml": ["reported.noshow_shar", "did you mean 'noshow_share'"],
    "reported-negative-n.yaml": ["reported.noshow_share.n", "-5", ">= 1"],
    "reported-infinite.yaml": ["reported.noshow_share.value", "inf", "finite"],
    "reported-key-typo.yaml": ["reported.noshow_share.valu", "did you mean 'value'", "n, source, value"],
    "extends-itself.yaml": ["extends", "cycle"],
    "extends-missing.yaml": ["extends", "'central-jobcenter.yaml'", "no such scenario file"],
    "python-tag.yaml": ["python/object/apply:os.system"],
}


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _refused(path: Path, expected: list[str], tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]):
        code, out, err = _run(argv)
        assert code == 2, (argv, out, err)
        assert err.startswith("fremskudt: error: ") and err.count("\n") == 1, err
        assert path.name in err and "bad value" in err, err
        for piece in expected:
            assert piece in err, (piece, err)
        assert len(err) < 1000 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before      # nothing written


def test_the_corpus_is_complete():
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(CORPUS)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_is_refused_with_one_line(name, tmp_path):
    _refused(HOSTILE / name, CORPUS[name], tmp_path)


def test_an_extends_chain_1200_files_deep(tmp_path):
    (tmp_path / "f0.yaml").write_text("name: root\n")
    for i in range(1, 1200):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i - 1}.yaml\n")
    _refused(tmp_path / "f1199.yaml", ["extends", f"at most {MAX_EXTENDS - 1} files"], tmp_path)


def test_a_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\ndescription: " + "x" * MAX_BYTES + "\n")
    _refused(big, [f"{MAX_BYTES:,} bytes"], tmp_path)


@pytest.mark.parametrize("target", ["/dev/null", "folder"])
def test_not_a_regular_file(target, tmp_path):
    path = Path(target) if target.startswith("/") else tmp_path / target
    if not target.startswith("/"):
        path.mkdir()
    code, _, err = _run(["validate", str(path)])
    assert code == 2 and "not a regular file" in err and err.count("\n") == 1


def test_a_python_tag_runs_no_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run(["validate", str(HOSTILE / "python-tag.yaml")])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argument, expected", [
    ("central-jobcenter", "did you mean central-jobcentre?"),
    ("copenhagen-outreach.yml", "did you mean copenhagen-outreach"),
    ("no-such-thing-at-all", "'fremskudt list' shows the shipped scenarios"),
])
def test_unknown_scenario_name_suggests_shipped_ones(argument, expected, tmp_path):
    for argv in (["run", argument, "--out", str(tmp_path / "o")], ["validate", argument],
                 ["compare", "default", argument, "--out", str(tmp_path / "o")]):
        code, _, err = _run(argv)
        assert code == 2 and expected in err and "fremskudt list" in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()
