"""Benchmark: ``archkit lint`` against load+validate on synthetic systems of 1,000 and 10,000 components.

Run ``python bench/bench_lint.py`` (``--sizes 1000 10000``, ``--repeat 3``). For each size it
builds the synthetic system of bench/synthetic.py (4 connectors per component, 50 nodes, 100
flows, 3 variants), writes it as YAML text, then times (best of ``--repeat`` runs):

* ``load+validate``: :func:`archkit.loads` of the YAML text (parse, build, check);
* ``lint``: :func:`archkit.catalog._lint.lint` over the base placement and every variant
  (all anti-patterns and checks, including the analysis-based ones);
* ``lint, structural rules``: the same without the three checks computed by archkit.analysis
  (latency-budget, link-capacity, resource-fit), i.e. the catalog's own detectors;
* ``detect patterns``: every pattern detector over every placement (reported, no target).

Target: lint <= 3x load+validate of the same model (checked for full lint; the structural ratio
is reported next to it because the analysis-based checks run the analyses once per placement). Prints a table and writes
bench/results/lint.json (with per-rule seconds of the largest size); exits 1 if the target is missed.
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

from archkit.catalog import detect, load_catalog  # noqa: E402
from archkit.catalog import lint  # noqa: E402
from archkit.catalog import LintConfig  # noqa: E402
from archkit.io import loads, to_yaml  # noqa: E402

TARGET_LINT_OVER_LOAD = 3.0
ANALYSIS_CHECKS = ("latency-budget", "link-capacity", "resource-fit")
STAGES = ("load+validate", "lint", "lint, structural rules", "detect patterns")


def run_size(n: int, repeat: int) -> dict[str, Any]:
    """Build, serialise and time one size (best of ``repeat`` runs per stage)."""
    system = synthetic_system(n, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    text = to_yaml(system)
    cat = load_catalog(plugins=False)
    best: dict[str, float] = {}
    rules: dict[str, float] = {}
    findings = unknown = 0
    for _ in range(repeat):
        t = time.perf_counter()
        loaded = loads(text, source=f"<synthetic {n}>")
        best["load+validate"] = min(best.get("load+validate", 1e9), time.perf_counter() - t)
        t = time.perf_counter()
        result = lint(loaded, f"<synthetic {n}>", catalog=cat)
        best["lint"] = min(best.get("lint", 1e9), time.perf_counter() - t)
        findings, unknown = len(result.findings), len(result.unknown)
        t = time.perf_counter()
        lint(loaded, f"<synthetic {n}>", catalog=cat, config=LintConfig(disable=ANALYSIS_CHECKS))
        best["lint, structural rules"] = min(best.get("lint, structural rules", 1e9), time.perf_counter() - t)
        timings: dict[str, float] = {}
        t = time.perf_counter()
        detect(loaded, cat, kinds=["pattern"], timings=timings)
        best["detect patterns"] = min(best.get("detect patterns", 1e9), time.perf_counter() - t)
        rules = timings
    return {
        "components": n, "connectors": len(system.connectors), "variants": len(system.variants),
        "flows": len(system.flows), "findings": findings, "undecided": unknown,
        "seconds": best, "lint_over_load": best["lint"] / best["load+validate"],
        "structural_lint_over_load": best["lint, structural rules"] / best["load+validate"],
        "slowest_pattern_detectors": dict(sorted(rules.items(), key=lambda kv: -kv[1])[:5]),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write the JSON; exit 1 if the target is missed."""
    from rich.console import Console
    from rich.table import Table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lint.json")
    args = ap.parse_args(argv)
    con = Console()
    runs = []
    for n in args.sizes:
        con.print(f"[dim]size {n:,}: building and timing ...[/]")
        runs.append(run_size(n, args.repeat))
    table = Table(title=f"archkit lint benchmark (seconds, best of {args.repeat})")
    table.add_column("stage")
    for r in runs:
        table.add_column(f"{r['components']:,} components", justify="right")
    for stage in STAGES:
        table.add_row(stage, *[f"{r['seconds'][stage]:.2f}" for r in runs])
    table.add_row("lint / load+validate", *[f"{r['lint_over_load']:.2f}x" for r in runs])
    table.add_row("structural lint / load+validate", *[f"{r['structural_lint_over_load']:.2f}x" for r in runs])
    table.add_row("findings (undecided)", *[f"{r['findings']} ({r['undecided']})" for r in runs])
    con.print(table)
    ok = all(r["lint_over_load"] <= TARGET_LINT_OVER_LOAD for r in runs)
    con.print(f"target lint <= {TARGET_LINT_OVER_LOAD:g}x load+validate: " + ("[green]met[/]" if ok else "[red]missed[/]"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "lint", "python": platform.python_version(), "machine": platform.machine(),
        "repeat": args.repeat, "target_lint_over_load": TARGET_LINT_OVER_LOAD, "met": ok, "runs": runs,
    }, indent=2) + "\n")
    con.print(f"[dim]wrote {args.out}[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
