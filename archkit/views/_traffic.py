"""Payload x rate of connectors and the load they put on links, as shown on the dataflow view.

Formulas (typical values are a quantity's ``typ`` if given, else the middle of its range):

* bytes per event = request size, plus the response size for a sync call;
* traffic of a connector = bytes per event x rate x share (share defaults to 1), as a range from
  the best to the worst case;
* load of a link in one direction = the sum of the traffic of every connector whose route
  (``SystemGraph.connector_route``) crosses it in that direction (responses cross it backwards);
* utilisation = load in bits/s over the bandwidth in that direction, worst case (most traffic
  over the lowest bandwidth), taking the busier direction.

A connector with no size or no rate has unknown traffic; a link with unknown traffic on it, or
without a bandwidth, has unknown utilisation. Nothing unknown is taken as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Connector, Link
from ..model import SystemGraph

__all__ = ["Traffic", "connector_traffic", "LinkLoad", "link_loads", "fmt_bytes", "fmt_bits", "fmt_range"]


@dataclass(frozen=True, slots=True)
class Traffic:
    """Bytes per second a connector carries: request direction and response direction, best..worst."""

    request: tuple[float, float]
    response: tuple[float, float]

    @property
    def total(self) -> tuple[float, float]:
        """Both directions together, best..worst."""
        return (self.request[0] + self.response[0], self.request[1] + self.response[1])


def connector_traffic(c: Connector) -> Traffic | None:
    """Bytes per second a connector carries, or None when its size or rate is not declared."""
    if c.request_size is None or c.rate is None:
        return None
    share = c.share if c.share is not None else 1.0
    rate = (c.rate.lo * share, c.rate.hi * share)
    req = (c.request_size.lo * rate[0], c.request_size.hi * rate[1])
    resp = (0.0, 0.0)
    if c.kind == "sync_call" and c.response_size is not None:
        resp = (c.response_size.lo * rate[0], c.response_size.hi * rate[1])
    return Traffic(req, resp)


@dataclass(frozen=True, slots=True)
class LinkLoad:
    """Traffic on one link in each direction (bits/s, worst case) and its utilisation."""

    link: str
    forward_bits: float
    reverse_bits: float
    utilisation: float | None
    unknown: tuple[str, ...]


def link_loads(graph: SystemGraph) -> dict[str, LinkLoad]:
    """Load on every link under the graph's placement (links that are down carry nothing)."""
    fwd: dict[str, float] = {lk: 0.0 for lk in graph.links}
    rev: dict[str, float] = {lk: 0.0 for lk in graph.links}
    unknown: dict[str, list[str]] = {lk: [] for lk in graph.links}
    for c in sorted(graph.connectors.values(), key=lambda x: x.id):
        hops = graph.connector_route(c)
        if not hops:
            continue
        t = connector_traffic(c)
        for hop in hops:
            lid = hop.link.id
            if t is None:
                unknown[lid].append(c.id)
                continue
            forward = hop.source == hop.link.ends[0]
            (fwd if forward else rev)[lid] += t.request[1] * 8
            (rev if forward else fwd)[lid] += t.response[1] * 8
    out: dict[str, LinkLoad] = {}
    for lid in sorted(graph.links):
        lk: Link = graph.links[lid]
        util: float | None = None
        if lk.bandwidth is not None and not unknown[lid] and lid not in graph.down:
            a, b = lk.ends
            bw_f = lk.bandwidth_from(a).lo
            bw_r = lk.bandwidth_from(b).lo
            parts = [fwd[lid] / bw_f if bw_f > 0 else float("inf"), rev[lid] / bw_r if bw_r > 0 else float("inf")]
            util = max(parts)
        out[lid] = LinkLoad(lid, fwd[lid], rev[lid], util, tuple(unknown[lid]))
    return out


def _sig(x: float) -> str:
    if x == 0:
        return "0"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _scaled(x: float, units: tuple[tuple[float, str], ...]) -> tuple[float, str]:
    for factor, unit in units:
        if x >= factor:
            return x / factor, unit
    return x / units[-1][0], units[-1][1]


_BYTES = ((1e9, "GB"), (1e6, "MB"), (1e3, "kB"), (1.0, "B"))
_BITS = ((1e9, "Gbit"), (1e6, "Mbit"), (1e3, "kbit"), (1.0, "bit"))


def fmt_bytes(x: float, per: str = "") -> str:
    """'82.9 MB' (3 significant figures), with an optional '/s' suffix."""
    v, u = _scaled(x, _BYTES)
    return f"{_sig(v)} {u}{per}"


def fmt_bits(x: float, per: str = "/s") -> str:
    """'663 Mbit/s' (3 significant figures)."""
    v, u = _scaled(x, _BITS)
    return f"{_sig(v)} {u}{per}"


def fmt_range(lo: float, hi: float, fmt=fmt_bytes, per: str = "/s") -> str:
    """A best..worst range in one unit, or a single value when both ends agree."""
    if lo == hi or hi == 0:
        return fmt(hi, per)
    v, u = _scaled(hi, _BYTES if fmt is fmt_bytes else _BITS)
    factor = hi / v
    return f"{_sig(lo / factor)}..{_sig(v)} {u}{per}"
