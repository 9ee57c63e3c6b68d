"""The browser assets the page needs, served from this machine so that the app works
without a network.

Solara's page loads a few npm packages (its Vuetify application bundle, require.js, Font
Awesome) through a proxy that looks in a local cache first and otherwise fetches them
from a public CDN.  The ``solara-assets`` package (pinned in ``pyproject.toml``, so
``make setup`` installs it) fills that cache: ``solara-assets`` 1.58.1 holds exactly the
versions Solara 1.64 asks for with its default Vuetify 2 page (it lacks only the
Vuetify 3 bundle and KaTeX, which this app never loads: it uses no Markdown).

:func:`missing` reads the versions from Solara's own page template, so a Solara upgrade
that asks for other versions is noticed at once: ``fremskudt app`` refuses to start
with :class:`AssetsError`, naming what is missing and how to get it, instead of serving a
blank page.
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.errors import FremskudtError

_PACKAGE = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+)/")
_UNUSED = ("solara-vuetify3-app",)        #: in the template, but only for Vuetify 3 pages


class AssetsError(FremskudtError):
    """The app's browser assets are not on this machine."""


def cache_dir() -> Path:
    import solara.server.settings as settings
    return Path(settings.assets.proxy_cache_dir)


def required() -> list[str]:
    """The ``name@version`` packages the page loads, from Solara's page template."""
    import solara
    import solara.server.settings as settings
    template = Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2"
    found = set(_PACKAGE.findall(template.read_text(encoding="utf-8")))
    found.add(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(p for p in found if not any(u in p for u in _UNUSED))


def missing(directory: Path | None = None) -> list[str]:
    """The required packages that are not in the local cache."""
    root = directory or cache_dir()
    return [p for p in required() if not (root / p / "package.json").is_file()]


def check(directory: Path | None = None) -> None:
    """Raise :class:`AssetsError` unless the page can be served without a network."""
    gone = missing(directory)
    if gone:
        raise AssetsError(f"the workshop app's browser assets are missing from {directory or cache_dir()}: "
                          f"{', '.join(gone)}. Run 'make setup' (it installs the solara-assets package); if Solara was "
                          "upgraded and asks for other versions, 'bash scripts/solara-assets.sh' fetches them with npm")
