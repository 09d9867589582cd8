"""MkDocs hooks (named in mkdocs.yml): add the generated pages and their navigation to the build.

* ``on_config``: generate every section once (see :func:`tools.docsite.build`) and put its pages in
  the navigation where the hand-written nav names the section's index page;
* ``on_files``: add the generated pages as files of the build;
* ``on_page_markdown``: show docs/analyses.md without the sections that have their own page.

A page in docs/ that the nav does not list fails the strict build (``validation.nav.omitted_files``
in mkdocs.yml), so a new page cannot be forgotten.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tools.docsite import analyses, build  # noqa: E402

_state: dict[str, Any] = {}  # the sections of the current build, made in on_config


def _expand(nav: list[Any], by_index: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if isinstance(value, str) and value in by_index:
                sec = by_index[value]
                out.append({title: [value, *sec.nav]})
            elif isinstance(value, list):
                out.append({title: _expand(value, by_index)})
            else:
                out.append(item)
        else:
            out.append(item)
    return out


def on_config(config: Any, **kwargs: Any) -> Any:
    sections = build()
    _state["sections"] = sections
    by_index = {s.index: s for s in sections}
    missing = [s.index for s in sections if not _in_nav(config["nav"] or [], s.index)]
    if missing:
        raise SystemExit(f"mkdocs.yml: the nav must name the generated sections' pages: {', '.join(missing)}")
    config["nav"] = _expand(config["nav"], by_index)
    return config


def _in_nav(nav: list[Any], path: str) -> bool:
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if value == path or (isinstance(value, list) and _in_nav(value, path)):
            return True
    return False


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    from mkdocs.structure.files import File

    for sec in _state["sections"]:
        for path, content in sec.pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if page.file.src_uri == "analyses.md":
        return analyses.overview(markdown)
    return markdown
