"""The workshop app: a Solara page for trying outreach designs in the browser.

``fremskudt app`` serves it (``solara run sim.interface.app:Page``).  The modules:

* :mod:`.levers`     the levers and the one rule that turns them into a scenario
* :mod:`.ensemble`   design and baseline over N replications, in the background, cached
* :mod:`.history`    one possible history, week by week, and what happened to whom
* :mod:`.plots`      the figures, drawn for a projector
* :mod:`.views`      the page's sentences, readouts and tables (no Solara)
* :mod:`.store`      team designs in a small SQLite database
* :mod:`.scoreboard` the scoreboard and its CSV and HTML exports
* :mod:`.assets`     the browser assets the page needs offline
* :mod:`.state`, :mod:`.controls`, :mod:`.tabs`, :mod:`.page`: the Solara page

Solara is imported only when the page is asked for, so the rest can be used (and
tested) without it.
"""

from __future__ import annotations


def __getattr__(attr):
    if attr == "Page":
        from .page import Page
        return Page
    raise AttributeError(attr)
