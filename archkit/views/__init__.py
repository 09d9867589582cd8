"""Views of a model: logical, deployment, dataflow, one flow, and two placements side by side.

Every diagram comes from the one model and carries a legend. Build a :class:`View` with
:func:`build_view` (or the per-view functions), then draw it with :meth:`View.render` in svg, png,
pdf, dot or mermaid, in the plain graphviz style or the icon style (``pip install
'archkit[diagrams]'``). In a notebook a View, and a DSL System, display inline.
"""

from __future__ import annotations

from ._graph import Box, Group, LegendEntry, Line, View
from .deployment import deployment_view
from .logical import logical_view
from .render import FORMATS, STYLES, GraphvizError, render_view

__all__ = [
    "View", "Box", "Group", "Line", "LegendEntry",
    "logical_view", "deployment_view",
    "render_view", "FORMATS", "STYLES", "GraphvizError",
]
