"""Link load: for each link and direction, the traffic of every connector routed over it.

For a connector e from component s (node a) to component t (node b), a != b, routed over the links
of route(a, b), the load it puts on one instance of a link l, in the direction it is crossed, is::

    load(e, l) = payload x 8 x rate x share x instances(e) / instances(l)        [bit/s]

with payload = request_size forwards; a synchronous call (sync_call, in_process) adds
response_size x 8 x rate x share backwards. instances(e) = max(devices(a), devices(b)) and
instances(l) = max(devices of its two ends), so traffic between a user's devices stays per user
while traffic into a shared fleet link adds up over all users active at peak (users x
peak_active_share). Rates are peak rates.

For each link direction: utilisation = sum_e load(e, l) / bandwidth(l, direction), headroom =
bandwidth - load. Verdict: ok (worst-case utilisation <= 100 %), at risk (only the worst case
over), violates (even the best case over), unknown. The breaking connector is the first, in
declaration order, at which the running total goes over the bandwidth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Connector, System
from ._common import USERS_MISSING, Estimate, Options, connector_rate, message_bits
from ._context import AnalysisContext, context_of
from ._latency import link_bandwidth

__all__ = [
    "ConnectorTraffic",
    "connector_traffic",
    "LoadShare",
    "connector_link_load",
    "LinkDirectionLoad",
    "LinkLoadResult",
    "link_load",
]

LinkVerdict = Literal["ok", "at risk", "violates", "unknown", "down"]


@dataclass(frozen=True)
class LoadShare:
    """The load one connector puts on one link in one direction (bit/s, per link instance)."""

    connector: str
    link: str
    from_node: str
    to_node: str
    load: Estimate
    direction: tuple[str, str, str] = field(init=False, repr=False, compare=False)
    """(link, from node, to node): the link direction it loads."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", (self.link, self.from_node, self.to_node))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "connector": self.connector,
            "link": self.link,
            "from": self.from_node,
            "to": self.to_node,
            "load": self.load.to_dict(),
        }


_new = object.__new__


def _share(connector: str, link: str, from_node: str, to_node: str, load: Estimate) -> LoadShare:
    """A LoadShare, built by filling its fields directly (a frozen dataclass's own constructor sets
    each field through object.__setattr__; link loads of a large model build hundreds of thousands)."""
    s = _new(LoadShare)
    d = s.__dict__
    d["connector"], d["link"], d["from_node"], d["to_node"], d["load"] = connector, link, from_node, to_node, load
    d["direction"] = (link, from_node, to_node)
    return s


def _instance_ratio(num: tuple[Any, ...], den: tuple[Any, ...], users: float | None) -> Estimate:
    """max(devices(num)) / max(devices(den)); when every node is per-user the users cancel out."""
    nodes = num + den
    if all(n.per_user is not None for n in nodes):
        u: float = 1.0
    elif users is None and any(n.per_user is not None for n in nodes):
        return Estimate.unknown("1", USERS_MISSING)
    else:
        u = float(users or 0)
    top = max(u * n.per_user if n.per_user is not None else float(n.count) for n in num)
    bottom = max(u * n.per_user if n.per_user is not None else float(n.count) for n in den)
    return Estimate(top / bottom, top / bottom, top / bottom, "1")


@dataclass(frozen=True)
class ConnectorTraffic:
    """Bits per second one instance of a connector sends: the requests, and the responses of a synchronous call."""

    request: Estimate
    response: Estimate | None

    @property
    def total(self) -> Estimate:
        """Both directions together (bit/s)."""
        return self.request if self.response is None else self.request + self.response


def connector_traffic(c: Connector) -> ConnectorTraffic:
    """Traffic of one connector instance: request_size x 8 x rate x share, and for a synchronous call
    (sync_call, in_process) response_size x 8 x rate x share back. Unknown where a size or the rate is
    not declared. The link loads are these figures times the instance ratio, summed per link direction."""
    rate = connector_rate(c)
    response = message_bits(c, "response_size").times(rate, "bit/s") if c.synchronous else None
    return ConnectorTraffic(message_bits(c, "request_size").times(rate, "bit/s"), response)


def connector_link_load(
    system_or_graph: System | AnalysisContext,
    connector_id: str,
    source_node: str,
    target_node: str,
    options: Options | None = None,
) -> list[LoadShare]:
    """Load shares (bit/s per link instance) of one connector placed from ``source_node`` to ``target_node``.

    One share per link crossed by the request (forwards) and, for synchronous calls, one per link
    crossed by the response (backwards). Empty when both nodes are the same or there is no route.
    Stable primitive for vectorised evaluators: summing the shares of all connectors per
    (link, from, to) gives exactly the loads of :func:`link_load`.
    """
    g = context_of(system_or_graph)
    users = (options or Options()).peak_users_for(g.system)
    return list(_shares(g, g.connectors[connector_id], source_node, target_node, users))


def _shares(
    g: AnalysisContext, c: Connector, source_node: str, target_node: str, users: float | None
) -> list[LoadShare]:
    """connector_link_load's shares (``users``: those active at peak), once per system for the same
    nodes and route (the list is shared: treat it as read-only)."""
    if source_node == target_node:
        return []
    memo = g.shared
    # a link down elsewhere leaves the route, and so the shares, as they are
    route = g.route_links(source_node, target_node)
    key = ("shares", c.id, source_node, target_node, users, route)
    out: list[LoadShare] | None = memo.get(key)
    if out is not None:
        return out
    out = memo[key] = []
    if not route:
        return out
    traffic = memo.get(("traffic", c.id))
    if traffic is None:
        traffic = memo[("traffic", c.id)] = connector_traffic(c)
    fwd, back = traffic.request, traffic.response
    cid = c.id
    for lid, x, y, ratio in _route_ratios(g, source_node, target_node, users, route):
        if ratio is None:
            out.append(_share(cid, lid, x, y, fwd))
            if back is not None:
                out.append(_share(cid, lid, y, x, back))
        else:
            out.append(_share(cid, lid, x, y, fwd.times(ratio, "bit/s")))
            if back is not None:
                out.append(_share(cid, lid, y, x, back.times(ratio, "bit/s")))
    return out


def _route_ratios(
    g: AnalysisContext, source_node: str, target_node: str, users: float | None, route: tuple[str, ...]
) -> list[tuple[str, str, str, Estimate | None]]:
    """(link, from node, to node, instance ratio) of each hop of a route, the ratio None when it is 1:
    the same for every connector between the two nodes."""
    key = ("route ratios", source_node, target_node, users, route)
    out: list[tuple[str, str, str, Estimate | None]] | None = g.shared.get(key)
    if out is None:
        ends = (g.nodes[source_node], g.nodes[target_node])
        out = []
        for h in g.route(source_node, target_node) or ():
            ratio = _instance_ratio(ends, (g.nodes[h.link.ends[0]], g.nodes[h.link.ends[1]]), users)
            out.append((h.link.id, h.source, h.target, None if ratio.best == 1 else ratio))
        g.shared[key] = out
    return out


@dataclass(frozen=True)
class LinkDirectionLoad:
    """Load on one link in one direction, against its bandwidth."""

    link: str
    medium: str
    from_node: str
    to_node: str
    load: Estimate
    bandwidth: Estimate
    utilisation: Estimate
    headroom: Estimate
    verdict: LinkVerdict
    breaking_connector: str | None
    shares: list[LoadShare] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "link": self.link,
            "medium": self.medium,
            "from": self.from_node,
            "to": self.to_node,
            "verdict": self.verdict,
            "load": self.load.to_dict(),
            "bandwidth": self.bandwidth.to_dict(),
            "utilisation": self.utilisation.to_dict(),
            "headroom": self.headroom.to_dict(),
            "breaking_connector": self.breaking_connector,
            "connectors": [{"connector": s.connector, "load": s.load.to_dict()} for s in self.shares],
        }


@dataclass(frozen=True)
class LinkLoadResult:
    """Load of every link direction in one variant."""

    variant: str | None
    links: list[LinkDirectionLoad]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant, "links": [x.to_dict() for x in self.links]}


def link_load(
    system: System | AnalysisContext, variant: str | None = None, options: Options | None = None
) -> LinkLoadResult:
    """Utilisation, headroom and responsible connectors of every link direction (see the module docstring)."""
    g = context_of(system, variant)
    system, variant = g.system, g.variant
    users = (options or Options()).peak_users_for(system)
    shares: dict[tuple[str, str, str], list[LoadShare]] = {}
    placement = g.placement
    for c in system.connectors:
        a, b = placement.get(c.source), placement.get(c.target)
        if a is None or b is None or a == b:
            continue
        for s in _shares(g, c, a, b, users):
            mine = shares.get(s.direction)
            if mine is None:
                shares[s.direction] = [s]
            else:
                mine.append(s)
    out: list[LinkDirectionLoad] = []
    for lk in system.links:
        for x, y in (lk.ends, (lk.ends[1], lk.ends[0])):
            bw = link_bandwidth(lk, x)
            if lk.id in g.down:
                z = Estimate.zero("bit/s")
                out.append(LinkDirectionLoad(lk.id, lk.medium, x, y, z, bw, z.as_unit("ratio"), bw, "down", None))
                continue
            mine = shares.get((lk.id, x, y), [])
            load = Estimate.total([s.load for s in mine], "bit/s", keep_inputs=False)
            util = load.per(bw, "ratio")
            if load.known and bw.known:
                (bb, bt, bwst), (lb, lt, lw) = bw.values(), load.values()
                headroom = Estimate(bwst - lb, bt - lt, bb - lw, "bit/s", bw.inputs)
            else:
                headroom = Estimate.unknown("bit/s", *(load.missing + bw.missing))
            verdict: LinkVerdict
            breaking = None
            if not util.known:
                verdict = "unknown"
            elif util.best > 1:  # type: ignore[operator]
                verdict = "violates"
                breaking = _breaking(mine, bw.worst, best=True)  # type: ignore[arg-type]
            elif util.worst > 1:  # type: ignore[operator]
                verdict = "at risk"
                breaking = _breaking(mine, bw.best, best=False)  # type: ignore[arg-type]
            else:
                verdict = "ok"
            out.append(LinkDirectionLoad(lk.id, lk.medium, x, y, load, bw, util, headroom, verdict, breaking, mine))
    return LinkLoadResult(variant, out)


def _breaking(shares: list[LoadShare], capacity: float, best: bool) -> str | None:
    run = 0.0
    for s in shares:
        run += (s.load.best if best else s.load.worst) or 0.0
        if run > capacity:
            return s.connector
    return None
