"""Comparison view: two placements of the same system side by side.

Each side (A, B, as asked) is a deployment view of one variant; components placed
differently in the two are drawn with a thick red border on both sides. Tiers run top to bottom
(device, edge, cloud) so the two sides can stand next to each other.
"""

from __future__ import annotations

from ..model import System
from ._build import Canvas, connector_line, deployment, legend, rank_of
from ._deployment import placement_title
from ._graph import Box, Group, LegendEntry, Line, View

__all__ = ["compare_view", "moved_components"]


def moved_components(system: System, a: str | None, b: str | None) -> list[str]:
    """Ids of components placed on different nodes under placements ``a`` and ``b`` (sorted)."""
    pa, pb = system.placement_for(a), system.placement_for(b)
    return sorted(c.id for c in system.components if pa.get(c.id) != pb.get(c.id))


def compare_view(system: System, a: str | None, b: str | None) -> View:
    """Two placements (variant names, or None for the base) side by side, differences marked."""
    canvas = Canvas()
    moved = set(moved_components(system, a, b))
    tops = []
    for side, variant in (("a", a), ("b", b)):
        prefix = f"{side}/"
        gid = f"{side}/side"
        title = f"{side.upper()}: {placement_title(system, variant)}"
        canvas.groups.append(Group(gid, title, kind="side", fill="#ffffff", border="#444444", style="rounded"))
        top = f"{side}/top"
        canvas.boxes.append(Box(top, "", group=gid, shape="point", anchor=True))
        tops.append(top)
        boxes = deployment(canvas, system, variant, prefix=prefix, parent=gid, highlight=moved)
        rank = rank_of(system, system.placement_for(variant))
        for e in sorted(system.connectors, key=lambda e: (e.source, e.target, e.id)):
            if e.source in boxes and e.target in boxes:
                connector_line(
                    canvas,
                    e,
                    f"{prefix}e:{e.id}",
                    boxes[e.source],
                    boxes[e.target],
                    constraint=rank[e.source] <= rank[e.target],
                )
    # both sides start on one rank
    canvas.lines.append(Line("order:sides", tops[0], tops[1], invisible=True, kind="order"))
    for side in ("a", "b"):
        for g in canvas.groups:
            if g.parent == f"{side}/side":
                canvas.lines.append(
                    Line(
                        f"order:{side}/top->{g.id}",
                        f"{side}/top",
                        _first_in(canvas, g.id),
                        invisible=True,
                        kind="order",
                    )
                )
                break
    extra = []
    if moved:
        extra.append(
            LegendEntry(
                "box",
                "thick red border (icon style: red label, '(moved)'): placed on a different node in the other variant",
                fill="#ffffff",
                colour="#c62828",
            )
        )
    # dot places the cluster written last on the left here, so side B is written first: A ends up left
    canvas.groups = [g for g in canvas.groups if g.id.startswith("b/")] + [
        g for g in canvas.groups if not g.id.startswith("b/")
    ]
    names = [v or "base" for v in (a, b)]
    notes = [
        f"A: {names[0]}   B: {names[1]}",
        f"moved: {', '.join(sorted(moved))}" if moved else "same placement on both sides",
    ]
    return View(
        f"compare:{names[0]},{names[1]}",
        f"{system.name}: {names[0]} vs {names[1]}",
        canvas.boxes,
        canvas.groups,
        canvas.lines,
        legend(canvas, extra=extra),
        notes,
        rankdir="TB",
        same_rank=[tuple(tops)],
    )


def _first_in(canvas: Canvas, group: str) -> str:
    """The first anchor of the first node cluster inside a tier group."""
    nodes = [g.id for g in canvas.groups if g.parent == group]
    for b in canvas.boxes:
        if b.group in nodes and b.anchor:
            return b.id
    return next(b.id for b in canvas.boxes if b.group == group)
