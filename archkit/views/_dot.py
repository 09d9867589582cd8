"""Graphviz backend: a View as DOT text, with HTML-like labels and a legend table.

The DOT is written here rather than through the ``graphviz`` package's builder so that its bytes
depend only on the View (not on the package's version): golden files stay stable.
"""

from __future__ import annotations

from .._escape import DotHtml, dot_html, dot_string, dot_tooltip
from ._graph import Box, Group, LegendEntry, Line, View
from ._style import FONT

__all__ = ["to_dot", "quote", "html", "LAYOUTS"]

VIEW_ID = "view"
LARGE = 150  # boxes; above this a view is laid out force-directed (see to_dot)


quote = dot_string  # a DOT double-quoted string (ids and attribute values)
html = dot_html  # text inside an HTML-like label


def _attrs(pairs: list[tuple[str, object]]) -> str:
    out = []
    for k, v in pairs:
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        if isinstance(v, float):
            v = f"{v:g}"
        if isinstance(v, DotHtml):  # built below from escaped pieces; any other text is quoted
            out.append(f"{k}={v}")
        elif k == "tooltip":
            out.append(f"{k}={dot_tooltip(str(v))}")
        else:
            out.append(f"{k}={quote(str(v))}")
    return "[" + ", ".join(out) + "]"


def _label(title: str, lines: tuple[str, ...], size: int = 11, left: bool = False) -> DotHtml | str:
    # graphviz rejects an element with nothing inside (<B></B>), so empty text gets no element
    parts = [f'<FONT POINT-SIZE="{size}"><B>{html(title)}</B></FONT>'] if title else []
    parts += [f'<FONT POINT-SIZE="{size - 2}">{html(x)}</FONT>' if x else "" for x in lines]
    if not any(parts):
        return ""
    if left:
        return DotHtml("<" + "".join(p + '<BR ALIGN="LEFT"/>' for p in parts) + ">")
    return DotHtml("<" + "<BR/>".join(parts) + ">")


def _box(b: Box, indent: str) -> str:
    if b.anchor:
        return f"{indent}{quote(b.id)} {_attrs([('shape', 'point'), ('style', 'invis'), ('width', '0.01')])};"
    return (
        indent
        + quote(b.id)
        + " "
        + _attrs(
            [
                ("label", _label(b.title, b.lines, left=b.left)),
                ("shape", b.shape),
                ("style", b.style),
                ("fillcolor", b.fill),
                ("color", b.border),
                ("penwidth", b.penwidth if b.penwidth != 1.0 else None),
                ("tooltip", b.tooltip),
            ]
        )
        + ";"
    )


def _group(view: View, g: Group, depth: int, out: list[str]) -> None:
    ind = "  " * depth
    out.append(f"{ind}subgraph {quote('cluster_' + g.id)} {{")
    inner = ind + "  "
    out.append(
        inner
        + "graph "
        + _attrs(
            [
                ("label", _label(g.title, g.lines, 12, left=True)),
                ("style", g.style),
                ("fillcolor", g.fill),
                ("color", g.border),
                ("tooltip", g.tooltip),
                ("labeljust", "l"),
                ("margin", "12"),
                ("peripheries", "1"),
            ]
        )
        + ";"
    )
    for child in view.children(g.id):
        _group(view, child, depth + 1, out)
    for b in view.boxes_in(g.id):
        out.append(_box(b, inner))
    out.append(f"{ind}}}")


def _line(ln: Line) -> str:
    if ln.invisible:
        return (
            f"  {quote(ln.source)} -> {quote(ln.target)} "
            + _attrs([("style", "invis"), ("weight", str(ln.weight) if ln.weight != 1 else None)])
            + ";"
        )
    label = DotHtml("<" + html(ln.label) + ">") if ln.label else None
    return (
        f"  {quote(ln.source)} -> {quote(ln.target)} "
        + _attrs(
            [
                ("label", label),
                ("color", ln.colour),
                ("fontcolor", ln.fontcolour),
                ("style", ln.style),
                ("penwidth", ln.penwidth if ln.penwidth != 1.0 else None),
                ("arrowhead", ln.arrowhead if ln.directed and ln.arrowhead != "normal" else None),
                ("dir", None if ln.directed else "none"),
                ("constraint", None if ln.constraint else False),
                ("weight", str(ln.weight) if ln.weight != 1 else None),
                ("ltail", "cluster_" + ln.tail_group if ln.tail_group else None),
                ("lhead", "cluster_" + ln.head_group if ln.head_group else None),
                ("tooltip", ln.tooltip),
                ("id", ln.id),
            ]
        )
        + ";"
    )


_SKETCH = {
    "solid": "&#9472;&#9472;&#9472;&#9654;",
    "bold": "&#9473;&#9473;&#9473;&#9654;",
    "dashed": "&#9476; &#9476; &#9476;&gt;",
    "dotted": "&#183;&#183;&#183;&#183;&#183;&#9654;",
}


def _legend_row(e: LegendEntry, icon_for=None) -> str:
    text = f'<TD ALIGN="LEFT" BALIGN="LEFT">{html(e.label)}</TD>'
    if e.sample == "box" and icon_for is not None and e.kind:
        swatch = f'<TD FIXEDSIZE="TRUE" WIDTH="24" HEIGHT="24"><IMG SRC="{html(icon_for(e.kind))}" SCALE="TRUE"/></TD>'
    elif e.sample == "box":
        rounded = ' STYLE="rounded"' if "rounded" in e.style else ""
        border = "1" if e.colour == "#333333" else "3"
        swatch = f'<TD BGCOLOR="{e.fill}" BORDER="{border}" COLOR="{e.colour}"{rounded} WIDTH="36" HEIGHT="16"></TD>'
    elif e.sample == "group":
        dashed = ' STYLE="dashed"' if "dashed" in e.style else ' STYLE="rounded"'
        swatch = f'<TD BGCOLOR="{e.fill}" BORDER="1" COLOR="{e.colour}"{dashed} WIDTH="36" HEIGHT="16"></TD>'
    elif e.sample == "line":
        glyph = _SKETCH.get("bold" if "thick" in e.sketch else e.style, _SKETCH["solid"])
        if "hollow" in e.sketch:
            glyph = glyph.replace("&#9654;", "&#9655;")
        swatch = f'<TD><FONT COLOR="{e.colour}">{glyph}</FONT></TD>'
    elif e.sample == "colour":
        swatch = f'<TD><FONT COLOR="{e.colour}">&#9608;&#9608;&#9608;&#9608;</FONT></TD>'
    else:
        swatch = "<TD></TD>"
    return f"<TR>{swatch}{text}</TR>"


def _legend(view: View, icon_for=None) -> DotHtml:
    shapes = [e for e in view.legend if e.sample in ("box", "group")]
    lines = [e for e in view.legend if e.sample not in ("box", "group")]
    cols = []
    for part in (shapes, lines):
        if part:
            rows = "".join(_legend_row(e, icon_for) for e in part)
            cols.append(
                f'<TD VALIGN="TOP"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">{rows}</TABLE></TD>'
            )
    return DotHtml(
        '<<TABLE BORDER="1" COLOR="#999999" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2" BGCOLOR="#ffffff">'
        f'<TR><TD COLSPAN="{len(cols)}" ALIGN="LEFT"><B>Legend</B></TD></TR><TR>{"".join(cols)}</TR></TABLE>>'
    )


LAYOUTS = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage")


def to_dot(view: View, layout: str | None = None) -> str:
    """The DOT text of a view: title, nested clusters, boxes, lines and the legend under the diagram.

    ``layout`` names a graphviz layout engine (see LAYOUTS); by default ``dot``, or a force-directed
    one for a view of more than LARGE boxes.
    """
    large = sum(not b.anchor for b in view.boxes) > LARGE
    if layout is None and large:
        # dot's crossing minimisation takes minutes to hours on hundreds of boxes with long-range
        # lines; a force-directed layout (fdp keeps the clusters, sfdp is quicker without any) takes
        # seconds, at the price of the left-to-right tier ranking
        layout = "fdp" if view.groups else "sfdp"
    notes = tuple(view.notes) + (
        ("large view: force-directed layout, tiers not ranked",)
        if large and layout != "dot"
        else (f"layout: {layout}",)
        if layout not in (None, "dot")
        else ()
    )
    out = [f"digraph {quote('archkit')} {{"]
    out.append(
        "  graph "
        + _attrs(
            [
                ("rankdir", view.rankdir),
                ("compound", True),
                ("newrank", True),
                ("label", _legend(view) if view.legend else None),
                ("labelloc", "b"),
                ("labeljust", "l"),
                ("fontname", FONT),
                ("fontsize", "9"),
                ("nodesep", "0.35"),
                ("ranksep", "0.7"),
                ("pad", "0.3"),
                ("bgcolor", "#ffffff"),
                ("tooltip", view.title),
            ]
        )
        + ";"
    )
    if layout not in (None, "dot"):
        out.append("  graph " + _attrs([("layout", layout), ("overlap", "false"), ("splines", "line")]) + ";")
    out.append("  node " + _attrs([("fontname", FONT), ("fontsize", "11"), ("margin", "0.12,0.05")]) + ";")
    out.append("  edge " + _attrs([("fontname", FONT), ("fontsize", "9")]) + ";")
    # the title is the label of an unframed cluster around everything, so the legend can sit below
    out.append(f"  subgraph {quote('cluster_' + VIEW_ID)} {{")
    out.append(
        "    graph "
        + _attrs(
            [
                ("label", _label(view.title, notes, 14, left=True)),
                ("labelloc", "t"),
                ("labeljust", "l"),
                ("peripheries", "0"),
                ("margin", "4"),
            ]
        )
        + ";"
    )
    for g in view.children(None):
        _group(view, g, 2, out)
    for b in view.boxes_in(None):
        out.append(_box(b, "    "))
    out.append("  }")
    for ln in view.lines:
        out.append(_line(ln))
    for same in view.same_rank:
        out.append("  { rank=same; " + " ".join(quote(x) + ";" for x in same) + " }")
    out.append("}")
    return "\n".join(out) + "\n"
