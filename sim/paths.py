"""Where the project's own files live (scenarios, calibration, docs), found from the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
CALIBRATION_DIR = ROOT / "calibration"
DOCS_DIR = ROOT / "docs"
