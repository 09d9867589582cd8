"""Flow view: the path of one scenario, step by step, with where its time goes.

The components a flow passes through sit in their deployment nodes (for the chosen placement);
the steps are numbered lines. A breakdown box lists, per step, the network hops it crosses (medium,
one-way latency, time to send the payload at the link's bandwidth) and the time the receiving
component takes on its node. With a latency analysis (archkit.analysis) the box also gives the
per-step totals, the end-to-end figure, the budget and the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._words import count
from ..model import Connector, Flow, System, SystemGraph
from . import _style as st
from ._build import Canvas, component_box, connector_line, legend, node_summary, rank_of, sorted_nodes, time_on
from ._deployment import placement_title
from ._graph import Box, Group, LegendEntry, Line, View

if TYPE_CHECKING:
    from ._overlay import FlowBreakdown

__all__ = ["flow_view", "step_rows"]


def _seconds(lo: float, hi: float) -> str:
    def one(x: float) -> str:
        ms = x * 1e3
        return f"{ms:.3g}"

    return f"{one(lo)} ms" if lo == hi else f"{one(lo)}..{one(hi)} ms"


def step_rows(system: System, flow_id: str, variant: str | None = None) -> list[str]:
    """One text row per step of a flow: the hops it crosses and the receiver's time, as declared."""
    graph = SystemGraph(system, variant)
    flow = system.flow(flow_id)
    rows = []
    for i, sid in enumerate(flow.steps, 1):
        c = graph.connectors[sid]
        parts = []
        hops = graph.connector_route(c)
        if hops is None:
            parts.append("no route (unplaced or links down)")
        elif not hops:
            parts.append("same node")
        for h in hops or []:
            lk = h.link
            lat = str(lk.latency) if lk.latency is not None else "latency ?"
            send = ""
            if c.request_size is not None and lk.bandwidth is not None:
                bw = lk.bandwidth_from(h.source)
                send = f" + send {_seconds(c.request_size.lo * 8 / bw.hi, c.request_size.hi * 8 / bw.lo)}"
            parts.append(f"{lk.medium} {lat}{send}")
        target = graph.components[c.target]
        t = time_on(target, graph.node_of(c.target))
        parts.append(f"{target.label} {t}" if t else f"{target.label} time ?")
        rows.append(f"{i}. {c.source} -> {c.target} ({c.kind.replace('_', ' ')}): " + "; ".join(parts))
    return rows


def flow_view(system: System, flow_id: str, variant: str | None = None, breakdown: FlowBreakdown | None = None) -> View:
    """The view of one flow under a placement.

    Args:
        system: the model.
        flow_id: the flow's id.
        variant: a variant name, or None for the base placement.
        breakdown: the flow's :class:`archkit.views._overlay.FlowBreakdown` from the latency analysis;
            adds per-step totals, the end-to-end time and the verdict (and colours the steps by it).
    """
    flow = system.flow(flow_id)
    graph = SystemGraph(system, variant)
    canvas = Canvas()
    on_path = _components_on(flow, graph)
    boxes = _component_boxes(canvas, system, graph, on_path)
    verdict = breakdown.verdict if breakdown is not None else None
    colour = st.VERDICT_COLOURS.get(verdict) if verdict else None
    rank = rank_of(system, graph.placement)
    for i, sid in enumerate(flow.steps, 1):
        _step_line(canvas, graph, i, graph.connectors[sid], boxes, colour, rank)
    canvas.boxes.append(_breakdown_note(system, flow, variant, breakdown))
    if boxes:
        last = boxes[on_path[-1]]
        canvas.lines.append(Line("order:breakdown", last, "breakdown", invisible=True, kind="order"))
    extra = [
        LegendEntry(
            "box",
            "yellow note: per-step breakdown (hops with latency and send time, then the "
            "receiver's processing time on its node)",
            fill="#fffde7",
            shape="note",
        )
    ]
    if colour:
        extra.append(LegendEntry("colour", f"step colour: the flow's latency verdict ({verdict})", colour=colour))
    notes = [f"flow '{flow.id}', {count(len(flow.steps), 'step')}; {placement_title(system, variant)}"]
    if breakdown is None:
        notes.append("figures as declared; no latency analysis given, so no totals or verdict")
    else:
        notes.extend(breakdown.caveats)
    name = f"flow:{flow.id}" if variant is None else f"flow:{flow.id}@{variant}"
    return View(
        name,
        f"{system.name}: flow {flow.label}",
        canvas.boxes,
        canvas.groups,
        canvas.lines,
        legend(canvas, extra=extra, purposes=colour is None),
        notes,
    )


def _components_on(flow: Flow, graph: SystemGraph) -> list[str]:
    """The components the flow's steps join, in the order the flow first reaches them."""
    ids: list[str] = []
    for sid in flow.steps:
        c = graph.connectors[sid]
        for x in (c.source, c.target):
            if x not in ids:
                ids.append(x)
    return ids


def _component_boxes(canvas: Canvas, system: System, graph: SystemGraph, on_path: list[str]) -> dict[str, str]:
    """Boxes of the flow's components inside clusters of the nodes they run on (unplaced ones outside)."""
    placement = graph.placement
    on = set(on_path)
    boxes: dict[str, str] = {}
    for n in sorted_nodes(system):
        if not any(placement.get(i) == n.id for i in on):
            continue
        gid = f"node:{n.id}"
        canvas.groups.append(
            Group(
                gid,
                n.label,
                (node_summary(n),),
                kind=n.kind,
                fill=st.node_fill(n.kind),
                border="#666666",
                tooltip=f"{n.id}: {n.description or n.label}",
            )
        )
        canvas.node_kinds.add(n.kind)
        for cid in sorted(i for i in on if placement.get(i) == n.id):
            boxes[cid] = component_box(canvas, graph.components[cid], f"c:{cid}", gid, node=n).id
    for cid in sorted(i for i in on if i not in boxes):
        boxes[cid] = component_box(canvas, graph.components[cid], f"c:{cid}", None).id
    return boxes


def _step_line(
    canvas: Canvas,
    graph: SystemGraph,
    i: int,
    c: Connector,
    boxes: dict[str, str],
    colour: str | None,
    rank: dict[str, int],
) -> None:
    """Step ``i`` as a numbered line, labelled with its kind, the links it crosses and its request size."""
    route = graph.connector_route(c)
    via = ", ".join(h.link.medium for h in route) if route else ""
    label = f"{i}. {c.kind.replace('_', ' ')}" + (f" via {via}" if via else "")
    if c.request_size is not None:
        label += f"\n{c.request_size}"
    connector_line(
        canvas,
        c,
        f"step:{i}",
        boxes[c.source],
        boxes[c.target],
        label=label,
        colour=colour,
        constraint=rank[c.source] <= rank[c.target] or c.source == c.target,
    )


def _breakdown_note(system: System, flow: Flow, variant: str | None, breakdown: FlowBreakdown | None) -> Box:
    """The note listing each step's hops and times (with the analysis: totals, end to end, verdict)."""
    rows = step_rows(system, flow.id, variant)
    step_totals = list(breakdown.step_texts) if breakdown is not None else []
    if step_totals:
        rows = [x for r, t in zip(rows, step_totals) for x in (r, f"      {t}")]
    summary = []
    if flow.rate is not None:
        summary.append(f"triggered {flow.rate} per device")
    if flow.latency_budget is not None:
        summary.append(f"budget {flow.latency_budget}")
    if breakdown is not None and breakdown.total_text:
        summary.append(f"end to end {breakdown.total_text}")
    if breakdown is not None and breakdown.verdict:
        summary.append(f"verdict: {breakdown.verdict}")
    return Box(
        "breakdown",
        "Per-step latency",
        tuple(rows + ([" · ".join(summary)] if summary else [])),
        kind="note",
        shape="note",
        fill="#fffde7",
        style="filled",
        border="#bfa100",
        left=True,
        tooltip=f"steps of flow {flow.id}",
    )
