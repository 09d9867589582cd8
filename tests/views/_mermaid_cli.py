"""mermaid-cli for tests: installed from npm at test time into a cache folder, run with Debian's Chromium.

``render_markdown(diagrams, folder)`` writes the diagrams as one Markdown file and has mermaid-cli
render them all in one browser start, returning each SVG. The test that calls it is skipped only
when npm or Chromium is missing or the registry cannot be reached; any other failure fails it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.views._chromium import find_chromium

PACKAGE = "@mermaid-js/mermaid-cli@11"
CACHE = Path(os.environ.get("ARCHKIT_TEST_CACHE", Path.home() / ".cache" / "archkit-tests")) / "mermaid-cli"


def mmdc() -> Path:
    """The mmdc program, installed on first use (about a minute); skips the test when that cannot be done."""
    chromium = find_chromium()
    if chromium is None or shutil.which("npm") is None:
        pytest.skip("mermaid-cli needs npm and Chromium (apt-get install npm chromium)")
    binary = CACHE / "node_modules" / ".bin" / "mmdc"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
        try:
            done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                                   str(CACHE), PACKAGE], env=env, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            pytest.skip("npm could not install mermaid-cli within 10 minutes")
        if done.returncode != 0 or not binary.exists():
            if "ENOTFOUND" in done.stderr or "EAI_AGAIN" in done.stderr or "ECONNREFUSED" in done.stderr:
                pytest.skip(f"the npm registry is not reachable: {done.stderr.strip()[-300:]}")
            pytest.fail(f"npm install {PACKAGE} failed: {done.stderr.strip()[-2000:]}")
    return binary


def render_markdown(diagrams: list[str], folder: Path, timeout: float = 300.0) -> list[bytes]:
    """SVG of each Mermaid diagram, rendered by mermaid-cli in one run (fails the test on a parse error)."""
    binary = mmdc()
    config = folder / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": find_chromium(), "args": [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]}))
    source = folder / "diagrams.md"
    source.write_text("".join(f"# {i}\n\n```mermaid\n{d}```\n\n" for i, d in enumerate(diagrams)), encoding="utf-8")
    done = subprocess.run([str(binary), "-p", str(config), "-i", str(source), "-o", str(folder / "out.md")],
                          capture_output=True, text=True, timeout=timeout, cwd=folder)
    assert done.returncode == 0, f"mermaid-cli failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    svgs = [folder / f"out-{i}.svg" for i in range(1, len(diagrams) + 1)]
    missing = [p.name for p in svgs if not p.exists()]
    assert not missing, f"mermaid-cli drew no {missing}"
    return [p.read_bytes() for p in svgs]
