"""The catalog: entries (data) joined with their detectors (code), built-in and from plugins.

Plugins
-------
A distribution adds entries and detectors through the entry-point group ``archkit.patterns``::

    [project.entry-points."archkit.patterns"]
    acme = "acme_archkit:plugin"

The entry point names a callable taking no arguments that returns a :class:`Plugin`. A plugin that
fails to import, to run, or whose entries are invalid is skipped with a warning naming it; the
rest of the catalog carries on. ``ARCHKIT_DISABLE_PLUGINS=1`` turns plugin loading off.
"""

from __future__ import annotations

import importlib.resources
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.abc import Traversable
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ._entry import CatalogError, CatalogProblem, Entry, parse_entry
from ._registry import BUILTIN, DetectorFn, Registry

__all__ = [
    "Plugin",
    "Catalog",
    "PluginWarning",
    "ENTRY_POINT_GROUP",
    "DISABLE_ENV",
    "builtin_entries",
    "load_catalog",
    "default_catalog",
]

ENTRY_POINT_GROUP = "archkit.patterns"
DISABLE_ENV = "ARCHKIT_DISABLE_PLUGINS"


class PluginWarning(UserWarning):
    """A catalog plugin could not be loaded and was skipped."""


@dataclass
class Plugin:
    """What a catalog plugin contributes.

    Args:
        name: Plugin name used in messages.
        entries: Entry files (paths or importlib Traversables) or folders holding ``*.md`` entries.
        detectors: Detector functions by entry id.
    """

    name: str
    entries: list[Path | Traversable] = field(default_factory=list)
    detectors: dict[str, DetectorFn] = field(default_factory=dict)


def _entry_files(sources: Iterable[Path | Traversable]) -> list[Traversable | Path]:
    out: list[Traversable | Path] = []
    for src in sources:
        if src.is_dir():
            out += sorted((f for f in src.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
        else:
            out.append(src)
    return out


def _read_entries(files: Iterable[Traversable | Path], origin_prefix: str = "") -> list[Entry]:
    entries: list[Entry] = []
    problems: list[CatalogProblem] = []
    for f in files:
        origin = f"{origin_prefix}{f.name}"
        try:
            entry = parse_entry(f.read_text(encoding="utf-8"), origin)
        except CatalogError as exc:
            problems += exc.problems
            continue
        if entry.id + ".md" != f.name:
            problems.append(
                CatalogProblem(origin=origin, key="id", message=f"id '{entry.id}' must match the file name '{f.name}'")
            )
            continue
        entries.append(entry)
    if problems:
        raise CatalogError(problems)
    return entries


@lru_cache(maxsize=1)
def builtin_entries() -> tuple[Entry, ...]:
    """The entries shipped with archkit (the ``patterns/`` folder, installed as ``archkit._patterns``)."""
    root = importlib.resources.files("archkit._patterns")
    return tuple(_read_entries(_entry_files([root])))


class Catalog:
    """Entries and detectors, looked up by id."""

    def __init__(self, entries: Iterable[Entry], registry: Registry, plugins: Iterable[str] = ()) -> None:
        self.entries: dict[str, Entry] = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
        self.registry = registry
        self.plugins = list(plugins)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry:
        """The entry with this id (KeyError if none)."""
        return self.entries[entry_id]

    def select(self, kinds: Iterable[str] | None = None) -> list[Entry]:
        """Entries of the given kinds (all if None), sorted by id."""
        wanted = set(kinds) if kinds else None
        return [e for e in self.entries.values() if wanted is None or e.kind in wanted]

    def rules(self) -> list[Entry]:
        """Anti-patterns and checks: the lint rules."""
        return [e for e in self.entries.values() if e.is_rule]

    def detector(self, entry_id: str) -> DetectorFn:
        """The detector of an entry."""
        return self.registry.get(entry_id)

    def consistency_problems(self) -> list[str]:
        """Entries without detectors, detectors without entries, and related ids that do not exist."""
        out = [f"entry '{i}' has no detector" for i in self.entries if i not in self.registry]
        out += [f"detector '{i}' has no entry" for i in self.registry.ids() if i not in self.entries]
        for e in self.entries.values():
            out += [f"entry '{e.id}' relates to unknown entry '{r}'" for r in e.related if r not in self.entries]
        return out


def _load_plugin(name: str, factory: Callable[[], Plugin], entries: dict[str, Entry], registry: Registry) -> bool:
    plugin = factory()
    if not isinstance(plugin, Plugin):
        raise TypeError(f"the entry point must return archkit.catalog.Plugin, got {type(plugin).__name__}")
    new = _read_entries(_entry_files(plugin.entries), origin_prefix=f"{name}:")
    clash = [e.id for e in new if e.id in entries] + [i for i in plugin.detectors if i in registry]
    if clash:
        raise ValueError(f"ids already taken by the built-in catalog: {', '.join(sorted(set(clash)))}")
    ids = {e.id for e in new}
    orphans = sorted(set(plugin.detectors) ^ ids)
    if orphans:
        raise ValueError(
            f"every plugin entry needs a detector and every detector an entry; unmatched: {', '.join(orphans)}"
        )
    for e in new:
        entries[e.id] = e
    for i, fn in plugin.detectors.items():
        registry.register(i, fn)
    return True


def load_catalog(plugins: bool | None = None) -> Catalog:
    """Build the catalog from the built-in entries and detectors plus installed plugins.

    Args:
        plugins: Load plugins from the ``archkit.patterns`` entry-point group. None (default) loads
            them unless the environment variable ``ARCHKIT_DISABLE_PLUGINS`` is set to 1/true/yes.
    """
    from . import _detectors  # noqa: F401  - registers the built-in detectors

    entries = {e.id: e for e in builtin_entries()}
    registry = BUILTIN.copy()
    if plugins is None:
        plugins = os.environ.get(DISABLE_ENV, "").strip().lower() not in ("1", "true", "yes", "on")
    loaded: list[str] = []
    if plugins:
        from importlib.metadata import entry_points

        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            trial_entries, trial_registry = dict(entries), registry.copy()
            try:
                _load_plugin(ep.name, ep.load(), trial_entries, trial_registry)
            except Exception as exc:  # a broken plugin must not take the catalog down
                warnings.warn(
                    f"archkit catalog plugin '{ep.name}' ({ep.value}) was skipped: {exc}", PluginWarning, stacklevel=2
                )
                continue
            entries, registry = trial_entries, trial_registry
            loaded.append(ep.name)
    return Catalog(entries.values(), registry, loaded)


_DEFAULT: Catalog | None = None


def default_catalog() -> Catalog:
    """The catalog with plugins (per the environment), built once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_catalog()
    return _DEFAULT
