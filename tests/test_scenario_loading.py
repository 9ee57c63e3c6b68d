"""Scenario inheritance details: names, clearing inherited figures, blame in the chain."""

import pytest

from sim.spec.scenario import ScenarioError, load_scenario


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_variant_is_named_after_its_file_and_can_clear_reported(tmp_path):
    write(tmp_path, "base.yaml", "name: base\nreported:\n  noshow_share: {value: 0.1}\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nreported: null\n")
    sc = load_scenario(child)
    assert sc.name == "child" and sc.reported == {}
    assert load_scenario(tmp_path / "base.yaml").reported["noshow_share"].value == 0.1


def test_error_in_parent_file_names_the_parent(tmp_path):
    write(tmp_path, "base.yaml", "organisation:\n  caseworkers: -1\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nseed: 3\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(child)
    assert e.value.file.endswith("base.yaml") and e.value.key == "organisation.caseworkers"


@pytest.mark.parametrize("parent", ["central-jobcentre", "central-jobcentre.yaml"])
def test_extends_finds_a_shipped_scenario_by_name_from_anywhere(parent, tmp_path):
    path = tmp_path / "elsewhere" / "mine.yaml"
    path.parent.mkdir()
    path.write_text(f"extends: {parent}\norganisation:\n  caseworkers: 20\n")
    sc = load_scenario(path)
    assert sc.name == "mine" and sc.organisation.caseworkers == 20
    assert sc.organisation.meeting_interval_weeks == load_scenario("central-jobcentre").organisation.meeting_interval_weeks


def test_a_file_next_to_the_scenario_comes_before_a_shipped_one(tmp_path):
    (tmp_path / "central-jobcentre.yaml").write_text("name: local-base\norganisation:\n  caseworkers: 3\n")
    (tmp_path / "variant.yaml").write_text("extends: central-jobcentre\n")
    assert load_scenario(tmp_path / "variant.yaml").organisation.caseworkers == 3
    (tmp_path / "absolute.yaml").write_text(f"extends: {tmp_path / 'central-jobcentre.yaml'}\n")
    assert load_scenario(tmp_path / "absolute.yaml").organisation.caseworkers == 3


def test_an_unknown_parent_names_both_places_and_the_nearest_names(tmp_path):
    (tmp_path / "v.yaml").write_text("extends: central-jobcenter\n")
    with pytest.raises(ScenarioError, match="no such scenario file next to v.yaml and no shipped scenario of that "
                                            "name; did you mean central-jobcentre.yaml"):
        load_scenario(tmp_path / "v.yaml")


def test_the_example_the_empty_file_message_gives_loads_and_runs(tmp_path):
    """The message for an empty file suggests a minimal file; that file must work as written,
    from any folder."""
    import contextlib
    import io
    import re

    from sim.interface.cli import main
    from sim.spec.loading import MINIMAL_SCENARIO
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ScenarioError) as e:
        load_scenario(empty)
    lines = re.findall(r"'([a-z_]+: [^']+)'", str(e.value))
    assert str(e.value).endswith(MINIMAL_SCENARIO) and [ln.split(":")[0] for ln in lines] == ["name", "extends"]
    example = tmp_path / "somewhere" / "mine.yaml"
    example.parent.mkdir()
    example.write_text("\n".join(lines) + "\n")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["run", str(example), "--replications", "2", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "report.html").is_file()
