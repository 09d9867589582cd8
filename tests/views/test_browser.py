"""Views as a person sees them: real headless Chromium loads the notebook HTML and the icon SVG.

Each test lays out a page in the browser and checks the rendered DOM (sizes, text, decoded icons)
and a screenshot of it. The browser is Debian's ``chromium`` (listed in .ci/apt-packages.txt),
driven over its DevTools pipe (see ``_chromium.py``); the tests skip only when it is missing.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from archkit.views import build_view

from ._chromium import Chromium, find_chromium

CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

# The notebook page: every cell output's SVG, its size, the box of its drawing and all its text.
NOTEBOOK_JS = """
(() => Array.from(document.querySelectorAll('div.archkit-view')).map(cell => {
  const svg = cell.querySelector('svg');
  const outer = svg.getBoundingClientRect();
  const drawing = svg.querySelector('g.graph').getBBox();
  const texts = Array.from(svg.querySelectorAll('text'));
  const inside = r => r.left >= outer.left - 1 && r.right <= outer.right + 1
                   && r.top >= outer.top - 1 && r.bottom <= outer.bottom + 1;
  return {
    title: cell.title,
    rect: [outer.left + scrollX, outer.top + scrollY, outer.width, outer.height],
    drawing: [drawing.width, drawing.height],
    texts: texts.map(t => t.textContent),
    unlaid: texts.filter(t => t.textContent.trim() && t.getComputedTextLength() <= 0).map(t => t.textContent),
    clipped: texts.filter(t => !inside(t.getBoundingClientRect())).map(t => t.textContent),
  };
}))()
"""

# The icon SVG document: its size, its text, and every embedded <image> decoded by the browser.
ICONS_JS = """
(async () => {
  const svg = document.documentElement;
  const outer = svg.getBoundingClientRect();
  const images = Array.from(document.getElementsByTagNameNS('http://www.w3.org/2000/svg', 'image'));
  const icons = await Promise.all(images.map(async el => {
    const href = el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || el.getAttribute('href') || '';
    const img = new Image();
    img.src = href;
    let error = '';
    try { await img.decode(); } catch (e) { error = String(e); }
    const r = el.getBoundingClientRect();
    return {scheme: href.slice(0, href.indexOf(',') + 1), error, width: img.naturalWidth,
            height: img.naturalHeight, rect: [r.left + scrollX, r.top + scrollY, r.width, r.height]};
  }));
  return {tag: svg.tagName, size: [outer.width, outer.height],
          texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent), icons};
})()
"""


def _words(text: str) -> str:
    return " ".join(text.split())


def _expected_text(view) -> list[str]:
    """What the reader must find on the drawing: the legend heading, rows, box and frame titles."""
    return (["Legend"] + [e.label for e in view.legend] + [b.title for b in view.boxes if not b.anchor]
            + [g.title for g in view.groups if g.title])


def _missing(expected: list[str], texts: list[str]) -> list[str]:
    shown = _words(" | ".join(texts))
    return [t for t in expected if _words(t) not in shown]


def _ink(png: bytes, box: tuple[float, float, float, float] | None = None) -> float:
    """The share of pixels that are not (near) white, in the whole image or in ``box`` (x, y, w, h)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    if box is not None:
        x, y, w, h = box
        image = image.crop((round(x), round(y), round(x + w), round(y + h)))
    histogram = image.histogram()
    total = sum(histogram)
    return sum(histogram[:240]) / total if total else 0.0


def _ink_extent(png: bytes) -> tuple[float, float]:
    """How much of the width and height the non-white content spans (0..1 each)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    box = image.point(lambda v: 255 if v < 240 else 0).getbbox()
    if box is None:
        return 0.0, 0.0
    return (box[2] - box[0]) / image.width, (box[3] - box[1]) / image.height


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("PIL", reason="the screenshot checks need Pillow (pip install 'archkit[test]')")
    with Chromium(CHROMIUM) as chromium:
        yield chromium


def test_notebook_html_renders_in_browser(ar, browser, tmp_path):
    views = [build_view(ar, spec) for spec in ("deployment", "dataflow")]
    cells = "\n".join(f'<div class="output_html">{v._repr_html_()}</div>' for v in views)
    page = tmp_path / "notebook.html"
    page.write_text(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>archkit views</title></head>'
                    f"<body>\n{cells}\n</body></html>\n", encoding="utf-8")

    browser.open(page)
    shown = browser.evaluate(NOTEBOOK_JS)
    shot = browser.screenshot()
    (tmp_path / "notebook.png").write_bytes(shot)

    assert [cell["title"] for cell in shown] == [v.title for v in views]
    for view, cell in zip(views, shown):
        x, y, width, height = cell["rect"]
        assert width > 200 and height > 100, f"{view.name}: the SVG is laid out at {width}x{height}"
        assert cell["drawing"][0] > 100 and cell["drawing"][1] > 100, f"{view.name}: drawing box {cell['drawing']}"
        assert "OCR model" in cell["texts"] and "Legend" in cell["texts"]
        assert _missing(_expected_text(view), cell["texts"]) == [], f"{view.name}: text not in the rendered DOM"
        assert cell["unlaid"] == [], f"{view.name}: text laid out with zero length"
        assert cell["clipped"] == [], f"{view.name}: text outside the SVG's box"
        assert _ink(shot, (x, y, width, height)) > 0.02, f"{view.name}: its area of the screenshot is blank"
    assert _ink(shot) > 0.02
    assert min(_ink_extent(shot)) > 0.5, "the drawings cover only a corner of the page"


def test_icon_svg_renders_in_browser(ar, browser, tmp_path):
    pytest.importorskip("diagrams", reason="the icon style needs pip install 'archkit[diagrams]'")
    view = build_view(ar, "deployment")
    svg = view.render("svg", "icons")
    page = tmp_path / "deployment.svg"
    page.write_bytes(svg)

    browser.open(page)
    shown = browser.evaluate(ICONS_JS)
    shot = browser.screenshot()
    (tmp_path / "deployment.png").write_bytes(shot)

    assert shown["tag"] == "svg", "the file is not parsed as an SVG document"
    assert shown["size"][0] > 200 and shown["size"][1] > 100, f"the SVG is laid out at {shown['size']}"
    assert _missing(_expected_text(view), shown["texts"]) == []

    icons = shown["icons"]
    assert len(icons) == len(re.findall(rb"<image\b", svg)) > 0
    kinds = {b.kind for b in view.boxes if not b.anchor}
    assert len(icons) >= len(kinds), "fewer icons than kinds of component"
    for n, icon in enumerate(icons):
        assert icon["scheme"] == "data:image/png;base64,", f"icon {n} is not an embedded PNG"
        assert icon["error"] == "" and icon["width"] > 0 and icon["height"] > 0, f"icon {n} does not decode: {icon}"
        assert icon["rect"][2] > 0 and icon["rect"][3] > 0, f"icon {n} is laid out with no size"
        assert _ink(shot, icon["rect"]) > 0.02, f"icon {n} is not painted where it is laid out: {icon['rect']}"
    assert _ink(shot) > 0.02
    assert min(_ink_extent(shot)) > 0.5


def test_browser_process_is_cleaned_up():
    chromium = Chromium(CHROMIUM)
    try:
        assert chromium.evaluate("1 + 1") == 2
        assert chromium.leftover(wait=0), "the browser is not running"
    finally:
        chromium.close()
    assert chromium.leftover() == []
    assert not Path(chromium._profile).exists()
