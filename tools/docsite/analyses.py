"""One page per analysis, cut from docs/analyses.md (the sections titled with their module).

docs/analyses.md stays the one source of the formulas; in the site it keeps its general sections
(command, words and units, JSON, primitives) and links to a page per analysis.
"""

from __future__ import annotations

import re

from . import ROOT, Section
from .text import slug

SOURCE = ROOT / "docs" / "analyses.md"
HEADING = re.compile(r"^## (?P<title>.+?) \(`(?P<module>archkit\.analysis\.[\w.]+)`\)\s*$", re.M)


def split(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(the page without the analysis sections, [(title, module, section text)])."""
    parts = re.split(r"(?m)^(?=## )", text)
    rest, found = [], []
    for part in parts:
        m = HEADING.match(part)
        if m:
            found.append((m.group("title"), m.group("module"), part))
        else:
            rest.append(part)
    return "".join(rest), found


def page_path(title: str) -> str:
    return f"analyses/{slug(title)}.md"


def overview(text: str) -> str:
    """docs/analyses.md as the site shows it: the general sections and a list of the analyses."""
    rest, found = split(text)
    listing = "\n## The analyses\n\n" + "".join(
        f"* [{title}]({page_path(title)}) (`{module}`)\n" for title, module, _ in found)
    head, sep, tail = rest.partition("\n## ")
    return head + listing + "\n" + sep.lstrip("\n") + tail if sep else rest + listing


def section() -> Section:
    text = SOURCE.read_text()
    _, found = split(text)
    s = Section("Analyses", "analyses.md")
    for title, module, body in found:
        path = page_path(title)
        body = body.replace("## ", "# ", 1)
        body += ("\n\nThe words used here (devices, peak devices, instances, usage hours, month) are "
                 "defined in [Words and units](../analyses.md#words-and-units).\n")
        s.pages[path] = body
        s.nav.append({title: path})
    return s
