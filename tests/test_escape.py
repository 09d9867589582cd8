"""The escaping functions: each output reads back, in its own grammar, as the text that went in."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from archkit import _escape as esc

from .hostile_text import HOSTILE_TEXT

HOSTILE = HOSTILE_TEXT


def _norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def test_visible_makes_controls_visible() -> None:
    assert esc.visible("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert esc.visible("r\rl\u202eo\ud800") == "r\\rl\\u202eo\\ud800"
    assert esc.visible("two\nlines\tok") == "two\nlines\tok"
    assert esc.visible("two\nlines", lines=False) == "two\\nlines"
    assert esc.visible("plain ü 😀") == "plain ü 😀"


@given(HOSTILE)
def test_visible_output_is_valid_xml_text_and_utf8(text: str) -> None:
    out = esc.visible(text, lines=False)
    out.encode("utf-8")
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]", out)


@given(HOSTILE)
def test_html_reads_back_as_the_text(text: str) -> None:
    doc = f'<p title="{esc.html(text)}" alt=\'{esc.html(text)}\'>{esc.html(text)}</p>'
    root = ET.fromstring(doc)
    assert list(root) == []
    assert _norm(root.text or "") == _norm(esc.visible(text))
    assert _norm(root.get("title")) == _norm(esc.visible(text))
    assert _norm(root.get("alt")) == _norm(esc.visible(text))


@given(HOSTILE)
def test_structurizr_is_one_line_and_one_string(text: str) -> None:
    out = esc.structurizr(text)
    assert len(out.splitlines()) == 1
    # a reader of the DSL: one quoted token, backslash escapes for the quote and the backslash
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', out)
    assert m is not None
    assert re.sub(r"\\(.)", r"\1", m.group(1)) == esc.visible(text.replace("\n", " ").replace("\x85", " "),
                                                               lines=False)


@given(HOSTILE)
def test_yaml_string_reads_back(text: str) -> None:
    import yaml

    out = esc.yaml_string(text)
    assert "\n" not in out
    assert yaml.safe_load("title: " + out) == {"title": esc.visible(text, lines=False)}


@given(HOSTILE)
def test_mermaid_label_has_no_raw_markup(text: str) -> None:
    out = esc.mermaid(text).replace("<br/>", "")
    assert not set(out) & set('"<>`\n\t&')
    # every '#' starts one of the entities written here
    assert re.fullmatch(r"(?:[^#]|#35;|#quot;|#lt;|#gt;|#amp;|#96;)*", out)


@given(HOSTILE)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_markdown_renders_as_the_text(text: str) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for table, doc in ((False, esc.markdown(text)), (True, f"| a |\n|---|\n| {esc.markdown(text)} |\n")):
        rendered = md.render(doc)
        tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
        assert tags <= {"p", "br", "table", "thead", "tbody", "tr", "th", "td"}, (doc, rendered)
        body = re.sub(r"<br\s*/?>", "\n", rendered)
        root = ET.fromstring("<r>" + body + "</r>")
        shown = "".join(root.itertext())
        want = esc.visible(text)
        if table:  # the cell of the second row
            shown = "".join(root.find(".//td").itertext()) if root.find(".//td") is not None else ""
        assert _norm(shown) == _norm(want), (doc, rendered)


@given(HOSTILE)
def test_terminal_prints_the_text_and_nothing_else(text: str) -> None:
    from rich.console import Console

    buf = io.StringIO()
    con = Console(file=buf, force_terminal=True, color_system="truecolor", emoji=False, highlight=False, width=500)
    con.print(f"[bold]{esc.terminal(text)}[/] and [red]{esc.terminal(text)}[/].", soft_wrap=True)
    raw = buf.getvalue()
    # the only escape sequences are the console's own style codes (SGR: ESC [ ... m)
    assert re.sub(r"\x1b\[[0-9;]*m", "", raw).count("\x1b") == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", raw)
    assert _norm(plain) == _norm(f"{esc.visible(text)} and {esc.visible(text)}.")  # rich expands tabs


@given(hs.lists(HOSTILE, max_size=3))
def test_json_safe_keeps_the_value(values: list[str]) -> None:
    import json

    doc = esc.json_safe(json.dumps(values, ensure_ascii=False))
    doc.encode("utf-8")
    assert json.loads(doc) == values


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz 'dot' is not installed")
@given(hs.lists(HOSTILE, min_size=1, max_size=8))
@settings(max_examples=25, deadline=None)
def test_dot_values_are_drawn_as_text(values: list[str]) -> None:
    lines = ["digraph g {"]
    for i, v in enumerate(values):
        label = esc.DotHtml("<<B>" + esc.dot_html(v) + "</B>>")
        if not esc.dot_html(v):  # graphviz rejects an empty HTML-like element
            label = esc.DotHtml("<x>")
        lines.append(f"  n{i} [label={label}, tooltip={esc.dot_tooltip(v)}];")
        lines.append(f"  m{i} [label={esc.dot_string(v)}];")
    lines.append("}")
    svg = subprocess.run(["dot", "-Tsvg"], input="\n".join(lines).encode(), capture_output=True, check=True,
                         timeout=30).stdout
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t for t in root.iter(f"{ns}text")]
    titles = [a.get("{http://www.w3.org/1999/xlink}title") for a in root.iter(f"{ns}a")]
    shown = [_norm("".join(t.itertext())) for t in texts]
    for v in values:
        for part in esc.visible(v).split("\n"):
            assert not _norm(part) or shown.count(_norm(part)) >= 2  # the HTML-like and the quoted label
        if v:
            assert _norm(esc.visible(v)) in [_norm(t or "") for t in titles]
    assert not list(root.iter(f"{ns}script"))
