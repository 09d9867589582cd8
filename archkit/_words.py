"""Counted nouns in messages: '1 link', '2 links', '0 flows'."""

from __future__ import annotations

__all__ = ["count"]

_PLURALS = {"info": "infos", "undecided": "undecided", "suppressed": "suppressed", "baselined": "baselined"}


def count(n: int, noun: str) -> str:
    """``n`` and the noun, singular for exactly one: ``count(1, "link") == "1 link"``.

    ``noun`` is the singular; the plural adds an "s" (or "es" after s, x, ch, sh).
    """
    if n == 1:
        return f"{n} {noun}"
    plural = _PLURALS.get(noun) or (noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s")
    return f"{n:,} {plural}"
