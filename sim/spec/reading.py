"""One reader for every file the program reads, with one set of limits.

Scenario files and the files they extend, prices files, the calibration's targets, priors
and patterns files, posterior and population tables, generation tables, run records and
manifests (JSON) and the workshop app's database are all read here, so a hostile file
costs no more than reading it, and every refusal is one :class:`~sim.errors.InputError`
(or a subclass the caller names) that names the file, the key (or a table's column and
row), the bad value and what is allowed.

The limits (the README's section "Limits" lists them for users):

* **every file**: a regular file (not a folder, device, pipe or socket), read at most to
  its size limit, so ``/dev/zero`` or a named pipe cannot make a command read forever;
* **text** (YAML, CSV, notes): at most :data:`MAX_TEXT_BYTES`, UTF-8 (the message gives the
  byte offset of the first bad byte) and no NUL byte;
* **YAML**: the safe loader (a file can never run code; libyaml's parser where PyYAML has it,
  :data:`FAST_LOADER`), one document, no aliases
  (``*name``: aliases let a kilobyte expand to gigabytes), nesting at most
  :data:`MAX_DEPTH` levels, every key text and none twice in a mapping (YAML would silently
  keep the last).  Depth and aliases are checked on the parser's events, before anything
  is built;
* **JSON** (run records, manifests): at most :data:`MAX_JSON_BYTES`, UTF-8, strict (no
  ``NaN`` or ``Infinity``), no key twice, nesting at most :data:`MAX_DEPTH` levels;
* **numbers** (:func:`strict_numbers`): ``true``/``false`` and quoted text are not numbers,
  and every number is finite; a whole number is whole;
* **tables** (parquet and CSV, :func:`read_table`): at most :data:`MAX_TABLE_BYTES`, at
  most :data:`MAX_TABLE_ROWS` rows, :data:`MAX_TABLE_COLUMNS` columns and
  :data:`MAX_TABLE_CELLS` cells, counted from the parquet footer before a row is read; only known columns, the required ones present,
  every cell a finite number (not true/false, not text) within its column's bounds and
  whole where a whole number is meant;
* **databases** (:func:`sqlite_file`): a regular file that starts with SQLite's header, at
  most the size the caller allows, carrying the caller's application id where it has one.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Mapping, Sequence, get_args, get_origin

import yaml

from sim.errors import InputError, shown_path

from .keys import unwrap

MAX_TEXT_BYTES = 1_000_000        # a shipped scenario is about 3 kB, the targets file about 20 kB
MAX_DEPTH = 32                    # a scenario nests four levels deep, a manifest six
MAX_JSON_BYTES = 20_000_000       # a run's manifest with 10,000 posterior draws is about 5 MB
MAX_TABLE_BYTES = 200_000_000     # the committed posterior is 0.1 MB
MAX_TABLE_ROWS = 1_000_000        # a posterior has one row per particle (500 in the committed fit)
MAX_TABLE_COLUMNS = 1_000         # parameters, weight, distance and one column per target: about 45
MAX_TABLE_CELLS = 20_000_000      # rows × columns: 160 MB as numbers (a posterior of 1,000,000 rows fits)
SQLITE_HEADER = b"SQLite format 3\0"
STR_TAG = "tag:yaml.org,2002:str"
_PANDAS_INDEX = "__index_level_"

ErrorType = Callable[..., InputError]


# --------------------------------------------------------------------------------------
# Bytes and text
# --------------------------------------------------------------------------------------

def read_bytes(path: str | Path, error: ErrorType = InputError, *, limit: int, kind: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise error(path, "", shown_path(path), f"not a regular file; give a {kind}")
        if info.st_size > limit:
            raise error(path, "", f"<{info.st_size:,} bytes>", f"the file may be at most {limit:,} bytes")
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise error(path, "", shown_path(path), "the file does not exist") from None
    except (OSError, ValueError) as e:          # ValueError: a NUL byte in the name
        raise error(path, "", shown_path(path), f"the file cannot be read ({getattr(e, 'strerror', None) or e})") from None
    if len(data) > limit:
        raise error(path, "", f"<more than {limit:,} bytes>", f"the file may be at most {limit:,} bytes")
    return data


def decode(data: bytes, path: str | Path, error: ErrorType = InputError) -> str:
    """UTF-8 text without NUL bytes (a byte-order mark is dropped)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(path, "", f"<byte 0x{data[e.start]:02x} at byte offset {e.start}>",
                    "the file must be UTF-8 text") from None
    if "\0" in text:
        offset = len(text[: text.index("\0")].encode("utf-8"))
        raise error(path, "", f"<NUL byte at byte offset {offset}>", "the file must be text without NUL bytes")
    return text.removeprefix("\ufeff")


def read_text(path: str | Path, error: ErrorType = InputError, *, limit: int = MAX_TEXT_BYTES,
              kind: str = "text file") -> str:
    """A regular UTF-8 text file of at most ``limit`` bytes."""
    return decode(read_bytes(path, error, limit=limit, kind=kind), path, error)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file, read in blocks (a file already read with these limits, or one
    this program wrote)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def starts_with(path: str | Path, prefix: str) -> bool:
    """Does the regular file ``path`` begin with ``prefix``?  (Reads only that much; False
    for anything that is not a regular file.)"""
    want = prefix.encode("utf-8")
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):
            return False
        with open(path, "rb") as f:
            return f.read(len(want)) == want
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------

def _yaml_problem(e: yaml.YAMLError) -> tuple[str, str]:
    mark = getattr(e, "problem_mark", None)
    if isinstance(e, yaml.reader.ReaderError):
        return (f"<character {e.character!r} at position {e.position}>",
                "the file must be valid YAML text (no control characters)")
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
    what = ", ".join(str(x) for x in (getattr(e, "context", None), getattr(e, "problem", None)) if x) or str(e)
    return f"<YAML syntax error at {where}>", f"the file must be valid YAML ({what})"


#: the parser that reads every YAML file first: libyaml's (PyYAML's C extension, about ten
#: times faster than its pure-Python parser; a scenario with its prices file is read in a few
#: milliseconds instead of about 100), where PyYAML was built with it.  A text it does not read
#: into a mapping is read again by the pure-Python parser, so every refusal is in that
#: parser's words (:func:`read_yaml`); ``tests/test_reading.py`` checks the two read the same.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_events(text: str, path: Path, error: ErrorType, loader_class: type) -> None:
    """Refuse aliases and deep nesting from the event stream (nothing is built yet)."""
    loader = loader_class(text)
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


def _check_keys(root: yaml.Node, path: Path, error: ErrorType) -> None:
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


def _parse(text: str, path: Path, error: ErrorType, loader_class: type) -> Any:
    """The document in ``text``, checked on the parser's events and nodes before it is built."""
    _check_events(text, path, error, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_keys(node, path, error)
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def read_yaml(path: str | Path, error: ErrorType = InputError, *, empty: str = "the file is empty") -> dict:
    """One YAML file as a mapping, read with the limits of this module."""
    path = Path(path)
    text = read_text(path, error, kind="YAML file")
    if FAST_LOADER is not yaml.SafeLoader:
        try:
            data = _parse(text, path, error, FAST_LOADER)
            if isinstance(data, dict) and data:
                return data
        except (yaml.YAMLError, InputError):
            pass                         # the pure-Python parser below says why, in its own words
    try:
        data = _parse(text, path, error, yaml.SafeLoader)
    except yaml.YAMLError as e:
        value, allowed = _yaml_problem(e)
        raise error(path, "", value, allowed) from None
    if data is None or data == {}:
        raise error(path, "", "<empty>", empty)
    if not isinstance(data, dict):
        raise error(path, "", type(data).__name__, "the file must be a mapping of keys to values")
    return data


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

class _Refused(ValueError):
    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(allowed)


def _no_constant(name: str):
    raise _Refused("", name, "JSON numbers must be finite (NaN and Infinity are not JSON)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise _Refused(k, k, "duplicate key; each key may appear only once in an object")
        out[k] = v
    return out


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                stack += [(v, d + 1) for v in (node.values() if isinstance(node, dict) else node)]
    return deepest


def parse_json(text: str, path: str | Path, error: ErrorType = InputError, key: str = "") -> Any:
    """Strict JSON text (see the module docstring) as Python objects."""
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except _Refused as e:
        raise error(path, ".".join(k for k in (key, e.key) if k), e.value, e.allowed) from None
    except RecursionError:
        raise error(path, key, f"<nesting deeper than {MAX_DEPTH} levels>",
                    f"objects and lists may nest at most {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as e:
        raise error(path, key, f"<JSON syntax error at line {e.lineno}, column {e.colno}>",
                    f"the file must be complete, valid JSON ({e.msg})") from None
    except ValueError as e:                     # e.g. an integer of more than 4,300 digits
        raise error(path, key, "<JSON value>", f"the file must be valid JSON ({e})") from None
    if _depth(data) > MAX_DEPTH:
        raise error(path, key, f"<nesting deeper than {MAX_DEPTH} levels>",
                    f"objects and lists may nest at most {MAX_DEPTH} levels deep")
    return data


def read_json(path: str | Path, error: ErrorType = InputError, *, limit: int = MAX_JSON_BYTES) -> Any:
    """A regular, strict JSON file of at most ``limit`` bytes."""
    text = read_text(path, error, limit=limit, kind="JSON file")
    if not text.strip():
        raise error(path, "", "<empty>", "the file is empty; it must hold a JSON object")
    return parse_json(text, path, error)


def read_record(path: str | Path, keys: Sequence[str], error: ErrorType = InputError, *,
                what: str = "record") -> dict:
    """A JSON object that holds at least ``keys`` (a run record, a manifest)."""
    data = read_json(path, error)
    if not isinstance(data, dict):
        raise error(path, "", type(data).__name__, f"a {what} must be a JSON object")
    absent = [k for k in keys if k not in data]
    if absent:
        raise error(path, absent[0], None, f"the {what} lacks {', '.join(absent)}; it is not a complete {what}")
    return data


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

def bounds_text(info: Any) -> str:
    """'; allowed: >= 0 and <= 1' from a pydantic field's metadata ('' without bounds)."""
    parts = []
    for m in getattr(info, "metadata", ()):
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(m, attr, None) is not None:
                parts.append(f"{sym} {getattr(m, attr)}")
    return f"; allowed: {' and '.join(parts)}" if parts else ""


def strict_value(value: Any, annotation: Any, info: Any, file, key: str, error: ErrorType = InputError) -> None:
    """Refuse what pydantic would quietly convert: true/false or text as a number, a number
    or text as true/false, and non-finite numbers (walking into nested models and mappings)."""
    from pydantic import BaseModel

    kind = unwrap(annotation)
    if value is None:
        return
    if kind is bool and not isinstance(value, bool):
        raise error(file, key, value, "allowed: true or false")
    if kind in (int, float):
        what = "a whole number" if kind is int else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise error(file, key, value, f"{what} is required (true/false and text are not numbers)" + bounds_text(info))
        if not math.isfinite(value):
            raise error(file, key, value, f"{what} is required, and it must be finite" + bounds_text(info))
    elif isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(value, dict):
        strict_numbers(value, kind, file, error, key)
    elif get_origin(kind) is dict and isinstance(value, dict):
        inner = get_args(kind)[1]
        info = next((m for m in get_args(inner)[1:]), None) if get_origin(inner) is Annotated else None
        for k, v in value.items():
            strict_value(v, inner, info, file, f"{key}.{k}", error)


def strict_numbers(data: dict, model: type, file, error: ErrorType = InputError, where: str = "") -> None:
    """:func:`strict_value` for every known key of ``data`` against the fields of ``model``
    (an unknown key is left to the model's own "did you mean" message)."""
    for key, value in data.items():
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is not None:
            strict_value(value, field.annotation, field, file, f"{where}.{key}" if where else key, error)


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """What a table column may hold: ``kind`` "number" (finite numbers within [low, high],
    whole numbers if ``whole``, and empty cells only if ``missing``), "text", or "flag"
    (true/false)."""

    low: float = -math.inf
    high: float = math.inf
    whole: bool = False
    kind: str = "number"
    missing: bool = False

    def allowed(self) -> str:
        if self.kind != "number":
            return "text" if self.kind == "text" else "true or false"
        what = "whole numbers" if self.whole else "finite numbers"
        what += " or empty cells" if self.missing else ""
        if math.isinf(self.low) and math.isinf(self.high):
            return f"{what} (not true/false, not text)"
        if math.isinf(self.high):
            return f"{what} >= {self.low:g}"
        if math.isinf(self.low):
            return f"{what} <= {self.high:g}"
        return f"{what} within [{self.low:g}, {self.high:g}]"


def _cell(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _columns(path: Path, names: Sequence[str], rows: int, rules: Callable[[str], Column | None],
             required: Sequence[str], unknown: Callable[[str], str], error: ErrorType) -> list[str]:
    """The table's data columns (pandas' stored index left out), each known and the required
    present, within the column and cell caps."""
    names = [str(n) for n in names if not str(n).startswith(_PANDAS_INDEX)]
    if len(names) > MAX_TABLE_COLUMNS:
        raise error(path, "", f"<{len(names):,} columns>", f"a table may have at most {MAX_TABLE_COLUMNS:,} columns")
    if rows * len(names) > MAX_TABLE_CELLS:
        raise error(path, "", f"<{rows:,} rows × {len(names):,} columns>",
                    f"a table may hold at most {MAX_TABLE_CELLS:,} cells")
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise error(path, twice, twice, "each column may appear only once")
    for n in names:
        if rules(n) is None:
            raise error(path, n, n, unknown(n))
    absent = [r for r in required if r not in names]
    if absent:
        raise error(path, absent[0], None, f"the table needs the column(s) {', '.join(absent)}")
    return names


def _parquet(path: Path, rules, required, unknown, max_rows: int, error: ErrorType):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        rows, schema = pf.metadata.num_rows, pf.schema_arrow
    except Exception as e:       # pyarrow raises several types for a file that is not parquet
        raise error(path, "", shown_path(path), f"not a readable parquet table ({type(e).__name__}: {e})") from None
    if rows > max_rows:
        raise error(path, "", f"<{rows:,} rows>", f"a table may have at most {max_rows:,} rows")
    names = _columns(path, schema.names, rows, rules, required, unknown, error)
    for n in names:
        t, kind = schema.field(n).type, rules(n).kind
        if (kind == "text" and (pa.types.is_string(t) or pa.types.is_large_string(t))
                or kind == "flag" and pa.types.is_boolean(t)):
            continue
        if kind != "number" or not (pa.types.is_integer(t) or pa.types.is_floating(t)):
            what = ("true/false" if pa.types.is_boolean(t) else
                    "text" if pa.types.is_string(t) or pa.types.is_large_string(t) else str(t))
            raise error(path, n, f"<a column of {what}>", f"allowed: {rules(n).allowed()}")
    try:
        return pf.read(columns=names).to_pandas()
    except Exception as e:
        raise error(path, "", shown_path(path), f"not a readable parquet table ({type(e).__name__}: {e})") from None


def _csv(path: Path, rules, required, unknown, max_rows: int, error: ErrorType):
    import pandas as pd

    text = read_text(path, error, limit=MAX_TABLE_BYTES, kind="CSV file")
    try:
        head = pd.read_csv(io.StringIO(text), nrows=0).columns
        as_text = {n: str for n in head if (rule := rules(str(n))) is not None and rule.kind == "text"}
        df = pd.read_csv(io.StringIO(text), nrows=max_rows + 1, dtype=as_text or None)   # text stays as written
    except Exception as e:       # pandas raises several types for text that is not a table
        raise error(path, "", shown_path(path), f"not a readable CSV table ({type(e).__name__}: {e})") from None
    if len(df) > max_rows:
        raise error(path, "", f"<more than {max_rows:,} rows>", f"a table may have at most {max_rows:,} rows")
    _columns(path, list(df.columns), len(df), rules, required, unknown, error)
    return df


def read_table(path: str | Path, columns: Mapping[str, Column] | Callable[[str], Column | None],
               error: ErrorType = InputError, *, required: Sequence[str] = (),
               unknown: Callable[[str], str] | None = None, max_rows: int = MAX_TABLE_ROWS,
               min_rows: int = 1):
    """A parquet (``.parquet``) or CSV table whose every column is one that ``columns``
    knows (a mapping, or a function giving a column's rule or None) and holds what its
    :class:`Column` allows, with the ``required`` columns, and at least ``min_rows`` and at
    most ``max_rows`` rows."""
    import numpy as np
    import pandas as pd

    path = Path(path)
    rules = columns.get if isinstance(columns, Mapping) else columns
    unknown = unknown or (lambda n: "unknown column")
    check_file(path, error)
    reader = _parquet if path.suffix == ".parquet" else _csv
    df = reader(path, rules, required, unknown, max_rows, error)
    if len(df) < min_rows:
        raise error(path, "", "<no rows>" if len(df) == 0 else f"<{len(df)} rows>",
                    f"the table needs at least {min_rows} row{'s' if min_rows > 1 else ''}")
    for name in df.columns:
        rule, values = rules(str(name)), df[name]
        if rule.kind == "text":
            df[name] = values.astype(str)
            continue
        if rule.kind == "flag" or pd.api.types.is_bool_dtype(values):
            if rule.kind != "flag" or not pd.api.types.is_bool_dtype(values):
                i = 0 if rule.kind != "flag" else int(np.argmax(~values.isin([True, False]).to_numpy()))
                raise error(path, f"{name} (row {i})", _cell(values.iloc[i]), f"allowed: {rule.allowed()}")
            continue
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(numbers)
        if rule.missing:
            bad &= ~values.isna().to_numpy()
        if rule.whole:
            bad |= np.isfinite(numbers) & (numbers != np.round(numbers))
        bad |= (numbers < rule.low) | (numbers > rule.high)
        if bad.any():
            i = int(np.argmax(bad))
            raise error(path, f"{name} (row {i})", _cell(values.iloc[i]), f"allowed: {rule.allowed()}")
    df.columns = [str(c) for c in df.columns]
    return df.reset_index(drop=True)


def check_file(path: Path, error: ErrorType, limit: int = MAX_TABLE_BYTES) -> None:
    """A regular file of at most ``limit`` bytes (checked without reading it)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(path, "", shown_path(path), "the file does not exist") from None
    except (OSError, ValueError) as e:
        raise error(path, "", shown_path(path), f"the file cannot be read ({getattr(e, 'strerror', None) or e})") from None
    if not stat.S_ISREG(info.st_mode):
        raise error(path, "", shown_path(path), "not a regular file; give a table file")
    if info.st_size > limit:
        raise error(path, "", f"<{info.st_size:,} bytes>", f"the file may be at most {limit:,} bytes")


# --------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------

def sqlite_file(path: str | Path, error: ErrorType = InputError, *, max_bytes: int | None = None,
                application_id: int | None = None, what: str = "database") -> None:
    """Refuse unless ``path`` is a regular SQLite file (of at most ``max_bytes``, carrying
    ``application_id`` when given).  Reads only the 100-byte header."""
    path = Path(path)
    check_file(path, error, max_bytes if max_bytes is not None else 2**62)
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as e:
        raise error(path, "", shown_path(path), f"the file cannot be read ({e.strerror})") from None
    if len(head) < 100 or not head.startswith(SQLITE_HEADER):
        raise error(path, "", "<not an SQLite file>", f"the file must be a {what}")
    if application_id is not None and int.from_bytes(head[68:72], "big") != application_id:
        raise error(path, "", "<another program's SQLite file>", f"the file must be a {what}")
