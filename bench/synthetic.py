"""Synthetic systems for benchmarks: large, valid, deterministic models built from a seed.

:func:`synthetic_system` builds the raw data (quantities as text, as a YAML file would hold them)
and validates it with :func:`archkit.io.load_data`, so the result is an ordinary validated
:class:`archkit.model.System`. :func:`synthetic_data` returns the raw data itself, for benchmarks
that time loading from YAML text.

Shape (all choices drawn from ``random.Random(seed)``, so the same arguments give the same model):

* nodes: every 10th node is a per-user phone or wearable, every 10th an edge box, the rest are
  cloud fleets with cores, memory, storage, price and availability;
* links: a chain joins every node to the next (so every pair has a route), plus about one extra
  link per node; a phone's or wearable's link is intermittent and metered;
* components: one in five is a model (size, memory, inference time per node kind, update period),
  the rest business logic with a processing time; each is placed on a random node;
* connectors: ``connectors_per_component`` leave each component; synchronous calls go only from a
  lower to a higher index, so there are no cycles of synchronous calls; sizes and rates are set;
* flows: chains that follow connectors target to source, 2-6 steps, each with a rate and budget;
* variants: three, each moving a tenth of the components to other nodes; one also takes an
  intermittent link down.
"""

from __future__ import annotations

import random
from typing import Any

from archkit.model import System

__all__ = ["synthetic_data", "synthetic_system"]

_CLIENT_KINDS = ("mobile", "wearable")
_MEDIA = ("lan", "internet", "wifi", "cellular", "bluetooth")


def _node(i: int, rng: random.Random) -> dict[str, Any]:
    if i % 10 == 1:
        kind = _CLIENT_KINDS[(i // 10) % 2]
        return {"id": f"n{i}", "kind": kind, "cpu_cores": rng.choice([2, 4, 8]),
                "memory": f"{rng.choice([2, 4, 8])} GB", "storage": f"{rng.choice([16, 64])} GB",
                "battery": f"{rng.choice([2, 10, 15])} Wh", "power": f"{rng.choice([1, 2, 3])} W", "per_user": 1}
    if i % 10 == 2:
        return {"id": f"n{i}", "kind": "edge", "cpu_cores": 4, "memory": "8 GB", "storage": "128 GB",
                "count": rng.randint(1, 20), "cost_per_hour": f"{rng.choice([0.05, 0.1])} USD/h",
                "availability": 0.99}
    return {"id": f"n{i}", "kind": "cloud", "cpu_cores": rng.choice([8, 16, 32, 64]),
            "memory": f"{rng.choice([32, 64, 128, 256])} GB", "storage": "1 TB", "gpus": rng.choice([0, 0, 0, 1]),
            "count": rng.randint(1, 10), "cost_per_hour": f"{rng.choice([0.2, 0.4, 0.8, 1.6])} USD/h",
            "availability": rng.choice([0.99, 0.999, 0.9999])}


def _link(a: dict[str, Any], b: dict[str, Any], lid: str, rng: random.Random) -> dict[str, Any]:
    client = a["kind"] in _CLIENT_KINDS or b["kind"] in _CLIENT_KINDS
    medium = rng.choice(("wifi", "cellular", "bluetooth")) if client else rng.choice(("lan", "internet"))
    lo = rng.choice([1, 2, 5, 10, 20])
    out: dict[str, Any] = {
        "id": lid, "ends": [a["id"], b["id"]], "medium": medium,
        "bandwidth": f"{rng.choice([3, 10, 54, 100, 1000])} Mbit/s",
        "latency": f"{lo}..{lo * rng.choice([2, 4, 10])} ms",
        "availability": rng.choice([0.99, 0.999]),
    }
    if medium == "cellular":
        out["cost_per_gb"] = "10 USD/GB"
    elif medium == "internet":
        out["cost_per_gb"] = "0.09 USD/GB"
    if client and medium != "bluetooth":
        out["intermittent"] = True
    return out


def _component(i: int, rng: random.Random) -> dict[str, Any]:
    if i % 5 == 0:
        t = rng.choice([5, 10, 20, 40])
        return {
            "id": f"c{i}", "kind": "model", "cpus": rng.choice([0.25, 0.5, 1.0]),
            "memory": f"{rng.choice([50, 100, 200, 500])} MB", "stateless": True,
            "model": {
                "task": "synthetic prediction", "size": f"{rng.choice([1, 5, 15, 50])} MB",
                "memory": f"{rng.choice([50, 100, 300])} MB", "update_period": f"{rng.choice([1, 7, 30])} d",
                "inference_time": {"cloud": f"{t}..{3 * t} ms", "edge": f"{2 * t}..{5 * t} ms",
                                   "mobile": f"{4 * t}..{10 * t} ms", "wearable": f"{10 * t}..{30 * t} ms"},
            },
        }
    lo = rng.choice([1, 2, 5])
    return {"id": f"c{i}", "kind": "business_logic", "processing_time": f"{lo}..{lo * 3} ms",
            "cpus": rng.choice([0.1, 0.25, 0.5]), "memory": f"{rng.choice([20, 50, 100])} MB",
            "stateless": rng.choice([True, False]), "replicas": rng.choice([1, 2, 3])}


def synthetic_data(n_components: int, connectors_per_component: int = 4, n_nodes: int = 50, n_flows: int = 100,
                   seed: int = 0) -> dict[str, Any]:
    """The raw data (as a YAML/JSON model file holds it) of a synthetic system; see the module docstring."""
    if n_components < 2 or n_nodes < 2:
        raise ValueError("a synthetic system needs at least 2 components and 2 nodes")
    rng = random.Random(seed)
    nodes = [_node(i, rng) for i in range(n_nodes)]
    links = [_link(nodes[i], nodes[i + 1], f"l{i}", rng) for i in range(n_nodes - 1)]
    for i in range(n_nodes):
        j = rng.randrange(n_nodes)
        if j != i and abs(j - i) > 1:
            links.append(_link(nodes[i], nodes[j], f"x{i}", rng))
    components = [_component(i, rng) for i in range(n_components)]
    placement = {c["id"]: nodes[rng.randrange(n_nodes)]["id"] for c in components}

    connectors: list[dict[str, Any]] = []
    out_edges: list[list[int]] = [[] for _ in range(n_components)]
    for i in range(n_components):
        for k in range(connectors_per_component):
            sync = k < 2 and i < n_components - 1
            j = rng.randrange(i + 1, n_components) if sync else rng.randrange(n_components - 1)
            if not sync and j >= i:
                j += 1  # any component but i itself
            c: dict[str, Any] = {"id": f"e{i}_{k}", "source": f"c{i}", "target": f"c{j}",
                                 "request_size": f"{rng.choice([0.1, 1, 10, 100])} kB", "rate": f"{rng.choice([0.1, 1, 5])} /s"}
            if sync:
                c["kind"] = "sync_call"
                c["response_size"] = f"{rng.choice([0.1, 1, 5])} kB"
            else:
                c["kind"] = rng.choice(("async_message", "stream", "batch_transfer"))
                if k == connectors_per_component - 1 and i % 7 == 0:
                    c["purpose"] = "telemetry"
                    c["data_sensitivity"] = "personal"
            out_edges[i].append(len(connectors))
            connectors.append(c)

    flows: list[dict[str, Any]] = []
    for f in range(n_flows):
        at = rng.randrange(n_components)
        steps: list[str] = []
        for _ in range(rng.randint(2, 6)):
            if not out_edges[at]:
                break
            e = connectors[rng.choice(out_edges[at])]
            steps.append(e["id"])
            at = int(e["target"][1:])
        flows.append({"id": f"f{f}", "steps": steps, "rate": f"{rng.choice([0.5, 1, 2])} /s",
                      "latency_budget": f"{rng.choice([100, 200, 500, 1000])} ms",
                      "offline": rng.random() < 0.2})

    intermittent = [lk["id"] for lk in links if lk.get("intermittent")]
    variants = []
    for v in range(3):
        moved = rng.sample(range(n_components), max(1, n_components // 10))
        var: dict[str, Any] = {"name": f"v{v}",
                               "placement": {f"c{i}": nodes[rng.randrange(n_nodes)]["id"] for i in sorted(moved)}}
        if v == 2 and intermittent:
            var["links_down"] = [intermittent[0]]
        variants.append(var)

    return {"name": f"synthetic-{n_components}", "users": 10_000, "nodes": nodes, "links": links,
            "components": components, "connectors": connectors, "placement": placement,
            "variants": variants, "flows": flows}


def synthetic_system(n_components: int, connectors_per_component: int = 4, n_nodes: int = 50, n_flows: int = 100,
                     seed: int = 0) -> System:
    """A valid, deterministic synthetic :class:`System` of the given size (see the module docstring).

    Args:
        n_components: number of components (>= 2).
        connectors_per_component: connectors leaving each component.
        n_nodes: number of deployment nodes (>= 2).
        n_flows: number of end-to-end flows.
        seed: seed of the random choices; the same arguments always give an equal system.
    """
    from archkit.io import load_data

    return load_data(synthetic_data(n_components, connectors_per_component, n_nodes, n_flows, seed),
                     source=f"<synthetic {n_components}>")
