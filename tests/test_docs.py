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


def test_odd_lists_the_model_processes_in_order():
    """docs/ODD.md §1.3 names the processes in the order the model steps them, and §3.3
    describes each under the same number and name."""
    import re
    from sim.model.processes import PROCESSES
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    overview = odd[odd.index("### 1.3"):odd.index("## 2.")]
    listed = [name.lower() for name in re.findall(r"^\d+\. \*\*(.+?)\*\*", overview, flags=re.M)]
    assert listed == [p.name for p in PROCESSES]
    details = odd[odd.index("### 3.3"):odd.index("### 3.4")]
    described = [name.lower() for name in re.findall(r"^\*\*\d+\. (.+?)\*\*", details, flags=re.M)]
    assert described == listed
