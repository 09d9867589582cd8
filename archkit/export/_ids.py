"""Identifiers for other tools: made safe and unique, the same way every time."""

from __future__ import annotations

import re

__all__ = ["IdSpace"]


class IdSpace:
    """Hands out unique ids; the first element to ask for a name gets it, later ones get a prefix or suffix."""

    def __init__(self, pattern: str | None = None, reserved: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.used: set[str] = set(reserved)
        self.map: dict[tuple[str, str], str] = {}

    def __call__(self, category: str, raw: str) -> str:
        key = (category, raw)
        if key in self.map:
            return self.map[key]
        base = re.sub(self.pattern, "_", raw) if self.pattern else raw
        if not base or base[0].isdigit():
            base = f"{category}_{base}"
        cand = base
        if cand in self.used:
            cand = f"{category}-{base}" if not self.pattern else f"{category}_{base}"
        n = 2
        while cand in self.used:
            cand = f"{base}_{n}"
            n += 1
        self.used.add(cand)
        self.map[key] = cand
        return cand
