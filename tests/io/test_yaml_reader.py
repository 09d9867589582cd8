"""The two YAML readers agree: the event reader gives exactly the composed nodes' data and lines.

``_read_plain`` reads plain documents straight from the parser's events; ``_parse_nodes`` composes
nodes and checks them. Random documents (mappings, lists, flow and block style, every kind of
scalar YAML 1.1 resolves, quoted and block text, anchors, aliases, merge keys, tags, duplicate
keys, broken syntax) must give the same result through :func:`parse_yaml` as through the node
reader, and whenever the event reader answers, the same values and the same line numbers.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archkit.errors import LoadError
from archkit.io._safe_yaml import _parse_nodes, _read_plain, parse_yaml

SCALARS = [
    "1", "0", "-3", "+7", "012", "08", "0x1F", "0b101", "1_000", "190:20:30", "3.5", "-.5", "1e3", "1.0e+3", ".inf",
    "-.Inf", ".nan", "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "~", "Null", "", "2024-03-01",
    "2001-12-14t21:59:43.10-05:00", "10 ms", "40..200 ms", "1 /s", "hello world", "a: b", "'quoted'", '"dq \\u00e9"',
    "|\n  block\n  text", ">\n  folded\n  text", "=", "<<", "!!str 5", "!!int '3'", "!custom x", "&a 1", "*a",
    "!!python/object:os.system x", "é", "2024-13-45", "0o17", "1.5.3", "- x", "[1, 2", "{a: 1}", "[]", "{}",
]
KEYS = ["a", "b", "name", "1", "true", "null", "<<", "'q'", "k k", "2024-01-01", "a", "~"]


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    """YAML text of a random document, block style with flow parts."""
    return "\n".join(draw(_block(depth, 0))) + "\n"


def _block(depth: int, indent: int) -> st.SearchStrategy[list[str]]:
    pad = " " * indent

    @st.composite
    def mapping(draw: st.DrawFn) -> list[str]:
        out = []
        for _ in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from(KEYS))
            if depth < 3 and draw(st.booleans()):
                out.append(f"{pad}{key}:")
                out.extend(draw(_block(depth + 1, indent + 2)))
            else:
                out.append(f"{pad}{key}: {_inline(draw(st.sampled_from(SCALARS)), indent + 2)}")
        return out

    @st.composite
    def sequence(draw: st.DrawFn) -> list[str]:
        out = []
        for _ in range(draw(st.integers(1, 4))):
            if depth < 3 and draw(st.booleans()):
                out.append(f"{pad}-")
                out.extend(draw(_block(depth + 1, indent + 2)))
            else:
                out.append(f"{pad}- {_inline(draw(st.sampled_from(SCALARS)), indent + 2)}")
        return out

    @st.composite
    def flow(draw: st.DrawFn) -> list[str]:
        items = draw(st.lists(st.sampled_from([s for s in SCALARS if "\n" not in s and s not in ("- x",)]),
                              max_size=3))
        if draw(st.booleans()):
            return [pad + "[" + ", ".join(items) + "]"]
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=len(items), max_size=len(items)))
        return [pad + "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, items)) + "}"]

    return st.one_of(mapping(), sequence(), flow())


def _inline(scalar: str, indent: int) -> str:
    # block text continues on indented lines
    return scalar.replace("\n  ", "\n" + " " * indent)


def _outcome(fn, text: str):
    try:
        return fn(text)
    except LoadError as exc:
        return [(p.code, p.message, p.location.line if p.location else None) for p in exc.problems]


@settings(max_examples=400, deadline=None)
@given(documents())
def test_event_reader_agrees_with_node_reader(text: str) -> None:
    nodes = _outcome(lambda t: _parse_nodes(t, "m.yaml"), text)
    assert _outcome(lambda t: parse_yaml(t, "m.yaml"), text) == nodes
    plain = _read_plain(text)
    if plain is not None:
        assert plain == nodes
        # equal values of the same types (1 == 1.0 == True in Python; the reader must not blur them)
        assert repr(plain[0]) == repr(nodes[0])


@pytest.mark.parametrize("text, plain", [
    ("a: 1\nb: [x, 2.5, true, null, 2024-03-01]\n", True),
    ("a: &x 1\nb: *x\n", False),            # anchors and aliases: the node reader
    ("base: {a: 1}\nmore:\n  <<: {b: 2}\n", False),  # merge keys
    ("a: !!str 5\n", False),                 # tags
    ("a: 1\na: 2\n", False),                 # a duplicate key is reported by the node reader
    ("a: 1\n---\nb: 2\n", False),            # several documents
    ("", False),                             # empty
    ("a: [1, 2\n", False),                   # syntax error
])
def test_which_documents_are_plain(text: str, plain: bool) -> None:
    assert (_read_plain(text) is not None) is plain


def test_plain_values_and_lines() -> None:
    data, lines = _read_plain("name: s\ncomponents:\n  - id: a\n    n: 012\n    t: 2024-03-01\n  - id: b\n")
    assert data == {"name": "s", "components": [{"id": "a", "n": 10, "t": datetime.date(2024, 3, 1)}, {"id": "b"}]}
    assert lines[("components",)] == 2
    assert lines[("components", 0)] == 3
    assert lines[("components", 1, "id")] == 6
