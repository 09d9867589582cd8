"""Benchmark: build and draw the views of a synthetic 500-component system.

Prints a table and writes bench/results/render.json. The generator is small and seeded: N
components spread over device, edge and cloud nodes, each sending to one to three later ones,
with flows along chains, and two variants that move a tenth of the components.

Usage: python bench/bench_render.py [--components 500] [--repeat 3] [--formats dot,svg,png]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

from archkit.io import load_data
from archkit.model import System

KINDS = ["business_logic", "model", "datastore", "cache", "queue", "ui", "sensor", "telemetry", "gateway"]
NODES = [("watch", "wearable"), ("phone", "mobile"), ("gateway", "edge"), ("rack", "on_prem"),
         ("cloud_a", "cloud"), ("cloud_b", "cloud")]


def synthetic(n: int, seed: int = 1) -> System:
    """A valid system with ``n`` components, links between all tiers, flows and two variants."""
    rnd = random.Random(seed)
    comps, conns, placement = [], [], {}
    node_ids = [nid for nid, _ in NODES]
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        c = {"id": f"c{i:04d}", "kind": kind, "processing_time": f"{1 + i % 7}..{8 + i % 11} ms"}
        if kind == "model":
            c["model"] = {"inference_time": {"cloud": "20..60 ms", "mobile": "60..180 ms"}}
        comps.append(c)
        # components later in the list sit further from the user, so most traffic runs device -> cloud
        placement[c["id"]] = node_ids[min(len(node_ids) - 1, i * len(node_ids) // n + rnd.choice((0, 0, 1)))]
    for i in range(n - 1):
        for j in sorted(rnd.sample(range(i + 1, min(n, i + 12)), k=min(rnd.randint(1, 3), n - i - 1))):
            conns.append({"id": f"e{i:04d}_{j:04d}", "source": f"c{i:04d}", "target": f"c{j:04d}",
                          "kind": rnd.choice(["sync_call", "async_message", "stream"]),
                          "request_size": f"{rnd.randint(1, 500)} kB", "rate": f"{rnd.randint(1, 30)} /s"})
    links = [{"id": "watch-phone", "ends": ["watch", "phone"], "medium": "bluetooth", "bandwidth": "3 Mbit/s",
              "latency": "40..200 ms"},
             {"id": "phone-gateway", "ends": ["phone", "gateway"], "medium": "wifi", "bandwidth": "54 Mbit/s",
              "latency": "2..10 ms"},
             {"id": "gateway-rack", "ends": ["gateway", "rack"], "medium": "lan", "bandwidth": "1 Gbit/s",
              "latency": "1 ms"},
             {"id": "rack-cloud_a", "ends": ["rack", "cloud_a"], "medium": "internet", "bandwidth": "100 Mbit/s",
              "latency": "20..40 ms"},
             {"id": "cloud_a-cloud_b", "ends": ["cloud_a", "cloud_b"], "medium": "lan", "bandwidth": "10 Gbit/s",
              "latency": "1 ms"}]
    by_source: dict[str, list[dict]] = {}
    for e in conns:
        by_source.setdefault(e["source"], []).append(e)
    flows = []
    for f in range(5):
        steps, cur = [], f"c{f * 7:04d}"
        while cur in by_source and len(steps) < 12:
            e = by_source[cur][0]
            steps.append(e["id"])
            cur = e["target"]
        if steps:
            flows.append({"id": f"flow{f}", "steps": steps, "rate": "1 /s", "latency_budget": "500 ms"})
    movers = sorted(rnd.sample([c["id"] for c in comps], k=max(1, n // 10)))
    variants = [{"name": "to-cloud", "placement": {m: "cloud_b" for m in movers}},
                {"name": "to-edge", "placement": {m: "gateway" for m in movers}}]
    return load_data({"name": f"synthetic-{n}", "components": comps, "connectors": conns,
                                  "nodes": [{"id": i, "kind": k} for i, k in NODES], "links": links,
                                  "placement": placement, "variants": variants, "flows": flows})


def _time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--components", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default="dot,svg,png")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "render.json"))
    args = ap.parse_args(argv)
    from archkit.views import build_view

    t0 = time.perf_counter()
    system = synthetic(args.components)
    gen = time.perf_counter() - t0
    specs = ["logical", "deployment", "dataflow", "flow:flow0", "compare:base,to-cloud"]
    rows = []
    for spec in specs:
        build_s, view = _time(lambda: build_view(system, spec), args.repeat)
        row = {"view": spec, "boxes": sum(not b.anchor for b in view.boxes),
               "lines": sum(not ln.invisible for ln in view.lines), "build_s": round(build_s, 4)}
        for fmt in args.formats.split(","):
            # layout is the slow part; the larger views are timed once
            rep = args.repeat if fmt in ("dot", "mermaid") else 1
            secs, data = _time(lambda: view.render(fmt), rep)
            row[f"{fmt}_s"] = round(secs, 3)
            row[f"{fmt}_bytes"] = len(data)
        rows.append(row)
    cols = ["view", "boxes", "lines", "build_s"] + [f"{f}_s" for f in args.formats.split(",")]
    print(f"synthetic system: {args.components} components, {len(system.connectors)} connectors "
          f"(generated in {gen:.2f} s)")
    print(" | ".join(f"{c:>22}" if i == 0 else f"{c:>9}" for i, c in enumerate(cols)))
    for r in rows:
        print(" | ".join(f"{str(r[c]):>22}" if i == 0 else f"{str(r[c]):>9}" for i, c in enumerate(cols)))
    result = {"benchmark": "render", "components": args.components, "connectors": len(system.connectors),
              "repeat": args.repeat, "python": sys.version.split()[0], "machine": platform.machine(),
              "cpus": os.cpu_count(), "rows": rows}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
