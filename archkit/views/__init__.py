"""Views of a model: logical, deployment, dataflow, one flow, and two placements side by side.

Every diagram comes from the one model and carries a legend. Build a :class:`View` with
:func:`build_view` (or the per-view functions), then draw it with :meth:`View.render` in svg, png,
pdf, dot or mermaid, in the plain graphviz style or the icon style (``pip install
'archkit[diagrams]'``). In a notebook a View, and a DSL System, display inline.

View specs (as on the command line)::

    logical                  components and connectors
    deployment               nodes as nested clusters, links, placement (of --variant)
    dataflow                 payload x rate, link utilisation, flow verdicts (of --variant)
    flow:NAME                one flow's path with its per-step latency breakdown (of --variant)
    compare:V1,V2            two placements side by side ('base' for the base placement)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..model import System, suggest
from ._compare import compare_view
from ._dataflow import dataflow_view
from ._deployment import deployment_view
from ._flow import flow_view
from ._graph import Box, Group, LegendEntry, Line, View
from ._logical import logical_view
from ._render import FORMATS, STYLES, GraphvizError, GraphvizTimeout, render_view
from ._style import BoxStyle, LineStyle, component_style, connector_style, tier_of

__all__ = [
    "View",
    "Box",
    "Group",
    "Line",
    "LegendEntry",
    "logical_view",
    "deployment_view",
    "dataflow_view",
    "flow_view",
    "compare_view",
    "build_view",
    "view_specs",
    "render_view",
    "render_all",
    "notebook_svg",
    "RenderedFile",
    "VIEW_KINDS",
    "FORMATS",
    "STYLES",
    "GraphvizError",
    "GraphvizTimeout",
    "render",
    "BoxStyle",
    "LineStyle",
    "component_style",
    "connector_style",
    "tier_of",
]

VIEW_KINDS = ("logical", "deployment", "dataflow", "flow", "compare")


def _check_variant(system: System, variant: str | None) -> str | None:
    if variant is None or variant == "base":
        return None
    if variant not in system.variant_names:
        close = suggest(variant, system.variant_names)
        hint = (
            f"did you mean '{close}'?"
            if close
            else f"declared variants: {', '.join(system.variant_names) or 'none'} (or 'base')"
        )
        raise UsageError(f"unknown variant '{variant}'; {hint}")
    return variant


def build_view(system: System, spec: str, variant: str | None = None, *, analysis: Any = None) -> View:
    """Build the view named by ``spec`` (see the module docstring) for a placement.

    Args:
        system: a validated model.
        spec: 'logical', 'deployment', 'dataflow', 'flow:NAME' or 'compare:V1,V2'.
        variant: placement for deployment, dataflow and flow views (None or 'base': the base one).
        analysis: overlay data for dataflow and flow views (:class:`archkit.views._overlay.Overlay`);
            by default it is computed with ``archkit.analysis`` (latency verdicts, per-step latency,
            link load).

    Raises:
        UsageError: unknown view, flow or variant, with the choices.
    """
    kind, _, arg = spec.partition(":")
    v = _check_variant(system, variant)
    if kind == "logical" and not arg:
        return logical_view(system)
    if kind == "deployment" and not arg:
        return deployment_view(system, v)
    if kind == "dataflow" and not arg:
        from ._overlay import analysis_overlay

        ov = analysis if analysis is not None else analysis_overlay(system, v)
        return dataflow_view(system, v, overlay=ov)
    if kind == "flow":
        ids = [f.id for f in system.flows]
        if arg not in ids:
            close = suggest(arg, ids) if arg else None
            hint = f"did you mean 'flow:{close}'?" if close else f"flows: {', '.join(ids) or 'none declared'}"
            raise UsageError(f"unknown flow '{arg}' in view '{spec}'; {hint}")
        from ._overlay import analysis_overlay

        ov = analysis if analysis is not None else analysis_overlay(system, v, flow=arg, links=False)
        return flow_view(system, arg, v, breakdown=ov.flows.get(arg) if ov is not None else None)
    if kind == "compare":
        parts = [p.strip() for p in arg.split(",")]
        if len(parts) != 2 or not all(parts):
            raise UsageError(f"'{spec}' names no two placements; write compare:V1,V2 (variant names or 'base')")
        return compare_view(system, _check_variant(system, parts[0]), _check_variant(system, parts[1]))
    raise UsageError(f"unknown view '{spec}'; use logical, deployment, dataflow, flow:NAME or compare:V1,V2")


def render(
    system: System, view: str = "deployment", variant: str | None = None, *, format: str = "svg", style: str = "plain"
) -> bytes:
    """Draw one view of a system: :func:`build_view` then :meth:`View.render`.

    Args:
        system: a validated model.
        view: 'logical', 'deployment' (default), 'dataflow', 'flow:NAME' or 'compare:V1,V2'.
        variant: the placement to draw (None or 'base': the base one).
        format: svg (default), png, pdf, dot or mermaid.
        style: plain (graphviz, default) or icons (``pip install 'archkit[diagrams]'``).

    Raises:
        UsageError: unknown view, flow, variant, format or style.
        GraphvizError: graphviz could not draw the view.
    """
    return build_view(system, view, variant).render(format, style)


def view_specs(system: System) -> list[str]:
    """Every view worth drawing for a system: logical, deployment, dataflow, each flow, and each
    variant compared with the base placement."""
    specs = ["logical", "deployment", "dataflow"]
    specs += [f"flow:{f.id}" for f in system.flows]
    specs += [f"compare:base,{v}" for v in system.variant_names if system.placement_for(v) != system.placement]
    return specs


@dataclass(frozen=True)
class RenderedFile:
    """One file written by :func:`render_all`."""

    spec: str
    path: str
    format: str
    bytes: int


def _file_name(spec: str, variant: str | None, fmt: str) -> str:
    import re

    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", spec.replace(":", "-").replace(",", "-vs-"))
    if variant:
        base += "@" + re.sub(r"[^A-Za-z0-9_.-]+", "_", variant)
    return f"{base}.{'mmd' if fmt == 'mermaid' else fmt}"


def render_all(
    system: System,
    out_dir: str,
    *,
    formats: tuple[str, ...] = ("svg",),
    style: str = "plain",
    variant: str | None = None,
    layout: str | None = None,
) -> list[RenderedFile]:
    """Draw every view of :func:`view_specs` into ``out_dir`` (atomic writes), one file per format."""
    import os

    from ..io import write_atomic

    out: list[RenderedFile] = []
    for spec in view_specs(system):
        view = build_view(system, spec, None if spec.startswith("compare:") else variant)
        for fmt in formats:
            data = view.render(fmt, style, layout)
            path = os.path.join(
                out_dir, _file_name(spec, None if spec.startswith(("compare:", "logical")) else variant, fmt)
            )
            write_atomic(path, data)
            out.append(RenderedFile(spec, path, fmt, len(data)))
    return out


def notebook_svg(system: System) -> str | None:
    """SVG of a system's deployment view for notebooks (None when graphviz cannot draw it)."""
    try:
        return deployment_view(system).svg()
    except GraphvizError:
        return None
