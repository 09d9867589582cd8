"""Text drawn from hostile alphabets: characters and fragments that mean something in some output."""

from __future__ import annotations

from hypothesis import strategies as hs

# markup of every format archkit writes, controls, line breaks of every kind, direction overrides,
# an unpaired surrogate and a non-character
FRAGMENTS = [
    "[/]", "[/bold]", "[link=javascript:alert(1)]x[/link]", ":smile:", "&lt;", "&amp;", "&#106;", "&#x6a;",
    "javascript:alert(7)", "<script>alert(1)</script>", "<a href='javascript:x'>", '"><svg onload=alert(1)>',
    "<<B>x</B>>", "\x1b[2J", "\x1b]0;title\x07", "#quot;", "#35;", "%%", "-->", "]]>", "${x}", "!include x",
    "\\N", "\\G", "\\", "\ud800", "\uffff", "\r\n", "\u202e", "\x00", "\x85", "`code`", "**b**", "[x](javascript:y)",
    "| a |", "\n# h", "\n- li", "    code", "end", "subgraph", "click", "style",
]
CHARS = list("<>&\"'`\\/[]{}()|#*_~$!:;=%-+.,@^?\n\r\t\v\f\x00\x1b\x07\x7f\x85\x9b\u2028\u2029\u202e\u2066\ufeff")

HOSTILE_TEXT = hs.lists(
    hs.one_of(hs.sampled_from(CHARS), hs.sampled_from(FRAGMENTS), hs.characters(codec="utf-8")),
    max_size=12,
).map("".join)
