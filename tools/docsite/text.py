"""Small helpers for writing Markdown from values that are not ours to trust."""

from __future__ import annotations

from archkit._escape import markdown


def cell(value: object) -> str:
    """A value as the text of one Markdown table cell."""
    return markdown(str(value)) if value not in (None, "") else ""


def table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; the cells must already be escaped."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    """A file name made of lowercase letters, digits and hyphens."""
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")
