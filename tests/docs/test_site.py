"""The documentation site: `mkdocs build --strict` passes, every generated section is complete, and
the built site works in a real browser (no console errors, no broken internal links, search works).

One build serves the whole module (about 15 s); the browser test serves it on 127.0.0.1 and visits
every page in headless Chromium (marked ``browser``; skipped only when Chromium is missing).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("mkdocs", reason="the site needs the docs extra: pip install 'archkit[docs]'")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def test_strict_build_passes(site):
    assert (site / "index.html").exists()
    assert (site / "404.html").exists()


def test_a_page_missing_from_the_nav_fails_the_strict_build():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!!python", "#"))
    assert config["validation"]["nav"]["omitted_files"] == "warn"  # a warning, and --strict turns it into failure
    assert config["validation"]["links"]["not_found"] == "warn"


def test_every_catalog_entry_has_a_page(site):
    ids = sorted(p.stem for p in (ROOT / "patterns").glob("*.md"))
    assert len(ids) > 50
    for pid in ids:
        page = site / "catalog" / f"{pid}.html"
        assert page.exists(), pid
        text = page.read_text()
        assert "Detector" in text and "Template" in text and "In the examples" in text
    used = (site / "catalog" / "federated-learning.html").read_text()
    assert "smart_keyboard.html" in used  # the example that shows the pattern is linked


def test_cli_reference_lists_every_command(site):
    import typer

    from archkit.cli import app

    root = typer.main.get_command(app)
    text = (site / "reference" / "cli.html").read_text()
    for name in root.list_commands(None):
        assert f"archkit {name}" in text, name
    assert "--target-utilisation" in text and "--fail-on" in text


def test_gallery_shows_every_example_with_its_views(site):
    names = ["ar_translation", *sorted(p.parent.name for p in (ROOT / "examples").glob("*/README.md"))]
    for name in names:
        page = (site / "gallery" / f"{name}.html").read_text()
        images = re.findall(r'<img[^>]+src="([^"]+\.svg)"', page)
        assert len(images) >= 3, name
        for src in images:
            assert (site / "gallery" / src).read_text().lstrip().startswith(("<?xml", "<svg")), src
        assert "headline" in page


def test_one_page_per_analysis_and_the_api(site):
    pages = sorted(p.stem for p in (site / "analyses").glob("*.html"))
    assert {"latency", "link-load", "cost", "capacity"} <= set(pages), pages
    assert "\\lambda" not in (site / "analyses" / "latency.html").read_text()
    api = (site / "reference" / "api" / "archkit.html").read_text()
    assert "json_schema" in api and "ValidationError" in api


def test_search_index_holds_every_page(site):
    index = json.loads((site / "search" / "search_index.json").read_text())
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    for page in ("tutorial.html", "gallery/smart_keyboard.html", "catalog/feature-store.html", "reference/cli.html"):
        assert page in locations, page


# --- in the browser ----------------------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Every page fetched and parsed by the browser itself: the links it resolves and the ids it holds.
CRAWL_JS = """
(async (pages) => {
  const out = {};
  for (const page of pages) {
    const url = new URL(page, location.href).href;
    const html = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const base = doc.createElement('base'); base.href = url; doc.head.prepend(base);
    out[page] = {links: Array.from(doc.querySelectorAll('a[href]')).map(a => a.href),
                 ids: Array.from(doc.querySelectorAll('[id]')).map(e => e.id)};
  }
  return out;
})(%s)
"""

SEARCH_JS = """
(async () => {
  const input = document.querySelector('input.md-search__input');
  input.focus();
  input.value = 'latency budget';
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: 't'}));
  for (let i = 0; i < 100; i++) {
    const items = document.querySelectorAll('.md-search-result__item');
    if (items.length) return items.length;
    await new Promise(r => setTimeout(r, 100));
  }
  return 0;
})()"""


def _errors(browser, rel: str) -> list[str]:
    out = []
    for e in browser.take_events("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"):
        p = e["params"]
        if e["method"] == "Runtime.exceptionThrown":
            out.append(f"{rel}: {p['exceptionDetails'].get('text')}")
        elif e["method"] == "Runtime.consoleAPICalled" and p["type"] == "error":
            out.append(f"{rel}: console.error {p['args'][:1]}")
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(f"{rel}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return out


def _sample(pages: list[str]) -> list[str]:
    """The pages loaded in full: every top-level page, the first of each folder, and the gallery."""
    seen: set[str] = set()
    out = []
    for rel in pages:
        folder = rel.rsplit("/", 1)[0] if "/" in rel else rel
        if "/" not in rel or rel.startswith("gallery/") or folder not in seen:
            out.append(rel)
            seen.add(folder)
    return out


@pytest.mark.browser
def test_pages_load_without_errors_no_internal_link_is_broken_and_search_works(site, served):
    from tests.views._chromium import Chromium, find_chromium

    binary = find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 90
    errors: list[str] = []
    with Chromium(binary, width=1280, height=900, timeout=60) as browser:
        browser.send("Runtime.enable")
        browser.send("Log.enable")
        for rel in _sample(pages):
            browser.open_url(urljoin(served, rel))
            browser.evaluate("new Promise(r => setTimeout(r, 50))")
            errors += _errors(browser, rel)
        crawl = browser.evaluate(CRAWL_JS % json.dumps(pages))
        browser.open_url(served)
        found = browser.evaluate(SEARCH_JS)
        errors += _errors(browser, "search")
    assert set(crawl) == set(pages)
    assert sum(len(v["links"]) for v in crawl.values()) > 2000  # the nav alone links every page from every page
    broken = []
    for rel, seen in crawl.items():
        for href in seen["links"]:
            if not href.startswith(served):
                continue
            u = urlparse(href)
            target = unquote(u.path[len(urlparse(served).path):]) or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if target not in crawl and not (site / target).is_file():
                broken.append(f"{rel} -> {href}")
            elif u.fragment and target in crawl and unquote(u.fragment) not in crawl[target]["ids"]:
                broken.append(f"{rel} -> {href} (no such anchor)")
    assert not errors, "\n".join(errors[:20])
    assert not broken, "\n".join(sorted(set(broken))[:30])
    assert found > 0, "the search found nothing for 'latency budget'"
