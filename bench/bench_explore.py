"""Benchmark: exploring large placement spaces, each beside a baseline in the same run, as ratios.

Three cases (``--case`` picks one; all by default):

* ``sweep``: every placement of a synthetic system of 10 components over 4 nodes (4^10 = 1,048,576)
  with `archkit.alternatives.explore`, beside a naive loop that runs the full analyses
  (`archkit.analysis.analyze`) per alternative, timed on a seeded sample and extrapolated; the
  sample's vectors must agree. Target: >= 50x the naive loop.
* ``fan-in``: a service called by 10 movable callers, all 11 over a phone, an edge and a cloud fleet
  (3^11 = 177,147 placements; tests/alternatives/randsys.py `fan_in_system`). Every caller's
  placement changes the service's arrival rate. Beside it: tabulating the service's terms with one
  probe of the analyses per placement of the service and its callers (the way before arrival
  shares), timed on a sample of those placements and extrapolated, and the naive loop. Target: <= 10 s.
* ``prune``: 13 components of a random system over 4 nodes (4^13 = 67,108,864 placements;
  randsys `random_system(seed, 13, 4)`) explored with branch and bound (``prune=True``), beside the
  sweep of every alternative, timed on its first chunks and extrapolated. Exactness in the same run:
  the front with and without the bound on the same system, every component over three of the four
  nodes (3^13 = 1,594,323). Target: <= 120 s.

Usage: python bench/bench_explore.py [--case sweep|fan-in|prune] [--sample 40] [--seed 0]
Prints a table per case and writes bench/results/explore.json (the cases run, merged into the file).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "alternatives"))

from randsys import fan_in_system, random_system  # noqa: E402
from synthetic import synthetic_system  # noqa: E402

from archkit.alternatives import explore, generated_space  # noqa: E402
from archkit.alternatives._quality import quality_of, quantise  # noqa: E402
from archkit.alternatives._vector import VectorEvaluator  # noqa: E402


def _naive(system: Any, space: Any, sample: int, seed: int) -> tuple[float, list[int], list[Any]]:
    """Seconds per alternative of the full analyses, on a seeded sample, and the sample's qualities."""
    rng = random.Random(seed)
    idx = sorted(rng.sample(range(space.size), min(sample, space.size)))
    t0 = time.perf_counter()
    qualities = [quality_of(system, space.placement(i), space.links_down) for i in idx]
    return (time.perf_counter() - t0) / len(idx), idx, qualities


def _agrees(space: Any, idx: list[int], qualities: list[Any]) -> bool:
    ev = VectorEvaluator(space)
    Q, fits = ev.evaluate(space.digits_of(np.array(idx)))
    return all(np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[k]), equal_nan=True)
               and bool(fits[k]) == (not q.infeasible) for k, q in enumerate(qualities))


def case_sweep(args: argparse.Namespace) -> dict[str, Any]:
    system = synthetic_system(10, 3, 4, 6, seed=args.seed)
    vary = {c.id: [n.id for n in system.nodes] for c in system.components}
    t0 = time.perf_counter()
    exp = explore(system, vary, ["latency(f0) <= 1 s"], ["minimize latency(f0)", "minimize utilisation"],
                  use_model=False)
    t_explore = time.perf_counter() - t0
    space = generated_space(system, vary)
    per_alt, idx, qualities = _naive(system, space, args.sample, args.seed)
    naive_total = per_alt * exp.size
    return {"alternatives": exp.size, "keys": len(exp.keys), "seconds": round(t_explore, 3),
            "seconds_tables": round(exp.timings["tables"], 3), "seconds_sweep": round(exp.timings["sweep"], 3),
            "alternatives_per_second": round(exp.size / t_explore), "feasible": exp.feasible,
            "pareto": exp.pareto_count, "naive_seconds_per_alternative": round(per_alt, 5),
            "naive_extrapolated_seconds": round(naive_total), "ratio_vs_naive": round(naive_total / t_explore, 1),
            "target": ">= 50x the naive loop", "meets_target": naive_total / t_explore >= 50,
            "sample_agrees": _agrees(space, idx, qualities)}


def _probe_per_entry(system: Any, space: Any, sample: int, seed: int) -> float:
    """Seconds per placement of the hub and its callers to probe the hub's terms with the analyses
    (wait, capacity plan, resource needs, every step's ceiling) on its own context, as a table over
    that whole scope used to be built."""
    from archkit.analysis import AnalysisContext, component_plan, queueing_delay, replica_needs, step_ceiling

    base = AnalysisContext(system)
    rng = random.Random(seed)
    picks = [space.placement(rng.randrange(space.size)) for _ in range(sample)]
    t0 = time.perf_counter()
    for pl in picks:
        g = base.with_placement(pl)
        queueing_delay(g, "hub")
        component_plan(g, "hub")
        replica_needs(g, "hub", pl["hub"])
        for f in system.flows:
            step_ceiling(g, f, f.steps[0])
    return (time.perf_counter() - t0) / len(picks)


def case_fan_in(args: argparse.Namespace) -> dict[str, Any]:
    system = fan_in_system(args.seed, 10)
    vary = {c.id: ["phone", "edge", "cloud"] for c in system.components}
    t0 = time.perf_counter()
    exp = explore(system, vary, use_model=False)
    t_explore = time.perf_counter() - t0
    space = generated_space(system, vary)
    per_entry = _probe_per_entry(system, space, args.sample * 5, args.seed)
    before = per_entry * space.size  # the hub's scope is the whole space here
    per_alt, idx, qualities = _naive(system, space, args.sample, args.seed)
    naive_total = per_alt * exp.size
    return {"alternatives": exp.size, "keys": len(exp.keys), "callers": 10, "seconds": round(t_explore, 3),
            "seconds_tables": round(exp.timings["tables"], 3), "seconds_sweep": round(exp.timings["sweep"], 3),
            "primitive_evaluations": exp.stats["primitive_evaluations"], "feasible": exp.feasible,
            "pareto": exp.pareto_count,
            "per_placement_tables_seconds_per_entry": round(per_entry, 6),
            "per_placement_tables_extrapolated_seconds": round(before, 1),
            "ratio_vs_per_placement_tables": round(before / t_explore, 1),
            "naive_extrapolated_seconds": round(naive_total), "ratio_vs_naive": round(naive_total / t_explore, 1),
            "target": "<= 10 s", "meets_target": t_explore <= 10, "sample_agrees": _agrees(space, idx, qualities)}


def case_prune(args: argparse.Namespace) -> dict[str, Any]:
    system = random_system(args.prune_seed, 13, 4)
    comps = [c.id for c in system.components if c.id != "registry"]
    requirements: list[str] = []  # the model's own budgets and offline flows apply
    vary = {c: [n.id for n in system.nodes] for c in comps}
    t0 = time.perf_counter()
    exp = explore(system, vary, requirements, prune=True)
    t_pruned = time.perf_counter() - t0
    # the sweep of every alternative, on its first chunks, extrapolated
    space = generated_space(system, vary)
    ev = VectorEvaluator(space)
    chunks = args.sweep_chunks
    t0 = time.perf_counter()
    for start, stop in list(space.chunks(1 << 16))[:chunks]:
        Q, fits = ev.evaluate(space.digits(start, stop))
        quantise(Q)
    per_chunk = (time.perf_counter() - t0) / chunks
    sweep_total = per_chunk * space.size / (1 << 16)
    # exactness in the same run: every component over three of the four nodes (3^13), with and without the bound
    small = {c: vary[c][1:] for c in comps}
    t0 = time.perf_counter()
    whole = explore(system, small, requirements, limit=10_000)
    t_whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    bound = explore(system, small, requirements, limit=10_000, prune=True)
    t_bound = time.perf_counter() - t0
    same = ([r.index for r in whole.rows] == [r.index for r in bound.rows]
            and whole.pareto_count == bound.pareto_count)
    return {"alternatives": exp.size, "keys": len(exp.keys), "seed": args.prune_seed, "requirements": requirements,
            "seconds": round(t_pruned, 3), "seconds_tables": round(exp.timings["tables"], 3),
            "evaluated": exp.stats["evaluated"], "skipped_infeasible": exp.stats["skipped_infeasible"],
            "skipped_dominated": exp.stats["skipped_dominated"], "pareto": exp.pareto_count,
            "feasible_evaluated": exp.feasible,
            "sweep_seconds_per_chunk_of_65536": round(per_chunk, 3), "sweep_chunks_timed": chunks,
            "sweep_extrapolated_seconds": round(sweep_total, 1), "ratio_vs_sweep": round(sweep_total / t_pruned, 1),
            "check_alternatives": whole.size, "check_front_equals_sweep": same, "check_front": whole.pareto_count,
            "check_seconds_sweep": round(t_whole, 2), "check_seconds_pruned": round(t_bound, 2),
            "target": "<= 120 s", "meets_target": t_pruned <= 120}


CASES = {"sweep": case_sweep, "fan-in": case_fan_in, "prune": case_prune}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=sorted(CASES), action="append", help="a case to run (default: all)")
    ap.add_argument("--sample", type=int, default=40, help="alternatives timed with the full analyses")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prune-seed", type=int, default=0, help="random system of the prune case")
    ap.add_argument("--sweep-chunks", type=int, default=8, help="chunks of the whole sweep timed in the prune case")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "explore.json")
    args = ap.parse_args()

    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    console = Console()
    cases: dict[str, Any] = {}
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("cases", total=len(args.case or CASES))
        for name in args.case or CASES:
            bar.update(task, description=f"case {name}")
            cases[name] = CASES[name](args)
            bar.advance(task)
    old: dict[str, Any] = {}
    if args.out.exists():
        try:
            old = json.loads(args.out.read_text()).get("cases", {})
        except (ValueError, AttributeError):
            old = {}
    result = {"benchmark": "explore", "cases": {**old, **cases},
              "machine": {"python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count(),
                          "platform": platform.platform(), "load_average": os.getloadavg()[0]}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    ok = True
    for name, r in cases.items():
        t = Table(title=f"explore, case {name}: {r['alternatives']:,} alternatives")
        t.add_column("measure")
        t.add_column("value", justify="right")
        for k, v in r.items():
            t.add_row(k, f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v))
        console.print(t)
        ok = ok and bool(r["meets_target"]) and r.get("sample_agrees", True) and r.get("check_front_equals_sweep", True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
