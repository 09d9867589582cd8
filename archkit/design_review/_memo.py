"""Drawn figures remembered by what they show, for rebuilding a report again and again (``archkit watch``).

A chart is a function of its JSON inputs and a diagram's SVG a function of its DOT text, so a
figure whose inputs did not change since the last build can be reused as it was drawn. The memo
is an explicit object held by whoever rebuilds (one per ``archkit watch`` run) and passed to
:func:`~archkit.design_review.review` (``options={"memo": memo}``) and to the page; nothing is
remembered from one run to the next, and the memo keeps only the most recently used figures.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any, Callable, TypeVar

__all__ = ["FigureMemo", "content_key"]

T = TypeVar("T")


def content_key(*parts: Any) -> str:
    """A key for JSON-able content: the SHA-256 of its canonical JSON text."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class FigureMemo:
    """Figures by content key, the ``size`` most recently used ones; counts hits and misses."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[str, Any] = OrderedDict()

    def get_or_make(self, key: str, make: Callable[[], T]) -> T:
        """The figure remembered under ``key``, or ``make()`` remembered under it."""
        if key in self._items:
            self.hits += 1
            self._items.move_to_end(key)
            return self._items[key]
        self.misses += 1
        value = make()
        self._items[key] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)
