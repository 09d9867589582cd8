"""The typed architecture model: quantities, elements, the system with its variants and flows."""

from .elements import (
    Autoscaling,
    Component,
    Connector,
    DataField,
    Element,
    Link,
    Location,
    ModelInfo,
    Node,
    Suppression,
)
from .kinds import (
    COMPONENT_KINDS,
    CONNECTOR_KINDS,
    LINK_MEDIA,
    NODE_KINDS,
    PURPOSES,
    SENSITIVITIES,
    register_component_kind,
    register_node_kind,
)
from .quantity import DIMENSIONS, Quantity, QuantityError, format_quantity, parse_quantity
from .system import HULTEN_PLACEMENTS, Flag, Flow, System, Variant

__all__ = [
    "Autoscaling",
    "Component",
    "Connector",
    "DataField",
    "Element",
    "Flag",
    "Flow",
    "Link",
    "Location",
    "ModelInfo",
    "Node",
    "Quantity",
    "QuantityError",
    "Suppression",
    "System",
    "Variant",
    "COMPONENT_KINDS",
    "CONNECTOR_KINDS",
    "LINK_MEDIA",
    "NODE_KINDS",
    "PURPOSES",
    "SENSITIVITIES",
    "DIMENSIONS",
    "HULTEN_PLACEMENTS",
    "format_quantity",
    "parse_quantity",
    "register_component_kind",
    "register_node_kind",
]
