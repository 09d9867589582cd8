"""Icon style: a View drawn with mingrammer ``diagrams`` icons, SVG made portable.

``diagrams`` links each icon into the SVG by its absolute file path, which breaks as soon as the
file leaves the machine. After drawing, every linked PNG is read and embedded as a base64 data
URI, so the SVG stands alone. Node ids are the view's ids (not ``diagrams``' random ones), so the
same view gives the same drawing. Needs ``pip install 'archkit[diagrams]'``.
"""

from __future__ import annotations

import base64
import importlib
import os
import re
import tempfile
from typing import Any

from .._escape import DotHtml, visible
from ..errors import MissingDependencyError
from ._dot import _label, _legend
from ._graph import Box, Line, View

__all__ = ["render_icons", "ICONS", "embed_images"]

# component kind -> "module:Class" under diagrams
ICONS: dict[str, str] = {
    "model": "aws.ml:SagemakerModel",
    "feature_encoder": "aws.ml:SagemakerNotebook",
    "business_logic": "onprem.compute:Server",
    "adapter": "programming.flowchart:PredefinedProcess",
    "datastore": "generic.database:SQL",
    "feature_store": "generic.storage:Storage",
    "cache": "onprem.inmemory:Redis",
    "ui": "onprem.client:Client",
    "sensor": "aws.iot:IotCamera",
    "gateway": "onprem.network:Nginx",
    "queue": "onprem.queue:Kafka",
    "batch_job": "onprem.workflow:Airflow",
    "training_pipeline": "aws.ml:SagemakerTrainingJob",
    "model_registry": "onprem.mlops:Mlflow",
    "telemetry": "onprem.monitoring:Prometheus",
    "monitor": "onprem.monitoring:Grafana",
    "safeguard": "generic.network:Firewall",
    "external": "onprem.network:Internet",
}
_FALLBACK = "generic.blank:Blank"

_HREF = re.compile(r'xlink:href="([^"]+?\.png)"')


def _diagrams():
    try:
        return importlib.import_module("diagrams")
    except ImportError:
        raise MissingDependencyError("diagrams", "diagrams", "the icons style") from None


def _icon_class(kind: str):
    mod, _, cls = ICONS.get(kind, _FALLBACK).partition(":")
    return getattr(importlib.import_module(f"diagrams.{mod}"), cls)


def _icon_path(kind: str) -> str:
    cls = _icon_class(kind)
    package = importlib.import_module("diagrams").__file__
    assert package is not None  # diagrams is a regular package, with an __init__.py
    base = os.path.dirname(os.path.dirname(os.path.abspath(package)))
    return os.path.join(base, cls._icon_dir, cls._icon)


def embed_images(svg: str) -> str:
    """Replace every linked PNG in an SVG by a base64 data URI (the file is read once per path)."""
    cache: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        path = m.group(1)
        if path not in cache:
            with open(path, "rb") as fh:
                cache[path] = "data:image/png;base64," + base64.b64encode(fh.read()).decode("ascii")
        return f'xlink:href="{cache[path]}"'

    return _HREF.sub(sub, svg)


def _text(text: str) -> str:
    """Model text for a value the ``graphviz`` package quotes: never HTML-like, shown as written.

    The package writes a value that looks like ``<...>`` as an HTML-like label and keeps backslash
    escapes; ``graphviz.escape`` turns both off, and ``&`` is written so that graphviz shows it.
    """
    import graphviz

    return graphviz.escape(visible(text).replace("&", "&amp;"))


def _legend_label(view: View) -> DotHtml:
    title = _label(view.title, tuple(view.notes), 14, left=True)
    legend = _legend(view, icon_for=_icon_path) if view.legend else "<>"
    return DotHtml(
        '<<TABLE BORDER="0" CELLBORDER="0"><TR><TD ALIGN="LEFT">'
        + title[1:-1]
        + "</TD></TR>"
        + ("<TR><TD>" + legend[1:-1] + "</TD></TR>" if view.legend else "")
        + "</TABLE>>"
    )


def render_icons(view: View, format: str = "svg", layout: str | None = None) -> bytes:
    """Draw a view with icons in svg (images embedded), png, pdf or dot.

    ``diagrams`` only builds the graph here; graphviz draws it through :func:`run_dot`, under the same
    time limit as the plain style.
    """
    _diagrams()
    from diagrams import Cluster, Diagram

    from ._render import GraphvizError, GraphvizTimeout, run_dot

    class _Build(Diagram):
        """A Diagram that leaves the drawing to archkit: on leaving its block it only saves the DOT."""

        def render(self) -> None:
            self.dot.save()

    # graphviz reads 'a:b' in a node id as a port, so diagrams gets plain ids derived from the view's
    safe: dict[str, str] = {}
    for i, x in enumerate([b.id for b in view.boxes] + ["cluster_" + g.id for g in view.groups]):
        safe[x] = f"n{i}_" + re.sub(r"[^A-Za-z0-9_]", "_", x)
    boxes_by_group: dict[str | None, list[Box]] = {}
    for b in view.boxes:
        boxes_by_group.setdefault(b.group, []).append(b)
    made: dict[str, Any] = {}  # the diagrams node drawn for each box

    def add_group(group_id: str) -> None:
        g = next(x for x in view.groups if x.id == group_id)
        title = g.title + ("\n" + "\n".join(g.lines) if g.lines else "")
        cluster_attr = {"bgcolor": g.fill, "style": g.style, "pencolor": g.border, "fontsize": "13", "labeljust": "l"}
        with Cluster(_text(title), graph_attr=cluster_attr) as cl:
            cl.dot.name = "cluster_" + safe["cluster_" + g.id]  # unique even when two groups share a title
            for child in view.children(group_id):
                add_group(child.id)
            for b in boxes_by_group.get(group_id, []):
                made[b.id] = _box_node(b, safe[b.id])

    with tempfile.TemporaryDirectory(prefix="archkit-icons-") as tmp:
        with _Build(
            _text(view.title),
            filename=os.path.join(tmp, "view"),
            outformat=format,
            show=False,
            direction=view.rankdir,
            curvestyle="curved",
            graph_attr=_graph_attr(view, layout),
        ) as diagram:
            for g in view.children(None):
                add_group(g.id)
            for b in boxes_by_group.get(None, []):
                made[b.id] = _box_node(b, safe[b.id])
            for ln in view.lines:
                _connect(ln, made[ln.source], made[ln.target], safe)
        try:
            data = run_dot(diagram.dot.source, format)
        except GraphvizTimeout:
            raise
        except GraphvizError:
            # graphviz's dot aborts on some layouts of curved edges that end at a cluster's border
            # (an assertion in its compound-edge code); plain splines draw the same graph.
            diagram.dot.graph_attr["splines"] = "spline"
            data = run_dot(diagram.dot.source, format)
    if format == "svg":
        return embed_images(data.decode("utf-8")).encode("utf-8")
    return data


def _graph_attr(view: View, layout: str | None) -> dict[str, str]:
    """The whole drawing's graphviz attributes: the legend on top, clusters ranked together."""
    attr = {
        "label": _legend_label(view),
        "labelloc": "t",
        "labeljust": "l",
        "compound": "true",
        "newrank": "true",
        "fontsize": "12",
        "pad": "0.4",
        "nodesep": "0.5",
        "ranksep": "0.9",
    }
    if layout not in (None, "dot"):
        attr.update(layout=layout, overlap="false")
    return attr


def _box_node(b: Box, node_id: str) -> Any:
    """The diagrams node of one box: an invisible point for an anchor, a note, or the kind's icon."""
    from diagrams import Node

    if b.anchor:
        return Node("", nodeid=node_id, shape="point", style="invis", width="0.01", height="0.01", fixedsize="true")
    label = "\n".join((b.title, *b.lines))
    attrs = {"tooltip": _text(b.tooltip)} if b.tooltip else {}
    if b.kind == "note":
        return Node(
            _text(label),
            nodeid=node_id,
            shape="note",
            style="filled",
            fillcolor=b.fill,
            fixedsize="false",
            labelloc="c",
            **attrs,
        )
    if b.penwidth >= 3:  # highlighted (e.g. moved between variants): icons have no border
        label += "\n(moved)"
        attrs["fontcolor"] = b.border
    return _icon_class(b.kind)(_text(label), nodeid=node_id, **attrs)


def _connect(ln: Line, tail: Any, head: Any, safe: dict[str, str]) -> None:
    """Draw one line of the view between two drawn nodes (edges into clusters end at their border)."""
    from diagrams import Edge

    if ln.invisible:
        tail.connect(head, Edge(tail, style="invis", weight=str(ln.weight)))
        return
    attrs = {"fontcolor": ln.fontcolour, "penwidth": f"{ln.penwidth:g}", "fontsize": "10"}
    if not ln.constraint:
        attrs["constraint"] = "false"
    if ln.tail_group:
        attrs["ltail"] = "cluster_" + safe["cluster_" + ln.tail_group]
    if ln.head_group:
        attrs["lhead"] = "cluster_" + safe["cluster_" + ln.head_group]
    if ln.directed and ln.arrowhead != "normal":
        attrs["arrowhead"] = ln.arrowhead
    tail.connect(
        head,
        Edge(
            tail,
            forward=ln.directed,
            label=_text(ln.label),
            color=ln.colour,
            style=ln.style if ln.style != "bold" else "solid",
            **attrs,
        ),
    )
