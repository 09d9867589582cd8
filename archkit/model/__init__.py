"""The typed architecture model: quantities, elements, the system with its variants and flows.

Everything a user or another part of archkit needs from the model is imported from here. The
graph views (:class:`SystemGraph`: link routes and the call graph) are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Location
from ._elements import (
    ID_PATTERN,
    RESPONSIBILITIES,
    Autoscaling,
    Component,
    Connector,
    DataField,
    Element,
    Link,
    ModelInfo,
    Node,
    PropertyValue,
    Suppression,
)
from ._kinds import (
    COMPONENT_KINDS,
    CONNECTOR_KINDS,
    LINK_MEDIA,
    NODE_KINDS,
    PURPOSES,
    SENSITIVITIES,
    register_component_kind,
    register_node_kind,
    suggest,
)
from ._quantity import DIMENSIONS, MAX_COUNT, Quantity, QuantityError, format_quantity, parse_quantity
from ._system import HULTEN_PLACEMENTS, Flag, Flow, System, Variant

if TYPE_CHECKING:
    from ._graph import Hop, SystemGraph, find_sync_cycles

__all__ = [
    "Autoscaling",
    "Component",
    "Connector",
    "DataField",
    "Element",
    "Flag",
    "Flow",
    "Hop",
    "Link",
    "Location",
    "ModelInfo",
    "Node",
    "PropertyValue",
    "Quantity",
    "QuantityError",
    "Suppression",
    "System",
    "SystemGraph",
    "Variant",
    "COMPONENT_KINDS",
    "CONNECTOR_KINDS",
    "DIMENSIONS",
    "HULTEN_PLACEMENTS",
    "ID_PATTERN",
    "MAX_COUNT",
    "RESPONSIBILITIES",
    "LINK_MEDIA",
    "NODE_KINDS",
    "PURPOSES",
    "SENSITIVITIES",
    "find_sync_cycles",
    "format_quantity",
    "parse_quantity",
    "register_component_kind",
    "register_node_kind",
    "suggest",
]

_GRAPH_NAMES = ("Hop", "SystemGraph", "find_sync_cycles")


def __getattr__(name: str) -> Any:
    if name in _GRAPH_NAMES:
        from . import _graph

        return getattr(_graph, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
