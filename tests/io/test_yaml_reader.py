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


# ------------------------------------------------------------------------------------------------
# the block reader: block-style documents line by line, or None
# ------------------------------------------------------------------------------------------------

from archkit.io._block_yaml import read_block  # noqa: E402

BLOCK_SCALARS = [
    *(s for s in SCALARS if "\n" not in s), "'it''s'", "'a #b'", '"a \'b\' #c"', "''", '""', "-x", "-", "?x", "? x",
    ":x", ": x", "a:b", "a:", "a #c", "a#c", "#c", "[ ]", "[1]", "a, b", "a]", "x}", "%x", "@x", "`x", "|-", "a  b",
    "a ", "\u00a0x", "x\u00a0", "a\tb", "---", "...", "--- x", "'unterminated", '"unterminated', "'a'b", "a'b",
    "'a' # c", "x:y:z", "http://a.b/c", "1:2", "-1:2", "?", ":", "a :x", "a : x", "\u2028", "x\x85y", "\ufeffx",
]
BLOCK_KEYS = [*KEYS, '"dq"', "id", "-k", "?k", ":k", "a:b", "'a: b'", "x#y", "é", "''", "yes", "1.5", "[]", "- a",
              "a ", "0x1", "'it''s'", "~", "c", "d"]


@st.composite
def block_lines(draw: st.DrawFn) -> str:
    """A random document of lines that look like block YAML: most are well formed, many are not."""
    lines = []
    depth = 0
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.integers(0, 6)) if draw(st.integers(0, 9)) < 3 else "  " * depth
        dash = draw(st.sampled_from(["", "", "", "- ", "-  ", "- - ", "-", "-   "]))
        key, value = draw(st.sampled_from(BLOCK_KEYS)), draw(st.sampled_from(BLOCK_SCALARS))
        body = draw(st.sampled_from([f"{key}: {value}", f"{key}: {value}", f"{key}:", value, "", f"{key}:  {value}"]))
        comment = draw(st.sampled_from(["", "", "", " # c", "  #c", "#c", " #"]))
        lines.append(indent + dash + body + comment + draw(st.sampled_from(["", "", " "])))
        depth = max(0, min(4, depth + draw(st.integers(-1, 1))))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "\n", ""]))


@st.composite
def block_documents(draw: st.DrawFn) -> str:
    """A random well-formed block document: nested mappings and lists (also at their key's column,
    or with the item on the next line), odd indentation, comments, blank lines, quoted text."""
    plain_keys = [k for k in BLOCK_KEYS if k not in ("- a", "a ", "[]", "a:b", "?k", ":k", "x#y")]
    values = [v for v in BLOCK_SCALARS if not v.startswith(("'u", '"u', "-", "?", ":", "#", "[", "`", "%", "@", "|", "."))
              and "\t" not in v and ": " not in v and not v.endswith(":")]
    comment = st.sampled_from(["", "", "", "  # c", " #"])

    def mapping(depth: int, indent: int) -> list[str]:
        out = []
        for _ in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from(plain_keys))
            if depth < 3 and draw(st.integers(0, 9)) < 4:
                out.append(f"{' ' * indent}{key}:{draw(comment)}")
                if draw(st.integers(0, 9)) < 6:
                    out.extend(mapping(depth + 1, indent + draw(st.sampled_from([1, 2, 2, 4]))))
                else:
                    out.extend(sequence(depth + 1, indent + draw(st.sampled_from([0, 0, 2, 3]))))
            else:
                out.append(f"{' ' * indent}{key}: {draw(st.sampled_from(values))}{draw(comment)}")
            if draw(st.integers(0, 9)) == 0:
                out.append(draw(st.sampled_from(["", "   ", "# note", "    # note"])))
        return out

    def sequence(depth: int, indent: int) -> list[str]:
        out = []
        for _ in range(draw(st.integers(1, 4))):
            pick = draw(st.integers(0, 9))
            if depth < 3 and pick < 4:
                gap = draw(st.sampled_from([1, 2, 3]))
                inner = mapping(depth + 1, indent + 1 + gap) if pick < 3 else sequence(depth + 1, indent + 1 + gap)
                if draw(st.booleans()):
                    out.append(f"{' ' * indent}-{' ' * gap}{inner[0].lstrip(' ')}")
                    out.extend(inner[1:])
                else:
                    out.append(f"{' ' * indent}-{draw(comment)}")
                    out.extend(inner)
            elif pick < 5:
                out.append(f"{' ' * indent}-")
            else:
                out.append(f"{' ' * indent}- {draw(st.sampled_from(values))}{draw(comment)}")
        return out

    return "\n".join(mapping(0, draw(st.sampled_from([0, 0, 0, 1, 2])))) + draw(st.sampled_from(["\n", ""]))


def _items_and_root(data: dict, lines: dict) -> dict:
    """The full reader's lines of the root and of the items of lists under the root's keys."""
    return {k: v for k, v in lines.items() if k == () or (len(k) == 2 and isinstance(data.get(k[0]), list))}


def _agrees_with_node_reader(text: str) -> bool:
    """Whether the block reader read the text (if it did, it read what the node reader reads)."""
    block = read_block(text)
    if block is None:
        return False
    nodes = _outcome(lambda t: _parse_nodes(t, "m.yaml"), text)
    assert isinstance(nodes, tuple), f"the block reader accepts what the node reader refuses: {nodes}"
    assert repr(block[0]) == repr(nodes[0]) and block[0] == nodes[0]
    assert block[1] == _items_and_root(*nodes)
    return True


@settings(max_examples=300, deadline=None)
@given(st.one_of(block_documents(), block_documents(), block_lines(), documents()))
def test_block_reader_reads_what_the_node_reader_reads(text: str) -> None:
    _agrees_with_node_reader(text)


@pytest.mark.parametrize("text, block", [
    ("name: s\ncomponents:\n- id: a\n  n: 012\n", True),
    ("name: s  # the name\n\n# a comment\ncomponents:\n  - id: a\n    tags: []\n    more: {}\n", True),
    ("a:\n-\n  - x\n- - y\n  - z\nb: 'it''s' \nc: \"q\"\nd:\n", True),
    ("a: 1\nb:\n- x\n  - y\n", False),       # a list item right of its siblings
    ("a: text\n  more text\n", False),       # plain text on two lines: the node reader
    ("a: |\n  text\n", False),               # block text
    ("a: [1, 2]\n", False),                  # flow collections other than [] and {}
    ("a: \"tab\\t\"\n", False),              # escapes
    ("a:\tb\n", False),                      # tabs
    ("a: 1\r\nb: 2\r\n", False),             # carriage returns
    ("a: &x 1\nb: *x\n", False),             # anchors and aliases
    ("a: !!str 1\n", False),                 # tags
    ("<<: {}\n", False),                     # merge keys
    ("a: 1\na: 2\n", False),                 # duplicate keys
    ("--- \na: 1\n", False),                 # document markers
    ("- a\n", False),                        # a list at the root
    ("a: 2024-13-45\n", False),              # a value PyYAML cannot build
    ("", False),
])
def test_which_documents_are_block(text: str, block: bool) -> None:
    assert _agrees_with_node_reader(text) is block


def test_block_reader_reads_deep_documents_up_to_the_limit() -> None:
    from archkit.io._safe_yaml import MAX_DEPTH

    def nested(levels: int) -> str:
        return "".join(f"{'  ' * i}k:\n" for i in range(levels)) + "  " * levels + "k: 1\n"

    assert _agrees_with_node_reader(nested(MAX_DEPTH - 1))
    assert read_block(nested(MAX_DEPTH)) is None


def test_block_reader_reads_the_models_archkit_writes() -> None:
    """to_yaml's output of a synthetic model is block YAML: read the same, element lines the same."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from archkit.io import to_yaml
    from bench.synthetic import synthetic_system

    text = to_yaml(synthetic_system(200, connectors_per_component=3, n_nodes=12, n_flows=10, seed=3))
    assert _agrees_with_node_reader(text)
