"""Privacy and telemetry: which personal data leaves which device over which link; telemetry volume and cost.

Personal data: data moves along both legs of a connector (:attr:`archkit.model.Connector.legs`):
the request carries the source's data to the target, and the response of a read or of an
answering synchronous call carries the target's data back to the source. Every leg that leaves
a user's device (it starts on a user device, :attr:`archkit.model.Node.user_device`, and ends on
another node) is listed with the sensitivity of what it carries: the connector's
``data_sensitivity``, else that of the component the data comes from (marked inherited), else
unknown (naming the field to declare). Each entry says whether the data only moves between the
user's own devices or leaves them (reaches a node that is not a user device on its route), and
whether it is encrypted. A cloud model that reads a store on the phone takes the store's data
off the phone in the response: that is an exit like an upload. :func:`connector_exits` is the
one rule; compare, explore and lint count exits with it.

Telemetry: for each connector with purpose ``telemetry``::

    bytes per device per day = request_size x rate x share x usage hours x 3600
    bytes per day            = bytes per device per day x instances(connector)
    cost per month           = bytes per day x 730/24 days x sum of cost_per_gb of metered route links
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import System
from ._common import (
    DAYS_PER_MONTH,
    Estimate,
    Options,
    connector_instances,
    connector_rate,
    missing_text,
    quantity_estimate,
)
from ._context import AnalysisContext, context_of
from ._updates import link_price

__all__ = ["DataExit", "TelemetryVolume", "PrivacyResult", "privacy", "connector_exits"]


@dataclass(frozen=True)
class DataExit:
    """One leg of a connector carrying data off a user's device.

    ``source`` is the component the data comes from and ``target`` where it goes: for a request
    the connector's source and target, for a response (``leg``) the other way round.
    """

    connector: str
    purpose: str
    source: str
    source_node: str
    target: str
    target_node: str
    route: tuple[str, ...]
    sensitivity: str | None
    sensitivity_from: str
    leaves_user: bool
    encrypted: bool | None
    missing: tuple[str, ...]
    leg: str = "request"

    @property
    def personal(self) -> bool:
        """True when it carries personal or sensitive data."""
        return self.sensitivity in ("personal", "sensitive")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "connector": self.connector,
            "leg": self.leg,
            "purpose": self.purpose,
            "source": self.source,
            "source_node": self.source_node,
            "target": self.target,
            "target_node": self.target_node,
            "route": list(self.route),
            "sensitivity": self.sensitivity,
            "sensitivity_from": self.sensitivity_from,
            "personal": self.personal,
            "leaves_user_devices": self.leaves_user,
            "encrypted": self.encrypted,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class TelemetryVolume:
    """Volume and cost of one telemetry connector."""

    connector: str
    route: tuple[str, ...]
    bytes_per_device_per_day: Estimate
    bytes_per_day: Estimate
    monthly_cost: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "connector": self.connector,
            "route": list(self.route),
            "bytes_per_device_per_day": self.bytes_per_device_per_day.to_dict(),
            "bytes_per_day": self.bytes_per_day.to_dict(),
            "monthly_cost": self.monthly_cost.to_dict(),
        }


@dataclass(frozen=True)
class PrivacyResult:
    """Data leaving user devices, and telemetry, in one variant."""

    variant: str | None
    exits: list[DataExit]
    telemetry: list[TelemetryVolume]
    telemetry_per_day: Estimate
    telemetry_monthly_cost: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "variant": self.variant,
            "data_leaving_devices": [e.to_dict() for e in self.exits],
            "telemetry": [t.to_dict() for t in self.telemetry],
            "telemetry_bytes_per_day": self.telemetry_per_day.to_dict(),
            "telemetry_monthly_cost": self.telemetry_monthly_cost.to_dict(),
        }


def connector_exits(g: Any, c: Any, source_node: str, target_node: str) -> list[DataExit]:
    """The legs of connector ``c`` that leave a user's device when its ends sit on these nodes.

    ``g`` gives the routes and elements (an analysis graph or context of the system); the nodes
    may differ from the placement's, so that the explorer asks the same question of any placement.
    """
    if source_node == target_node:
        return []
    on = {c.source: source_node, c.target: target_node}
    out = []
    for origin, dest, leg in c.legs:
        a, b = g.nodes[on[origin]], g.nodes[on[dest]]
        if not a.user_device:
            continue
        hops = g.route(a.id, b.id)
        route = tuple(h.link.id for h in hops) if hops else ()
        sens: str | None
        miss: tuple[str, ...]
        if c.data_sensitivity is not None:
            sens, frm, miss = c.data_sensitivity, "connector", ()
        elif g.components[origin].data_sensitivity is not None:
            sens, frm, miss = g.components[origin].data_sensitivity, f"{leg} from '{origin}' (inherited)", ()
        else:
            sens, frm, miss = None, "unknown", (missing_text("data_sensitivity", "connector", c.id),)
        leaves = not b.user_device or any(not g.nodes[h.target].user_device for h in (hops or []))
        out.append(
            DataExit(c.id, c.purpose, origin, a.id, dest, b.id, route, sens, frm, leaves, c.encrypted, miss, leg)
        )
    return out


def privacy(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> PrivacyResult:
    """Personal data leaving user devices and telemetry volume and cost (see the module docstring)."""
    opts = options or Options()
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    users = opts.users_for(system)
    hours = opts.usage_hours(system)
    exits: list[DataExit] = []
    tele: list[TelemetryVolume] = []
    placement, nodes, memo = g.placement, g.nodes, g.shared
    figures = (users, hours, opts.hours_per_month)
    for c in system.connectors:
        na, nb = placement.get(c.source), placement.get(c.target)
        if na is None or nb is None or na not in nodes or nb not in nodes:
            continue
        if c.purpose != "telemetry" and not (nodes[na].user_device or nodes[nb].user_device):
            continue  # neither leg starts on a user's device: nothing leaves one
        # the same nodes, routes and figures give the same exits and volume: once for all placements
        key = ("privacy", c.id, na, nb, g.route_links(na, nb), g.route_links(nb, na), figures)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _connector_privacy(g, c, nodes[na], nodes[nb], opts)
        exits.extend(found[0])
        if found[1] is not None:
            tele.append(found[1])
    per_day = Estimate.total((t.bytes_per_day for t in tele), "B/day")
    cost = Estimate.total((t.monthly_cost for t in tele), "USD/month")
    return PrivacyResult(variant, exits, tele, per_day, cost)


def _connector_privacy(
    g: AnalysisContext, c: Any, a: Any, b: Any, opts: Options
) -> tuple[list[DataExit], TelemetryVolume | None]:
    """The exits of one connector from node ``a`` to node ``b``, and its telemetry volume (None: not telemetry)."""
    hops = g.route(a.id, b.id) if a.id != b.id else []
    exits = connector_exits(g, c, a.id, b.id)
    if c.purpose != "telemetry":
        return exits, None
    route = tuple(h.link.id for h in hops) if hops else ()
    size = quantity_estimate(c.request_size, "connector", c.id, "request_size", "B")
    duty = opts.usage_hours(g.system) if a.user_device else 24.0
    per_dev = size.times(connector_rate(c), "B/day").scale(duty * 3600)
    total = per_dev.times(connector_instances(a, b, opts.users_for(g.system)), "B/day")
    price = Estimate.zero("USD/B")
    if a.id != b.id and hops is None:
        price = Estimate.unknown("USD/B", f"declare a usable link route from node '{a.id}' to node '{b.id}'")
    for h in hops or []:
        p = link_price(h.link)
        if p is not None:
            price = price + p
    cost = total.times(price, "USD/month").scale(DAYS_PER_MONTH * opts.hours_per_month / 730.0)
    return exits, TelemetryVolume(c.id, route, per_dev, total, cost)
