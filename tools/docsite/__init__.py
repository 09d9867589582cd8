"""The documentation site's generated pages: catalog, CLI and API references, analyses, gallery.

MkDocs runs :mod:`tools.docsite.hooks` (named in mkdocs.yml); the hooks call :func:`build`, which
returns every generated page as text (and the gallery's drawings as bytes) together with the
navigation entries that list them. Nothing here is written into ``docs/``: the pages exist only
in the built site, so they cannot drift from the code, the catalog or the examples they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Section:
    """A group of generated pages and its place in the navigation."""

    title: str
    index: str  # the page the hand-written nav points at; it becomes the section's first page
    pages: dict[str, str | bytes] = field(default_factory=dict)  # path under docs -> content
    nav: list[dict[str, str]] = field(default_factory=list)  # [{title: path}] after the index page


def build() -> list[Section]:
    """Every generated section, in the order of the navigation."""
    from . import analyses, api, catalog, cli, gallery

    examples = gallery.Examples()  # reviewed once per build, shared by the catalog and the gallery
    return [analyses.section(), catalog.section(examples), cli.section(), api.section(), gallery.section(examples)]
