"""The pattern catalog: entries (``patterns/*.md``), their detectors, templates and lint.

Public face::

    from archkit.catalog import load_catalog, detect, lint
    cat = load_catalog()
    for d in detect(system, cat, kinds=["pattern"]):
        print(d.entry_id, d.message)
"""

from __future__ import annotations

from .catalog import DISABLE_ENV, ENTRY_POINT_GROUP, Catalog, Plugin, PluginWarning, builtin_entries, default_catalog, load_catalog
from .context import Context
from .detect import BASE, Detection, detect
from .entry import QUALITIES, CatalogError, CatalogProblem, Effects, Entry, parse_entry
from .lint import Finding, LintResult, lint
from .lint_config import LintConfig
from .registry import ElementRef, Hit, Registry, detector

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
]
