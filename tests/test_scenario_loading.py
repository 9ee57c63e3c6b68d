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
