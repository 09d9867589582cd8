"""Mermaid backend: a View as flowchart text for Markdown documents.

Groups become nested subgraphs, boxes get a shape close to their graphviz one and a class per
component kind, lines keep their label and a style close to the original (solid, dotted, thick);
links between node clusters join the subgraphs. The legend is a subgraph of its own. Ids are made
safe for Mermaid deterministically (and kept unique).
"""

from __future__ import annotations

import re

from .._escape import mermaid as _text
from .._escape import mermaid_title
from ._graph import Box, View

__all__ = ["to_mermaid"]

_SHAPES = {
    "cylinder": ("[(", ")]"),
    "hexagon": ("{{", "}}"),
    "invhouse": ("[/", "\\]"),
    "cds": (">", "]"),
    "note": ("[", "]"),
    "octagon": ("{{", "}}"),
}


class _Ids:
    def __init__(self) -> None:
        self.map: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, raw: str) -> str:
        if raw in self.map:
            return self.map[raw]
        base = re.sub(r"[^A-Za-z0-9_]", "_", raw).strip("_") or "x"
        if base[0].isdigit():
            base = "n" + base
        cand, n = base, 2
        while cand in self.used or cand in ("end", "graph", "subgraph", "style", "class", "click"):
            cand = f"{base}_{n}"
            n += 1
        self.used.add(cand)
        self.map[raw] = cand
        return cand


def _label(b: Box) -> str:
    parts = [f"<b>{_text(b.title)}</b>"] + [_text(x) for x in b.lines]
    return "<br/>".join(parts)


def to_mermaid(view: View) -> str:
    """Mermaid flowchart text of a view (same view, same text)."""
    ids = _Ids()
    # ids are claimed in view order, so the mapping is the same every time
    for g in view.groups:
        ids("g_" + g.id)
    for b in view.boxes:
        ids(b.id)
    # the title sits in YAML front matter: quoted, since titles contain ': '
    out = ["---", f"title: {mermaid_title(view.title)}", "---", f"flowchart {view.rankdir}"]
    kinds: dict[str, Box] = {}

    def group(gid: str | None, depth: int) -> None:
        ind = "  " * depth
        for g in view.children(gid):
            title = _text(g.title) + "".join(f"<br/><small>{_text(x)}</small>" for x in g.lines)
            out.append(f'{ind}subgraph {ids("g_" + g.id)}["{title}"]')
            group(g.id, depth + 1)
            out.append(f"{ind}end")
        for b in view.boxes_in(gid):
            if b.anchor:
                continue
            o, c = _SHAPES.get(b.shape, ("(", ")") if "rounded" in b.style else ("[", "]"))
            out.append(f'{ind}{ids(b.id)}{o}"{_label(b)}"{c}')
            if b.kind:
                kinds.setdefault(b.kind, b)

    group(None, 1)
    anchors = {b.id: b.group for b in view.boxes if b.anchor and b.group}
    styles: list[str] = []
    index = 0
    for ln in view.lines:
        if ln.invisible:
            continue
        src = ids("g_" + anchors[ln.source]) if ln.source in anchors else ids(ln.source)
        dst = ids("g_" + anchors[ln.target]) if ln.target in anchors else ids(ln.target)
        if ln.style == "bold" or ln.penwidth >= 2:
            arrow = "==>" if ln.directed else "==="
        elif ln.style in ("dashed", "dotted"):
            arrow = "-.->" if ln.directed else "-.-"
        else:
            arrow = "-->" if ln.directed else "---"
        label = f'|"{_text(ln.label)}"|' if ln.label else ""
        out.append(f"  {src} {arrow}{label} {dst}")
        styles.append(f"  linkStyle {index} stroke:{ln.colour}")
        index += 1
    if view.legend:
        out.append('  subgraph legend["Legend"]')
        for i, e in enumerate(view.legend):
            text = e.label
            if e.sample == "line" and e.sketch and text.startswith(e.sketch):
                # Mermaid has three line styles: thick, dotted and solid, with one arrow head
                drawn = (
                    "thick line"
                    if e.style == "bold" or "thick" in e.sketch
                    else "dotted line"
                    if e.style in ("dashed", "dotted")
                    else "solid line"
                )
                text = drawn + text[len(e.sketch) :]
            fill = e.fill if e.sample in ("box", "group") else "#ffffff"
            out.append(f'    legend_{i}["{_text(text)}"]')
            out.append(f"    style legend_{i} fill:{fill},stroke:{e.colour},color:#333333")
        out.append("  end")
    for kind in sorted(kinds):
        b = kinds[kind]
        cls = ids("k_" + kind)
        out.append(f"  classDef {cls} fill:{b.fill},stroke:{b.border}")
        members = [ids(x.id) for x in view.boxes if x.kind == kind and not x.anchor]
        out.append(f"  class {','.join(members)} {cls}")
    for g in view.groups:
        out.append(f"  style {ids('g_' + g.id)} fill:{g.fill},stroke:{g.border}")
    out.extend(styles)
    return "\n".join(out) + "\n"
