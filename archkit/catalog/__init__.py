"""The pattern catalog: entries (``patterns/*.md``), their detectors, templates and lint.

Public face::

    from archkit.catalog import load_catalog, detect, lint
    cat = load_catalog()
    for d in detect(system, cat, kinds=["pattern"]):
        print(d.entry_id, d.message)
"""

from __future__ import annotations

from ._catalog import (
    DISABLE_ENV,
    ENTRY_POINT_GROUP,
    Catalog,
    Plugin,
    PluginWarning,
    builtin_entries,
    default_catalog,
    load_catalog,
)
from ._context import Context
from ._detect import BASE, Detection, detect
from ._entry import QUALITIES, CatalogError, CatalogProblem, Effects, Entry, parse_entry
from ._formats import to_json, to_junit, to_sarif
from ._formats.text import print_text
from ._lint import Finding, LintResult, lint, read_baseline, write_baseline
from ._lint_config import LintConfig, find_config, load_config
from ._registry import ElementRef, Hit, Registry, detector

__all__ = [
    "BASE",
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "QUALITIES",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Context",
    "Detection",
    "Effects",
    "ElementRef",
    "Entry",
    "Finding",
    "Hit",
    "LintConfig",
    "LintResult",
    "Plugin",
    "PluginWarning",
    "Registry",
    "builtin_entries",
    "default_catalog",
    "detect",
    "detector",
    "lint",
    "load_catalog",
    "parse_entry",
    "print_text",
    "find_config",
    "load_config",
    "read_baseline",
    "write_baseline",
    "to_json",
    "to_junit",
    "to_sarif",
]
