"""Finding and reading scenario files and their ``extends:`` chains.

Every file is read by :mod:`sim.spec.reading` (size, regular file, UTF-8, YAML's safe
loader without aliases, nesting depth, keys text and unique).  On top of that a scenario
argument is a path or the name of a shipped scenario, and an ``extends:`` chain is refused
when it is longer than :data:`MAX_EXTENDS` files or forms a cycle.

``extends:`` names the file a scenario changes: a path relative to the file that says it
(tried first), an absolute path, or the name of a shipped scenario in ``scenarios/`` (with
or without ``.yaml``), so a file anywhere can say ``extends: central-jobcentre``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from sim.errors import ScenarioError, shown_path
from sim.paths import SCENARIO_DIR

from .reading import MAX_DEPTH, MAX_TEXT_BYTES, read_yaml

MAX_BYTES = MAX_TEXT_BYTES   # a scenario file's size limit (the limit of every text file)
MAX_EXTENDS = 16             # files in one extends chain
__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_EXTENDS", "find", "read_chain", "read_mapping", "read_scenario_file"]

MINIMAL_SCENARIO = ("a minimal scenario file names itself and the shipped scenario it changes, e.g. "
                    "'name: my-scenario' and 'extends: default.yaml' on two lines, then only the settings "
                    "that differ ('fremskudt list' shows the shipped scenarios)")


class ScenarioNotFound(ScenarioError):
    """A scenario argument is neither a file nor the name of a shipped scenario."""

    def __init__(self, argument: str, guesses: list[str]):
        hint = f"did you mean {' or '.join(guesses)}? " if guesses else ""
        self.file, self.key, self.value = argument, "", argument
        self.allowed = (f"no such file, and no scenario of that name in scenarios/; {hint}"
                        "'fremskudt list' shows the shipped scenarios")
        Exception.__init__(self, f"{shown_path(argument)}: {self.allowed}")


def shipped_names() -> list[str]:
    """Names of the scenarios in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def find(argument: str | Path) -> Path:
    """The file a scenario argument means: a path, or the name of a file in ``scenarios/``
    (with or without ``.yaml``).  An unknown name suggests the nearest shipped ones."""
    text = str(argument)
    if "\0" in text:
        raise ScenarioError(text, "", text, "a file name cannot contain a NUL byte")
    candidates = [Path(text)]
    if Path(text).name == text:      # a bare name: also look in scenarios/
        candidates += [SCENARIO_DIR / f"{text}.yaml", SCENARIO_DIR / text]
    try:
        # a file first (a folder 'default' in the working directory does not hide the scenario)
        for found in [p for p in candidates if p.is_file()] + [p for p in candidates if p.exists()]:
            return found.resolve()
    except OSError as e:              # e.g. a name too long for the file system
        raise ScenarioError(text, "", text, f"the file cannot be read ({e.strerror})") from None
    stem = Path(text).stem if Path(text).suffix in (".yaml", ".yml") else Path(text).name
    guesses = difflib.get_close_matches(stem, shipped_names(), n=3, cutoff=0.6)
    raise ScenarioNotFound(text, guesses)


def read_mapping(path: str | Path, *, error: type[ScenarioError] = ScenarioError,
                 empty: str = "the file is empty") -> dict:
    """One YAML file as a mapping, read with the limits of :mod:`sim.spec.reading`."""
    return read_yaml(path, error, empty=empty)


def read_scenario_file(path: Path) -> dict:
    return read_mapping(path, empty=f"the scenario file is empty; {MINIMAL_SCENARIO}")


def _parent_of(path: Path, parent) -> Path:
    """The file ``extends: parent`` in ``path`` names: next to ``path`` (as written, then with
    ``.yaml``), else a shipped scenario of that name; an absolute path is taken as it is."""
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
        raise ScenarioError(path, "extends", parent, "extends must be a file name such as 'central-jobcentre.yaml'")
    candidates = [path.parent / parent]
    if not parent.endswith((".yaml", ".yml")):
        candidates.append(path.parent / f"{parent}.yaml")
    if Path(parent).name == parent:           # a bare name may also be a shipped scenario
        candidates += [SCENARIO_DIR / parent, SCENARIO_DIR / f"{parent}.yaml"]
    try:
        for candidate in candidates:
            if candidate.is_file():
                return candidate.resolve()
    except OSError as e:
        raise ScenarioError(path, "extends", parent, f"the file cannot be read ({e.strerror})") from None
    near = sorted({p.name for p in [*path.parent.glob("*.yaml"), *SCENARIO_DIR.glob("*.yaml")]})
    guesses = difflib.get_close_matches(Path(parent).name, near, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    raise ScenarioError(path, "extends", parent, f"no such scenario file next to {path.name} and no shipped scenario "
                                                 f"of that name{hint} ('fremskudt list' shows the shipped ones)")


def read_chain(path: str | Path) -> list[tuple[Path, dict]]:
    """The ``extends:`` chain from the root file to the file ``path`` names (a path or a
    shipped scenario's name), each with its own mapping (``extends`` removed)."""
    current = find(path)
    chain: list[tuple[Path, dict]] = []
    while True:
        visited = [p for p, _ in chain]
        if current in visited:
            loop = " → ".join(p.name for p in [*visited[visited.index(current):], current])
            raise ScenarioError(visited[-1], "extends", current.name, f"extends must not form a cycle ({loop})")
        if len(chain) == MAX_EXTENDS:
            raise ScenarioError(chain[0][0], "extends", f"<a chain of more than {MAX_EXTENDS} files>",
                                f"a scenario may extend at most {MAX_EXTENDS - 1} files in a row")
        data = read_scenario_file(current)
        parent = data.pop("extends", None)
        chain.append((current, data))
        if parent is None:
            return chain[::-1]
        current = _parent_of(current, parent)
