"""A fast reader for the block-style YAML that models are written in, line by line.

A model file is almost always block YAML: one ``key: value`` or ``- item`` per line, plain or
simply quoted scalars, mappings and lists nested by indentation. PyYAML turns every part of it into
a Python event object with two position marks before archkit sees it; this reader matches each
line with one regular expression instead and builds the same data, about four times as fast.

It reads only what it can read exactly as PyYAML's safe loader does. Anything else gives None and
the caller reads the document with :mod:`archkit.io._safe_yaml` (which checks and reports every
problem): tabs, carriage returns and other unusual characters, flow collections other than ``[]``
and ``{}``, block scalars (``|``, ``>``), escapes in double quotes, text that continues on the next
line, anchors, aliases, tags, merge keys, directives and document markers, duplicate keys, a root
that is not a mapping, nesting deeper than :data:`~archkit.io._safe_yaml.MAX_DEPTH`, and any line
that is not well formed. Each plain scalar gets the tag PyYAML's resolver gives it and, unless it is
text, PyYAML's own constructor builds its value.
"""

from __future__ import annotations

import re
from typing import Any

from yaml import ScalarNode
from yaml.constructor import SafeConstructor

from ._safe_yaml import _SAFE_TAGS, MAX_DEPTH, _Loader

__all__ = ["read_block"]

# A plain scalar on one line (PyYAML's scanner in block context): it does not start with an
# indicator (``-``, ``?`` and ``:`` may start one when a non-space follows), holds no ``: `` and
# no `` #``, and ends before spaces that end the line or come before a ``: ``.
_PLAIN = (
    r"(?:[^ \n\-?:,\[\]{}#&*!|>'\"%@`]|[-?:](?=[^ \n]))"
    r"[^ :\n]*+(?:(?::(?=[^ \n])|[ ]+(?=[^ #:\n]|:[^ \n]))[^ :\n]*+)*+"
)
_SINGLE = r"'(?:[^'\n]|'')*+'"  # single-quoted, on one line; '' is a quote
_DOUBLE = r'"[^"\\\n]*+"'  # double-quoted without escapes, on one line
_SCALAR = f"(?:{_PLAIN}|{_SINGLE}|{_DOUBLE})"

# Most lines of a model are "key: value" (perhaps after "- ") with a word as the key and words,
# numbers and units as the value, one space apart: matched first by a short pattern, whose four
# groups (indentation, "- " or nothing, key, value) are the ones the general pattern gives such a line.
_WORD = r"[A-Za-z0-9_./]+"
_SIMPLE = rf"( *)((?:- )?)([A-Za-z_][A-Za-z0-9_]*): ({_WORD}(?: {_WORD})*)"
# Every line is one match: the short pattern's four groups (empty for any other line), then the
# general pattern's six: its indentation, its "- " entries, a key, a scalar value, an empty flow
# collection ("[]" or "{}") as the value; or, for a line that is none of these, nor blank, nor a
# comment, the whole line ("bad"). Possessive repeats: no backtracking into a scalar.
_LINE = re.compile(
    rf"^(?:{_SIMPLE}"
    rf"|( *)((?:-(?: +|$))*)(?:({_SCALAR}) *:(?= |$))? *(?:({_SCALAR})|(\[\]|\{{\}}))?(?: +#.*)? *"
    r"| *#.*"
    r"|(.+))$",
    re.MULTILINE,
)
# characters PyYAML reads differently from this reader (tabs, other line breaks, a byte order mark)
# or refuses (non-printable ones)
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_MARKER = re.compile(r"\n(?:---|\.\.\.)(?:[ \n]|$)")  # a line that begins or ends a document
_MAX_KEY = 1000  # PyYAML reads a key on one line only up to 1024 characters

_RESOLVERS = _Loader.yaml_implicit_resolvers
_WILDCARD: list[tuple[str, Any]] = _RESOLVERS.get(None, [])
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


class _NotBlock(Exception):
    """The document needs the full reader."""


def read_block(text: str) -> tuple[dict[Any, Any], dict[tuple[Any, ...], int]] | None:
    """The data of a block-style YAML document and the lines of its top-level list items, or None.

    Returns the root mapping and a map from ``()`` (the root) and ``(field, index)`` (each item of a
    list under a top-level key) to its 1-based line, the line where the item's value starts, as
    :func:`~archkit.io._safe_yaml.parse_yaml` records it. None when the document uses anything
    this reader does not read (the module's docstring lists it), including any syntax error.
    """
    if _UNUSUAL.search(text) is not None or _MARKER.search(text) is not None or text.startswith(("---", "...")):
        return None
    rows = _LINE.findall(text)
    if len(rows) != text.count("\n") + 1:  # pragma: no cover - one match per line, by construction
        return None
    try:
        return _Reader().read(rows)
    except (_NotBlock, ValueError, TypeError):  # a value PyYAML cannot build: the full reader reports it
        return None


class _Reader:
    """One document's reading state.

    ``stack`` holds the open mappings and lists, innermost last, each as ``[column, container,
    is a mapping, depth, path]`` (path: ``(key,)`` for a list under the root's key, whose items'
    lines are recorded, else None). ``slot`` is the place waiting for a value from the rest of the line
    or a later line: ``(container, key or index, column of the key or "-", depth of the container,
    path of the container as above, is a key, line)``.
    """

    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.known: dict[str, Any] = {}  # scalar text as written -> its value (all immutable)
        self.lines: dict[tuple[Any, ...], int] = {}
        self.root: dict[Any, Any] | None = None
        self.stack: list[list[Any]] = []
        self.slot: tuple[Any, ...] | None = None

    def scalar(self, text: str) -> Any:
        """The value of a scalar as written: quoted text, or the plain scalar's value."""
        value = self.known.get(text, _MISSING)
        if value is not _MISSING:
            return value
        if text[0] == "'":
            value = text[1:-1].replace("''", "'")
        elif text[0] == '"':
            value = text[1:-1]
        else:
            value = self._plain(text)
        self.known[text] = value
        return value

    def _plain(self, text: str) -> Any:
        """A plain scalar's value: the tag PyYAML's resolver gives it, built by PyYAML."""
        for tag, regexp in _RESOLVERS.get(text[0], _NO_RESOLVERS) + _WILDCARD:
            if regexp.match(text):
                break
        else:
            return text
        if tag == _INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
            return int(text)
        if tag == _MERGE or tag not in _SAFE_TAGS:
            raise _NotBlock
        return self.constructor.construct_object(ScalarNode(tag, text))

    def fill(self, value: Any, line: int) -> None:
        """Put a value into the waiting slot."""
        container, at, _, _, field, is_key, _ = self.slot  # type: ignore[misc]
        self.slot = None
        if is_key:
            container[at] = value
        else:
            container.append(value)
            if field is not None:
                self.lines[field + (at,)] = line

    def open(self, mapping: bool, col: int, line: int) -> Any:
        """A new mapping or list starting at column ``col``: the waiting slot's value, or the root."""
        value: Any = {} if mapping else []
        slot = self.slot
        if slot is None:
            if self.stack or self.root is not None or not mapping:
                raise _NotBlock
            self.root = value
            self.lines[()] = line
            self.stack.append([col, value, True, 0, None])
            return value
        depth = slot[3] + 1
        if depth >= MAX_DEPTH:
            raise _NotBlock
        self.fill(value, line)
        self.stack.append([col, value, mapping, depth, (slot[1],) if depth == 1 and not mapping else None])
        return value

    def settle(self, col: int, item: bool) -> None:
        """Close what ends before a node at column ``col`` (an item if ``item``, else a key)."""
        slot = self.slot
        if slot is not None:
            if col > slot[2] or (item and slot[5] and col == slot[2]):
                return  # the node is the slot's value (a list may sit at its key's column)
            self.fill(None, slot[6])
        stack = self.stack
        while stack and stack[-1][0] > col:
            stack.pop()
        if not item and stack and not stack[-1][2] and stack[-1][0] == col:
            stack.pop()  # a key at the column of a list under a key: that list has ended

    def key(self, text: str, col: int, line: int) -> None:
        """A key at column ``col``: its mapping's next key, or the first of a new mapping."""
        self.settle(col, False)
        stack = self.stack
        if self.slot is not None or not stack:
            mapping = self.open(True, col, line)
        elif stack[-1][2] and stack[-1][0] == col:
            mapping = stack[-1][1]
        else:
            raise _NotBlock  # a key right of its siblings, or at the column of a list's "-"
        key = self.scalar(text)
        if len(text) > _MAX_KEY or key in mapping:
            raise _NotBlock
        mapping[key] = None
        top = stack[-1]
        self.slot = (mapping, key, col, top[3], top[4], True, line)

    def item(self, col: int, line: int) -> None:
        """A "- " at column ``col``: its list's next item, or the first of a new list."""
        self.settle(col, True)
        stack = self.stack
        if self.slot is not None:
            self.open(False, col, line)
        elif not stack or stack[-1][2] or stack[-1][0] != col:
            raise _NotBlock
        top = stack[-1]
        self.slot = (top[1], len(top[1]), col, top[3], top[4], False, line)

    def read(self, rows: list[tuple[str, ...]]) -> tuple[dict[Any, Any], dict[tuple[Any, ...], int]]:
        stack = self.stack
        known = self.known
        line = 0
        for ind, dash, key, value, ind_, dash_, key_, value_, flow, bad in rows:
            line += 1
            if not key:  # not a short line: the general pattern's groups
                ind, dash, key, value = ind_, dash_, key_, value_
            col = len(ind)
            if key and value and not dash and self.slot is None and stack:
                # the usual line, "key: value" among its siblings, read in place
                top = stack[-1]
                if top[0] != col or not top[2]:
                    self.settle(col, False)
                    if not stack:
                        raise _NotBlock
                    top = stack[-1]
                    if top[0] != col or not top[2]:
                        raise _NotBlock
                k = known.get(key, _MISSING)
                if k is _MISSING:
                    k = self.scalar(key)
                mapping = top[1]
                if k in mapping or len(key) > _MAX_KEY:
                    raise _NotBlock
                v = known.get(value, _MISSING)
                mapping[k] = self.scalar(value) if v is _MISSING else v
                continue
            if dash == "- " and key and value and self.slot is None and stack:
                # the first line of a list's next mapping, "- key: value", read in place
                while stack and stack[-1][0] > col:
                    stack.pop()
                if not stack:
                    raise _NotBlock
                top = stack[-1]
                if top[0] != col or top[2] or len(key) > _MAX_KEY:
                    raise _NotBlock
                depth = top[3] + 1
                if depth >= MAX_DEPTH:
                    raise _NotBlock
                seq = top[1]
                if top[4] is not None:
                    self.lines[top[4] + (len(seq),)] = line
                mapping = {}
                seq.append(mapping)
                stack.append([col + 2, mapping, True, depth, None])
                k = known.get(key, _MISSING)
                v = known.get(value, _MISSING)
                mapping[self.scalar(key) if k is _MISSING else k] = self.scalar(value) if v is _MISSING else v
                continue
            if bad:
                raise _NotBlock
            for part in dash.split("-")[1:]:
                self.item(col, line)
                col += 1 + len(part)
            if key:
                self.key(key, col, line)
            elif not dash:
                if not (value or flow):
                    continue  # a blank or comment line
                if self.slot is None or col <= self.slot[2]:
                    raise _NotBlock  # a scalar where a key belongs, or more text of a scalar
            if value:
                self.fill(self.scalar(value), line)
            elif flow:
                self.fill({} if flow == "{}" else [], line)
        if self.slot is not None:
            self.fill(None, self.slot[6])
        if self.root is None:
            raise _NotBlock
        return self.root, self.lines


_NO_RESOLVERS: list[tuple[str, Any]] = []
_MISSING = object()
