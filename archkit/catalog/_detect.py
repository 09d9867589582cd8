"""Running detectors over a system: every placement (the base and each variant), results merged.

A detector runs once per placement. Hits that are the same in several placements (same entry,
status, elements and message) are merged into one :class:`Detection` listing the placements, so a
structural finding appears once while a placement-specific one names its variants.
"""

from __future__ import annotations

import gc
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

from ..model import Location, System, SystemGraph
from ._catalog import Catalog, default_catalog
from ._context import Context
from ._registry import ElementRef

__all__ = ["BASE", "Detection", "ElementInfo", "DetectorCrashWarning", "detect", "placements_of"]

BASE = "base"
"""Name used for the system's base placement in results."""


class DetectorCrashWarning(UserWarning):
    """A detector raised an exception; its entry is reported as unknown."""


@dataclass(frozen=True)
class ElementInfo:
    """An element involved in a detection, with where it was declared."""

    ref: ElementRef
    location: Location | None

    def to_dict(self) -> dict[str, object]:
        """JSON form: type, id, file, line."""
        loc = self.location
        return {
            "type": self.ref.type,
            "id": self.ref.id,
            "file": loc.file if loc is not None else None,
            "line": loc.line if loc is not None else None,
        }


@dataclass
class Detection:
    """One (anti-)pattern occurrence or one undecidable case, over one or more placements."""

    entry_id: str
    status: Literal["found", "unknown"]
    elements: tuple[ElementInfo, ...]
    message: str
    placements: list[str] = field(default_factory=list)
    severity: str | None = None
    fix: str | None = None

    @property
    def location(self) -> Location | None:
        """Location of the first element that has one."""
        for e in self.elements:
            if e.location is not None and e.location.file:
                return e.location
        return None

    @property
    def refs(self) -> tuple[ElementRef, ...]:
        """The involved elements' references."""
        return tuple(e.ref for e in self.elements)


def placements_of(system: System) -> list[str | None]:
    """The base placement (None) and every declared variant."""
    return [None, *system.variant_names]


def detect(
    system: System,
    catalog: Catalog | None = None,
    *,
    ids: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    timings: dict[str, float] | None = None,
    placements: Iterable[str] | None = None,
) -> list[Detection]:
    """Run detectors over every placement of a system.

    Args:
        system: A validated system.
        catalog: The catalog to use (default: built-in plus plugins).
        ids: Only these entry ids.
        kinds: Only entries of these kinds (pattern, anti-pattern, check).
        timings: If given, filled with seconds spent per entry id.
        placements: Only these placements ("base" and/or variant names); default all.

    Returns:
        Detections sorted by entry id, status, then elements.
    """
    with _cycle_collector_paused():
        return _detect(system, catalog, ids, kinds, timings, placements)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while detectors run.

    Detection creates many short-lived acyclic objects (freed by reference counting); on a large
    model each automatic full collection walks the whole model again. Restored however the block exits.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _detect(
    system: System,
    catalog: Catalog | None,
    ids: Iterable[str] | None,
    kinds: Iterable[str] | None,
    timings: dict[str, float] | None,
    placements: Iterable[str] | None,
) -> list[Detection]:
    cat = catalog or default_catalog()
    entries = cat.select(kinds)
    if ids is not None:
        wanted = set(ids)
        entries = [e for e in entries if e.id in wanted]
    merged: dict[tuple, Detection] = {}
    shared: dict = {}
    chosen = placements_of(system)
    if placements is not None:
        wanted = set(placements)
        unknown = sorted(wanted - {v or BASE for v in chosen})
        if unknown:
            from ..errors import UsageError
            from ..model import suggest

            close = suggest(unknown[0], [v or BASE for v in chosen])
            raise UsageError(
                f"unknown placement '{unknown[0]}'; "
                + (
                    f"did you mean '{close}'?"
                    if close
                    else f"use '{BASE}' or a variant: {', '.join(system.variant_names) or 'none declared'}"
                )
            )
        chosen = [v for v in chosen if (v or BASE) in wanted]
    names = [v or BASE for v in chosen]
    first = chosen[0] if chosen else None
    for variant in chosen:
        ctx = Context(system, variant, SystemGraph(system, variant), shared)
        pname = variant or BASE
        for entry in entries:
            if entry.id not in cat.registry:
                continue
            once = not cat.registry.per_placement(entry.id)
            if once and variant != first:
                continue  # ran on the first placement; its hits hold everywhere
            t0 = time.perf_counter()
            try:
                hits = list(cat.detector(entry.id)(ctx))
            except Exception as exc:  # a faulty (plugin) detector must not stop the others
                warnings.warn(
                    f"detector '{entry.id}' failed on placement '{pname}': {type(exc).__name__}: {exc}",
                    DetectorCrashWarning,
                    stacklevel=2,
                )
                hits = [ctx.unknown([], f"the detector failed: {type(exc).__name__}: {exc}")]
            if timings is not None:
                timings[entry.id] = timings.get(entry.id, 0.0) + time.perf_counter() - t0
            for h in hits:
                key = (entry.id, h.status, h.elements, h.message)
                det = merged.get(key)
                if det is None:
                    infos = tuple(ElementInfo(r, ctx.location(r)) for r in h.elements)
                    det = merged[key] = Detection(entry.id, h.status, infos, h.message, [], h.severity, h.fix)
                for p in names if once else [pname]:
                    if p not in det.placements:
                        det.placements.append(p)
    return sorted(merged.values(), key=lambda d: (d.entry_id, d.status, [str(r) for r in d.refs], d.message))
