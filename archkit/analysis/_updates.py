"""Model updates: where each model lives, how many copies, what a new version costs to roll out.

For a model m placed on node n, with artifact size z (bytes) and update period p (s)::

    copies            = devices(n)           users x per_user on user devices, else the node count
    bytes per rollout = z x copies
    updates per month = 730 h x 3600 / p
    bytes per day     = z x copies x 86400 / p
    bytes per month   = bytes per rollout x updates per month
    rollout time      = sum over the links of the artifact route l:
                            latency(l) + z x 8 x copies_per_link(l) / bandwidth(l)
    staleness         = rollout time (best) .. p + rollout time (worst), typical p / 2 + rollout time
    distribution cost = bytes per month x sum of cost_per_gb over the metered links of the route

The artifact route is the route of the model's ``model_artifact`` connector (from a registry or a
training pipeline); copies_per_link = devices(n) / instances(l) (a shared fleet link carries every
copy, a user's own link one). Without such a connector the model has no update channel: its
rollout time and distribution cost are unknown, naming the connector to declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import System
from ._common import (
    SECONDS_PER_DAY,
    Estimate,
    Options,
    devices,
    input_text,
    missing_text,
    quantity_estimate,
)
from ._context import AnalysisContext, context_of
from ._links import _instance_ratio

__all__ = ["ModelUpdate", "UpdatesResult", "model_update", "updates", "link_price"]


@dataclass(frozen=True)
class ModelUpdate:
    """What updating one model costs in one variant."""

    model: str
    node: str | None
    channel: str | None
    route: tuple[str, ...]
    copies: Estimate
    size: Estimate
    update_period: Estimate
    bytes_per_rollout: Estimate
    bytes_per_day: Estimate
    bytes_per_month: Estimate
    rollout_time: Estimate
    staleness: Estimate
    monthly_cost: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "model": self.model,
            "node": self.node,
            "channel": self.channel,
            "route": list(self.route),
            "copies": self.copies.to_dict(),
            "size": self.size.to_dict(),
            "update_period": self.update_period.to_dict(),
            "bytes_per_rollout": self.bytes_per_rollout.to_dict(),
            "bytes_per_day": self.bytes_per_day.to_dict(),
            "bytes_per_month": self.bytes_per_month.to_dict(),
            "rollout_time": self.rollout_time.to_dict(),
            "staleness": self.staleness.to_dict(),
            "monthly_cost": self.monthly_cost.to_dict(),
        }


@dataclass(frozen=True)
class UpdatesResult:
    """Update costs of every model in one variant."""

    variant: str | None
    models: list[ModelUpdate]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant, "models": [m.to_dict() for m in self.models]}


_METERED_MEDIA = ("cellular", "internet")


def link_price(link: Any) -> Estimate | None:
    """USD per byte over a link; None for unmetered media; unknown for cellular/internet without a price.

    Links of media other than cellular and internet (bluetooth, wifi, lan, bus, ...) without a
    cost_per_gb are taken as unmetered.
    """
    if link.cost_per_gb is not None:
        q = link.cost_per_gb
        return Estimate(q.lo, q.mid, q.hi, "USD/B", (input_text("link", link.id, "cost_per_gb", q),))
    if link.medium in _METERED_MEDIA:
        return Estimate.unknown("USD/B", missing_text("cost_per_gb", "link", link.id) + " (0 USD/GB if unmetered)")
    return None


def _channels(g: AnalysisContext) -> dict[str, Any]:
    """First model_artifact connector into each component (kept in the context's memo)."""
    cached: dict[str, Any] | None = g.memo.get(("channels",))
    if cached is None:
        cached = g.memo[("channels",)] = {}
        for e in g.system.connectors:
            if e.purpose == "model_artifact":
                cached.setdefault(e.target, e)
    return cached


def model_update(
    system: System | AnalysisContext, model_id: str, variant: str | None = None, options: Options | None = None
) -> ModelUpdate:
    """The update figures of one model (see the module docstring)."""
    opts = options or Options()
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    users = opts.users_for(system)
    c = g.components[model_id]
    info = c.model
    node = g.node_of(model_id)
    size = quantity_estimate(info.size if info else None, "model", model_id, "size", "B")
    period = quantity_estimate(info.update_period if info else None, "model", model_id, "update_period", "s")
    if node is None:
        u = Estimate.unknown("B", f"place component '{model_id}' on a node")
        return ModelUpdate(
            model_id,
            None,
            None,
            (),
            u.as_unit("copies"),
            size,
            period,
            u,
            u.as_unit("B/day"),
            u.as_unit("B/month"),
            u.as_unit("s"),
            u.as_unit("s"),
            u.as_unit("USD/month"),
        )
    copies = devices(node, users).as_unit("copies")
    per_rollout = size.times(copies, "B")
    # per-second frequency of updates: best case is the longest period (fewest updates)
    freq = Estimate.exact(1.0, "1/s").per(period, "1/s")
    freq = Estimate(freq.worst, freq.typical, freq.best, "1/s", freq.inputs, freq.missing) if freq.known else freq
    per_day = per_rollout.times(freq, "B/day").scale(SECONDS_PER_DAY)
    per_month = per_rollout.times(freq, "B/month").scale(opts.hours_per_month * 3600)
    channel = _channels(g).get(model_id)
    if channel is None:
        miss = f"declare a model_artifact connector to component '{model_id}' (e.g. from a model registry)"
        rollout = Estimate.unknown("s", miss)
        cost = Estimate.unknown("USD/month", miss)
        route: tuple[str, ...] = ()
    else:
        src = g.node_of(channel.source)
        hops = g.route(src.id, node.id) if src is not None else None
        if hops is None:
            miss = f"declare a usable link route from node '{src.id if src else '?'}' to node '{node.id}'"
            rollout = Estimate.unknown("s", miss)
            cost = Estimate.unknown("USD/month", miss)
            route = ()
        else:
            route = tuple(h.link.id for h in hops)
            rollout = Estimate.zero("s")
            price = Estimate.zero("USD/B")
            for h in hops:
                lk = h.link
                lat = quantity_estimate(lk.latency, "link", lk.id, "latency", "s")
                reverse = h.source == lk.ends[1] and lk.bandwidth_reverse is not None
                bw = quantity_estimate(
                    lk.bandwidth_reverse if reverse else lk.bandwidth, "link", lk.id, "bandwidth", "bit/s"
                )
                ends = (g.nodes[lk.ends[0]], g.nodes[lk.ends[1]])
                share = _instance_ratio((node,), ends, users)
                rollout = rollout + lat + size.scale(8, "bit").times(share, "bit").per(bw, "s")
                p = link_price(lk)
                if p is not None:
                    price = price + p
            cost = per_month.times(price, "USD/month")
    staleness = (
        Estimate(
            rollout.values()[0],
            period.values()[1] / 2 + rollout.values()[1],
            period.values()[2] + rollout.values()[2],
            "s",
            period.inputs + rollout.inputs,
        )
        if rollout.known and period.known
        else (rollout + period)
    )
    return ModelUpdate(
        model_id,
        node.id,
        channel.id if channel else None,
        route,
        copies,
        size,
        period,
        per_rollout,
        per_day,
        per_month,
        rollout,
        staleness,
        cost,
    )


def updates(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> UpdatesResult:
    """Update figures of every model (components of kind 'model' or with model metadata)."""
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    models = [c.id for c in system.components if c.kind == "model" or c.model is not None]
    return UpdatesResult(variant, [model_update(g, m, options=options) for m in models])
