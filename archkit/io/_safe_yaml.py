"""Reading YAML and JSON defensively: only plain data, bounded in size and depth, with line numbers.

Nothing in a file is ever executed: the YAML is composed into nodes, every tag is checked against
the plain-data tags of YAML 1.1's core schema, and only then are the nodes turned into Python data
with PyYAML's safe constructor. Each problem comes back as a :class:`~archkit.errors.Problem`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..errors import LoadError, Problem
from ..model import Location

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "read_text", "parse_yaml", "parse_json", "check_json_depth"]

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 5_000_000

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:timestamp",
}

try:  # the C parser is much faster on big models; marks (line numbers) work the same
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def read_text(data: bytes, source: str) -> str:
    """Decode a model file, refusing binary data and over-large files."""
    if len(data) > MAX_BYTES:
        raise LoadError(
            [
                Problem.of(
                    "too-large",
                    f"the file is {len(data) / 1e6:.1f} MB; archkit reads models up to {MAX_BYTES // 2**20} MiB",
                    "split the model, or check that this is the file you meant",
                    Location(source),
                )
            ],
            source,
        )
    if b"\x00" in data[:65536]:
        raise LoadError(
            [
                Problem.of(
                    "not-text",
                    "the file contains binary data (NUL bytes), not YAML or JSON text",
                    "pass a .yaml, .json or .py model file",
                    Location(source),
                )
            ],
            source,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            [
                Problem.of(
                    "not-text",
                    f"the file is not UTF-8 text (bad byte at offset {exc.start})",
                    "save the model as UTF-8 text",
                    Location(source),
                )
            ],
            source,
        ) from None


def parse_yaml(text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML text into plain data and a map from key paths to 1-based line numbers.

    A model file is almost always plain data: mappings, lists and untagged scalars. Those are read
    straight from the parser's events (:func:`_read_plain`), with the same values and line numbers
    as the composed nodes would give, in a third of the time. Anything else (anchors, aliases,
    merge keys, tags, several documents, or any error) is read again through the composed nodes,
    which check and report it.

    Raises:
        LoadError: for syntax errors, unsafe or unknown tags, duplicate keys, and documents that
            nest too deeply or expand too much through aliases.
    """
    plain = _read_plain(text)
    if plain is not None:
        return plain
    return _parse_nodes(text, source)


class _NotPlain(Exception):
    """The document needs the node reader: it uses more of YAML than plain data, or has a problem."""


_EVENTS = yaml.events
_NO_RESOLVERS: list[tuple[str, Any]] = []


def _read_plain(text: str) -> tuple[Any, dict[tuple[Any, ...], int]] | None:
    """Plain data and line numbers straight from the parser's events, or None when it is not plain.

    Each scalar gets the tag PyYAML's resolver would give it (the same implicit resolvers, in the
    same order) and, unless it is text, PyYAML's own constructor builds its value; line numbers are
    recorded exactly as :func:`_build` records them. The first duplicate key, anchor, alias, tag,
    merge key, second document, over-deep nesting or syntax error gives None.
    """
    loader = _Loader(text)
    try:
        return _plain_events(loader)
    except (_NotPlain, yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()


def _plain_events(loader: Any) -> tuple[Any, dict[tuple[Any, ...], int]]:
    resolvers = loader.yaml_implicit_resolvers
    wildcard = resolvers.get(None, _NO_RESOLVERS)
    get_event = loader.get_event
    scalar_event, mapping_start = _EVENTS.ScalarEvent, _EVENTS.MappingStartEvent
    sequence_start = _EVENTS.SequenceStartEvent
    mapping_end, sequence_end = _EVENTS.MappingEndEvent, _EVENTS.SequenceEndEvent
    plain: dict[str, Any] = {}  # plain scalar text -> its value (all immutable), resolved once per document

    def scalar(ev: Any) -> Any:
        if ev.anchor is not None or ev.tag is not None:
            raise _NotPlain
        value = ev.value
        if not ev.implicit[0]:
            return value  # quoted or block text
        try:
            return plain[value]
        except KeyError:
            pass
        for tag, regexp in resolvers.get(value[:1], _NO_RESOLVERS) + wildcard:
            if regexp.match(value):
                break
        else:
            plain[value] = value
            return value
        if tag == _INT and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
            out = int(value)
        elif tag == _MERGE or tag not in _SAFE_TAGS:
            raise _NotPlain
        else:
            out = loader.construct_object(yaml.ScalarNode(tag, value))
        plain[value] = out
        return out

    if not isinstance(get_event(), _EVENTS.StreamStartEvent) or not isinstance(get_event(), _EVENTS.DocumentStartEvent):
        raise _NotPlain
    ev = get_event()
    lines: dict[tuple[Any, ...], int] = {(): ev.start_mark.line + 1}
    # a frame: (container, its key path, keys seen) - keys is None for a list
    stack: list[tuple[Any, tuple[Any, ...], dict[Any, int] | None]] = []
    root: Any = None
    key_path: tuple[Any, ...] = ()
    while True:
        if stack:
            container, path, keys = stack[-1]
            kind = type(ev)
            if keys is None:  # a list: the next item, or its end
                if kind is sequence_end:
                    stack.pop()
                    ev = get_event()
                    if not stack:
                        break
                    continue
                key_path = path + (len(container),)
                lines[key_path] = ev.start_mark.line + 1
            else:  # a mapping: the next key (its line is the value's too), or its end
                if kind is mapping_end:
                    stack.pop()
                    ev = get_event()
                    if not stack:
                        break
                    continue
                if kind is not scalar_event:
                    raise _NotPlain
                k = scalar(ev)
                if k in keys:
                    raise _NotPlain
                keys[k] = 0
                key_path = path + (k,)
                lines[key_path] = ev.start_mark.line + 1
                ev = get_event()
        kind = type(ev)
        if kind is scalar_event:
            value = scalar(ev)
        elif kind is mapping_start or kind is sequence_start:
            if ev.anchor is not None or ev.tag is not None or len(key_path) >= MAX_DEPTH:
                raise _NotPlain
            value = {} if kind is mapping_start else []
        else:
            raise _NotPlain
        if stack:
            if keys is None:
                container.append(value)
            else:
                container[key_path[-1]] = value
        else:
            root = value
        if kind is not scalar_event:
            stack.append((value, key_path, None if kind is sequence_start else {}))
        elif not stack:
            ev = get_event()
            break
        ev = get_event()
    if not isinstance(ev, _EVENTS.DocumentEndEvent) or not isinstance(get_event(), _EVENTS.StreamEndEvent):
        raise _NotPlain
    return root, lines


_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


def _parse_nodes(text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The full reader: compose nodes, check every tag, alias and key, and report each problem."""
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        if "nesting depth" in str(exc.problem):
            raise LoadError(
                [
                    Problem.of(
                        "too-deep",
                        "the document is nested too deeply to be a model",
                        f"a model nests a few levels deep; archkit accepts up to {MAX_DEPTH}",
                        Location(source, line),
                    )
                ],
                source,
            ) from None
        raise LoadError(
            [
                Problem.of(
                    "syntax-error",
                    f"YAML syntax error: {exc.problem or exc}",
                    "fix the YAML at this line (check indentation, colons and quotes)",
                    Location(source, line),
                )
            ],
            source,
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            [Problem.of("syntax-error", f"YAML error: {exc}", "fix the YAML syntax", Location(source))], source
        ) from None
    except RecursionError:
        raise LoadError(
            [
                Problem.of(
                    "too-deep",
                    "the document is nested too deeply to be a model",
                    f"a model nests a few levels deep; archkit accepts up to {MAX_DEPTH}",
                    Location(source),
                )
            ],
            source,
        ) from None
    if node is None:
        raise LoadError(
            [
                Problem.of(
                    "not-a-model", "the file is empty", "a model starts with 'name: <system name>'", Location(source, 1)
                )
            ],
            source,
        )
    lines: dict[tuple[Any, ...], int] = {}
    try:
        data, problems, shared, merged = _build(node, source, lines, loader)
        if not problems and shared:
            total, _ = _measure(node)
            if total > MAX_NODES:
                problems = [
                    Problem.of(
                        "too-large",
                        f"the document expands to more than {MAX_NODES:,} values (aliases that repeat "
                        "aliases can make a small file huge)",
                        "remove the anchors and aliases, or split the model",
                        Location(source),
                    )
                ]
        if problems:
            raise LoadError(problems, source)
        if merged:  # '<<' merge keys: let PyYAML's safe constructor apply them
            data = loader.construct_document(node)
    except _TooDeep as deep:
        raise LoadError(
            [
                Problem.of(
                    "too-deep",
                    f"the document nests more than {MAX_DEPTH} levels deep",
                    "a model nests a few levels deep; check that this is a model file",
                    Location(source, deep.line, deep.path),
                )
            ],
            source,
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise LoadError(
            [
                Problem.of(
                    "syntax-error",
                    f"YAML value could not be read: {exc}",
                    "fix the value at this place",
                    Location(source),
                )
            ],
            source,
        ) from None
    finally:
        loader.dispose()
    return data, lines


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node) -> tuple[int, int]:
    """Expanded size and depth of a node graph, counting each alias as the values it repeats.

    Shared nodes (aliases) are measured once and reused, so an alias bomb is measured in
    microseconds instead of being expanded.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            size[key] = min(MAX_NODES + 1, 1 + sum(size[id(k)] for k in kids))
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            on_path.discard(key)
            continue
        if key in size:
            continue
        if key in on_path:  # a recursive alias: infinitely large
            return MAX_NODES + 1, 0
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)
    return size[id(root)], height[id(root)]


class _TooDeep(Exception):
    def __init__(self, path: tuple[Any, ...], line: int) -> None:
        self.path = path
        self.line = line


_STR = "tag:yaml.org,2002:str"


def _build(
    root: yaml.Node, source: str, lines: dict[tuple[Any, ...], int], loader: Any
) -> tuple[Any, list[Problem], bool, bool]:
    """Turn checked nodes into plain data in one pass, recording lines and problems.

    Returns (data, problems, whether aliases were used, whether merge keys were used). Each node is
    visited once; an alias yields the same object again, as in PyYAML.
    """
    problems: list[Problem] = []
    memo: dict[int, Any] = {}
    on_path: set[int] = set()
    flags = {"shared": False, "merged": False}

    def visit(node: yaml.Node, path: tuple[Any, ...]) -> Any:
        key = id(node)
        if key in memo:
            flags["shared"] = True
            if key in on_path:  # an alias inside itself: infinitely large
                problems.append(
                    Problem.of(
                        "too-large",
                        "an alias refers to the value that contains it (an infinite document)",
                        "remove the recursive alias",
                        Location(source, node.start_mark.line + 1, path),
                    )
                )
            return memo[key]
        line = node.start_mark.line + 1
        if len(path) > MAX_DEPTH:
            raise _TooDeep(path, line)
        if node.tag not in _SAFE_TAGS:
            problems.append(
                Problem.of(
                    "unsafe-content",
                    f"the tag '{node.tag}' is not plain data; archkit never constructs objects or runs code from a file",
                    "remove the tag and write the value as plain YAML (text, numbers, lists, mappings)",
                    Location(source, line, path),
                )
            )
            memo[key] = None
            return None
        lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            value = node.value if node.tag == _STR else loader.construct_object(node)
            memo[key] = value
            return value
        on_path.add(key)
        if isinstance(node, yaml.SequenceNode):
            out_list: list[Any] = []
            memo[key] = out_list
            for i, item in enumerate(node.value):
                out_list.append(visit(item, path + (i,)))
            on_path.discard(key)
            return out_list
        out: dict[Any, Any] = {}
        memo[key] = out
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            if key_node.tag not in _SAFE_TAGS:
                problems.append(
                    Problem.of(
                        "unsafe-content",
                        f"the tag '{key_node.tag}' is not plain data",
                        "remove the tag",
                        Location(source, kline, path),
                    )
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                flags["merged"] = True
                visit(value_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem.of(
                        "syntax-error",
                        "a mapping key is a list or mapping, not plain text",
                        "use text keys",
                        Location(source, kline, path),
                    )
                )
                continue
            k = key_node.value if key_node.tag == _STR else loader.construct_object(key_node)
            if k in seen:
                problems.append(
                    Problem.of(
                        "syntax-error",
                        f"the key '{k}' appears twice in one mapping (lines {seen[k]} and {kline})",
                        "keep one of them",
                        Location(source, kline, path + (k,)),
                    )
                )
            seen[k] = kline
            lines.setdefault(path + (k,), kline)
            out[k] = visit(value_node, path + (k,))
        on_path.discard(key)
        return out

    data = visit(root, ())
    return data, problems, flags["shared"], flags["merged"]


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text into plain data, refusing duplicate keys.

    The nesting depth is checked separately (:func:`check_json_depth`): a model that validates
    cannot nest deeply, so a loader measures it only when validation fails.
    """
    dupes: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            dupes.extend(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [
                Problem.of(
                    "syntax-error",
                    f"JSON syntax error: {exc.msg} (column {exc.colno})",
                    "fix the JSON at this line",
                    Location(source, exc.lineno),
                )
            ],
            source,
        ) from None
    except RecursionError:
        raise LoadError(
            [
                Problem.of(
                    "too-deep",
                    f"the document nests more than {MAX_DEPTH} levels deep",
                    "check that this is a model file",
                    Location(source),
                )
            ],
            source,
        ) from None
    if dupes:
        check_json_depth(data, source)
        raise LoadError(
            [
                Problem.of(
                    "syntax-error", f"the key '{k}' appears twice in one object", "keep one of them", Location(source)
                )
                for k in sorted(set(dupes))
            ],
            source,
        )
    return data


def check_json_depth(data: Any, source: str) -> None:
    """Refuse JSON data nested more than :data:`MAX_DEPTH` levels deep.

    Raises:
        LoadError: the data nests too deeply.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LoadError(
                [
                    Problem.of(
                        "too-deep",
                        f"the document nests more than {MAX_DEPTH} levels deep",
                        "check that this is a model file",
                        Location(source),
                    )
                ],
                source,
            )
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
