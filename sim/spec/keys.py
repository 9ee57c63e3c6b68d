"""Key paths in validated files (scenarios, prices): which model a path leads to, and the
hint for an unknown key, so every file's errors read the same way."""

from __future__ import annotations

import difflib
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel


def unwrap(annotation: Any) -> Any:
    """The type inside ``Optional[...]`` and ``Annotated[...]``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model reached by following the key path ``loc`` from ``root``, stepping through
    mappings of models (a key of ``reported`` leads to its value model); None where no
    model is known."""
    annotation: Any = root
    for part in loc:
        annotation = unwrap(annotation)
        if get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[part].annotation
        else:
            return None
    annotation = unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def unknown_key(root: type[BaseModel], loc: tuple) -> str:
    """'unknown key; did you mean …? valid keys here: …' for the last key of ``loc``."""
    parent = model_at(root, loc[:-1])
    valid = sorted(parent.model_fields) if parent else []
    guess = difflib.get_close_matches(str(loc[-1]), valid, n=1)
    hint = f"did you mean '{guess[0]}'? " if guess else ""
    return f"unknown key; {hint}valid keys here: {', '.join(valid) or '(none)'}"
