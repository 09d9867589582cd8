"""Escaping model text for the review's Markdown (until the shared escaping module covers Markdown).

GitHub-flavoured Markdown renders inline HTML, so ``<``, ``>`` and ``&`` become entities; every
character with an inline Markdown meaning gets a backslash (emphasis, code, links, strike-through,
math, and ``|``, which would end a table cell); line breaks become spaces and a leading block marker
(``#``, ``>``, ``-``, ``+``, ``1.``) is escaped, so a name can never start a block of its own.
"""

from __future__ import annotations

import re

__all__ = ["markdown_text", "Raw"]

_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_BLOCK_START = re.compile(r"^(\s*\d*)([#+\-=]|(?<=\d)[.)])")


class Raw(str):
    """Markdown written by the report itself (already safe), which the templates pass through unchanged."""


def markdown_text(value: object) -> str:
    """Model text as inert Markdown: shown as written, never read as markup or HTML."""
    if isinstance(value, Raw):
        return value
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
