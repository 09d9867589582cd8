"""Benchmark: build and draw every view of a synthetic 500-component system.

Uses the synthetic systems of bench/synthetic.py (500 components, 4 connectors each, 50 nodes,
100 flows, 3 variants by default). For each view (logical, deployment, dataflow with the analysis
overlays, one flow, a comparison of two placements) it times building the view, writing its DOT
text and drawing it (svg, png by default; best of ``--repeat`` for DOT, one run for drawings).
Views over 150 boxes are laid out force-directed (see archkit/views/_dot.py).

Run ``python bench/bench_render.py`` (``--components 500 --formats dot,svg,png``); it prints a
table and writes bench/results/render.json. bench/bench_analysis.py runs the same stage
(:func:`render_stage`) after its analysis sizes.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_system  # noqa: E402


def _best(fn, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def render_stage(n: int = 500, formats: tuple[str, ...] = ("dot", "svg", "png"), repeat: int = 1) -> dict[str, Any]:
    """Time every view of an ``n``-component synthetic system; returns the JSON-ready result."""
    from archkit.views import build_view

    t = time.perf_counter()
    system = synthetic_system(n, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    build = time.perf_counter() - t
    specs = ["logical", "deployment", "dataflow", f"flow:{system.flows[0].id}",
             f"compare:base,{system.variant_names[0]}"]
    rows = []
    total = 0.0
    for spec in specs:
        secs, view = _best(lambda: build_view(system, spec), repeat)
        row: dict[str, Any] = {"view": spec, "boxes": sum(not b.anchor for b in view.boxes),
                               "lines": sum(not ln.invisible for ln in view.lines), "build_seconds": secs}
        total += secs
        for fmt in formats:
            secs, data = _best(lambda: view.render(fmt), repeat if fmt in ("dot", "mermaid") else 1)
            row[f"{fmt}_seconds"] = secs
            row[f"{fmt}_bytes"] = len(data)
            total += secs
        rows.append(row)
    return {"components": n, "connectors": len(system.connectors), "nodes": len(system.nodes),
            "system_build_seconds": build, "formats": list(formats), "views": rows, "total_seconds": total}


def print_table(result: dict[str, Any]) -> None:
    """The stage's table on stdout."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"render benchmark: {result['components']} components, {result['connectors']} connectors "
                    f"(seconds)")
    t.add_column("view")
    t.add_column("boxes", justify="right")
    t.add_column("lines", justify="right")
    t.add_column("build", justify="right")
    for f in result["formats"]:
        t.add_column(f, justify="right")
    for r in result["views"]:
        t.add_row(r["view"], str(r["boxes"]), str(r["lines"]), f"{r['build_seconds']:.3f}",
                  *[f"{r[f + '_seconds']:.3f}" for f in result["formats"]])
    blanks = [""] * (len(result["formats"]) - 1)
    t.add_row("[bold]total[/]", "", "", "", *blanks, f"[bold]{result['total_seconds']:.2f}[/]")
    Console().print(t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--components", type=int, default=500)
    ap.add_argument("--formats", default="dot,svg,png")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "render.json")
    args = ap.parse_args(argv)
    result = render_stage(args.components, tuple(args.formats.split(",")), args.repeat)
    print_table(result)
    doc = {"benchmark": "render", "python": platform.python_version(), "machine": platform.machine(),
           "repeat": args.repeat, **result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
