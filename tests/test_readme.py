"""The README opens with the two commands that set up and run everything, and carries no leftovers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "examples").glob("*/README.md"))]


def test_readme_opens_with_exactly_the_review_and_the_test_command():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first is not None and text.index(first.group(0)) < text.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines() if line.strip()]
    assert commands == ["./run review", "./run test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in ci


def test_no_document_carries_merge_markers():
    for path in DOCS:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.match(r"(<{7}|={7}|>{7})( |$)", line), f"{path.relative_to(ROOT)}:{n}: {line}"
