"""JSON parsing with a nesting limit, for every document that comes from outside.

``json.loads`` of ``"[" * 100_000`` raises ``RecursionError`` (not ``ValueError``), and a document
only a few hundred levels deep still makes every recursive walker after it (JSON-LD expansion,
our own readers) slow or crash. No badge document needs more than a few dozen levels.

    >>> loads('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> loads("[" * 100 + "]" * 100)
    Traceback (most recent call last):
    ...
    badges.openbadges.jsontext.TooDeep: JSON nested more than 64 levels deep
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class TooDeep(ValueError):
    """The JSON is nested more deeply than ``MAX_DEPTH`` (a ``ValueError``, like bad JSON)."""

    def __init__(self, max_depth: int = MAX_DEPTH) -> None:
        super().__init__(f"JSON nested more than {max_depth} levels deep")
        self.max_depth = max_depth


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ``ValueError`` for bad JSON and ``TooDeep`` for deep nesting."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(max_depth) from None
    check_depth(value, max_depth=max_depth)
    return value


def check_depth(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``TooDeep`` if ``value`` (parsed JSON) has lists/objects nested beyond ``max_depth``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise TooDeep(max_depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
