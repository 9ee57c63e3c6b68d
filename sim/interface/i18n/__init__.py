"""Every text a person reads, in one catalogue per language: ``en.yaml`` and ``da.yaml``.

A catalogue is a plain YAML table (outcome labels and definitions, lever and state
names, report and key-findings sentences with ``{named}`` placeholders, number format),
so a translator edits one file without touching Python.  The API is small and shared by
the report and the workshop app::

    label("ever_self_sufficient_52w", "da")      # plain outcome label
    definition("noshow_share", "da")              # what it measures
    text("findings.unchanged", "en", items="…")   # a sentence, placeholders filled
    value(0.174, "share", "da")                   # '17,4 %'; kroner, rates, persons alike
    value_range(0.143, 0.178, "share", "en")      # '14.3 to 17.8 %' (an interval, unit once)

English definitions come from the code that computes each outcome (one source of
truth); the Danish catalogue translates them.  A missing key or placeholder raises
:class:`KeyError` naming the key, the language and what is missing.
"""

from .catalogue import (LANGUAGES, definition, in_millions, kroner, label, lever, lever_value, number, percent, phrase,
                        points, scenario_description, scenario_title, state, text, value, value_range, value_row, when)

__all__ = ["LANGUAGES", "label", "definition", "phrase", "text", "lever", "lever_value", "state", "number", "percent",
           "points", "kroner", "value", "value_range", "value_row", "in_millions", "scenario_title",
           "scenario_description", "when"]
