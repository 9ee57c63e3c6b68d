"""Team designs, kept in a small SQLite database so they survive a restart of the server.

Where: ``$FREMSKUDT_APP_DATA/designs.sqlite`` when that variable is set (``fremskudt app
--data-dir DIR`` sets it), otherwise the user's data folder:
``$XDG_DATA_HOME/fremskudt/designs.sqlite``, by default
``~/.local/share/fremskudt/designs.sqlite`` — never inside the repository unless asked.

The program only writes a database it made: the file carries SQLite's ``application_id``
:data:`APPLICATION_ID`, and an existing file without it (another program's database, a
text file, an empty file) is refused with :class:`StoreError` instead of being written
into.  A design is saved under its team and name, and saving never overwrites: a team and
name already on the board is refused with :class:`DuplicateDesign` (another team may have
chosen the same names), so the saver picks another name.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sim.errors import FremskudtError, InputError
from sim.spec.reading import parse_json, sqlite_file

APPLICATION_ID = 0x46524D4B          #: 'FRMK' in SQLite's header: a fremskudt designs database
SCHEMA_VERSION = 1
#: The largest designs database opened (a workshop's designs take a few hundred kilobytes).
MAX_BYTES = 100_000_000
FILE = "designs.sqlite"
ENV = "FREMSKUDT_APP_DATA"

_SCHEMA = """
CREATE TABLE designs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team TEXT NOT NULL,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    saved TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (team, name)
)"""


class StoreError(FremskudtError):
    """The designs database cannot be used (not ours, unreadable, or a bad name)."""


class DuplicateDesign(StoreError):
    """A design of that team and name is saved already."""

    def __init__(self, team: str, name: str):
        super().__init__(f"a design named {name!r} by team {team!r} is saved already; choose another name")
        self.team, self.name = team, name


@dataclass
class SavedDesign:
    """A team's design and its ensemble figures (see :mod:`.scoreboard`)."""

    team: str
    name: str
    scenario: str
    levers: dict[str, list]                    # lever -> [scenario value, design value]
    replications: int
    seed: int
    figures: dict[str, dict[str, Any]]         # outcome -> mean, p5, p95, difference, low, high, verdict, unit
    saved: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    programme_cost: float | None = None        # kroner a year (staff and offices): the exercise's cap applies to it
    parameters: str = "posterior"
    id: int | None = None


def default_folder() -> Path:
    """The folder of the designs database (see the module docstring)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "fremskudt"


def _check_ours(path: Path) -> None:
    """Refuse a file this program did not write (read with :func:`sim.spec.reading.sqlite_file`:
    a regular file of at most :data:`MAX_BYTES`, SQLite's header and our application id)."""
    try:
        sqlite_file(path, max_bytes=MAX_BYTES, application_id=APPLICATION_ID, what="fremskudt designs database")
    except InputError as e:
        found = str(e.value)
        why = found.strip("<>") if found.startswith("<") and "bytes" not in found else e.allowed
        raise StoreError(f"{path}: exists and is not a fremskudt designs database ({why}); it is left as it is. "
                         f"Choose another folder with --data-dir or {ENV}") from None


class DesignStore:
    """The saved designs in one database file (thread-safe: the server serves many pages)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_folder() / FILE
        self._lock = threading.Lock()
        if self.path.exists():
            _check_ours(self.path)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"{self.path.parent}: cannot create the folder for team designs ({e.strerror})") from None
        with self._connect() as db:
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction (committed, or rolled back on an error), then closed."""
        try:
            con = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot be opened ({e})") from None
        try:
            with con:
                yield con
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: {e}") from None
        finally:
            con.close()

    def save(self, d: SavedDesign) -> SavedDesign:
        """Save ``d``; :class:`DuplicateDesign` if its team and name are taken (nothing is replaced)."""
        team, name = d.team.strip(), d.name.strip()
        if not team or not name:
            raise StoreError("a saved design needs a team name and a design name")
        body = {k: v for k, v in asdict(d).items() if k not in ("id", "team", "name", "scenario", "saved")}
        with self._lock, self._connect() as db:
            try:
                cur = db.execute("INSERT INTO designs (team, name, scenario, saved, body) VALUES (?, ?, ?, ?, ?) "
                                 "RETURNING id", (team, name, d.scenario, d.saved, json.dumps(body)))
            except sqlite3.IntegrityError:
                raise DuplicateDesign(team, name) from None
            (ident,) = cur.fetchone()
        return SavedDesign(**{**asdict(d), "team": team, "name": name, "id": int(ident)})

    def designs(self) -> list[SavedDesign]:
        """Every saved design, oldest first."""
        with self._lock, self._connect() as db:
            rows = db.execute("SELECT id, team, name, scenario, saved, body FROM designs ORDER BY id").fetchall()
        return [self._design(*row) for row in rows]

    def _design(self, ident, team, name, scenario, saved, body) -> SavedDesign:
        """A row as a design; a row this program cannot have written is a :class:`StoreError`."""
        key = f"designs[{ident}]"
        try:
            fields = parse_json(body, self.path, key=f"{key}.body")
            if not isinstance(fields, dict):
                raise InputError(self.path, f"{key}.body", type(fields).__name__, "a JSON object")
            for name_, kind in (("levers", dict), ("figures", dict), ("replications", int), ("seed", int)):
                if not isinstance(fields.get(name_), kind) or isinstance(fields.get(name_), bool):
                    raise InputError(self.path, f"{key}.{name_}", fields.get(name_), f"a {kind.__name__}")
            if not all(isinstance(f, dict) for f in fields["figures"].values()):
                raise InputError(self.path, f"{key}.figures", "…", "a mapping of outcomes to their figures")
            datetime.fromisoformat(str(saved))
            return SavedDesign(id=int(ident), team=str(team), name=str(name), scenario=str(scenario), saved=str(saved),
                               **fields)
        except ValueError:
            raise StoreError(f"{self.path}: the saved design {ident} has no valid time of saving ({saved!r}); the "
                             "file is left as it is") from None
        except (InputError, TypeError) as e:
            raise StoreError(f"{self.path}: the saved design {ident} cannot be read ({e}); the file is left as it is")

    def remove(self, ident: int) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM designs WHERE id = ?", (int(ident),))
