"""The package's layers: nothing imports upwards.

    errors, paths, lazy_imports, shutdown  <  spec  <  model  <  experiment  <  analysis  <  interface

A module may import its own layer and the layers below it (``sim/__init__.py``, the public
API, may import anything)."""

import ast
import re
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
ORDER = ["errors", "paths", "spec", "model", "experiment", "analysis", "interface"]
RANK = {"errors": 0, "paths": 0, "lazy_imports": 0, "shutdown": 0, **{name: i for i, name in enumerate(ORDER)}}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sim" and parts[1] in RANK else None


def imported_modules(path: Path) -> list[str]:
    pkg = ".".join(path.relative_to(SIM.parent).with_suffix("").parts)
    if path.name == "__init__.py":
        pkg = pkg.rsplit(".", 1)[0] + ".__init__"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: -node.level]
                out.append(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                out.append(node.module)
    return out


def test_no_module_imports_a_higher_layer():
    bad = []
    for path in SIM.rglob("*.py"):
        rel = path.relative_to(SIM.parent)
        own = layer_of(".".join(rel.with_suffix("").parts))
        if own is None:
            continue   # sim/__init__.py and sim/__main__.py: the public entry points
        for mod in imported_modules(path):
            other = layer_of(mod)
            if other is not None and RANK[other] > RANK[own]:
                bad.append(f"{rel} ({own}) imports {mod} ({other})")
    assert not bad, "imports upwards:\n" + "\n".join(bad)


def test_every_module_is_in_a_layer():
    stray = [p.name for p in SIM.glob("*.py") if p.stem not in RANK and p.name not in ("__init__.py", "__main__.py")]
    assert not stray, f"modules outside the layers: {stray}"


#: Reads outside sim/spec/reading.py, each with the reason it is not an input a user gives
#: (every other file goes through the one reader and its limits).
OWN_FILES = {
    "sim/model/jit.py": "the package's own source (the cache key of the compiled code)",
    "sim/interface/app/page.py": "the package's own stylesheet",
    "sim/interface/app/assets.py": "the package's own templates",
    "sim/interface/i18n/catalogue.py": "the package's own catalogues",
    "sim/interface/report/html.py": "the figures this run has just written",
    "sim/interface/app/store.py": "a database checked first by reading.sqlite_file",
    "sim/analysis/calibration/abc.py": "a history checked first by reading.sqlite_file",
}
READS = re.compile(r"read_parquet\(|read_csv\(|json\.load|safe_load\(|\.read_text\(|\.read_bytes\(|sqlite3\.connect\("
                   r"|(?<![\w.])open\(")


def test_every_input_file_goes_through_the_one_reader():
    found = []
    for path in SIM.rglob("*.py"):
        rel = path.relative_to(SIM.parent).as_posix()
        if rel == "sim/spec/reading.py" or rel in OWN_FILES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if READS.search(line.split("#")[0]):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "files read outside sim/spec/reading.py:\n" + "\n".join(found)
