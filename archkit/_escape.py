"""Model text made safe for each output format: one function per format, nothing else builds markup.

Every name, description or other value from a model is plain text. Before it goes into a
document of some format it passes through that format's function here, and through nothing
else: text never becomes markup, a link, a new line of a line-based format or a terminal control
sequence.

=====================  ===========================================================================
function               where the result goes
=====================  ===========================================================================
:func:`visible`        any text output: control characters, bidirectional overrides, line and
                       paragraph separators, unpaired surrogates and non-characters become
                       visible escapes such as ``\\x1b`` or ``\\u202e``; every other function
                       starts with it
:func:`dot_string`     a complete graphviz DOT double-quoted string (ids, labels, other values)
:func:`dot_tooltip`    the same for a ``tooltip``, whose escapes graphviz reads twice
:func:`dot_html`       text inside a graphviz HTML-like label ``<...>``
:class:`DotHtml`       marks a label *built by archkit* as HTML-like; a plain ``str`` is always
                       written as a quoted string, so model text can never become an HTML-like value
:func:`html`           HTML, SVG and XML text and attribute values
:func:`mermaid`        text inside a quoted Mermaid label ``"..."``
:func:`mermaid_title`  a Mermaid title (front matter), where ``<`` and ``&`` become ``‹`` and ``＆``
:func:`yaml_string`    a complete double-quoted YAML (and JSON) string on one line
:func:`structurizr`    a complete Structurizr DSL string (one line, always)
:func:`markdown`       inline Markdown text, safe inside a table cell
:func:`terminal`       text for rich console markup (markup and control sequences neutralised)
:func:`json_safe`      JSON text written with ``ensure_ascii=False``, made encodable
=====================  ===========================================================================

Diagram text (DOT and Mermaid) longer than :data:`MAX_DIAGRAM_TEXT` characters is cut, with a
note of how much was left out: graphviz refuses quoted strings of more than 16 KiB and Mermaid
whole diagrams of more than 50,000 characters.

Visible escapes keep a value recognisable (``a\\x1b[2Jb`` reads as what it is) and keep outputs
valid: XML 1.0 forbids most control characters and U+FFFE/U+FFFF, UTF-8 cannot encode an unpaired
surrogate, and a line feed or carriage return would end a line of a line-based format.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "visible",
    "dot_string",
    "dot_tooltip",
    "dot_html",
    "DotHtml",
    "html",
    "mermaid",
    "yaml_string",
    "mermaid_title",
    "structurizr",
    "markdown",
    "terminal",
    "json_safe",
    "MAX_DIAGRAM_TEXT",
]

MAX_DIAGRAM_TEXT: Final = 2000

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional embeddings, overrides and
# isolates (text that reads differently from how it is stored), unpaired surrogates, and the two
# non-characters XML rejects. Tab and line feed are kept unless the caller asks otherwise.
_HIDDEN: Final = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_HIDDEN_KEEP_LINES: Final = re.compile(f"[{_HIDDEN}]")
_HIDDEN_ALL: Final = re.compile(f"[{_HIDDEN}\t\n]")
_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _show(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = True) -> str:
    """``text`` with every invisible or unsafe character written as a visible escape.

    Args:
        text: any model text.
        lines: keep line feeds and tabs as they are (True), or write them as ``\\n`` and ``\\t``.
    """
    pattern = _HIDDEN_KEEP_LINES if lines else _HIDDEN_ALL
    if pattern.search(text) is None:
        return text
    return pattern.sub(_show, text)


class DotHtml(str):
    """An HTML-like DOT value built by archkit's own code (written as ``<...>``, never quoted).

    Only code that escapes every piece of model text inside with :func:`dot_html` creates one; any
    other string, whatever it looks like, is written as a quoted DOT string.
    """

    __slots__ = ()


def _cut(text: str) -> str:
    if len(text) <= MAX_DIAGRAM_TEXT:
        return text
    return text[:MAX_DIAGRAM_TEXT] + f"... ({len(text) - MAX_DIAGRAM_TEXT} more characters)"


def _dot_quoted(text: str, backslash: str) -> str:
    body = visible(text).replace("&", "&amp;").replace("\\", backslash).replace('"', '\\"').replace("\n", "\\n")
    return '"' + body + '"'


def dot_string(text: str) -> str:
    """A DOT double-quoted string holding ``text``: a node id, or a label shown as written (never cut).

    Graphviz reads ``&name;`` entities inside quoted strings, so ``&`` is written ``&amp;``; a
    backslash is doubled (no ``\\N``-style escapes), a line feed becomes DOT's ``\\n``.
    """
    return _dot_quoted(text, "\\\\")


def dot_tooltip(text: str) -> str:
    """A DOT double-quoted string for a ``tooltip`` (graphviz reads its escapes twice: 4 backslashes each)."""
    return _dot_quoted(_cut(text), "\\" * 4)


def _xml(text: str) -> str:
    return visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def dot_html(text: str) -> str:
    """``text`` for the inside of a graphviz HTML-like label (a line feed becomes ``<BR/>``).

    Graphviz expands ``\\N``, ``\\G`` and the like even here, so a backslash is doubled; its
    scanner rejects a ``]`` right after a tag's ``>``, so every ``]`` is written as a character
    reference.
    """
    return _xml(_cut(text)).replace("\\", "\\\\").replace("]", "&#93;").replace("\t", " ").replace("\n", "<BR/>")


def html(text: str) -> str:
    """``text`` for HTML, SVG or XML, as element text or as a (double- or single-quoted) attribute value."""
    return _xml(text).replace("'", "&#39;")


# Mermaid reads '#name;' and '#123;' as entities and renders labels as HTML; its Markdown strings
# start with a backtick. Each character that could start something is written as an entity.
_MERMAID: Final = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "\n": "<br/>",
    "\t": " ",
}
_MERMAID_RE: Final = re.compile('[#"<>&`\n\t]')


def mermaid(text: str) -> str:
    """``text`` for the inside of a quoted Mermaid label or subgraph title (a line feed becomes ``<br/>``)."""
    return _MERMAID_RE.sub(lambda m: _MERMAID[m.group()], visible(_cut(text)))


def mermaid_title(text: str) -> str:
    """A Mermaid diagram title for its front matter: a quoted YAML string on one line.

    Mermaid passes the title through an HTML sanitiser and then shows the result as plain text:
    a ``<`` starts a tag that is dropped, and ``&`` or an escaped ``<`` comes out as ``&amp;`` or
    ``&lt;``. No escaping survives both, so ``<`` and ``&`` are written as the look-alikes ``‹``
    (U+2039) and ``＆`` (U+FF06), and line breaks and tabs as spaces; everything else reads as written.
    """
    one_line = text.replace("\n", " ").replace("\t", " ")  # a title is one line
    return yaml_string(one_line.replace("<", "\u2039").replace("&", "\uff06"))


def yaml_string(text: str) -> str:
    """A double-quoted YAML string holding ``text`` on one line (also a valid JSON string)."""
    body = visible(_cut(text), lines=False).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + body + '"'


def structurizr(text: str | None) -> str:
    """A Structurizr DSL double-quoted string holding ``text``, always on one line.

    A line feed becomes a space; every other character that ends a line for some reader (carriage
    return, form feed, NEL, U+2028, ...) becomes a visible escape, so a value can never start a
    line (and so never a ``!include`` or other directive) of its own.
    """
    one_line = visible((text or "").replace("\n", " ").replace("\x85", " "), lines=False)
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Inline Markdown: emphasis, code spans, links and images, tables, strikethrough, math; a backslash
# makes each of these characters literal. '<', '>', '&' and '"' are written as entities (raw HTML,
# block quotes, entity syntax). Block syntax matters only where a line starts: the value's start.
_MD_RE: Final = re.compile(r"[\\`*_\[\]|~$]")
_MD_ENTITIES: Final = re.compile('[<>&"\n]')
_MD_ENTITY: Final = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "\n": "<br>"}
_MD_BLOCK: Final = re.compile(r"^([ \t]*)([#+\-=]|\d{1,9}[.)])")


def markdown(text: str) -> str:
    """``text`` as inline Markdown that reads as the same text, also inside a table cell.

    No emphasis, code span, link, image, heading, list, block quote, code block, table cell
    break or raw HTML can come from it; a line feed becomes ``<br>`` (the value stays one line).
    """
    out = _MD_RE.sub(lambda m: "\\" + m.group(), visible(text))
    out = _MD_ENTITIES.sub(lambda m: _MD_ENTITY[m.group()], out)
    m = _MD_BLOCK.match(out)
    if m is not None:
        lead, mark = m.group(1), m.group(2)
        out = "&#32;" * len(lead.expandtabs(4)) + mark[:-1] + "\\" + mark[-1] + out[m.end() :]
    elif out[:1] in (" ", "\t"):
        stripped = out.lstrip(" \t")
        out = "&#32;" * len(out[: len(out) - len(stripped)].expandtabs(4)) + stripped
    return out


def terminal(text: str) -> str:
    """``text`` for rich console markup: square-bracket tags are escaped, control sequences made visible.

    Print the result with a console whose ``emoji`` is off (``:name:`` stays text), as the CLI's
    consoles are. For a rich ``Text`` (never read as markup), use :func:`visible` alone.
    """
    from rich.markup import escape

    shown = visible(text)
    body = shown.rstrip("\\")
    tail = len(shown) - len(body)
    if not tail:
        return escape(shown)
    # Backslashes right before a tag are halved by rich's parser (and an even run does not escape
    # the tag), so whatever follows, the run is doubled and closed by an empty span of our own.
    return escape(body) + "\\" * (2 * tail) + "[not bold][/]"


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def json_safe(document: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with unpaired surrogates as ``\\uXXXX``.

    The document stays the same JSON value; without this, writing it as UTF-8 fails.
    """
    if _SURROGATE.search(document) is None:
        return document
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
