"""Deployment view: where each component runs, for the base placement or any variant.

Deployment nodes are clusters nested in their tier (user devices, edge, cloud), ranked left to
right; each component sits inside the node it is placed on, with its processing or inference time
there. Network links join the node clusters and are labelled with medium, bandwidth and one-way
latency; links that are down in the variant are drawn grey and dotted.
"""

from __future__ import annotations

from ..model import System
from ._build import Canvas, connector_line, deployment, legend, rank_of
from ._graph import View

__all__ = ["deployment_view"]


def placement_title(system: System, variant: str | None) -> str:
    """'variant all-in-cloud: Both models in the cloud' or 'base placement'."""
    if variant is None:
        return "base placement"
    v = system.variant(variant)
    return f"variant {v.name}" + (f": {v.description}" if v.description else "")


def deployment_view(system: System, variant: str | None = None) -> View:
    """The deployment view of a system under the base placement or a variant."""
    canvas = Canvas()
    boxes = deployment(canvas, system, variant)
    placement = system.placement_for(variant)
    rank = rank_of(system, placement)
    for e in sorted(system.connectors, key=lambda e: (e.source, e.target, e.id)):
        if e.source not in boxes or e.target not in boxes:
            continue
        connector_line(
            canvas, e, f"e:{e.id}", boxes[e.source], boxes[e.target], constraint=rank[e.source] <= rank[e.target]
        )
    name = "deployment" if variant is None else f"deployment@{variant}"
    return View(
        name,
        f"{system.name}: deployment view",
        canvas.boxes,
        canvas.groups,
        canvas.lines,
        legend(canvas),
        [placement_title(system, variant)],
    )
