"""The HTML report as a reader gets it: real headless Chromium loads index.html from disk.

Checked in the browser, with the network up and then with it switched off: no console error, no
request other than the file itself, every in-page link lands on an element, every section and
chart is laid out with a size, and a screenshot of the page has content.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest

from tests.views._chromium import Chromium, find_chromium

CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

PAGE_JS = """
(() => {
  const box = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                      return {w: r.width, h: r.height, visible: s.display !== 'none' && s.visibility !== 'hidden'}; };
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  return {
    title: document.title,
    scripts: document.scripts.length,
    links,
    broken: links.filter(h => !h.startsWith('#') || !document.getElementById(decodeURIComponent(h.slice(1)))),
    sections: Array.from(document.querySelectorAll('section.part')).map(s => ({id: s.id, ...box(s),
                         heading: (s.querySelector('h2') || {}).textContent || ''})),
    charts: Array.from(document.querySelectorAll('svg.chart')).map(svg => ({...box(svg),
                       title: (svg.querySelector('title') || {}).textContent || '',
                       texts: svg.querySelectorAll('text').length})),
    drawings: Array.from(document.querySelectorAll('svg.drawing')).map(box),
    badges: Array.from(document.querySelectorAll('.badge')).map(b => b.textContent.trim()),
  };
})()
"""

DOC_SHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "review-report.png"
SECTIONS = ["overview", "analyses", "alternatives", "lint", "cards", "diagrams", "deployment", "assumptions", "catalog"]


def _check(browser: Chromium, page) -> dict:
    browser.send("Network.enable")
    browser.send("Log.enable")
    browser.open(page)
    info = browser.evaluate(PAGE_JS)
    errors = [e["params"]["entry"]["text"] for e in browser.events("Log.entryAdded")
              if e["params"]["entry"]["level"] == "error"]
    errors += [str(e["params"]["args"]) for e in browser.events("Runtime.consoleAPICalled")
               if e["params"]["type"] == "error"]
    errors += [str(e["params"]) for e in browser.events("Runtime.exceptionThrown")]
    assert errors == []
    urls = [e["params"]["request"]["url"] for e in browser.events("Network.requestWillBeSent")]
    assert urls and all(u == page.resolve().as_uri() for u in urls), urls
    assert info["scripts"] == 0
    assert info["broken"] == [] and len(info["links"]) > 20
    ids = [s["id"] for s in info["sections"]]
    for want in SECTIONS:
        assert any(i.startswith(want) for i in ids), (want, ids)
    assert all(s["visible"] and s["w"] > 300 and s["h"] > 50 for s in info["sections"]), info["sections"]
    titles = [c["title"] for c in info["charts"]]
    assert {"Latency breakdown of flow overlay", "Latency breakdown of flow usage-telemetry",
            "Link utilisation per variant", "Monthly cost per variant"} <= set(titles), titles
    assert any(t.startswith("Trade-off: latency(overlay) against cost") for t in titles), titles
    assert all(c["visible"] and c["w"] > 300 and c["h"] > 100 and c["texts"] > 10 for c in info["charts"])
    assert len(info["drawings"]) >= 9 and all(d["w"] > 200 and d["h"] > 50 for d in info["drawings"])
    assert {"\u2716 violates", "\u26a0 at risk", "\u2714 meets"} <= set(info["badges"])  # symbol + word
    return info


def _not_blank(png: bytes) -> None:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width >= 1200 and img.height > 5000  # the whole page, not the first screen
    small = img.resize((img.width // 8, img.height // 8))
    colours = small.getcolors(maxcolors=1 << 20) or []
    non_white = sum(n for n, c in colours if sum(c) < 720)
    assert len(colours) > 50 and non_white > 0.05 * small.width * small.height


def _not_blank_screen(png: bytes) -> None:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").resize((140, 100))
    assert len(img.getcolors(maxcolors=1 << 16) or []) > 20


def test_docs_screenshot_exists():
    assert DOC_SHOT.stat().st_size > 10_000  # made by the test below with ARCHKIT_UPDATE_DOCS=1


def test_report_in_headless_chromium(ar_report, tmp_path):
    page = ar_report / "index.html"
    with Chromium(CHROMIUM, width=1400, height=1000) as browser:
        _check(browser, page)
        png = browser.screenshot()
        _not_blank(png)
        (tmp_path / "report.png").write_bytes(png)
        shot = DOC_SHOT if os.environ.get("ARCHKIT_UPDATE_DOCS") else tmp_path / "first-screen.png"
        shot.write_bytes(base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"})["data"]))
        _not_blank_screen(shot.read_bytes())
        browser.send("Network.emulateNetworkConditions",
                      {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        _check(browser, page)
        _not_blank(browser.screenshot())
