"""Emulated network links: how long a call waits for the declared links it crosses.

For each link on the route, in the direction travelled::

    delay = latency + bytes * 8 / bandwidth

where ``latency`` is the link's typical one-way latency (the middle of a declared range), and
``bandwidth`` the link's typical bandwidth in that direction (``bandwidth`` from its first end to
its second, ``bandwidth_reverse`` back, defaulting to ``bandwidth``). The request pays this on the
way out with the request's size, the response on the way back with the response's size. Links are
crossed one after the other (store and forward), so a route's delay is the sum over its links.
A latency or bandwidth the model leaves out adds nothing; the review lists such links as unknown.

``bytes`` is the size the connector declares (``request_size`` out, ``response_size`` back, their
typical values), so the emulated system feels as the design says (a camera frame of 2.7 MB, not
the test image); when the connector declares no size, the size of what actually travels is used:
the payload's byte strings and text, plus the JSON size of other values (see :func:`payload_size`).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from ._plan import HopPlan

__all__ = ["payload_size", "hop_delay", "route_delay"]


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


def hop_delay(hop: HopPlan, size: int, *, back: bool = False) -> float:
    """Seconds one link adds for ``size`` bytes, outbound (request) or ``back`` (response)."""
    delay = hop.latency_s or 0.0
    bandwidth = hop.bandwidth_back_bps if back else hop.bandwidth_bps
    if bandwidth:
        delay += size * 8 / bandwidth
    return delay


def route_delay(hops: Iterable[HopPlan], size: int, *, back: bool = False) -> dict[str, float]:
    """Seconds per link id for ``size`` bytes over a route (outbound, or ``back`` for the response)."""
    out: dict[str, float] = {}
    for hop in hops:
        out[hop.link] = out.get(hop.link, 0.0) + hop_delay(hop, size, back=back)
    return out
