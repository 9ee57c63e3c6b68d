"""``python -m sim.spec``: regenerate docs/parameters.md from the parameter table."""

from .parameters import write_docs

write_docs()
