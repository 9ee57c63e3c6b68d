"""Key paths in validated files (scenarios, prices): which model a path leads to, and the
hint for an unknown key, so every file's errors read the same way."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel


def model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model reached by following the key path ``loc`` from ``root`` (a key inside a
    mapping field leads to the mapping's value model); None where no model is known."""
    model: Any = root
    for part in loc:
        if isinstance(part, int) or model is None:
            return None
        field = model.model_fields.get(part)
        if field is None:          # a key of a mapping: its value model is already in hand
            continue
        ann, model = field.annotation, None
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                model = cand
    return model


def unknown_key(root: type[BaseModel], loc: tuple) -> str:
    """'unknown key; did you mean …? valid keys here: …' for the last key of ``loc``."""
    parent = model_at(root, loc[:-1])
    valid = sorted(parent.model_fields) if parent else []
    guess = difflib.get_close_matches(str(loc[-1]), valid, n=1)
    hint = f"did you mean '{guess[0]}'? " if guess else ""
    return f"unknown key; {hint}valid keys here: {', '.join(valid)}"
