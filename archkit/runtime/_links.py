"""Emulated network links: how long a call waits for the declared links it crosses.

For each link on the route, in the direction travelled::

    delay = latency + bytes * 8 / bandwidth

where ``latency`` and ``bandwidth`` (in that direction) are the values the latency analysis uses
at the plan's emulation point (:func:`archkit.analysis.hop_at`: typical by default). The request
pays this on the way out with the request's size; a synchronous call (``legs`` 2) also pays it on
the way back with the response's size, other connectors do not, as in the analysis. Links are
crossed one after the other (store and forward), so a route's delay is the sum over its links.
The plan refuses to emulate a link whose latency or bandwidth is not declared.

``bytes`` is the size the connector declares (``request_size`` out, ``response_size`` back, at the
emulation point), so the emulated system feels as the design says (a camera frame of 2.7 MB, not
the test image) and waits exactly the analysis' connector time (:func:`call_delay`); when the
connector declares no size, the size of what actually travels is used: the payload's byte strings
and text, plus the JSON size of other values (see :func:`payload_size`).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from ._plan import CallPlan, HopPlan

__all__ = ["payload_size", "hop_delay", "route_delay", "call_delay"]


def payload_size(payload: dict[str, Any], skip: Iterable[str] = ("timings",)) -> int:
    """Bytes a payload takes on the wire: bytes and UTF-8 text as is, other values as JSON."""
    skipped = set(skip)
    total = 0
    for key, value in payload.items():
        if key in skipped:
            continue
        total += len(key.encode())
        if isinstance(value, (bytes, bytearray, memoryview)):
            total += len(value)
        elif isinstance(value, str):
            total += len(value.encode("utf-8"))
        else:
            total += len(json.dumps(value, default=str).encode())
    return total


def hop_delay(hop: HopPlan, size: float, *, back: bool = False) -> float:
    """Seconds one link adds for ``size`` bytes, outbound (request) or ``back`` (response)."""
    delay = hop.latency_s or 0.0
    bandwidth = hop.bandwidth_back_bps if back else hop.bandwidth_bps
    if bandwidth:
        delay += size * 8 / bandwidth
    return delay


def route_delay(hops: Iterable[HopPlan], size: float, *, back: bool = False) -> dict[str, float]:
    """Seconds per link id for ``size`` bytes over a route (outbound, or ``back`` for the response)."""
    out: dict[str, float] = {}
    for hop in hops:
        out[hop.link] = out.get(hop.link, 0.0) + hop_delay(hop, size, back=back)
    return out


def call_delay(call: CallPlan) -> float | None:
    """Seconds link emulation waits for one call with its declared sizes (both legs of a synchronous
    call); None when the call crosses no link or a size it needs is not declared."""
    crossing = call.crossing
    if crossing is None or not crossing.hops or crossing.down or call.request_bytes is None:
        return None
    total = sum(route_delay(crossing.hops, call.request_bytes).values())
    if call.legs == 2:
        if call.response_bytes is None:
            return None
        total += sum(route_delay(crossing.hops, call.response_bytes, back=True).values())
    return total
