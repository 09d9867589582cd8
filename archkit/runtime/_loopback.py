"""Keep the servers inside Serve replicas on loopback when they run on archkit's local head.

Ray Serve 2.60 starts an inter-deployment gRPC server in every replica and binds it to ``[::]``
(all interfaces) with no setting to change it; only that call site ignores the node's address.
Replicas of a local head started by archkit (marked by ``ARCHKIT_LOOPBACK=1`` in the head's
environment) rebind it to 127.0.0.1 before Serve starts it: archkit's deployments call
:func:`confine_replica` in their constructor, which Serve runs before it starts the server. The
deployment's socket test (``tests/runtime/test_robustness_ray.py``) fails if a Ray release moves
the call, so the rebinding cannot silently stop working.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["LOOPBACK_ENV", "confine_replica"]

#: Set to "1" in the environment of a local head's processes.
LOOPBACK_ENV = "ARCHKIT_LOOPBACK"


def confine_replica() -> bool:
    """Rebind this replica's all-interfaces gRPC server to 127.0.0.1; False when not on a local head."""
    if os.environ.get(LOOPBACK_ENV) != "1":
        return False
    try:
        from ray.serve._private import replica
    except ImportError:  # pragma: no cover - a Ray without this module binds differently
        return False
    original = getattr(replica, "add_port_to_grpc_server", None)
    if original is None or getattr(original, "archkit_loopback", False):
        return original is not None

    def add_port(server: Any, address: str) -> int:
        if address.startswith("[::]:"):
            address = "127.0.0.1:" + address.rsplit(":", 1)[1]
        return original(server, address)

    add_port.archkit_loopback = True  # type: ignore[attr-defined]
    replica.add_port_to_grpc_server = add_port
    return True
