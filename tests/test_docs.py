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


def test_the_readme_states_the_limits_the_code_sets():
    """The README's section "Limits" is the one place users read them; it must say what the
    code does."""
    import re

    from sim.experiment import pool, resources, runner
    from sim.interface.app import store
    from sim.interface.commands import app
    from sim.spec import loading, prices, reading
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Limits\n(.*?)^## ", readme, re.S | re.M).group(1)
    expected = [
        f"{reading.MAX_TEXT_BYTES:,} bytes", f"nesting at most {reading.MAX_DEPTH} levels",
        f"at most {loading.MAX_EXTENDS} files", f"{reading.MAX_JSON_BYTES:,} bytes",
        f"{reading.MAX_TABLE_BYTES:,} bytes, {reading.MAX_TABLE_ROWS:,} rows, {reading.MAX_TABLE_COLUMNS:,} columns "
        f"and {reading.MAX_TABLE_CELLS:,} cells",
        f"{prices.MAXIMUM['DKK per month']:,} kr. a month", f"{prices.MAXIMUM['DKK per year']:,} kr. a year",
        f"{prices.MAXIMUM['DKK per hour']:,} kr. an hour", f"{prices.MAXIMUM['DKK per week']:,} kr. a week",
        f"a share at most {prices.MAXIMUM['share']:g}", f"at most {prices.MAXIMUM['hours per week']:g} hours a week",
        f"at most {store.MAX_BYTES:,} bytes", f"above {resources.MEMORY_SHARE:.0%}".replace("%", " %"),
        f"{resources.BASE_BYTES / 1e6:,.0f} MB for the command",
        f"{resources.WORKER_BYTES / 1e6:,.0f} MB for each further worker",
        f"{resources.WORKING_BYTES_PER_CITIZEN:,} bytes per citizen for each simulation",
        f"{resources.KEPT_BYTES_PER_CITIZEN:,} bytes per citizen and replication",
        f"within {runner.DASK_CONNECT_TIMEOUT:g} s", f"no worker for {runner.DASK_WORKER_TIMEOUT:g} s",
        f"every {runner.DASK_POLL_SECONDS:g} s", f"not ended {pool.STOP_SECONDS:g} s after",
        f"gets {app.STOP_SECONDS:g} s after SIGTERM",
    ]
    missing = [e for e in expected if e not in section]
    assert not missing, f"README's Limits section does not say: {missing}"
    for replications in (20, 10):
        need = resources.estimate([2_000_000], replications, 1).total
        assert f"{replications} about {need / 1e9:.0f} GB" in section or f"{replications} replications need about " \
            f"{need / 1e9:.0f} GB" in section
