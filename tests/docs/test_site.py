"""The documentation site: `mkdocs build --strict` passes, every generated section is complete, and
the built site works in a real browser (no console errors, no broken internal links, search works).

One build serves the whole module (about 15 s); the browser test serves it on 127.0.0.1 and visits
every page in headless Chromium (marked ``browser``; skipped only when Chromium is missing).
"""

from __future__ import annotations

import functools
import http.server
import json
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
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
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

    from archkit.cli.app import app

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


LINKS_JS = "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"


def _ids(path: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', path.read_text()))


@pytest.mark.browser
def test_every_page_loads_without_errors_and_no_internal_link_is_broken(site, served):
    from tests.views._chromium import Chromium, find_chromium

    binary = find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    errors: list[str] = []
    broken: list[str] = []
    ids: dict[Path, set[str]] = {}
    with Chromium(binary, width=1280, height=900, timeout=30) as browser:
        browser.send("Runtime.enable")
        browser.send("Log.enable")
        for rel in pages:
            url = urljoin(served, rel)
            browser.open_url(url)
            links = browser.evaluate(LINKS_JS)
            browser.evaluate("new Promise(r => setTimeout(r, 50))")
            for e in browser.take_events("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"):
                p = e["params"]
                if e["method"] == "Runtime.exceptionThrown":
                    errors.append(f"{rel}: {p['exceptionDetails'].get('text')}")
                elif e["method"] == "Runtime.consoleAPICalled" and p["type"] == "error":
                    errors.append(f"{rel}: console.error {p['args'][:1]}")
                elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                    errors.append(f"{rel}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            for href in links:
                u = urlparse(href)
                if not href.startswith(served):
                    continue
                target = site / unquote(u.path[len(urlparse(served).path):])
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{rel} -> {href}")
                elif u.fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = _ids(target)
                    if unquote(u.fragment) not in ids[target]:
                        broken.append(f"{rel} -> {href} (no such anchor)")
        # search: the index loads in the page and answers a query
        browser.open_url(served)
        found = browser.evaluate("""
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
        })()""")
    assert not errors, "\n".join(errors[:20])
    assert not broken, "\n".join(sorted(set(broken))[:30])
    assert len(pages) > 90
    assert found > 0, "the search found nothing for 'latency budget'"
