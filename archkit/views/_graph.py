"""The view graph: what a diagram shows, independent of how it is drawn.

A view builder (logical, deployment, dataflow, flow, compare) turns a model into a :class:`View`:
boxes (components), groups (tiers and deployment nodes, nested), lines (connectors and links) and a
legend. Backends (graphviz DOT, mingrammer icons, Mermaid) only translate a View, so every backend
draws the same content, and the same model always gives the same View: builders sort everything
by stable keys instead of relying on declaration order or dict/set iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Box", "Group", "Line", "LegendEntry", "View"]


@dataclass(frozen=True, slots=True)
class Box:
    """A box in a diagram: usually a component.

    Attributes:
        id: unique id inside the view (the DOT node id).
        title: first line of the label.
        lines: further label lines (kind, figures).
        kind: the component kind, used for icons and Mermaid classes.
        group: id of the enclosing group, or None.
        shape, fill, style: graphviz look (see archkit.views._style).
        border: border colour.
        penwidth: border width.
        tooltip: hover text (SVG).
        anchor: an invisible point that lines between groups attach to.
        left: align the label lines left (for notes and tables).
    """

    id: str
    title: str
    lines: tuple[str, ...] = ()
    kind: str = ""
    group: str | None = None
    shape: str = "box"
    fill: str = "#ffffff"
    style: str = "filled"
    border: str = "#444444"
    penwidth: float = 1.0
    tooltip: str = ""
    anchor: bool = False
    left: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """A cluster: a tier, a deployment node, or one side of a comparison."""

    id: str
    title: str
    lines: tuple[str, ...] = ()
    kind: str = ""
    parent: str | None = None
    fill: str = "#ffffff"
    border: str = "#888888"
    style: str = "rounded,filled"
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """A line between two boxes: a connector, a network link or an invisible ordering hint."""

    id: str
    source: str
    target: str
    label: str = ""
    kind: str = ""
    colour: str = "#333333"
    style: str = "solid"
    penwidth: float = 1.0
    arrowhead: str = "normal"
    directed: bool = True
    constraint: bool = True
    invisible: bool = False
    weight: int = 1
    tail_group: str | None = None
    head_group: str | None = None
    tooltip: str = ""
    fontcolour: str = "#333333"


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One row of the legend: a sample (box, group, line or colour) and what it means."""

    sample: Literal["box", "group", "line", "colour", "note"]
    label: str
    fill: str = "#ffffff"
    colour: str = "#333333"
    shape: str = "box"
    style: str = "filled"
    sketch: str = ""
    kind: str = ""


@dataclass
class View:
    """A diagram's content: boxes, nested groups, lines and a legend, ready for any backend.

    Attributes:
        name: the view spec, e.g. 'deployment' or 'flow:overlay'.
        title: the caption drawn on the diagram.
        boxes, groups, lines: the content, in a stable order.
        legend: rows that say what boxes, groups and lines mean.
        notes: extra lines under the title (variant, assumptions, what is unknown).
        rankdir: layout direction ('LR' left to right: device -> edge -> cloud).
        same_rank: sets of box ids to keep on one rank (in order, left to right or top to bottom).
    """

    name: str
    title: str
    boxes: list[Box] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rankdir: str = "LR"
    same_rank: list[tuple[str, ...]] = field(default_factory=list)

    # -- backends -------------------------------------------------------------------------------
    def dot(self, layout: str | None = None) -> str:
        """The graphviz DOT text (deterministic: the same view gives the same bytes); ``layout``: an engine."""
        from ._dot import to_dot

        return to_dot(self, layout)

    def mermaid(self) -> str:
        """Mermaid flowchart text, for Markdown documents."""
        from ._mermaid import to_mermaid

        return to_mermaid(self)

    def render(self, format: str = "svg", style: str = "plain", layout: str | None = None) -> bytes:
        """Draw the view: ``format`` svg, png, pdf, dot or mermaid; ``style`` plain or icons; ``layout``
        a graphviz engine (dot, neato, fdp, sfdp, ...; default: dot, force-directed for large views)."""
        from ._render import render_view

        return render_view(self, format, style, layout)

    def svg(self) -> str:
        """The plain-style SVG text."""
        return self.render("svg").decode("utf-8")

    # -- notebooks -------------------------------------------------------------------------------
    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except Exception:  # a notebook falls back to the text repr when graphviz is missing
            return None

    def _repr_html_(self) -> str | None:
        svg = self._repr_svg_()
        if svg is None:
            return None
        start = svg.find("<svg")
        # scale wide drawings down to the cell's width (graphviz SVGs carry a viewBox)
        body = '<svg style="max-width:100%;height:auto"' + svg[start + 4 :]
        from .._escape import html

        return f'<div class="archkit-view" title="{html(self.title)}">{body}</div>'

    def __repr__(self) -> str:
        return (
            f"View({self.name!r}: {sum(not b.anchor for b in self.boxes)} boxes, {len(self.groups)} groups, "
            f"{sum(not ln.invisible for ln in self.lines)} lines)"
        )

    # -- lookups ---------------------------------------------------------------------------------
    def box(self, id: str) -> Box:
        """The box with this id (KeyError if none)."""
        for b in self.boxes:
            if b.id == id:
                return b
        raise KeyError(id)

    def children(self, group: str | None) -> list[Group]:
        """Groups directly inside ``group`` (None: top level), in view order."""
        return [g for g in self.groups if g.parent == group]

    def boxes_in(self, group: str | None) -> list[Box]:
        """Boxes directly inside ``group`` (None: top level), in view order."""
        return [b for b in self.boxes if b.group == group]
