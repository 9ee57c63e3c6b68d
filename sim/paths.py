"""Where the project's own files live (scenarios, calibration, docs), found from the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
CALIBRATION_DIR = ROOT / "calibration"
DOCS_DIR = ROOT / "docs"


def display_path(path) -> str:
    """A path inside the project as written from its root (so records do not name a
    machine's folders); any other path as it is."""
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)
