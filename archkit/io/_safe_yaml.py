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

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "read_text", "parse_yaml", "parse_json"]

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 5_000_000

_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:timestamp",
}

try:  # the C parser is much faster on big models; marks (line numbers) work the same
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def read_text(data: bytes, source: str) -> str:
    """Decode a model file, refusing binary data and over-large files."""
    if len(data) > MAX_BYTES:
        raise LoadError([Problem.of(
            "too-large", f"the file is {len(data) / 1e6:.1f} MB; archkit reads models up to {MAX_BYTES // 2**20} MiB",
            "split the model, or check that this is the file you meant", Location(source))], source)
    if b"\x00" in data[:65536]:
        raise LoadError([Problem.of(
            "not-text", "the file contains binary data (NUL bytes), not YAML or JSON text",
            "pass a .yaml, .json or .py model file", Location(source))], source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem.of(
            "not-text", f"the file is not UTF-8 text (bad byte at offset {exc.start})",
            "save the model as UTF-8 text", Location(source))], source) from None


def parse_yaml(text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML text into plain data and a map from key paths to 1-based line numbers.

    Raises:
        LoadError: for syntax errors, unsafe or unknown tags, duplicate keys, and documents that
            nest too deeply or expand too much through aliases.
    """
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        if "nesting depth" in str(exc.problem):
            raise LoadError([Problem.of(
                "too-deep", "the document is nested too deeply to be a model",
                f"a model nests a few levels deep; archkit accepts up to {MAX_DEPTH}", Location(source, line))],
                source) from None
        raise LoadError([Problem.of(
            "syntax-error", f"YAML syntax error: {exc.problem or exc}",
            "fix the YAML at this line (check indentation, colons and quotes)", Location(source, line))],
            source) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem.of("syntax-error", f"YAML error: {exc}", "fix the YAML syntax",
                                    Location(source))], source) from None
    except RecursionError:
        raise LoadError([Problem.of(
            "too-deep", "the document is nested too deeply to be a model",
            f"a model nests a few levels deep; archkit accepts up to {MAX_DEPTH}", Location(source))],
            source) from None
    if node is None:
        raise LoadError([Problem.of("not-a-model", "the file is empty",
                                    "a model starts with 'name: <system name>'", Location(source, 1))], source)
    lines: dict[tuple[Any, ...], int] = {}
    try:
        data, problems, shared, merged = _build(node, source, lines, loader)
        if not problems and shared:
            total, _ = _measure(node)
            if total > MAX_NODES:
                problems = [Problem.of(
                    "too-large", f"the document expands to more than {MAX_NODES:,} values (aliases that repeat "
                    "aliases can make a small file huge)", "remove the anchors and aliases, or split the model",
                    Location(source))]
        if problems:
            raise LoadError(problems, source)
        if merged:  # '<<' merge keys: let PyYAML's safe constructor apply them
            data = loader.construct_document(node)
    except _TooDeep as deep:
        raise LoadError([Problem.of(
            "too-deep", f"the document nests more than {MAX_DEPTH} levels deep",
            "a model nests a few levels deep; check that this is a model file",
            Location(source, deep.line, deep.path))], source) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise LoadError([Problem.of("syntax-error", f"YAML value could not be read: {exc}",
                                    "fix the value at this place", Location(source))], source) from None
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


def _build(root: yaml.Node, source: str, lines: dict[tuple[Any, ...], int],
           loader: Any) -> tuple[Any, list[Problem], bool, bool]:
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
                problems.append(Problem.of(
                    "too-large", "an alias refers to the value that contains it (an infinite document)",
                    "remove the recursive alias", Location(source, node.start_mark.line + 1, path)))
            return memo[key]
        line = node.start_mark.line + 1
        if len(path) > MAX_DEPTH:
            raise _TooDeep(path, line)
        if node.tag not in _SAFE_TAGS:
            problems.append(Problem.of(
                "unsafe-content",
                f"the tag '{node.tag}' is not plain data; archkit never constructs objects or runs code from a file",
                "remove the tag and write the value as plain YAML (text, numbers, lists, mappings)",
                Location(source, line, path)))
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
                problems.append(Problem.of("unsafe-content", f"the tag '{key_node.tag}' is not plain data",
                                           "remove the tag", Location(source, kline, path)))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                flags["merged"] = True
                visit(value_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem.of("syntax-error", "a mapping key is a list or mapping, not plain text",
                                           "use text keys", Location(source, kline, path)))
                continue
            k = key_node.value if key_node.tag == _STR else loader.construct_object(key_node)
            if k in seen:
                problems.append(Problem.of(
                    "syntax-error", f"the key '{k}' appears twice in one mapping (lines {seen[k]} and {kline})",
                    "keep one of them", Location(source, kline, path + (k,))))
            seen[k] = kline
            lines.setdefault(path + (k,), kline)
            out[k] = visit(value_node, path + (k,))
        on_path.discard(key)
        return out

    data = visit(root, ())
    return data, problems, flags["shared"], flags["merged"]


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text into plain data, refusing duplicate keys and excessive nesting."""
    dupes: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                dupes.append(k)
            out[k] = v
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem.of("syntax-error", f"JSON syntax error: {exc.msg} (column {exc.colno})",
                                    "fix the JSON at this line", Location(source, exc.lineno))], source) from None
    except RecursionError:
        raise LoadError([Problem.of("too-deep", f"the document nests more than {MAX_DEPTH} levels deep",
                                    "check that this is a model file", Location(source))], source) from None
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LoadError([Problem.of("too-deep", f"the document nests more than {MAX_DEPTH} levels deep",
                                        "check that this is a model file", Location(source))], source)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    if dupes:
        raise LoadError([Problem.of("syntax-error", f"the key '{k}' appears twice in one object", "keep one of them",
                                    Location(source)) for k in sorted(set(dupes))], source)
    return data
