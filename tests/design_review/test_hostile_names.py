"""Names that try to break out of HTML, SVG, Markdown and Mermaid stay text in every review output."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.views._chromium import Chromium, find_chromium

HERE = Path(__file__).parent
MODEL = HERE / "data" / "hostile.py"
_spec = importlib.util.spec_from_file_location("hostile_model", MODEL)
EVIL = '<script>alert(1)</script> & "quoted" \'single\' "]; end'


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from archkit.cli import app

    out = tmp_path_factory.mktemp("hostile")
    r = CliRunner().invoke(app, ["review", str(MODEL), "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_html_source_has_no_markup_from_names(report):
    html = (report / "index.html").read_text()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39; &quot;]; end" in html


def test_svg_files_keep_names_as_text(report):
    svgs = sorted(report.glob("*.svg"))
    assert len(svgs) >= 4
    shown = 0
    for path in svgs:
        root = ET.parse(path).getroot()  # well-formed XML: nothing broke out of an attribute or element
        assert not [el for el in root.iter() if el.tag.endswith("}script")], path
        texts = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text"))
        titles = " ".join(el.get("{http://www.w3.org/1999/xlink}title") or "" for el in root.iter())
        shown += ("<script>alert(1)</script>" in texts + titles)
    assert shown == len(svgs)


def test_markdown_keeps_names_as_text(report):
    from markdown_it import MarkdownIt

    md = (report / "review.md").read_text()
    before, rest = md.split("```mermaid", 1)
    mermaid, after = rest.split("```", 1)
    assert "<script" not in before + after
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; 'single' &quot;]; end" in html
    # the diagram's nodes and edges (after the title block) hold the names in Mermaid's own escapes
    body = mermaid.split("---", 2)[-1]
    assert "alert(1)" in body and EVIL not in body and '"];' not in body and "<script" not in body


@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_browser_shows_names_as_text(report):
    with Chromium(find_chromium(), width=1200, height=900) as browser:
        browser.open(report / "index.html")
        info = browser.evaluate("""(() => ({
          scripts: document.getElementsByTagName('script').length,
          title: document.title,
          body: document.body.innerText,
          svgTexts: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)
                         .filter(t => t.includes('alert(1)')),
        }))()""")
    assert info["scripts"] == 0
    assert EVIL in info["title"]
    assert info["body"].count(EVIL) >= 5
    assert any("<script>alert(1)</script>" in t for t in info["svgTexts"])
