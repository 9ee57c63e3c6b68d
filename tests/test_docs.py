"""Documentation stays in step with the code."""

from pathlib import Path

from sim.spec.parameters import Behaviour, parameter_markdown
from sim.experiment.outcomes import DEFINITIONS

ROOT = Path(__file__).resolve().parent.parent


def test_parameter_table_is_generated_from_the_code():
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == parameter_markdown(), \
        "docs/parameters.md is stale: run `python -m sim.spec`"


def test_every_parameter_has_unit_range_and_source():
    for row in Behaviour().table():
        assert row["unit"] and row["source"] and row["meaning"], row["name"]
        lo, hi = row["plausible"]
        values = row["default"] if isinstance(row["default"], tuple) else (row["default"],)
        assert all(lo <= v <= hi for v in values), f"{row['name']}: default {row['default']} outside plausible {lo}-{hi}"


def test_odd_mentions_every_parameter_group_and_outcome():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    for name in DEFINITIONS:
        assert f"`{name}`" in odd, f"docs/ODD.md does not define outcome {name}"
