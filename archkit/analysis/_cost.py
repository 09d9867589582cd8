"""Monthly operating cost for a number of users, line item by line item.

Line items (USD per month, H = 730 hours per month)::

    node fleet     cost_per_hour(n) x H x count(n)               nodes without per_user
                   for a fleet that scales (count 'min..max'): x nodes needed kept within
                   min_count..count (min_count when nothing runs on it)
    user devices   cost_per_hour(n) x H x users x per_user       only if the device declares a price
    scale-out      cost_per_hour(n) x H x max(0, nodes needed - count)   nodes needed from capacity
                   (beyond the most a fleet may have; the capacity plan says "under" then)
    data           sum over connectors e (not model artifacts) and the metered links l on their route:
                   (request_size + response_size if synchronous) x rate x share x instances(e)
                   x duty(e) x H x 3600 x cost_per_gb(l)
    model updates  bytes per month of each model x cost_per_gb of its metered route links
                   (see :mod:`archkit.analysis._updates`)

duty(e) = usage hours per day / 24 for user-driven traffic (a connector whose source is on a
user's device and whose purpose is serving, telemetry or feedback), else 1. Telemetry connectors
are their own line item. Links of media other than cellular and internet without a price are
unmetered. A fleet node (cloud, on_prem, edge) without cost_per_hour is unknown, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import System
from ._capacity import CapacityResult, NodeCapacity, capacity
from ._common import (
    SECONDS_PER_DAY,
    Estimate,
    Options,
    devices,
    input_text,
    instances_in,
    missing_text,
    quantity_estimate,
    rate_in,
)
from ._context import AnalysisContext, context_of
from ._links import LinkLoadResult
from ._updates import UpdatesResult, link_price, updates

__all__ = [
    "CostItem",
    "CostResult",
    "cost",
    "node_monthly_cost",
    "node_cost_items",
    "fleet_size",
    "connector_monthly_data_cost",
    "connector_volume",
]

_USER_DRIVEN = ("serving", "telemetry", "feedback")


@dataclass(frozen=True)
class CostItem:
    """One line of the monthly bill."""

    category: str
    item: str
    monthly: Estimate
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"category": self.category, "item": self.item, "detail": self.detail, "monthly": self.monthly.to_dict()}


@dataclass(frozen=True)
class CostResult:
    """The monthly cost of one variant."""

    variant: str | None
    users: int | None
    items: list[CostItem]
    total: Estimate
    per_user: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "variant": self.variant,
            "users": self.users,
            "total": self.total.to_dict(),
            "per_user": self.per_user.to_dict(),
            "items": [i.to_dict() for i in self.items],
        }


def fleet_size(node: Any, needed: Estimate | None) -> Estimate:
    """Nodes of a fleet that run: its count, or for a fleet that scales the nodes needed kept within
    min_count..count (``needed`` None: nothing is placed on it or reaches it, so its min_count).

    The nodes needed beyond the most are the cost analysis's scale-out line, so what a fleet costs
    in all is cost_per_hour x max(fewest, nodes needed).
    """
    if not node.scales:
        return Estimate.exact(float(node.count), "nodes")
    lo, hi = float(node.min_count), float(node.count)
    size = input_text("node", node.id, "count", node.size_text)
    if needed is None:
        return Estimate.exact(lo, "nodes", (size,))
    if not needed.known:
        return needed.as_unit("nodes")
    b, t, w = needed.values()
    return Estimate(
        min(hi, max(lo, b)), min(hi, max(lo, t)), min(hi, max(lo, w)), "nodes", tuple(needed.inputs) + (size,)
    )


def node_monthly_cost(
    system: System | AnalysisContext,
    node_id: str,
    options: Options | None = None,
    instances: float | Estimate | None = None,
) -> Estimate | None:
    """USD per month of a node: cost_per_hour x hours per month x instances (default: its count or devices).

    None for a user's device without a price (the user pays for it); unknown for a fleet node
    without cost_per_hour. Stable primitive for vectorised evaluators.
    """
    opts = options or Options()
    g = context_of(system)
    system = g.system
    n = g.nodes[node_id]
    if n.cost_per_hour is None:
        if n.user_device:
            return None
        return Estimate.unknown("USD/month", missing_text("cost_per_hour", "node", n.id))
    q = n.cost_per_hour
    price = Estimate(q.lo, q.mid, q.hi, "USD/s", (input_text("node", n.id, "cost_per_hour", q),))
    count = (
        instances
        if isinstance(instances, Estimate)
        else Estimate.exact(instances, "devices")
        if instances is not None
        else devices(n, opts.users_for(system))
    )
    return price.times(count, "USD/month").scale(opts.hours_per_month * 3600)


def connector_monthly_data_cost(
    system: System | AnalysisContext,
    variant: str | None,
    connector_id: str,
    options: Options | None = None,
    loads: LinkLoadResult | None = None,
) -> Estimate:
    """USD per month of one connector's traffic over metered links in a variant (zero if it crosses none).

    volume per month (:func:`connector_volume`) x cost_per_gb of each metered link on its route.
    ``loads`` is accepted for compatibility and not read (the cost follows volumes, not link loads).
    """
    opts = options or Options()
    items = _data_costs(system, variant, opts, None, only=connector_id)
    return Estimate.total((e for _, _, e in items), "USD/month")


def connector_volume(
    system: System | AnalysisContext, connector_id: str, variant: str | None = None, options: Options | None = None
) -> Estimate:
    """Bytes per day a connector moves, over all its instances (B/day).

    (request_size + response_size if synchronous) x rate x share x instances x active seconds per
    day, where instances = max(devices(source node), devices(target node)) over every user's
    devices, and active seconds are usage hours x 3600 for user-driven traffic (source on a user's
    device, purpose serving, telemetry or feedback), else 86400.
    """
    opts = options or Options()
    g = context_of(system, variant)
    c = g.connectors[connector_id]
    a, b = g.node_of(c.source), g.node_of(c.target)
    if a is None or b is None:
        return Estimate.unknown("B/day", f"place component '{c.source if a is None else c.target}' on a node")
    return _volume(g, c, a, b, opts)


def _volume(g: AnalysisContext, c: Any, a: Any, b: Any, opts: Options) -> Estimate:
    """connector_volume of ``c`` from node ``a`` to node ``b``."""
    memo = g.shared
    size = memo.get(("payload", c.id))
    if size is None:
        size = quantity_estimate(c.request_size, "connector", c.id, "request_size", "B")
        if c.synchronous:
            size = size + quantity_estimate(c.response_size, "connector", c.id, "response_size", "B")
        memo[("payload", c.id)] = size
    user_driven = a.user_device and c.purpose in _USER_DRIVEN
    active = opts.usage_hours(g.system) * 3600 if user_driven else SECONDS_PER_DAY
    volume = size.times(rate_in(g, c), "B/day").times(instances_in(g, a, b, opts.users_for(g.system)), "B/day")
    return volume.scale(active)


def _price_in(g: AnalysisContext, link: Any) -> Estimate | None:
    """:func:`link_price` of a link, once per context."""
    key = ("price", link.id)
    memo = g.shared
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    p = memo[key] = link_price(link)
    return p


def _priced_hops(g: AnalysisContext, a: str, b: str) -> list[tuple[Any, Estimate]]:
    """(link, price) of each metered link on the route from node ``a`` to node ``b``, once per route."""
    key = ("priced hops", a, b, g.route_links(a, b))
    out: list[tuple[Any, Estimate]] | None = g.shared.get(key)
    if out is None:
        hops = g.route(a, b) or []
        out = g.shared[key] = [(h.link, p) for h in hops if (p := _price_in(g, h.link)) is not None]
    return out


def _data_costs(
    system: System | AnalysisContext,
    variant: str | None,
    opts: Options,
    _unused: LinkLoadResult | None = None,
    only: str | None = None,
) -> list[tuple[str, str, Estimate]]:
    """(category, link id, USD/month) for every connector crossing a metered link (model artifacts excluded)."""
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    out: list[tuple[str, str, Estimate]] = []
    nodes, placement, memo = g.nodes, g.placement, g.shared
    figures = (opts.users_for(system), opts.usage_hours(system), opts.hours_per_month)
    for c in system.connectors:
        if only is not None and c.id != only:
            continue
        if c.purpose == "model_artifact":
            continue
        na, nb = placement.get(c.source), placement.get(c.target)
        if na is None or nb is None or na == nb:
            continue
        # the same nodes, route and figures give the same items: once for all placements
        key = ("data costs", c.id, na, nb, g.route_links(na, nb), figures)
        items = memo.get(key)
        if items is None:
            items = memo[key] = _connector_data_costs(g, c, nodes.get(na), nodes.get(nb), opts)
        out.extend(items)
    return out


def _connector_data_costs(g: AnalysisContext, c: Any, a: Any, b: Any, opts: Options) -> list[tuple[str, str, Estimate]]:
    """(category, link id, USD/month) of one connector from node ``a`` to node ``b``, for each metered link."""
    if a is None or b is None:
        return []
    priced = _priced_hops(g, a.id, b.id)
    if not priced:
        return []
    volume = _volume(g, c, a, b, opts).as_unit("B/month").scale(opts.hours_per_month * 3600 / SECONDS_PER_DAY)
    cat = "telemetry" if c.purpose == "telemetry" else "data"
    return [(cat, lk.id, volume.times(price, "USD/month")) for lk, price in priced]


def node_cost_items(
    system: System | AnalysisContext,
    node: Any,
    plan: NodeCapacity | None,
    options: Options | None = None,
    hosted: bool = True,
) -> tuple[CostItem | None, CostItem | None]:
    """The two lines of the bill one node adds (stable primitive): its fleet or its users' devices,
    and its scale-out beyond the most it may have.

    ``plan`` is the node's capacity plan (:func:`archkit.analysis.fleet_plan`; None: nothing is
    planned on it) and ``hosted`` whether any component is placed on it. The first line is None for
    a user's device without a price, or a node without a price that hosts nothing; the second when
    no node is needed beyond the most (or, for a fleet that scales, when its own line already says
    its size is unknown).
    """
    opts = options or Options()
    g = context_of(system)
    return _fleet_item(g, node, plan, opts, hosted), _scale_out_item(node, plan, opts)


def _fleet_item(g: AnalysisContext, n: Any, plan: NodeCapacity | None, opts: Options, hosted: bool) -> CostItem | None:
    if not hosted and n.cost_per_hour is None:
        return None
    if n.scales:
        running = fleet_size(n, plan.nodes_needed if plan is not None else None)
        e = node_monthly_cost(g, n.id, opts, running) if running.known else running.as_unit("USD/month")
        if e is None:
            return None
        return CostItem(
            "node fleet",
            n.id,
            e,
            f"{n.cost_per_hour} x {opts.hours_per_month:g} h x "
            f"{running.text()} (of {n.size_text}, as the capacity plan needs)",
        )
    e = node_monthly_cost(g, n.id, opts)
    if e is None:
        return None
    cat = "user devices" if n.per_user is not None else "node fleet"
    return CostItem(
        cat,
        n.id,
        e,
        f"{n.cost_per_hour} x {opts.hours_per_month:g} h x "
        + (f"{n.count}" if n.per_user is None else "users x per_user"),
    )


def _scale_out_item(n: Any, nc: NodeCapacity | None, opts: Options) -> CostItem | None:
    if nc is None:
        return None
    if not nc.nodes_needed.known:
        if n.scales:  # a fleet that scales says so in its own line
            return None
        return CostItem("scale-out", n.id, nc.nodes_needed.as_unit("USD/month"), "nodes needed by the capacity plan")
    need_best, need_typical, need_worst = nc.nodes_needed.values()
    extra_worst = max(0.0, need_worst - n.count)
    if extra_worst == 0:
        return None
    extra = Estimate(
        max(0.0, need_best - n.count),
        max(0.0, need_typical - n.count),
        extra_worst,
        "nodes",
        nc.nodes_needed.inputs,
    )
    if n.cost_per_hour is None:
        e = Estimate.unknown("USD/month", missing_text("cost_per_hour", "node", n.id))
    else:
        q = n.cost_per_hour
        e = (
            Estimate(q.lo, q.mid, q.hi, "USD/s", (input_text("node", n.id, "cost_per_hour", q),))
            .times(extra, "USD/month")
            .scale(opts.hours_per_month * 3600)
        )
    most = f"the most ({n.count:,}) it may scale to" if n.scales else f"the {n.count:,} declared"
    return CostItem(
        "scale-out", n.id, e, f"{extra.text()} more than {most}, for the capacity plan (capacity: {nc.summary})"
    )


def cost(
    system: System | AnalysisContext,
    variant: str | None = None,
    options: Options | None = None,
    caps: CapacityResult | None = None,
    loads: LinkLoadResult | None = None,
    ups: UpdatesResult | None = None,
) -> CostResult:
    """Monthly cost line items, total and cost per user (see the module docstring).

    ``caps`` and ``ups`` may pass results already computed for the same variant; ``loads`` is
    accepted for compatibility and not read (data costs follow volumes, not link loads).
    """
    opts = options or Options()
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    users = opts.users_for(system)
    caps = caps or capacity(g, options=opts)
    ups = ups or updates(g, options=opts)
    items: list[CostItem] = []
    hosted = set(g.placement.values())
    plans = {nc.node: nc for nc in caps.nodes}
    scale_out: list[CostItem] = []
    for n in system.nodes:
        fleet, extra = node_cost_items(g, n, plans.get(n.id), opts, hosted=n.id in hosted)
        if fleet is not None:
            items.append(fleet)
        if extra is not None:
            scale_out.append(extra)
    items.extend(scale_out)
    grouped: dict[tuple[str, str], list[Estimate]] = {}
    for cat, lid, e in _data_costs(g, None, opts):
        grouped.setdefault((cat, lid), []).append(e)
    for (cat, lid), es in grouped.items():
        items.append(CostItem(cat, lid, Estimate.total(es, "USD/month"), f"traffic over metered link '{lid}'"))
    for m in ups.models:
        if m.monthly_cost.known and m.monthly_cost.worst == 0:
            continue
        items.append(
            CostItem(
                "model updates",
                m.model,
                m.monthly_cost,
                f"{m.bytes_per_month.text()} over {', '.join(m.route) or 'no metered link'}",
            )
        )
    total = Estimate.total((i.monthly for i in items), "USD/month")
    per_user = (
        total.scale(1 / users, "USD/month", (f"users = {users}",))
        if users
        else Estimate.unknown("USD/month", "declare users on the system (or pass --users)")
    )
    return CostResult(variant, users, items, total, per_user)
