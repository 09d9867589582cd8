"""FINOS CALM 1.1 export: the architecture as a CALM architecture document (JSON).

Mapping:

* each component -> a CALM node (``node-type`` service, database, webclient or system by kind);
* each deployment node -> a CALM node of type ``system`` (metadata says it is a deployment node);
* each connector -> a ``connects`` relationship from source to target component;
* each network link -> a ``connects`` relationship between the two deployment nodes;
* the placement (base, or one variant) -> one ``deployed-in`` relationship per deployment node,
  listing the components placed on it;
* each flow -> a CALM flow whose transitions are the flow's connectors in order.

archkit's own figures (kinds, sizes, rates, latencies, budgets, variants) go into ``metadata``.
Unique ids are the model's ids; when a deployment node, connector or link id would clash with an
earlier one it gets a prefix (``node-``, ``connector-``, ``link-``). The result validates against
the CALM 1.1 ``core.json`` schema (tests/data/calm-1.1).
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Component, Connector, Flow, Link, Node, System
from ._ids import IdSpace

__all__ = ["to_calm", "calm_json", "CALM_NODE_TYPES"]

CALM_NODE_TYPES: dict[str, str] = {
    "datastore": "database",
    "feature_store": "database",
    "cache": "database",
    "model_registry": "database",
    "ui": "webclient",
    "external": "system",
}
_PROTOCOLS = ("HTTP", "HTTPS", "FTP", "SFTP", "JDBC", "WebSocket", "SocketIO", "LDAP", "AMQP", "TLS", "mTLS", "TCP")


def _q(x: Any) -> str | None:
    return None if x is None else str(x)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _component_meta(c: Component) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "archkit-element": "component",
        "kind": c.kind,
        "owner": c.owner,
        "version": c.version,
        "language": c.language,
        "data-sensitivity": c.data_sensitivity,
        "processing-time": _q(c.processing_time),
        "cpus": c.cpus,
        "memory": _q(c.memory),
    }
    if c.model is not None:
        m = c.model
        meta["model"] = _clean(
            {
                "task": m.task,
                "framework": m.framework,
                "size": _q(m.size),
                "memory": _q(m.memory),
                "update-period": _q(m.update_period),
                "inference-time": {k: str(v) for k, v in sorted(m.inference_time.items())},
                "intended-use": m.intended_use,
                "limitations": m.limitations,
            }
        )
    return _clean(meta)


def _connector_meta(c: Connector) -> dict[str, Any]:
    return _clean(
        {
            "archkit-element": "connector",
            "kind": c.kind,
            "purpose": c.purpose,
            "op": c.op,
            "request-size": _q(c.request_size),
            "response-size": _q(c.response_size),
            "rate": _q(c.rate),
            "share": c.share,
            "protocol": c.protocol,
            "data-sensitivity": c.data_sensitivity,
            "encrypted": c.encrypted,
        }
    )


def to_calm(system: System, variant: str | None = None) -> dict[str, Any]:
    """The CALM 1.1 architecture document of a system under a placement (base or a variant)."""
    ids = IdSpace()
    nodes = [_component_node(c, ids) for c in system.components] + [_deployment_node(n, ids) for n in system.nodes]
    conn_ids = {conn.id: ids("connector", conn.id) for conn in system.connectors}
    rels = [_connector_relationship(conn, conn_ids[conn.id], ids) for conn in system.connectors]
    down = system.links_down_for(variant)
    rels += [_link_relationship(lk, lk.id in down, ids) for lk in system.links]
    rels += _placement_relationships(system, system.placement_for(variant), ids)
    flows = [_flow(system, f, conn_ids, ids) for f in system.flows if f.steps]
    doc: dict[str, Any] = {"nodes": nodes, "relationships": rels}
    if flows:
        doc["flows"] = flows
    doc["metadata"] = _document_meta(system, variant)
    return doc


def _component_node(c: Component, ids: IdSpace) -> dict[str, Any]:
    return {
        "unique-id": ids("component", c.id),
        "node-type": CALM_NODE_TYPES.get(c.kind, "service"),
        "name": c.label,
        "description": c.description or f"{c.kind} {c.label}",
        "metadata": _component_meta(c),
    }


def _deployment_node(n: Node, ids: IdSpace) -> dict[str, Any]:
    meta = _clean(
        {
            "archkit-element": "deployment-node",
            "kind": n.kind,
            "cpu-cores": n.cpu_cores,
            "memory": _q(n.memory),
            "storage": _q(n.storage),
            "count": n.count,
            "per-user": n.per_user,
            "cost-per-hour": _q(n.cost_per_hour),
            "availability": n.availability,
        }
    )
    return {
        "unique-id": ids("node", n.id),
        "node-type": "system",
        "name": n.label,
        "description": n.description or f"{n.kind} deployment node {n.label}",
        "metadata": meta,
    }


def _connector_relationship(conn: Connector, rid: str, ids: IdSpace) -> dict[str, Any]:
    rel: dict[str, Any] = {
        "unique-id": rid,
        "description": conn.description
        or f"{conn.source} {conn.kind.replace('_', ' ')} to {conn.target} ({conn.purpose})",
        "relationship-type": {
            "connects": {
                "source": {"node": ids("component", conn.source)},
                "destination": {"node": ids("component", conn.target)},
            }
        },
        "metadata": _connector_meta(conn),
    }
    if conn.protocol in _PROTOCOLS:
        rel["protocol"] = conn.protocol
    return rel


def _link_relationship(lk: Link, down: bool, ids: IdSpace) -> dict[str, Any]:
    return {
        "unique-id": ids("link", lk.id),
        "description": lk.description or f"{lk.medium} link between {lk.ends[0]} and {lk.ends[1]}",
        "relationship-type": {
            "connects": {
                "source": {"node": ids("node", lk.ends[0])},
                "destination": {"node": ids("node", lk.ends[1])},
            }
        },
        "metadata": _clean(
            {
                "archkit-element": "link",
                "medium": lk.medium,
                "bandwidth": _q(lk.bandwidth),
                "bandwidth-reverse": _q(lk.bandwidth_reverse),
                "latency": _q(lk.latency),
                "cost-per-gb": _q(lk.cost_per_gb),
                "intermittent": lk.intermittent,
                "down-in-this-placement": down or None,
            }
        ),
    }


def _placement_relationships(system: System, placement: dict[str, str], ids: IdSpace) -> list[dict[str, Any]]:
    """One deployed-in relationship per node that hosts components."""
    rels = []
    for n in system.nodes:
        placed = [ids("component", c.id) for c in system.components if placement.get(c.id) == n.id]
        if placed:
            rels.append(
                {
                    "unique-id": ids("placement", f"{n.id}-hosts"),
                    "description": f"components placed on {n.label}",
                    "relationship-type": {"deployed-in": {"container": ids("node", n.id), "nodes": placed}},
                }
            )
    return rels


def _flow(system: System, f: Flow, conn_ids: dict[str, str], ids: IdSpace) -> dict[str, Any]:
    return {
        "unique-id": ids("flow", f.id),
        "name": f.label,
        "description": f.description or f.label,
        "transitions": [
            {
                "relationship-unique-id": conn_ids[s],
                "sequence-number": i,
                "description": system.connector(s).description or s,
                "direction": "source-to-destination",
            }
            for i, s in enumerate(f.steps, 1)
        ],
        "metadata": _clean({"rate": _q(f.rate), "latency-budget": _q(f.latency_budget), "offline": f.offline or None}),
    }


def _document_meta(system: System, variant: str | None) -> dict[str, Any]:
    return _clean(
        {
            "generator": "archkit",
            "system": system.name,
            "description": system.description,
            "version": system.version,
            "placement": variant or "base",
            "variants": [
                _clean(
                    {
                        "name": v.name,
                        "description": v.description,
                        "placement": dict(v.placement),
                        "links-down": v.links_down,
                        "preset": v.preset,
                    }
                )
                for v in system.variants
            ],
            "requirements": system.requirements,
            "objectives": system.objectives,
        }
    )


def calm_json(system: System, variant: str | None = None) -> str:
    """The CALM document as JSON text (2-space indent, stable order, newline at the end)."""
    return json.dumps(to_calm(system, variant), indent=2, ensure_ascii=False) + "\n"
