"""The whole architecture: elements, placements with named variants, and end-to-end flows."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator

from ._elements import (
    ID_PATTERN,
    Component,
    Connector,
    Element,
    Link,
    Node,
    PropertyValue,
    Suppression,
    new_dict,
    new_list,
)
from ._quantity import MAX_COUNT, Duration, Rate

__all__ = ["Variant", "Flow", "Flag", "System", "HULTEN_PLACEMENTS"]

HULTEN_PLACEMENTS: dict[str, str] = {
    "static": "static intelligence shipped inside the product",
    "client_side": "intelligence on the user's device, updated separately",
    "server_centric": "intelligence on a server, called for every prediction",
    "backend_cached": "predictions computed on the back end ahead of time and cached",
    "hybrid": "part on the device, part on the server",
}


class Variant(Element):
    """A named alternative placement of the same logical components (e.g. 'ocr-in-cloud')."""

    name: str = Field(pattern=ID_PATTERN, description="Unique name of the variant.")
    description: str | None = Field(None, description="What this alternative is and why it is considered.")
    placement: dict[str, str] = Field(
        default_factory=new_dict, description="Component id -> node id, overriding the system's base placement."
    )
    links_down: list[str] = Field(
        default_factory=new_list, description="Links taken as down in this variant (a scenario, e.g. offline use)."
    )
    preset: Literal["static", "client_side", "server_centric", "backend_cached", "hybrid"] | None = Field(
        None, description="Which of Hulten's placements this variant stands for, if any."
    )


class Flow(Element):
    """A named end-to-end scenario: a chain of connectors, with its trigger rate and latency budget."""

    id: str = Field(pattern=ID_PATTERN, description="Unique identifier of the flow.")
    name: str | None = Field(None, description="Human-readable name, e.g. 'camera frame -> translated overlay'.")
    description: str | None = Field(None, description="What the scenario is.")
    steps: list[str] = Field(
        description="Connector ids in order. After a sync call the caller may call again (the response returns)."
    )
    rate: Rate | None = Field(None, description="How often the flow is triggered per device at peak, e.g. '1 /s'.")
    latency_budget: Duration | None = Field(None, description="End-to-end latency the flow must meet, e.g. '200 ms'.")
    offline: bool = Field(False, description="Whether the flow must keep working when intermittent links are down.")
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @property
    def label(self) -> str:
        """The name if set, else the id."""
        return self.name or self.id


class Flag(Element):
    """A feature flag or experiment switch: which components and connectors are used only while it is on."""

    id: str = Field(pattern=ID_PATTERN, description="Unique identifier of the flag.")
    description: str | None = Field(None, description="What the flag switches, e.g. 'trial of the new ranker'.")
    state: Literal["on", "off", "partial"] = Field(
        description="on: the guarded elements are in use; off: they get no traffic; partial: some requests use them."
    )
    owner: str | None = Field(None, description="Team or person who decides when the flag and its code path go.")
    since: date | None = Field(None, description="Date the flag got its current state, e.g. '2024-03-01'.")
    guards: list[str] = Field(
        default_factory=new_list, description="Ids of the components and connectors used only while the flag is on."
    )
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @field_validator("state", mode="before")
    @classmethod
    def _yaml_booleans(cls, v: object) -> object:
        # YAML 1.1 reads a bare `state: off` as false and `on` as true; take them as the words meant.
        if v is True:
            return "on"
        if v is False:
            return "off"
        return v


class System(Element):
    """An architecture: components and connectors, nodes and links, placements, variants and flows."""

    name: str = Field(description="Name of the system.")
    description: str | None = Field(None, description="What the system is for.")
    version: str | None = Field(None, description="Version of this architecture description.")
    users: int | None = Field(
        None, ge=1, le=MAX_COUNT, description="Number of users assumed for cost and capacity, e.g. 100000."
    )
    peak_active_share: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Fraction of users active at the same time in the busiest hour, e.g. 0.05. Server-side load is "
        "users x this share x per-device rates; when unset, every user is taken as active at once (a worst case).",
    )
    usage_hours_per_day: float | None = Field(
        None,
        gt=0,
        le=24,
        description="Hours a user uses the system per day on average, e.g. 0.5. Daily and monthly volumes of "
        "user-driven traffic count these hours; when unset, devices are taken as busy around the clock (a worst case).",
    )
    components: list[Component] = Field(default_factory=new_list, description="The components.")
    connectors: list[Connector] = Field(default_factory=new_list, description="The connectors between components.")
    nodes: list[Node] = Field(default_factory=new_list, description="The deployment nodes.")
    links: list[Link] = Field(default_factory=new_list, description="The network links between nodes.")
    placement: dict[str, str] = Field(default_factory=new_dict, description="Base placement: component id -> node id.")
    variants: list[Variant] = Field(default_factory=new_list, description="Named alternative placements.")
    flows: list[Flow] = Field(default_factory=new_list, description="End-to-end scenarios with budgets.")
    flags: list[Flag] = Field(
        default_factory=new_list, description="Feature flags and experiment switches, with the elements they guard."
    )
    requirements: list[str] = Field(
        default_factory=new_list,
        description="Hard constraints for comparing alternatives, e.g. 'latency(overlay) <= 200 ms', 'offline(overlay)'.",
    )
    objectives: list[str] = Field(
        default_factory=new_list, description="What to optimise when comparing alternatives, e.g. 'minimize cost'."
    )
    properties: dict[str, PropertyValue] = Field(default_factory=new_dict, description="Further attributes.")

    # -- lookups -------------------------------------------------------------------------------
    def component(self, id: str) -> Component:
        """The component with this id (KeyError if none)."""
        for c in self.components:
            if c.id == id:
                return c
        raise KeyError(id)

    def node(self, id: str) -> Node:
        """The node with this id (KeyError if none)."""
        for n in self.nodes:
            if n.id == id:
                return n
        raise KeyError(id)

    def connector(self, id: str) -> Connector:
        """The connector with this id (KeyError if none)."""
        for c in self.connectors:
            if c.id == id:
                return c
        raise KeyError(id)

    def flow(self, id: str) -> Flow:
        """The flow with this id (KeyError if none)."""
        for f in self.flows:
            if f.id == id:
                return f
        raise KeyError(id)

    def flag(self, id: str) -> Flag:
        """The flag with this id (KeyError if none)."""
        for f in self.flags:
            if f.id == id:
                return f
        raise KeyError(id)

    def variant(self, name: str) -> Variant:
        """The variant with this name (KeyError if none)."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)

    def with_element(self, element: Component | Connector | Node | Link | Flow | Variant) -> "System":
        """A copy of the system with the element of the same id (a variant: name) replaced by ``element``.

        Raises:
            KeyError: the system has no element of that kind with that id.
        """
        for name, kind, key in (
            ("components", Component, "id"),
            ("connectors", Connector, "id"),
            ("nodes", Node, "id"),
            ("links", Link, "id"),
            ("flows", Flow, "id"),
            ("variants", Variant, "name"),
        ):
            if isinstance(element, kind):
                items: list[Any] = list(getattr(self, name))
                ident = getattr(element, key)
                index = next((i for i, x in enumerate(items) if getattr(x, key) == ident), None)
                if index is None:
                    raise KeyError(ident)
                items[index] = element
                return self.model_copy(update={name: items}).at(self.location)
        raise TypeError(f"not an element of a system: {type(element).__name__}")

    @property
    def variant_names(self) -> list[str]:
        """Names of the declared variants, in declaration order."""
        return [v.name for v in self.variants]

    def placement_for(self, variant: str | None = None) -> dict[str, str]:
        """Component id -> node id for the base placement, or for a variant (base plus its overrides)."""
        out = dict(self.placement)
        if variant is not None:
            out.update(self.variant(variant).placement)
        return out

    def links_down_for(self, variant: str | None = None) -> set[str]:
        """Ids of links taken as down in a variant (none for the base placement)."""
        return set(self.variant(variant).links_down) if variant is not None else set()
