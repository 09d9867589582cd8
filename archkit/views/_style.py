"""How model elements look in every view: shapes and fills by kind, line styles, tiers, colours.

One table per vocabulary, so every backend (graphviz, icons, Mermaid) and every legend draws the
same thing the same way. Kinds of one's own (``x-...`` or registered later) fall back to a plain box.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BoxStyle",
    "LineStyle",
    "TIERS",
    "tier_of",
    "tier_label",
    "component_style",
    "connector_style",
    "purpose_colour",
    "node_fill",
    "VERDICT_COLOURS",
    "UTILISATION_BANDS",
    "LINK_COLOUR",
    "LINK_SAMPLE_COLOUR",
    "DOWN_LINK_COLOUR",
    "UNKNOWN_UTILISATION_COLOUR",
    "utilisation_colour",
    "FONT",
]

FONT = "Helvetica"


@dataclass(frozen=True, slots=True)
class BoxStyle:
    """The look of a box: graphviz shape, fill colour, border style and a short description for the legend."""

    shape: str
    fill: str
    style: str
    look: str


@dataclass(frozen=True, slots=True)
class LineStyle:
    """The look of a line: graphviz style, pen width, arrow head and the legend's sketch of it."""

    style: str
    penwidth: float
    arrowhead: str
    sketch: str


_COMPONENT: dict[str, BoxStyle] = {
    "model": BoxStyle("box", "#fdd9b5", "rounded,filled,bold", "orange rounded box"),
    "feature_encoder": BoxStyle("box", "#fdebd3", "rounded,filled", "light orange rounded box"),
    "business_logic": BoxStyle("box", "#ffffff", "filled", "white box"),
    "adapter": BoxStyle("component", "#ffffff", "filled", "white box with tabs"),
    "datastore": BoxStyle("cylinder", "#dbe9f6", "filled", "blue cylinder"),
    "feature_store": BoxStyle("cylinder", "#fdebd3", "filled", "orange cylinder"),
    "cache": BoxStyle("cylinder", "#eeeeee", "filled", "grey cylinder"),
    "ui": BoxStyle("box", "#d5ecd4", "rounded,filled", "green rounded box"),
    "sensor": BoxStyle("invhouse", "#d5ecd4", "filled", "green pentagon"),
    "gateway": BoxStyle("hexagon", "#eeeeee", "filled", "grey hexagon"),
    "queue": BoxStyle("cds", "#eeeeee", "filled", "grey arrow box"),
    "batch_job": BoxStyle("box", "#eeeeee", "filled,dashed", "grey dashed box"),
    "training_pipeline": BoxStyle("box3d", "#fdebd3", "filled", "orange 3-D box"),
    "model_registry": BoxStyle("folder", "#fdebd3", "filled", "orange folder"),
    "telemetry": BoxStyle("note", "#e8e0f0", "filled", "purple note"),
    "monitor": BoxStyle("note", "#e8e0f0", "filled,bold", "purple note, bold"),
    "safeguard": BoxStyle("octagon", "#f6d5d5", "filled", "red octagon"),
    "external": BoxStyle("box", "#f4f4f4", "filled,dashed", "grey dashed box"),
}
_DEFAULT_BOX = BoxStyle("box", "#f4f4f4", "filled", "grey box")

_CONNECTOR: dict[str, LineStyle] = {
    "sync_call": LineStyle("solid", 1.2, "normal", "solid line"),
    "async_message": LineStyle("dashed", 1.2, "vee", "dashed line, open head"),
    "stream": LineStyle("bold", 2.4, "normal", "thick line"),
    "batch_transfer": LineStyle("dotted", 1.4, "normal", "dotted line"),
    "in_process": LineStyle("solid", 0.8, "empty", "thin line, hollow head"),
}

_PURPOSE: dict[str, str] = {
    "serving": "#333333",
    "training": "#ad1457",
    "telemetry": "#7b4ea3",
    "model_artifact": "#2e7d32",
    "control": "#8a6d3b",
    "feedback": "#00838f",
}

# Tiers put user devices left, servers near the users in the middle and the cloud right.
TIERS: dict[str, tuple[int, str]] = {
    "wearable": (0, "device"),
    "embedded": (0, "device"),
    "mobile": (1, "device"),
    "edge": (2, "edge"),
    "on_prem": (3, "edge"),
    "cloud": (4, "cloud"),
}
_TIER_TITLES = {"device": "User devices", "edge": "Edge and on-premises", "cloud": "Cloud"}

_NODE_FILL: dict[str, str] = {
    "wearable": "#f3efff",
    "embedded": "#f3efff",
    "mobile": "#eaf3fc",
    "edge": "#eef8ee",
    "on_prem": "#eef8ee",
    "cloud": "#f7f7f7",
}

# latency verdicts of archkit.analysis: worst case within budget, only the worst case over, even the
# best case over, an input missing, no budget declared
VERDICT_COLOURS: dict[str, str] = {
    "meets": "#2e7d32",
    "at risk": "#e69500",
    "violates": "#c62828",
    "unknown": "#9e9e9e",
    "no budget": "#607d8b",
}

# Each colour means one thing in a view. The dataflow view shows flow verdicts on connectors and
# utilisation on links side by side, so utilisation has its own scale (pale to dark blue, then
# magenta), apart from the verdicts' green/amber/red and from the purposes' colours.
LINK_COLOUR = "#1f5fa8"  # a network link, where links are not coloured by their load
LINK_SAMPLE_COLOUR = "#455a64"  # the legend's link samples where the colour is the utilisation
DOWN_LINK_COLOUR = "#bdbdbd"

# (upper bound of the band, colour, legend text); utilisation = carried bits/s over bandwidth
UTILISATION_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.5, "#64b5f6", "under 50 % of bandwidth"),
    (0.8, "#1a237e", "50-80 % of bandwidth"),
    (float("inf"), "#d500f9", "80 % or more: saturated"),
)
UNKNOWN_COLOUR = "#9e9e9e"  # a verdict that is unknown
UNKNOWN_UTILISATION_COLOUR = "#cfd8dc"  # a link whose utilisation is unknown


def component_style(kind: str) -> BoxStyle:
    """The box for a component kind (a plain grey box for kinds without their own look)."""
    return _COMPONENT.get(kind, _DEFAULT_BOX)


def connector_style(kind: str) -> LineStyle:
    """The line for a connector kind."""
    return _CONNECTOR.get(kind, _CONNECTOR["sync_call"])


def purpose_colour(purpose: str) -> str:
    """The line colour for a connector purpose."""
    return _PURPOSE.get(purpose, "#333333")


def tier_of(node_kind: str) -> tuple[int, str]:
    """(rank, tier name) of a node kind; unknown kinds sit with the edge tier."""
    return TIERS.get(node_kind, (2, "edge"))


def tier_label(tier: str) -> str:
    """Title of a tier cluster."""
    return _TIER_TITLES.get(tier, tier)


def node_fill(node_kind: str) -> str:
    """Background of a deployment-node cluster."""
    return _NODE_FILL.get(node_kind, "#f7f7f7")


def utilisation_colour(u: float | None) -> str:
    """Colour of a link carrying ``u`` of its bandwidth (grey when unknown)."""
    if u is None:
        return UNKNOWN_UTILISATION_COLOUR
    for bound, colour, _ in UTILISATION_BANDS:
        if u < bound:
            return colour
    return UTILISATION_BANDS[-1][1]  # pragma: no cover - the last bound is infinite
