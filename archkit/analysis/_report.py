"""Every analysis of a system for one variant or for all of them, with its assumptions and a JSON form.

The JSON form (``Report.to_dict()``) is documented in docs/analyses.md and kept stable: its
top-level ``schema`` names the version ("archkit.analysis/1"); fields are only ever added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .._gc import collector_paused
from ..model import System
from ._availability import AvailabilityResult, availability
from ._capacity import CapacityResult, capacity
from ._common import Options
from ._context import AnalysisContext
from ._cost import CostResult, cost
from ._latency import LatencyResult, latency
from ._links import LinkLoadResult, link_load
from ._privacy import PrivacyResult, privacy
from ._resources import ResourcesResult, resources
from ._updates import UpdatesResult, updates
from ._verdicts import variant_verdicts

__all__ = [
    "SCHEMA",
    "ANALYSES",
    "VariantReport",
    "Report",
    "analyze",
    "analyze_all",
    "every_placement",
    "missing_inputs",
]

SCHEMA = "archkit.analysis/1"

ANALYSES: tuple[str, ...] = ("latency", "links", "cost", "availability", "updates", "resources", "capacity", "privacy")
"""The analyses a report holds, in report order."""


@dataclass(frozen=True)
class VariantReport:
    """All analyses of one variant (None: the base placement)."""

    variant: str | None
    latency: LatencyResult
    links: LinkLoadResult
    cost: CostResult
    availability: AvailabilityResult
    updates: UpdatesResult
    resources: ResourcesResult
    capacity: CapacityResult
    privacy: PrivacyResult

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the variant and one key per analysis (each without its own 'variant' key)."""
        out: dict[str, Any] = {"variant": self.variant}
        for name in ANALYSES:
            d = getattr(self, name).to_dict()
            d.pop("variant", None)
            out[name] = d
        out["verdicts"] = variant_verdicts(self).to_dict()
        out["missing_inputs"] = missing_inputs(out)
        return out


@dataclass(frozen=True)
class Report:
    """The analyses of a system for one or more variants, with the assumptions they rest on."""

    system: str
    users: int | None
    assumptions: dict[str, str]
    variants: list[VariantReport]

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON form (docs/analyses.md)."""
        return {
            "schema": SCHEMA,
            "system": self.system,
            "users": self.users,
            "assumptions": dict(self.assumptions),
            "variants": [v.to_dict() for v in self.variants],
        }


def analyze(
    system: System,
    variant: str | None = None,
    options: Options | None = None,
    timer: Callable[[str], Any] | None = None,
    *,
    shared: dict[tuple[Any, ...], Any] | None = None,
) -> VariantReport:
    """Run every analysis for one variant (None: the base placement).

    ``timer``, if given, is called with each analysis name and must return a context manager
    (the benchmark uses it to time each stage). ``shared`` is the shared memo of the system's
    analysis contexts (:attr:`AnalysisContext.shared`), when several placements are analysed.
    """
    with collector_paused():
        return _analyze(AnalysisContext(system, variant, shared=shared), options or Options(), timer)


def _analyze(ctx: AnalysisContext, opts: Options, timer: Callable[[str], Any] | None) -> VariantReport:
    def run(name: str, fn: Callable[[], Any]) -> Any:
        if timer is None:
            return fn()
        with timer(name):
            return fn()

    lat = run("latency", lambda: latency(ctx, options=opts))
    lnk = run("links", lambda: link_load(ctx, options=opts))
    cap = run("capacity", lambda: capacity(ctx, options=opts))
    upd = run("updates", lambda: updates(ctx, options=opts))
    cst = run("cost", lambda: cost(ctx, options=opts, caps=cap, loads=lnk, ups=upd))
    av = run("availability", lambda: availability(ctx, options=opts))
    res = run("resources", lambda: resources(ctx, options=opts))
    prv = run("privacy", lambda: privacy(ctx, options=opts))
    return VariantReport(ctx.variant, lat, lnk, cst, av, upd, res, cap, prv)


def every_placement(system: System) -> list[str | None]:
    """The base placement (None), unless a declared variant is the same placement, then every variant.

    A variant is the base placement when it moves nothing and takes no link down; then the base
    is analysed under the variant's name only, so no placement is counted twice.
    """
    same = any(
        system.placement_for(v) == system.placement and not system.links_down_for(v) for v in system.variant_names
    )
    return ([] if same else [None]) + list(system.variant_names)


def analyze_all(
    system: System,
    variants: Iterable[str | None] | None = None,
    options: Options | None = None,
    timer: Callable[[str], Any] | None = None,
) -> Report:
    """Every analysis for the given variants (default: :func:`every_placement`)."""
    opts = options or Options()
    names: list[str | None] = list(variants) if variants is not None else every_placement(system)
    shared: dict[tuple[Any, ...], Any] = {}
    return Report(
        system.name,
        opts.users_for(system),
        opts.assumptions(system),
        [analyze(system, v, opts, timer, shared=shared) for v in names],
    )


def missing_inputs(data: Any) -> list[str]:
    """Every distinct 'declare ...' message found in a JSON form, in first-seen order."""
    seen: dict[str, None] = {}

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            m = x.get("missing")
            if isinstance(m, list):
                for s in m:
                    if isinstance(s, str):
                        seen.setdefault(s, None)
            for k, v in x.items():
                if k != "missing_inputs":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)
    return list(seen)
