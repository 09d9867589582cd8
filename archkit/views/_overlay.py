"""Analysis overlays for the dataflow and flow views: latency verdicts, per-step breakdowns, link load.

The analyses live in :mod:`archkit.analysis` (latency: docs/analyses.md; link load: per link
instance, so traffic into a shared cloud link adds up over the users active at peak). This module
reads their results into the small shapes the views need; it computes nothing itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import System

__all__ = ["Overlay", "FlowBreakdown", "LinkOverlay", "analysis_overlay", "VERDICT_ORDER", "LINK_VERDICT_ORDER"]

VERDICT_ORDER = ("meets", "no budget", "unknown", "at risk", "violates")
LINK_VERDICT_ORDER = ("down", "ok", "unknown", "at risk", "violates")


@dataclass(frozen=True)
class FlowBreakdown:
    """What the flow view shows from the latency analysis: per-step texts, the total and the verdict."""

    verdict: str | None
    total_text: str | None
    step_texts: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkOverlay:
    """Load on a link in its busier direction: worst-case utilisation (None if unknown), text and verdict."""

    utilisation: float | None
    load_text: str
    verdict: str


@dataclass(frozen=True)
class Overlay:
    """Analysis results for one placement, keyed by flow id and link id."""

    verdicts: dict[str, str] = field(default_factory=dict)
    flows: dict[str, FlowBreakdown] = field(default_factory=dict)
    links: dict[str, LinkOverlay] = field(default_factory=dict)


def analysis_overlay(
    system: System, variant: str | None = None, *, flow: str | None = None, links: bool = True
) -> Overlay:
    """Latency verdicts, per-step breakdowns and link loads from archkit.analysis, for one placement.

    Args:
        system: the model.
        variant: the placement (None: the base placement).
        flow: analyse only this flow (the flow view needs no other).
        links: include the link-load analysis.
    """
    from ..analysis import AnalysisContext, flow_latency, latency, link_load

    ctx = AnalysisContext(system, variant)
    flow_results = [flow_latency(ctx, flow)] if flow is not None else latency(ctx).flows
    verdicts: dict[str, str] = {}
    flows: dict[str, FlowBreakdown] = {}
    for f in flow_results:
        verdicts[f.flow] = f.verdict
        steps = []
        for s in f.steps:
            parts = []
            if not (s.network.total.known and (s.network.total.worst or 0) == 0):
                parts.append(f"network {s.network.total.text()}")
            parts.append(f"compute {s.processing.text()}")
            if s.queueing is not None and s.queueing.wait.known and (s.queueing.wait.worst or 0) > 0:
                parts.append(f"queue {s.queueing.wait.text()}")
            steps.append(" + ".join(parts) + f" = {s.total.text()}")
        flows[f.flow] = FlowBreakdown(f.verdict, f.total.text(), tuple(steps), tuple(f.caveats))
    loads: dict[str, LinkOverlay] = {}
    by_link: dict[str, list] = {}
    for d in link_load(ctx).links if links else ():
        by_link.setdefault(d.link, []).append(d)
    for lid in sorted(by_link):
        dirs = by_link[lid]
        verdict = max((d.verdict for d in dirs), key=LINK_VERDICT_ORDER.index)
        known = [d for d in dirs if d.utilisation.known]
        if verdict == "down":
            loads[lid] = LinkOverlay(None, "down", "down")
        elif len(known) < len(dirs) or not known:
            loads[lid] = LinkOverlay(None, "unknown", "unknown")
        else:
            busiest = max(known, key=lambda d: (d.utilisation.worst, d.from_node))
            u = busiest.utilisation.worst
            loads[lid] = LinkOverlay(
                u if u is not None and not math.isnan(u) else None,
                f"{busiest.load.text()} {busiest.from_node}->{busiest.to_node}",
                verdict,
            )
    return Overlay(verdicts, flows, loads)
