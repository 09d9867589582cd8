"""Small random systems for comparing the explorer with brute force (seeded, deterministic)."""

from __future__ import annotations

import random
from typing import Any

from archkit.io import load_data
from archkit.model import System


def random_data(seed: int, n_components: int = 5, n_nodes: int = 3) -> dict[str, Any]:
    """The raw data of a small random system: user devices and fleets, models with update channels."""
    rng = random.Random(seed)
    nodes: list[dict[str, Any]] = []
    for i in range(n_nodes):
        kind = ["wearable", "mobile", "cloud", "edge"][i % 4] if rng.random() < 0.8 else rng.choice(["cloud", "mobile"])
        n: dict[str, Any] = {"id": f"n{i}", "kind": kind, "cpu_cores": rng.choice([2, 4, 8, 64]),
                             "memory": f"{rng.choice([1, 4, 32])} GB", "storage": f"{rng.choice([1, 16, 500])} GB"}
        if kind in ("wearable", "mobile"):
            n["per_user"] = 1
        else:
            n["count"] = rng.randint(1, 3)
            n["cost_per_hour"] = f"{rng.choice([0.1, 0.4, 1.2])} USD/h"
            if rng.random() < 0.3:
                n["gpus"] = 1
        nodes.append(n)
    links = []
    for i in range(n_nodes - 1):
        links.append(_link(f"l{i}", nodes[i], nodes[i + 1], rng))
    if n_nodes > 2 and rng.random() < 0.7:
        links.append(_link("lx", nodes[0], nodes[n_nodes - 1], rng))
    comps = []
    for i in range(n_components):
        c: dict[str, Any] = {"id": f"c{i}", "kind": "business_logic", "cpus": rng.choice([0.25, 0.5, 1]),
                             "memory": f"{rng.choice([50, 300, 900])} MB",
                             "processing_time": f"{rng.choice([1, 5, 20])}..{rng.choice([30, 60])} ms"}
        if rng.random() < 0.2:
            c["data_sensitivity"] = "personal"
        if i % 2 == 1:
            c["kind"] = "model"
            c["model"] = {"size": f"{rng.choice([5, 50, 400])} MB", "memory": f"{rng.choice([100, 500])} MB",
                          "inference_time": {"cloud": "5..20 ms", "edge": "10..30 ms", "mobile": "30..90 ms",
                                             "wearable": "80..300 ms"},
                          "update_period": f"{rng.choice([1, 7, 30])} d", "requires_gpu": rng.random() < 0.05}
            del c["processing_time"]
        comps.append(c)
    comps.append({"id": "registry", "kind": "model_registry", "cpus": 0.5, "memory": "100 MB",
                  "processing_time": "1 ms"})
    placement = {c["id"]: rng.choice(nodes)["id"] for c in comps}
    fleet = [n["id"] for n in nodes if "per_user" not in n]
    if fleet:
        placement["registry"] = fleet[0]
    conns = []
    for i in range(n_components - 1):
        j = rng.randrange(i + 1, n_components)
        k = rng.choice(["sync_call", "sync_call", "async_message", "stream"])
        e: dict[str, Any] = {"id": f"e{i}", "source": f"c{i}", "target": f"c{j}", "kind": k,
                             "request_size": f"{rng.choice([1, 30, 500])} kB", "rate": f"{rng.choice([0.5, 1, 5])} /s"}
        if k == "sync_call":
            e["response_size"] = f"{rng.choice([0.5, 2])} kB"
        if rng.random() < 0.3:
            e["data_sensitivity"] = rng.choice(["personal", "public"])
        if rng.random() < 0.2:
            e["purpose"] = "telemetry"
            e["kind"] = "async_message"
            e.pop("response_size", None)
        conns.append(e)
    for i in range(1, n_components, 2):
        if rng.random() < 0.8:
            conns.append({"id": f"u{i}", "source": "registry", "target": f"c{i}", "kind": "batch_transfer",
                          "purpose": "model_artifact", "request_size": "10 MB", "rate": "1 /day"})
    flows = []
    chain = [e for e in conns if e["id"].startswith("e")]
    if chain:
        steps = [chain[0]["id"]]
        at = chain[0]["target"]
        for e in chain[1:]:
            if e["source"] == at:
                steps.append(e["id"])
                at = e["target"]
        flows.append({"id": "main", "steps": steps, "rate": "1 /s", "latency_budget": "300 ms", "offline": True})
    if len(chain) > 1:
        flows.append({"id": "side", "steps": [chain[-1]["id"]], "rate": "1 /s"})
    out = {"name": f"random-{seed}", "users": rng.choice([10, 100, 1000]), "nodes": nodes, "links": links,
           "components": comps, "connectors": conns, "placement": placement, "flows": flows}
    if rng.random() < 0.5:
        out["peak_active_share"] = 0.1
    return out


def _link(lid: str, a: dict[str, Any], b: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    client = "per_user" in a or "per_user" in b
    medium = rng.choice(["bluetooth", "wifi", "cellular"]) if client else rng.choice(["lan", "internet"])
    out: dict[str, Any] = {"id": lid, "ends": [a["id"], b["id"]], "medium": medium,
                           "bandwidth": f"{rng.choice([1, 3, 54, 1000])} Mbit/s",
                           "latency": f"{rng.choice([1, 5, 30])}..{rng.choice([40, 100])} ms"}
    if medium in ("cellular", "internet"):
        out["cost_per_gb"] = f"{rng.choice([0.01, 0.1, 10])} USD/GB"
    if client and rng.random() < 0.5:
        out["intermittent"] = True
    return out


def random_system(seed: int, n_components: int = 5, n_nodes: int = 3) -> System:
    """A validated random system (see :func:`random_data`)."""
    return load_data(random_data(seed, n_components, n_nodes), source=f"<random {seed}>")


def fan_in_data(seed: int, callers: int = 10) -> dict[str, Any]:
    """The raw data of a system whose one service ('hub') is called by ``callers`` components, over a
    phone, an edge fleet and a cloud fleet: every caller's placement changes the hub's arrival rate."""
    rng = random.Random(seed)
    nodes = [
        {"id": "phone", "kind": "mobile", "per_user": 1, "cpu_cores": 8, "memory": "6 GB", "storage": "64 GB"},
        {"id": "edge", "kind": "edge", "count": 2, "cpu_cores": 8, "memory": "16 GB", "storage": "256 GB",
         "cost_per_hour": "0.1 USD/h"},
        {"id": "cloud", "kind": "cloud", "count": "1..40", "cpu_cores": 32, "memory": "128 GB", "storage": "1 TB",
         "cost_per_hour": "1.2 USD/h"},
    ]
    links = [
        {"id": "wifi", "ends": ["phone", "edge"], "medium": "wifi", "bandwidth": "54 Mbit/s",
         "latency": "2..20 ms", "intermittent": True},
        {"id": "lan", "ends": ["edge", "cloud"], "medium": "lan", "bandwidth": "1000 Mbit/s", "latency": "1..5 ms"},
        {"id": "cell", "ends": ["phone", "cloud"], "medium": "cellular", "bandwidth": "10 Mbit/s",
         "latency": "30..120 ms", "cost_per_gb": "2 USD/GB"},
    ]
    comps: list[dict[str, Any]] = [{"id": "hub", "kind": "business_logic", "cpus": 1, "memory": "400 MB",
                                    "processing_time": "5..40 ms"}]
    conns = []
    for i in range(callers):
        comps.append({"id": f"s{i}", "kind": "business_logic", "cpus": rng.choice([0.25, 0.5]),
                      "memory": f"{rng.choice([50, 200])} MB",
                      "processing_time": f"{rng.choice([1, 2, 5])}..{rng.choice([10, 30])} ms"})
        conns.append({"id": f"s{i}-hub", "source": f"s{i}", "target": "hub", "kind": "sync_call",
                      "request_size": f"{rng.choice([1, 20, 200])} kB", "response_size": "1 kB",
                      "rate": f"{rng.choice([0.2, 1, 3])} /s"})
    flows = [{"id": f"f{i}", "steps": [f"s{i}-hub"], "rate": "1 /s", "latency_budget": "400 ms"} for i in range(3)]
    placement = {c["id"]: "cloud" for c in comps}
    return {"name": f"fan-in-{seed}", "users": 2000, "peak_active_share": 0.1, "nodes": nodes, "links": links,
            "components": comps, "connectors": conns, "placement": placement, "flows": flows}


def fan_in_system(seed: int, callers: int = 10) -> System:
    """A validated fan-in system (see :func:`fan_in_data`)."""
    return load_data(fan_in_data(seed, callers), source=f"<fan-in {seed}>")
