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
from typing import Any, Iterator, Literal, NamedTuple, Sequence

from ..model import Connector, System
from ._common import USERS_MISSING, Estimate, Options, _merge, connector_rate, message_bits
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
    return [p.share() for p in _parts(g, g.connectors[connector_id], source_node, target_node, users)]


class _Part(NamedTuple):
    """The load one connector puts on one link direction, as plain numbers (the share is built
    only when a report shows it: link loads of a large model have hundreds of thousands)."""

    direction: tuple[str, str, str]
    """(link, from node, to node)."""
    best: float | None
    typical: float | None
    worst: float | None
    missing: tuple[str, ...]
    """What to declare when the load is unknown (then the three numbers are None)."""
    connector: str
    traffic: Estimate
    """The connector's traffic in this direction (request forwards, response backwards)."""
    ratio: Estimate | None
    """Instances of the connector per instance of the link, None when it is 1."""

    @property
    def unit(self) -> str:
        """With best/typical/worst/missing, what :meth:`Estimate.total` reads of a part."""
        return "bit/s"

    def load(self) -> Estimate:
        """The load as an estimate: the traffic times the instance ratio."""
        return self.traffic if self.ratio is None else self.traffic.times(self.ratio, "bit/s")

    def share(self) -> LoadShare:
        """The public form of this part."""
        link, x, y = self.direction
        return _share(self.connector, link, x, y, self.load())


_new_tuple = tuple.__new__


def _part(direction: tuple[str, str, str], cid: str, traffic: Estimate, ratio: Estimate | None) -> _Part:
    """The part of ``traffic`` on one link direction: its numbers are those of :meth:`_Part.load`
    (Estimate.times, computed here without building the estimate). Built as a plain tuple's
    fields in order (a NamedTuple's own constructor is a Python call per part)."""
    fields: tuple[Any, ...]
    if ratio is None:
        fields = (direction, traffic.best, traffic.typical, traffic.worst, traffic.missing, cid, traffic, None)
    elif traffic.missing or ratio.missing:
        fields = (direction, None, None, None, _merge(traffic.missing, ratio.missing), cid, traffic, ratio)
    else:
        r = ratio.best  # an instance ratio is exact: best = typical = worst
        sb, st, sw = traffic.best, traffic.typical, traffic.worst
        fields = (
            direction,
            0.0 if sb == 0 or r == 0 else sb * r,  # type: ignore[operator]
            0.0 if st == 0 or r == 0 else st * r,  # type: ignore[operator]
            0.0 if sw == 0 or r == 0 else sw * r,  # type: ignore[operator]
            (),
            cid,
            traffic,
            ratio,
        )
    return _new_tuple(_Part, fields)


def _parts(g: AnalysisContext, c: Connector, source_node: str, target_node: str, users: float | None) -> list[_Part]:
    """The link-direction parts of connector_link_load (``users``: those active at peak), once per
    system for the same nodes and route (the list is shared: treat it as read-only)."""
    if source_node == target_node:
        return []
    memo = g.shared
    # a link down elsewhere leaves the route, and so the parts, as they are
    route = g.route_links(source_node, target_node)
    table = _parts_table(g, users)
    key = (c.id, source_node, target_node, route)
    out: list[_Part] | None = table.get(key)
    if out is not None:
        return out
    out = table[key] = []
    if not route:
        return out
    traffic = memo.get(("traffic", c.id))
    if traffic is None:
        traffic = memo[("traffic", c.id)] = connector_traffic(c)
    fwd, back = traffic.request, traffic.response
    cid = c.id
    for lid, x, y, ratio in _route_ratios(g, source_node, target_node, users, route):
        out.append(_part((lid, x, y), cid, fwd, ratio))
        if back is not None:
            out.append(_part((lid, y, x), cid, back, ratio))
    return out


def _parts_table(g: AnalysisContext, users: float | None) -> dict[tuple[Any, ...], list[_Part]]:
    """The parts of every connector computed so far for ``users``, by (connector, nodes, route)."""
    table: dict[tuple[Any, ...], list[_Part]] | None = g.shared.get(("link parts", users))
    if table is None:
        table = g.shared[("link parts", users)] = {}
    return table


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


class _Shares(Sequence[LoadShare]):
    """The load shares of one link direction, built from its parts when first read."""

    __slots__ = ("_parts", "_built")

    def __init__(self, parts: list[_Part]) -> None:
        self._parts = parts
        self._built: list[LoadShare] | None = None

    def _list(self) -> list[LoadShare]:
        if self._built is None:
            self._built = [p.share() for p in self._parts]
        return self._built

    def __len__(self) -> int:
        return len(self._parts)

    def __getitem__(self, i: Any) -> Any:
        return self._list()[i]

    def __iter__(self) -> Iterator[LoadShare]:
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Shares):
            return self._list() == other._list()
        return isinstance(other, list) and self._list() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._list())


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
    shares: Sequence[LoadShare] = field(default_factory=list)
    """The connectors' shares of the load, in declaration order."""

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
    parts: dict[tuple[str, str, str], list[_Part]] = {}
    where = g.placement.get
    table = _parts_table(g, users)
    route_links = g.route_links
    for c in system.connectors:
        a, b = where(c.source), where(c.target)
        if a is None or b is None or a == b:
            continue
        mine_all = table.get((c.id, a, b, route_links(a, b)))
        if mine_all is None:
            mine_all = _parts(g, c, a, b, users)
        for p in mine_all:
            mine = parts.get(p.direction)
            if mine is None:
                parts[p.direction] = [p]
            else:
                mine.append(p)
    out: list[LinkDirectionLoad] = []
    for lk in system.links:
        for x, y in (lk.ends, (lk.ends[1], lk.ends[0])):
            bw = link_bandwidth(lk, x)
            if lk.id in g.down:
                z = Estimate.zero("bit/s")
                out.append(LinkDirectionLoad(lk.id, lk.medium, x, y, z, bw, z.as_unit("ratio"), bw, "down", None))
                continue
            mine = parts.get((lk.id, x, y), [])
            load = Estimate.total(mine, "bit/s", keep_inputs=False)  # type: ignore[arg-type]
            util = load.per(bw, "ratio")
            if load.known and bw.known:
                (bb, bt, bwst), (lb, lt, lw) = bw.values(), load.values()
                headroom = bw.with_values(bwst - lb, bt - lt, bb - lw)
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
            out.append(
                LinkDirectionLoad(lk.id, lk.medium, x, y, load, bw, util, headroom, verdict, breaking, _Shares(mine))
            )
    return LinkLoadResult(variant, out)


def _breaking(parts: list[_Part], capacity: float, best: bool) -> str | None:
    run = 0.0
    for p in parts:
        run += (p.best if best else p.worst) or 0.0
        if run > capacity:
            return p.connector
    return None
