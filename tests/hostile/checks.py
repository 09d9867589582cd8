"""Checks that an output parses in its own grammar and that model text stayed text in it.

Each check returns a list of findings (empty: the output is clean), so a test can report every
finding of every file at once.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from archkit._escape import visible

XLINK = "{http://www.w3.org/1999/xlink}"
_ACTIVE = {"script", "iframe", "object", "embed", "foreignobject", "handler", "listener", "animate", "set"}
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def shown_parts(value: str) -> list[str]:
    """The pieces of a value a drawing shows as text (one per line of it), whitespace normalised."""
    return [p for p in (_norm(x) for x in visible(value).split("\n")) if p]


def svg(data: bytes | str, *, foreign_ok: bool = False, name: str = "svg") -> tuple[list[str], str]:
    """SVG: well-formed XML, no script or other active element, no event attribute, no script link.

    Returns the findings and the text the drawing shows (element text and tooltips), normalised.
    """
    found: list[str] = []
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"{name}: not well-formed XML: {exc}"], ""
    texts: list[str] = list(root.itertext())
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        if tag in _ACTIVE and not (foreign_ok and tag == "foreignobject"):
            found.append(f"{name}: <{tag}> element")
        for key, val in el.attrib.items():
            local = key.split("}")[-1].lower()
            if local.startswith("on"):
                found.append(f"{name}: event attribute {local}")
            if local in ("href", "src"):
                link = re.sub(r"[\s\x00-\x1f]", "", val).lower()
                if not (link.startswith("#") or link.startswith("data:image/png;base64,") or link == ""):
                    found.append(f"{name}: link to {val[:60]!r}")
            if local in ("title", "aria-label"):
                texts.append(val)
    return found, _norm(" ".join(texts))


def missing(values: Iterable[str], shown: str, name: str) -> list[str]:
    """Findings for the values (each line of each) that ``shown`` does not hold as text."""
    return [f"{name}: {part[:60]!r} is not shown as text" for v in values for part in shown_parts(v)
            if part not in shown]


_DSL_TOKEN = re.compile(r'\s*(?:"(?:[^"\\\n]|\\.)*"|->|[{}=*]|[A-Za-z_][A-Za-z0-9_.\-]*|#[0-9a-fA-F]{6}|\d+)')


def structurizr(text: str, values: Iterable[str] = (), name: str = "structurizr") -> list[str]:
    """Structurizr DSL, read line by line: each line is a comment, or tokens (words, quoted strings,
    '=', '->', braces); no line is a directive ('!'); every value sits inside one quoted string."""
    found: list[str] = []
    strings: list[str] = []
    if _CONTROLS.search(text) or "\r" in text:
        found.append(f"{name}: raw control character")
    for number, line in enumerate(text.split("\n"), 1):
        body = line.strip()
        if not body or body.startswith("//"):
            if "\n" in body:  # pragma: no cover - split above
                found.append(f"{name}:{number}: comment spans lines")
            continue
        if body.startswith("!"):
            found.append(f"{name}:{number}: directive line {body[:40]!r}")
        pos = 0
        while pos < len(line):
            if not line[pos:].strip():
                break
            m = _DSL_TOKEN.match(line, pos)
            if m is None:
                found.append(f"{name}:{number}: cannot tokenize at {line[pos:pos + 30]!r}")
                break
            tok = m.group().strip()
            if tok.startswith('"'):
                strings.append(re.sub(r"\\(.)", r"\1", tok[1:-1]))
            pos = m.end()
    joined = "\n".join(strings)
    for v in values:
        want = visible(v.replace("\n", " ").replace("\x85", " "), lines=False)
        if want and not any(want in s for s in strings):
            found.append(f"{name}: {want[:60]!r} is not one quoted string" + ("" if want in joined else " (missing)"))
    return found


_MERMAID_ENTITY = {"#35;": "#", "#quot;": '"', "#lt;": "<", "#gt;": ">", "#amp;": "&", "#96;": "`"}


def mermaid(text: str, name: str = "mermaid") -> tuple[list[str], str]:
    """Mermaid flowchart text: front matter (one title) then statements archkit writes, so no label
    let a quote, bracket or line break of a value through. Returns the findings and the text shown
    (title and labels, Mermaid's entity escapes decoded)."""
    found: list[str] = []
    if _CONTROLS.search(text) or "\r" in text:
        found.append(f"{name}: raw control character")
    lines = text.split("\n")
    if lines[:1] != ["---"] or "---" not in lines[1:]:
        return found + [f"{name}: no front matter"], ""
    end = lines.index("---", 1)
    front = lines[1:end]
    labels: list[str] = []
    title = ""
    if len(front) != 1 or not front[0].startswith("title: "):
        found.append(f"{name}: front matter is not one title line")
    else:
        import yaml

        title = yaml.safe_load(front[0])["title"]
    statement = re.compile(r'^\s*(?:flowchart \w+|end|subgraph \w+\["[^"]*"\]|\w+(?:\[\(|\{\{|\[/|>|\[|\()"[^"]*"'
                           r'(?:\)\]|\}\}|\\\]|\]|\))|\w+ (?:-->|---|==>|===|-\.->|-\.-)(?:\|"[^"]*"\|)? \w+|'
                           r'(?:style|classDef|class|linkStyle) .*)$')
    for number, line in enumerate(lines[end + 1:], end + 2):
        if not line.strip():
            continue
        if statement.match(line) is None:
            found.append(f"{name}:{number}: not a statement archkit writes: {line[:60]!r}")
        labels += re.findall(r'"([^"]*)"', line)
    # the title goes through Mermaid's HTML sanitiser, so archkit writes '<' and '&' as '‹' and '＆'
    decoded = [_norm(title.replace("\u2039", "<").replace("\uff06", "&") if isinstance(title, str) else "")]
    for label in labels:
        label = re.sub(r"<br/>|<b>|</b>|<small>|</small>", " ", label)  # archkit's own tags, before decoding
        label = re.sub("|".join(_MERMAID_ENTITY), lambda m: _MERMAID_ENTITY[m.group()], label)
        decoded.append(_norm(label))
    return found, " ".join(decoded)


def terminal(text: str, name: str = "terminal") -> list[str]:
    """Terminal text: no escape sequence, bell, carriage return or other control character."""
    m = _CONTROLS.search(text.replace("\t", " "))
    return [f"{name}: control character {m.group()!r} at {m.start()}"] if m else []


def json_document(text: str, name: str = "json") -> list[str]:
    """One JSON document and nothing else (stdout of a --format json command), with no NaN or infinity."""
    def bad_constant(c: str) -> None:
        raise ValueError(f"{c} in JSON")

    try:
        json.loads(text, parse_constant=bad_constant)
    except ValueError as exc:
        return [f"{name}: {exc}"]
    return []
