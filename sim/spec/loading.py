"""Reading YAML input files with limits: scenario files and their ``extends:`` chains, and
the calibration's targets and priors files.

A file is refused, with one message naming the file, the place and what is allowed, when

* it is not a regular file, or larger than :data:`MAX_BYTES`;
* it is not UTF-8 text (the message gives the byte offset) or holds a NUL byte;
* it uses a YAML alias (``*name``): aliases let a kilobyte expand to gigabytes
  ("billion laughs"), and a scenario never needs them;
* mappings and lists nest deeper than :data:`MAX_DEPTH`;
* a key is not text, or appears twice in one mapping (YAML would silently keep the last);
* it is empty, or not a mapping of keys to values;
* an ``extends:`` chain is longer than :data:`MAX_EXTENDS` files or forms a cycle.

Files are parsed with YAML's safe loader, so a file can never run code.  The nesting depth
and aliases are checked on the parser's event stream before anything is built, so a
hostile file costs no more than reading it.
"""

from __future__ import annotations

import difflib
import stat
from pathlib import Path

import yaml

from sim.errors import ScenarioError, shown_path
from sim.paths import SCENARIO_DIR

MAX_BYTES = 1_000_000       # a shipped scenario is about 3 kB
MAX_DEPTH = 32              # a scenario nests four levels deep
MAX_EXTENDS = 16            # files in one extends chain
STR_TAG = "tag:yaml.org,2002:str"

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


def _read_text(path: Path, error: type[ScenarioError]) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise error(path, "", shown_path(path), "not a regular file; give a YAML file")
        if info.st_size > MAX_BYTES:
            raise error(path, "", f"<{info.st_size:,} bytes>", f"the file may be at most {MAX_BYTES:,} bytes")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error(path, "", shown_path(path), "the file does not exist") from None
    except OSError as e:
        raise error(path, "", shown_path(path), f"the file cannot be read ({e.strerror})") from None
    if len(data) > MAX_BYTES:
        raise error(path, "", f"<more than {MAX_BYTES:,} bytes>", f"the file may be at most {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(path, "", f"<byte 0x{data[e.start]:02x} at byte offset {e.start}>",
                    "the file must be UTF-8 text") from None
    if "\0" in text:
        offset = len(text[: text.index("\0")].encode("utf-8"))
        raise error(path, "", f"<NUL byte at byte offset {offset}>", "the file must be text without NUL bytes")
    return text.removeprefix("\ufeff")


def _yaml_problem(e: yaml.YAMLError) -> tuple[str, str]:
    mark = getattr(e, "problem_mark", None)
    if isinstance(e, yaml.reader.ReaderError):
        return (f"<character {e.character!r} at position {e.position}>",
                "the file must be valid YAML text (no control characters)")
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
    what = ", ".join(str(x) for x in (getattr(e, "context", None), getattr(e, "problem", None)) if x) or str(e)
    return f"<YAML syntax error at {where}>", f"the file must be valid YAML ({what})"


def _check_events(text: str, path: Path, error: type[ScenarioError]) -> None:
    """Refuse aliases and deep nesting from the event stream (nothing is built yet)."""
    loader = yaml.SafeLoader(text)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise error(path, "", f"*{event.anchor} (line {line})",
                            "YAML aliases (*name) are not allowed in these files; write the value out")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise error(path, "", f"<nesting deeper than {MAX_DEPTH} levels at line {line}>",
                                f"mappings and lists may nest at most {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _check_keys(root: yaml.Node, path: Path, error: type[ScenarioError]) -> None:
    """Every key is text and appears once in its mapping (walked without recursion)."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack += [(item, f"{where}[{i}]") for i, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode) or key.tag != STR_TAG:
                    shown = key.value if isinstance(key, yaml.ScalarNode) else f"<{key.id}>"
                    raise error(path, where, shown, f"a key must be text (line {line}); put it in quotes")
                full = f"{where}.{key.value}" if where else key.value
                if key.value in seen:
                    raise error(path, full, key.value, f"duplicate key (lines {seen[key.value]} and {line}); "
                                                       "each key may appear only once in a mapping")
                seen[key.value] = line
                stack.append((value, full))


def read_mapping(path: str | Path, *, error: type[ScenarioError] = ScenarioError,
                 empty: str = "the file is empty") -> dict:
    """One YAML file as a mapping, read with the limits above."""
    path = Path(path)
    text = _read_text(path, error)
    try:
        _check_events(text, path, error)
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_keys(node, path, error)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        value, allowed = _yaml_problem(e)
        raise error(path, "", value, allowed) from None
    if data is None or data == {}:
        raise error(path, "", "<empty>", empty)
    if not isinstance(data, dict):
        raise error(path, "", type(data).__name__, "the file must be a mapping of keys to values")
    return data


def read_scenario_file(path: Path) -> dict:
    return read_mapping(path, empty=f"the scenario file is empty; {MINIMAL_SCENARIO}")


def _parent_of(path: Path, parent) -> Path:
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
        raise ScenarioError(path, "extends", parent, "extends must be a file name such as 'central-jobcentre.yaml'")
    candidate = path.parent / parent
    try:
        if candidate.is_file():
            return candidate.resolve()
    except OSError as e:
        raise ScenarioError(path, "extends", parent, f"the file cannot be read ({e.strerror})") from None
    near = [p.name for p in path.parent.glob("*.yaml")]
    guesses = difflib.get_close_matches(Path(parent).name, near, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    raise ScenarioError(path, "extends", parent, f"no such scenario file next to {path.name}{hint}")


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
