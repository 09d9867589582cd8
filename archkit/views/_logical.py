"""Logical view: what the parts are and how they talk, with no placement.

Components are boxes shaped and filled by kind; connectors are lines styled by kind (call,
message, stream, batch transfer, in-process) and coloured by purpose (serving, telemetry, model
artifacts, ...). The layout runs left to right along the connectors.
"""

from __future__ import annotations

from .._words import count
from ..model import System
from ._build import Canvas, component_box, connector_line, legend
from ._graph import View

__all__ = ["logical_view"]


def logical_view(system: System) -> View:
    """The logical view of a system: components by kind, connectors by kind and purpose."""
    canvas = Canvas()
    for c in sorted(system.components, key=lambda c: c.id):
        component_box(canvas, c, f"c:{c.id}", None)
    for e in sorted(system.connectors, key=lambda e: (e.source, e.target, e.id)):
        connector_line(
            canvas,
            e,
            f"e:{e.id}",
            f"c:{e.source}",
            f"c:{e.target}",
            label=e.purpose.replace("_", " ") if e.purpose != "serving" else "",
        )
    notes = [
        f"logical view: {count(len(system.components), 'component')}, {count(len(system.connectors), 'connector')}"
    ]
    return View(
        "logical", f"{system.name}: logical view", canvas.boxes, canvas.groups, canvas.lines, legend(canvas), notes
    )
