"""Pieces every view builder shares: component boxes, the nested deployment clusters, link lines, legends.

Ordering rules (so that the same model always gives the same picture, whatever order it was
declared in): deployment nodes sort by tier (device, edge, cloud) then id; components inside a
node, and lines, sort by id. Tiers are chained left to right by invisible, heavy lines between
the nodes' anchors; lines that point back towards the user (cloud -> device) do not constrain the
ranking, so the layout keeps its device -> edge -> cloud order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..model import (
    COMPONENT_KINDS,
    CONNECTOR_KINDS,
    LINK_MEDIA,
    NODE_KINDS,
    PURPOSES,
    Component,
    Connector,
    Link,
    Node,
    System,
    SystemGraph,
)
from . import _style as st
from ._graph import Box, Group, LegendEntry, Line

__all__ = [
    "Canvas",
    "component_box",
    "connector_line",
    "deployment",
    "legend",
    "time_on",
    "node_summary",
    "link_label",
    "sorted_nodes",
]


@dataclass
class Canvas:
    """Boxes, groups and lines being collected for one view (plus the kinds seen, for the legend)."""

    boxes: list[Box] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    component_kinds: set[str] = field(default_factory=set)
    connector_kinds: set[str] = field(default_factory=set)
    purposes: set[str] = field(default_factory=set)
    node_kinds: set[str] = field(default_factory=set)
    media: set[str] = field(default_factory=set)
    has_tiers: bool = False
    has_down: bool = False
    has_intermittent: bool = False
    links_coloured: bool = False


def time_on(c: Component, node: Node | None) -> str | None:
    """Processing or inference time of a component on a node, as declared (node id before node kind)."""
    if node is None:
        return None
    if c.model is not None:
        for key in (node.id, node.kind):
            if key in c.model.inference_time:
                return str(c.model.inference_time[key])
    for key in (node.id, node.kind):
        if key in c.processing_time_on:
            return str(c.processing_time_on[key])
    return str(c.processing_time) if c.processing_time is not None else None


def component_box(
    canvas: Canvas,
    c: Component,
    id: str,
    group: str | None,
    *,
    node: Node | None = None,
    extra: tuple[str, ...] = (),
    border: str | None = None,
    penwidth: float | None = None,
) -> Box:
    """A box for a component: its name, «kind», and (placed on a node) its time there."""
    s = st.component_style(c.kind)
    lines = [f"«{c.kind}»"]
    if c.model is not None and c.model.framework:
        lines[0] += f" {c.model.framework}"
    t = time_on(c, node)
    if t is not None:
        lines.append(t)
    lines.extend(extra)
    tip = c.description or c.label
    box = Box(
        id=id,
        title=c.label,
        lines=tuple(lines),
        kind=c.kind,
        group=group,
        shape=s.shape,
        fill=s.fill,
        style=s.style,
        border=border or "#444444",
        penwidth=penwidth if penwidth is not None else (1.6 if "bold" in s.style else 1.0),
        tooltip=f"{c.id}: {tip}",
    )
    canvas.boxes.append(box)
    canvas.component_kinds.add(c.kind)
    return box


def connector_line(
    canvas: Canvas,
    c: Connector,
    id: str,
    source: str,
    target: str,
    *,
    label: str = "",
    colour: str | None = None,
    constraint: bool = True,
    penwidth: float | None = None,
) -> Line:
    """A line for a connector: style by kind, colour by purpose (unless ``colour`` overrides it)."""
    ls = st.connector_style(c.kind)
    col = colour or st.purpose_colour(c.purpose)
    line = Line(
        id=id,
        source=source,
        target=target,
        label=label,
        kind=c.kind,
        colour=col,
        style=ls.style,
        penwidth=penwidth if penwidth is not None else ls.penwidth,
        arrowhead=ls.arrowhead,
        constraint=constraint,
        tooltip=f"{c.id} ({c.kind}, {c.purpose})",
        fontcolour=col,
    )
    canvas.lines.append(line)
    canvas.connector_kinds.add(c.kind)
    if colour is None:
        canvas.purposes.add(c.purpose)
    return line


def sorted_nodes(system: System) -> list[Node]:
    """Deployment nodes by tier (device, edge, cloud), then id."""
    return sorted(system.nodes, key=lambda n: (st.tier_of(n.kind)[0], n.id))


def node_summary(n: Node) -> str:
    """One line about a node: kind, cores, memory, how many."""
    parts = [n.kind]
    if n.cpu_cores is not None:
        parts.append(f"{n.cpu_cores:g} cores")
    if n.gpus:
        parts.append(f"{n.gpus:g} GPU")
    if n.memory is not None:
        parts.append(f"{n.memory} RAM")
    if n.per_user is not None:
        parts.append("1 per user" if n.per_user == 1 else f"{n.per_user:g} per user")
    elif n.count > 1:
        parts.append(f"x{n.count}")
    return " · ".join(parts)


def link_label(lk: Link) -> str:
    """'bluetooth, 3 Mbit/s, 40..200 ms' (what is declared of medium, bandwidth and latency)."""
    parts = [lk.medium]
    if lk.bandwidth is not None:
        bw = str(lk.bandwidth)
        if lk.bandwidth_reverse is not None:
            bw += f" / {lk.bandwidth_reverse} back"
        parts.append(bw)
    if lk.latency is not None:
        parts.append(str(lk.latency))
    return "\n".join([parts[0], " · ".join(parts[1:])]) if len(parts) > 1 else parts[0]


BoxExtra = Callable[[Component, Node], Iterable[str]]
"""Extra label lines of a component's box on a node."""
LinkText = Callable[[Link], str]
"""Text (a colour, or extra label lines) for a link's line."""


@dataclass
class _Drawing:
    """One placement being drawn: the ids it writes under and what later steps attach to."""

    system: System
    graph: SystemGraph
    prefix: str
    parent: str | None
    boxes: dict[str, str] = field(default_factory=dict)
    """component id -> box id"""
    ins: dict[str, str] = field(default_factory=dict)
    """node id -> the invisible anchor ranked before the node's components"""
    outs: dict[str, str] = field(default_factory=dict)
    """node id -> the invisible anchor ranked after them"""

    def order(self, tail: str, head: str, key: str | None = None) -> Line:
        """An invisible line that only ranks ``tail`` before ``head``."""
        return Line(f"{self.prefix}order:{key or f'{tail}->{head}'}", tail, head, invisible=True, kind="order")


def deployment(
    canvas: Canvas,
    system: System,
    variant: str | None,
    *,
    prefix: str = "",
    parent: str | None = None,
    box_extra: BoxExtra | None = None,
    link_colour: LinkText | None = None,
    link_extra: LinkText | None = None,
    highlight: set[str] | None = None,
) -> dict[str, str]:
    """Add tier clusters, node clusters with their components, and link lines for one placement.

    Args:
        canvas: where to add.
        system, variant: the model and the placement (None: base).
        prefix: prepended to every id (two placements can share one view).
        parent: group to nest the tiers in.
        box_extra: optional callable(component, node) -> extra label lines.
        link_colour: optional callable(link) -> colour of the link line.
        link_extra: optional callable(link) -> extra label text.
        highlight: component ids to draw with a thick red border (e.g. moved between variants).

    Returns:
        component id -> box id, for the components drawn.
    """
    drawing = _Drawing(system, SystemGraph(system, variant), prefix, parent)
    nodes = sorted_nodes(system)
    tiers = _tiers(nodes)
    canvas.has_tiers = canvas.has_tiers or bool(tiers)
    inner_first, inner_last = _chain_ends(system, drawing.graph.placement)
    for tier, members in tiers:
        gid = _tier_group(canvas, drawing, tier)
        for n in members:
            _node_cluster(canvas, drawing, n, gid, box_extra, highlight or set(), inner_first, inner_last)
    _unplaced(canvas, drawing)
    _tier_gates(canvas, drawing, nodes)
    _link_lines(canvas, drawing, nodes, link_colour, link_extra)
    return drawing.boxes


def _tiers(nodes: list[Node]) -> list[tuple[str, list[Node]]]:
    """The tiers the nodes fall into, in rank order, each with its nodes (in the given order)."""
    by_tier: dict[str, list[Node]] = {}
    for n in nodes:
        by_tier.setdefault(st.tier_of(n.kind)[1], []).append(n)
    order = sorted(by_tier, key=lambda t: min(st.tier_of(n.kind)[0] for n in by_tier[t]))
    return [(tier, by_tier[tier]) for tier in order]


def _chain_ends(system: System, placement: dict[str, str]) -> tuple[set[str], set[str]]:
    """Components with a connector from / to another component on their own node.

    Only the others (the first and last of a node, by the connectors inside it) need hooking to the
    node's anchors; the rest follow along the connectors (fewer, shorter edges).
    """
    has_pred: set[str] = set()
    has_succ: set[str] = set()
    for e in system.connectors:
        if (
            e.source != e.target
            and placement.get(e.source) is not None
            and placement.get(e.source) == placement.get(e.target)
        ):
            has_pred.add(e.target)
            has_succ.add(e.source)
    return has_pred, has_succ


def _tier_group(canvas: Canvas, drawing: _Drawing, tier: str) -> str:
    """Add the dashed cluster of one tier; returns its group id."""
    gid = f"{drawing.prefix}tier:{tier}"
    canvas.groups.append(
        Group(
            gid,
            st.tier_label(tier),
            kind="tier",
            parent=drawing.parent,
            fill="#ffffff",
            border="#bbbbbb",
            style="dashed,rounded",
            tooltip=f"{tier} tier",
        )
    )
    return gid


def _node_cluster(
    canvas: Canvas,
    drawing: _Drawing,
    n: Node,
    tier_group: str,
    box_extra: BoxExtra | None,
    highlight: set[str],
    has_pred: set[str],
    has_succ: set[str],
) -> None:
    """Add one node's cluster: its two anchors and the boxes of the components placed on it."""
    prefix = drawing.prefix
    nid = f"{prefix}node:{n.id}"
    canvas.groups.append(
        Group(
            nid,
            n.label,
            (node_summary(n),),
            kind=n.kind,
            parent=tier_group,
            fill=st.node_fill(n.kind),
            border="#666666",
            tooltip=f"{n.id}: {n.description or n.label}",
        )
    )
    canvas.node_kinds.add(n.kind)
    # two invisible anchors per node: one ranked before its components, one after
    first = drawing.ins[n.id] = f"{prefix}in:{n.id}"
    last = drawing.outs[n.id] = f"{prefix}out:{n.id}"
    canvas.boxes.append(Box(first, "", group=nid, shape="point", anchor=True))
    canvas.boxes.append(Box(last, "", group=nid, shape="point", anchor=True))
    placement = drawing.graph.placement
    members = sorted((c for c in drawing.system.components if placement.get(c.id) == n.id), key=lambda c: c.id)
    for c in members:
        moved = c.id in highlight
        box = component_box(
            canvas,
            c,
            f"{prefix}c:{c.id}",
            nid,
            node=n,
            extra=tuple(box_extra(c, n)) if box_extra else (),
            border="#c62828" if moved else None,
            penwidth=3.0 if moved else None,
        )
        drawing.boxes[c.id] = box.id
        if c.id not in has_pred:
            canvas.lines.append(drawing.order(first, box.id))
        if c.id not in has_succ:
            canvas.lines.append(drawing.order(box.id, last))
    if not members:
        canvas.lines.append(drawing.order(first, last, key=n.id))


def _unplaced(canvas: Canvas, drawing: _Drawing) -> None:
    """Add a "Not placed" cluster with the components that sit on no node of the placement."""
    placement = drawing.graph.placement
    unplaced = sorted(
        (c for c in drawing.system.components if c.id not in placement or placement[c.id] not in drawing.graph.nodes),
        key=lambda c: c.id,
    )
    if not unplaced:
        return
    gid = f"{drawing.prefix}unplaced"
    canvas.groups.append(
        Group(
            gid,
            "Not placed",
            kind="unplaced",
            parent=drawing.parent,
            fill="#fff8e1",
            border="#e69500",
            style="dashed,filled",
        )
    )
    for c in unplaced:
        drawing.boxes[c.id] = component_box(canvas, c, f"{drawing.prefix}c:{c.id}", gid).id


def _tier_gates(canvas: Canvas, drawing: _Drawing, nodes: list[Node]) -> None:
    """Gates between tier ranks: every node of one rank ends before any node of the next begins."""
    ranks = sorted({st.tier_of(n.kind)[0] for n in nodes})
    for r0, r1 in zip(ranks, ranks[1:]):
        gate = f"{drawing.prefix}gate:{r0}"
        canvas.boxes.append(Box(gate, "", group=drawing.parent, shape="point", anchor=True))
        for n in nodes:
            r = st.tier_of(n.kind)[0]
            if r == r0:
                canvas.lines.append(drawing.order(drawing.outs[n.id], gate, key=f"{n.id}->{gate}"))
            elif r == r1:
                canvas.lines.append(drawing.order(gate, drawing.ins[n.id], key=f"{gate}->{n.id}"))


def _link_lines(
    canvas: Canvas, drawing: _Drawing, nodes: list[Node], link_colour: LinkText | None, link_extra: LinkText | None
) -> None:
    """One undirected line per link, from the node nearer the user to the other (down links dotted grey)."""
    prefix = drawing.prefix
    rank = {n.id: st.tier_of(n.kind)[0] for n in nodes}
    for lk in sorted(drawing.system.links, key=lambda x: x.id):
        near, far = sorted(lk.ends, key=lambda e: (rank.get(e, 2), e))
        if near not in drawing.outs or far not in drawing.ins:
            continue
        down = lk.id in drawing.graph.down
        label = link_label(lk)
        if link_extra is not None:
            more = link_extra(lk)
            if more:
                label += "\n" + more
        if down:
            label += "\n(down in this variant)"
        colour = st.DOWN_LINK_COLOUR if down else (link_colour(lk) if link_colour else st.LINK_COLOUR)
        canvas.lines.append(
            Line(
                f"{prefix}link:{lk.id}",
                drawing.outs[near],
                drawing.ins[far],
                label=label,
                kind="link",
                colour=colour,
                style="dotted" if down else ("dashed" if lk.intermittent else "solid"),
                penwidth=1.0 if down else 2.6,
                directed=False,
                tail_group=f"{prefix}node:{near}",
                head_group=f"{prefix}node:{far}",
                tooltip=f"link {lk.id}: {lk.description or lk.medium}",
                fontcolour=colour if not down else "#757575",
            )
        )
        canvas.media.add(lk.medium)
        canvas.has_down = canvas.has_down or down
        canvas.has_intermittent = canvas.has_intermittent or lk.intermittent


def rank_of(system: System, placement: dict[str, str]) -> dict[str, int]:
    """Tier rank of each placed component (unplaced ones sit with the edge tier)."""
    kinds = {n.id: n.kind for n in system.nodes}
    return {c.id: st.tier_of(kinds.get(placement.get(c.id, ""), "edge"))[0] for c in system.components}


def legend(canvas: Canvas, *, extra: list[LegendEntry] | None = None, purposes: bool = True) -> list[LegendEntry]:
    """Legend rows for what the canvas holds: component kinds, node clusters, line styles, colours, extras."""
    out: list[LegendEntry] = []
    for k in sorted(canvas.component_kinds):
        s = st.component_style(k)
        out.append(
            LegendEntry(
                "box",
                f"{k}: {COMPONENT_KINDS.get(k, 'a kind of its own')}",
                fill=s.fill,
                shape=s.shape,
                style=s.style,
                sketch=s.look,
                kind=k,
            )
        )
    if canvas.has_tiers:
        out.append(
            LegendEntry(
                "group",
                "dashed frame: tier (user devices -> edge -> cloud)",
                fill="#ffffff",
                colour="#bbbbbb",
                style="dashed",
            )
        )
    for k in sorted(canvas.node_kinds, key=lambda k: (st.tier_of(k)[0], k)):
        out.append(
            LegendEntry(
                "group",
                f"shaded frame: {k} node ({NODE_KINDS.get(k, 'a kind of its own')}); components inside run on it",
                fill=st.node_fill(k),
                colour="#666666",
            )
        )
    for k in sorted(
        canvas.connector_kinds, key=lambda k: list(CONNECTOR_KINDS).index(k) if k in CONNECTOR_KINDS else 99
    ):
        ls = st.connector_style(k)
        out.append(
            LegendEntry(
                "line",
                f"{ls.sketch}: {k.replace('_', ' ')} ({CONNECTOR_KINDS.get(k, '')})",
                style=ls.style,
                sketch=ls.sketch,
            )
        )
    if purposes:
        for p in sorted(canvas.purposes, key=lambda p: list(PURPOSES).index(p) if p in PURPOSES else 99):
            out.append(
                LegendEntry(
                    "colour", f"line colour: {p.replace('_', ' ')} ({PURPOSES.get(p, '')})", colour=st.purpose_colour(p)
                )
            )
    if canvas.media:
        media = ", ".join(LINK_MEDIA.get(m, m) for m in sorted(canvas.media))
        what = "thick line" if canvas.links_coloured else "thick blue line"
        sample = st.LINK_SAMPLE_COLOUR if canvas.links_coloured else st.LINK_COLOUR
        out.append(
            LegendEntry(
                "line",
                f"{what} between frames: network link ({media}), labelled medium, bandwidth, one-way latency",
                colour=sample,
                style="solid",
                sketch="thick line",
            )
        )
    if canvas.has_intermittent:
        out.append(
            LegendEntry(
                "line", "dashed link: intermittent (may be down)", colour=sample, style="dashed", sketch="dashed line"
            )
        )
    if canvas.has_down:
        out.append(
            LegendEntry(
                "line",
                "grey dotted link: down in this variant",
                colour=st.DOWN_LINK_COLOUR,
                style="dotted",
                sketch="dotted line",
            )
        )
    out.extend(extra or [])
    return out
