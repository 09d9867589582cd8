"""Benchmark: exploring every placement of 10 components over 4 nodes (4^10 = 1,048,576 alternatives).

Measures `archkit.alternatives.explore` end to end (lookup tables from the analysis primitives, the
vectorised sweep, the exact Pareto front, the recommendation) and a naive loop that runs the full
analyses (`archkit.analysis.analyze`) for each alternative - timed on a seeded random sample and
extrapolated to the whole space. Also checks, on that sample, that both give the same quality
vectors. Target: at least 50x faster than the naive loop.

Usage: python bench/bench_explore.py [--components 10] [--nodes 4] [--sample 40]
Prints a table and writes bench/results/explore.json.
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

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import synthetic_system  # noqa: E402

from archkit.alternatives import explore  # noqa: E402
from archkit.alternatives._quality import quality_of, quantise  # noqa: E402
from archkit.alternatives import generated_space  # noqa: E402
from archkit.alternatives._vector import VectorEvaluator  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--components", type=int, default=10)
    ap.add_argument("--nodes", type=int, default=4)
    ap.add_argument("--flows", type=int, default=6)
    ap.add_argument("--sample", type=int, default=40, help="alternatives timed with the full analyses")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "explore.json")
    args = ap.parse_args()

    system = synthetic_system(args.components, 3, args.nodes, args.flows, seed=args.seed)
    vary = {c.id: [n.id for n in system.nodes] for c in system.components}
    requirements = ["latency(f0) <= 1 s"]
    objectives = ["minimize latency(f0)", "minimize utilisation"]

    t0 = time.perf_counter()
    exp = explore(system, vary, requirements, objectives, use_model=False)
    t_explore = time.perf_counter() - t0
    n = exp.size

    # naive: the full analyses for a random sample of alternatives, extrapolated
    space = generated_space(system, vary)
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(range(n), min(args.sample, n)))
    t0 = time.perf_counter()
    naive = [quality_of(system, space.placement(i), space.links_down) for i in sample]
    t_sample = time.perf_counter() - t0
    per_alt = t_sample / len(sample)
    naive_total = per_alt * n

    # the same vectors both ways, on the sample
    ev = VectorEvaluator(space)
    Q, fits = ev.evaluate(space.digits_of(np.array(sample)))
    agree = all(np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[k]), equal_nan=True)
                and bool(fits[k]) == (not q.infeasible) for k, q in enumerate(naive))

    speedup = naive_total / t_explore
    result = {
        "benchmark": "explore",
        "space": {"components": args.components, "nodes": args.nodes, "flows": args.flows, "alternatives": n,
                  "keys": len(exp.keys)},
        "explore": {"seconds": round(t_explore, 3), "alternatives_per_second": round(n / t_explore),
                    "seconds_tables": round(exp.timings["tables"], 3),
                    "seconds_sweep": round(exp.timings["sweep"], 3), "seconds_front": round(exp.timings["front"], 3),
                    "primitive_evaluations": exp.stats["primitive_evaluations"], "feasible": exp.feasible, "pareto": exp.pareto_count,
                    "recommended": exp.recommended.name if exp.recommended else None},
        "naive": {"sample": len(sample), "seconds_per_alternative": round(per_alt, 5),
                  "alternatives_per_second": round(1 / per_alt, 2), "extrapolated_seconds": round(naive_total)},
        "speedup": round(speedup, 1),
        "target_speedup": 50,
        "meets_target": bool(speedup >= 50),
        "sample_agrees": agree,
        "machine": {"python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count(),
                    "platform": platform.platform()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"archkit explore: {args.components} components x {args.nodes} nodes = {n:,} alternatives")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("explore total", f"{t_explore:.2f} s")
    t.add_row("  lookup tables", f"{exp.timings['tables']:.2f} s")
    t.add_row("  sweep (evaluate, feasibility, chunk fronts)", f"{exp.timings['sweep']:.2f} s")
    t.add_row("  global front", f"{exp.timings['front']:.3f} s")
    t.add_row("explore alternatives / s", f"{n / t_explore:,.0f}")
    t.add_row(f"naive: full analyses per alternative (sample {len(sample)})", f"{per_alt * 1e3:.1f} ms")
    t.add_row("naive alternatives / s", f"{1 / per_alt:,.1f}")
    t.add_row("naive, extrapolated to the space", f"{naive_total / 3600:,.1f} h")
    t.add_row("speed-up (target >= 50x)", f"{speedup:,.0f}x")
    t.add_row("feasible / Pareto-optimal", f"{exp.feasible:,} / {exp.pareto_count:,}")
    t.add_row("sample agrees with the full analyses", "yes" if agree else "NO")
    Console().print(t)
    return 0 if agree and speedup >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
