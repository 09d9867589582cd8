"""Benchmark: load+validate and each analysis on synthetic systems of 1,000 and 10,000 components.

Run ``python bench/bench_analysis.py`` (``--sizes 1000 10000``, ``--repeat 3``). For each size it
builds a synthetic system (bench/synthetic.py: 4 connectors per component, 50 nodes, 100 flows),
writes it as YAML text, then times each stage (best of ``--repeat`` runs):

* ``load+validate``: :func:`archkit.loads` of the YAML text (parse, build, check);
* one stage per analysis, as :func:`archkit.analysis.analyze` runs them for the base placement.

Targets: all analyses together <= 3x load+validate of the same model, and the largest run <= 12x
the smallest (for 1,000 -> 10,000 components). Prints a table and writes bench/results/analysis.json.

Other stages (lint, rendering, ...) join through :data:`EXTRA_STAGES`: append
``Stage(name, group, fn)`` where ``fn(system, yaml_text)`` does the work once; ``group`` decides
which total it counts towards ("analysis" stages count in the 3x target, any other group is
reported on its own).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_system  # noqa: E402

from archkit.analysis import Options, analyze  # noqa: E402
from archkit.io import loads, to_yaml  # noqa: E402


@dataclass(frozen=True)
class Stage:
    """A timed stage: ``fn(system, yaml_text)`` does its work once."""

    name: str
    group: str
    fn: Callable[[Any, str], Any]


EXTRA_STAGES: list[Stage] = []
"""Hook for more stages (lint, render, ...): append Stage objects before main() runs."""


def _lint_stage(system: Any, text: str) -> Any:
    """``archkit lint`` as the CLI runs it: every rule over the base placement and every variant."""
    from archkit.catalog import lint, load_catalog

    return lint(system, "<synthetic>", catalog=load_catalog(plugins=False))


EXTRA_STAGES.append(Stage("lint", "lint", _lint_stage))

TARGET_ANALYSIS_OVER_LOAD = 3.0
TARGET_LINT_OVER_LOAD = 3.0
TARGET_SCALING = 12.0


def _time_analyses(system: Any) -> dict[str, float]:
    times: dict[str, float] = {}

    @contextmanager
    def timer(name: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        times[name] = time.perf_counter() - t

    analyze(system, None, Options(), timer=timer)
    return times


def run_size(n: int, repeat: int) -> dict[str, Any]:
    """Build, serialise and time one size; every stage's best of ``repeat`` runs."""
    t = time.perf_counter()
    system = synthetic_system(n, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    text = to_yaml(system)
    build = time.perf_counter() - t
    best: dict[str, float] = {}
    groups: dict[str, str] = {"load+validate": "load"}
    for _ in range(repeat):
        t = time.perf_counter()
        loaded = loads(text, source=f"<synthetic {n}>")
        el = time.perf_counter() - t
        best["load+validate"] = min(best.get("load+validate", el), el)
        for name, el in _time_analyses(loaded).items():
            best[name] = min(best.get(name, el), el)
            groups[name] = "analysis"
        for st in EXTRA_STAGES:
            t = time.perf_counter()
            st.fn(loaded, text)
            el = time.perf_counter() - t
            best[st.name] = min(best.get(st.name, el), el)
            groups[st.name] = st.group
    analysis_total = sum(v for k, v in best.items() if groups[k] == "analysis")
    return {
        "components": n, "connectors": len(system.connectors), "nodes": len(system.nodes),
        "flows": len(system.flows), "yaml_bytes": len(text.encode()), "build_seconds": build,
        "stages": [{"name": k, "group": groups[k], "seconds": v} for k, v in best.items()],
        "analysis_total_seconds": analysis_total,
        "analysis_over_load": analysis_total / best["load+validate"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write bench/results/analysis.json; exit 1 if a target is missed."""
    from rich.console import Console
    from rich.table import Table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "analysis.json")
    ap.add_argument("--render-size", type=int, default=500,
                    help="components of the system whose views are drawn (bench/bench_render.py); 0 skips it")
    args = ap.parse_args(argv)
    con = Console()
    runs = []
    for n in args.sizes:
        con.print(f"[dim]size {n:,}: building and timing ...[/]")
        runs.append(run_size(n, args.repeat))
    table = Table(title="archkit analysis benchmark (seconds, best of %d)" % args.repeat)
    table.add_column("stage")
    for r in runs:
        table.add_column(f"{r['components']:,} components", justify="right")
    names = list(dict.fromkeys(s["name"] for r in runs for s in r["stages"]))
    for name in names:
        table.add_row(name, *[f"{next((s['seconds'] for s in r['stages'] if s['name'] == name), float('nan')):.3f}"
                              for r in runs])
    table.add_row("[bold]all analyses[/]", *[f"[bold]{r['analysis_total_seconds']:.3f}[/]" for r in runs])
    table.add_row("analyses / load+validate", *[f"{r['analysis_over_load']:.2f}x" for r in runs])
    con.print(table)
    ok = True
    checks = []
    for r in runs:
        good = r["analysis_over_load"] <= TARGET_ANALYSIS_OVER_LOAD
        ok &= good
        checks.append({"target": f"analyses <= {TARGET_ANALYSIS_OVER_LOAD:g}x load+validate at {r['components']}",
                       "value": round(r["analysis_over_load"], 3), "met": good})
    for r in runs:
        load = next(s["seconds"] for s in r["stages"] if s["name"] == "load+validate")
        for st in r["stages"]:
            if st["group"] == "lint":
                value = st["seconds"] / load
                good = value <= TARGET_LINT_OVER_LOAD
                ok &= good
                checks.append({"target": f"{st['name']} <= {TARGET_LINT_OVER_LOAD:g}x load+validate at {r['components']}",
                               "value": round(value, 3), "met": good})
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        ratio = large["analysis_total_seconds"] / small["analysis_total_seconds"]
        load_ratio = (next(s["seconds"] for s in large["stages"] if s["name"] == "load+validate")
                      / next(s["seconds"] for s in small["stages"] if s["name"] == "load+validate"))
        good = ratio <= TARGET_SCALING
        ok &= good
        checks.append({"target": f"analyses at {large['components']} <= {TARGET_SCALING:g}x at {small['components']}",
                       "value": round(ratio, 3), "met": good})
        checks.append({"target": "load+validate scaling (for reference)", "value": round(load_ratio, 3), "met": True})
    for c in checks:
        mark = "[green]met[/]" if c["met"] else "[red]MISSED[/]"
        con.print(f"{mark}  {c['target']}: {c['value']}")
    result = {"benchmark": "analysis", "python": platform.python_version(), "machine": platform.machine(),
              "repeat": args.repeat, "runs": runs, "targets": checks, "all_met": ok}
    if args.render_size:
        from bench.bench_render import print_table, render_stage

        con.print(f"[dim]render stage: {args.render_size:,} components ...[/]")
        result["render"] = render_stage(args.render_size, ("dot", "svg", "png"))
        print_table(result["render"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    con.print(f"[dim]wrote {args.out}[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
