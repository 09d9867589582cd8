"""Benchmark: archkit against OWASP pytm, the nearest Python "model -> findings" tool, on the same sizes.

Run ``python bench/bench_peers.py`` (``--sizes 1000 10000``, ``--repeat 3``) after
``pip install -r bench/requirements.txt``; it installs nothing itself. Both tools get the same
synthetic system (bench/synthetic.py: N components, 4 connectors each, 50 nodes, 100 flows,
3 variants). Each measurement runs in a fresh Python process (so one tool's leftover objects never
slow the other's garbage collector), and the two tools alternate within every round, so a busy
machine slows both alike. Stages:

* pytm (``pytm`` 1.4, https://github.com/OWASP/pytm): ``build`` creates the threat model in code
  (one Boundary per node; a Process per model, a Server per stateless and a Datastore per stateful
  component; a Dataflow per connector, personal data classified SENSITIVE), ``check`` is
  ``TM.check()`` (sorts flows, applies defaults), ``resolve`` is ``TM.resolve()`` (every threat
  rule against every element: the findings).
* archkit: ``load+validate yaml`` and ``load+validate json`` (:func:`archkit.io.loads` of the
  model's text: parse, build, check, as ``archkit validate``), ``pydantic model_validate`` (the bare
  ``System.model_validate`` of the same data, already parsed: the floor of any validating load),
  ``analyze`` (every analysis of the model, as ``archkit analyze MODEL``: the base placement),
  ``analyze every placement`` (every analysis of the base placement and of every variant, as
  ``archkit analyze MODEL --all-variants``), ``lint`` (every anti-pattern and check over every
  placement, as ``archkit lint``). Each archkit stage starts from the validated model alone and
  shares nothing with the stages before it (lint computes the analyses it needs itself).

Every stage is timed in CPU seconds of its process (``time.process_time``: what the work costs,
however many other programs share the machine) and in wall seconds; the targets are checked on the
CPU figures, and the wall-clock ratios are printed and stored next to them. Targets (medians of the
per-round ratios, each round's ratio from that round's own figures):

* archkit's pipeline, validate + analyze + lint (load+validate yaml + analyze + lint), at the
  largest size is >= 5x faster than pytm's build+resolve of the same size (the same ratio with
  ``analyze every placement`` instead of ``analyze``, and pytm's ``check`` counted too, is printed
  beside it);
* load+validate json <= 3x the bare ``model_validate`` of the same data;
* lint <= 1x all analyses (lint over every placement / every analysis over every placement: the
  same placements on both sides);
* no quadratic step: every archkit stage at the largest size within 1.2x the size ratio of its
  seconds at the smallest (10,000 components within 12x of 1,000). tests/test_scaling.py checks the
  same on counted Python calls, which is exact but blind to work done inside C (a list membership
  test, a tuple merged again and again); the seconds here see both.

Prints a table (medians and the min..max spread over the rounds) and writes
bench/results/peers.json. Exits 1 if a target is missed in the median, 2 if pytm is not installed.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

TARGET_PEER_SPEEDUP = 5.0
TARGET_JSON_OVER_PYDANTIC = 3.0
TARGET_LINT_OVER_ANALYSES = 1.0
SCALING_SLACK = 1.2
"""A stage may grow this much faster than the model (10x the components within 12x the seconds)."""

PYTM_STAGES = ("build", "check", "resolve")
ARCHKIT_STAGES = ("load+validate yaml", "load+validate json", "pydantic model_validate", "analyze",
                  "analyze every placement", "lint")


# ----------------------------------------------------------------------------------------------
# children: one tool, one size, one process
# ----------------------------------------------------------------------------------------------

class _Clock:
    """Wall and CPU seconds of named stages (CPU time: what the stage itself cost, however busy the machine)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._t = self._c = 0.0

    def start(self) -> None:
        gc.collect()
        self._t, self._c = time.perf_counter(), time.process_time()

    def stop(self, name: str) -> None:
        self.wall[name] = time.perf_counter() - self._t
        self.cpu[name] = time.process_time() - self._c

    def result(self) -> dict[str, dict[str, float]]:
        return {"seconds": self.cpu, "wall_seconds": self.wall}


def _pytm_child(n: int) -> dict[str, Any]:
    """Build, check and resolve the pytm model of the synthetic system of ``n`` components."""
    from pytm import TM, Boundary, Classification, Data, Dataflow, Datastore, Process, Server

    from bench.synthetic import synthetic_data

    raw = synthetic_data(n, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    clock = _Clock()
    clock.start()
    TM.reset()
    tm = TM(raw["name"], description="synthetic system for the peer benchmark")
    boundaries = {node["id"]: Boundary(node["id"]) for node in raw["nodes"]}
    elements: dict[str, Any] = {}
    for c in raw["components"]:
        cls = Process if c["kind"] == "model" else (Server if c.get("stateless") else Datastore)
        elements[c["id"]] = cls(c["id"], inBoundary=boundaries[raw["placement"][c["id"]]])
    personal = Data("personal data", classification=Classification.SENSITIVE, isPII=True)
    for e in raw["connectors"]:
        flow = Dataflow(elements[e["source"]], elements[e["target"]], e["id"],
                        protocol="HTTPS" if e["kind"] == "sync_call" else "AMQP")
        if e.get("data_sensitivity") == "personal":
            flow.data = personal
    clock.stop("build")
    clock.start()
    tm.check()
    clock.stop("check")
    clock.start()
    tm.resolve()
    clock.stop("resolve")
    return {**clock.result(), "elements": len(raw["components"]), "flows": len(raw["connectors"]),
            "findings": len(tm.findings)}


def _archkit_child(n: int) -> dict[str, Any]:
    """Load, validate, analyse and lint the synthetic system of ``n`` components."""
    from archkit.analysis import analyze_all, every_placement
    from archkit.catalog import lint, load_catalog
    from archkit.io import loads, to_json, to_yaml
    from archkit.model import System

    from bench.synthetic import synthetic_system

    built = synthetic_system(n, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    yaml_text, json_text = to_yaml(built), to_json(built)
    data = json.loads(json_text)
    del built
    catalog = load_catalog(plugins=False)
    clock = _Clock()
    clock.start()
    system = loads(yaml_text, f"<synthetic {n}>.yaml")
    clock.stop("load+validate yaml")
    clock.start()
    loads(json_text, f"<synthetic {n}>.json", fmt="json")
    clock.stop("load+validate json")
    clock.start()
    System.model_validate(data)
    clock.stop("pydantic model_validate")
    clock.start()
    analyze_all(system, [None])
    clock.stop("analyze")
    clock.start()
    placements = every_placement(system)
    analyze_all(system, placements)
    clock.stop("analyze every placement")
    clock.start()
    result = lint(system, f"<synthetic {n}>", catalog=catalog)
    clock.stop("lint")
    return {**clock.result(), "components": len(system.components), "connectors": len(system.connectors),
            "yaml_bytes": len(yaml_text.encode()), "json_bytes": len(json_text.encode()),
            "findings": len(result.findings), "undecided": len(result.unknown), "placements": len(placements)}


def _child(tool: str, n: int) -> None:
    sys.path.insert(0, str(ROOT))
    out = _pytm_child(n) if tool == "pytm" else _archkit_child(n)
    print(json.dumps(out))


def _measure(tool: str, n: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", tool, str(n)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tool} at {n:,} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------------

def _ratios(pytm: dict[str, float], ak: dict[str, float]) -> dict[str, float]:
    pipeline = ak["load+validate yaml"] + ak["analyze"] + ak["lint"]
    every = ak["load+validate yaml"] + ak["analyze every placement"] + ak["lint"]
    return {
        "archkit pipeline seconds": pipeline,
        "pytm build+resolve / archkit pipeline": (pytm["build"] + pytm["resolve"]) / pipeline,
        "pytm build+check+resolve / archkit pipeline": (pytm["build"] + pytm["check"] + pytm["resolve"]) / pipeline,
        "pytm build+resolve / archkit pipeline (analyze every placement)": (pytm["build"] + pytm["resolve"]) / every,
        "load+validate json / pydantic model_validate": ak["load+validate json"] / ak["pydantic model_validate"],
        "lint / analyze every placement": ak["lint"] / ak["analyze every placement"],
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write bench/results/peers.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3, help="rounds; each runs both tools at every size")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "peers.json")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return 0
    try:
        from importlib.metadata import version

        pytm_version = version("pytm")
    except Exception:
        sys.stderr.write("pytm is not installed: pip install -r bench/requirements.txt\n")
        return 2
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    con = Console()
    rounds: list[dict[str, Any]] = []
    with Progress(console=con, transient=True) as progress:
        task = progress.add_task("measuring", total=args.repeat * len(args.sizes) * 2)
        for r in range(args.repeat):
            for n in args.sizes:
                entry: dict[str, Any] = {"round": r + 1, "size": n}
                for tool in (("pytm", "archkit") if r % 2 == 0 else ("archkit", "pytm")):
                    progress.update(task, description=f"round {r + 1}: {tool} at {n:,} components")
                    entry[tool] = _measure(tool, n)
                    progress.advance(task)
                entry["ratios"] = _ratios(entry["pytm"]["seconds"], entry["archkit"]["seconds"])
                entry["wall_ratios"] = _ratios(entry["pytm"]["wall_seconds"], entry["archkit"]["wall_seconds"])
                rounds.append(entry)

    runs = []
    for n in args.sizes:
        mine = [e for e in rounds if e["size"] == n]
        runs.append({
            "size": n,
            "pytm": {s: _spread([e["pytm"]["seconds"][s] for e in mine]) for s in PYTM_STAGES},
            "archkit": {s: _spread([e["archkit"]["seconds"][s] for e in mine]) for s in ARCHKIT_STAGES},
            "ratios": {k: _spread([e["ratios"][k] for e in mine]) for k in mine[0]["ratios"]},
            "pytm_wall": {s: _spread([e["pytm"]["wall_seconds"][s] for e in mine]) for s in PYTM_STAGES},
            "archkit_wall": {s: _spread([e["archkit"]["wall_seconds"][s] for e in mine]) for s in ARCHKIT_STAGES},
            "wall_ratios": {k: _spread([e["wall_ratios"][k] for e in mine]) for k in mine[0]["wall_ratios"]},
            "pytm_findings": mine[0]["pytm"]["findings"], "archkit_findings": mine[0]["archkit"]["findings"],
            "archkit_undecided": mine[0]["archkit"]["undecided"], "connectors": mine[0]["archkit"]["connectors"],
            "placements": mine[0]["archkit"]["placements"],
            "yaml_bytes": mine[0]["archkit"]["yaml_bytes"], "json_bytes": mine[0]["archkit"]["json_bytes"],
        })

    def cell(x: dict[str, float], fmt: str = "{:.2f}") -> str:
        return f"{fmt.format(x['median'])} [dim]({fmt.format(x['min'])}..{fmt.format(x['max'])})[/]"

    table = Table(title=f"archkit vs pytm {pytm_version}: CPU seconds, median (min..max) of {args.repeat} rounds")
    table.add_column("stage")
    for run in runs:
        table.add_column(f"{run['size']:,} components", justify="right")
    for s in PYTM_STAGES:
        table.add_row(f"pytm {s}", *[cell(run["pytm"][s]) for run in runs])
    for s in ARCHKIT_STAGES:
        table.add_row(f"archkit {s}", *[cell(run["archkit"][s]) for run in runs])
    for k in runs[0]["ratios"]:
        table.add_row(f"[bold]{k}[/]", *[cell(run["ratios"][k]) for run in runs])
    table.add_row("findings: pytm / archkit (undecided)",
                  *[f"{run['pytm_findings']:,} / {run['archkit_findings']:,} ({run['archkit_undecided']:,})"
                    for run in runs])
    table.add_row("[dim]wall-clock ratios (busy machine)[/]", *["" for _ in runs])
    for k in runs[0]["wall_ratios"]:
        if k != "archkit pipeline seconds":
            table.add_row(f"[dim]{k}[/]", *[cell(run["wall_ratios"][k]) for run in runs])
    con.print(table)

    largest = runs[-1]
    checks = [
        {"target": f"pytm build+resolve / archkit pipeline at {largest['size']:,} >= {TARGET_PEER_SPEEDUP:g}",
         "value": largest["ratios"]["pytm build+resolve / archkit pipeline"],
         "met": largest["ratios"]["pytm build+resolve / archkit pipeline"]["median"] >= TARGET_PEER_SPEEDUP},
    ]
    for run in runs:
        checks.append({"target": f"load+validate json / pydantic model_validate at {run['size']:,} "
                                 f"<= {TARGET_JSON_OVER_PYDANTIC:g}",
                       "value": run["ratios"]["load+validate json / pydantic model_validate"],
                       "met": run["ratios"]["load+validate json / pydantic model_validate"]["median"]
                       <= TARGET_JSON_OVER_PYDANTIC})
        checks.append({"target": f"lint / analyze every placement at {run['size']:,} <= {TARGET_LINT_OVER_ANALYSES:g}",
                       "value": run["ratios"]["lint / analyze every placement"],
                       "met": run["ratios"]["lint / analyze every placement"]["median"] <= TARGET_LINT_OVER_ANALYSES})
    if len(runs) >= 2:
        # no quadratic step: each stage's CPU seconds grow at most 1.2x as fast as the model
        # (10,000 within 12x of 1,000); a ratio of one round's own figures, so a busy round slows both
        small, large = runs[0]["size"], runs[-1]["size"]
        limit = SCALING_SLACK * large / small
        for stage in ARCHKIT_STAGES:
            if stage == "pydantic model_validate":
                continue  # the floor of a validating load, pydantic's own work: not an archkit stage
            ratios = [
                big["archkit"]["seconds"][stage] / little["archkit"]["seconds"][stage]
                for big in rounds if big["size"] == large
                for little in rounds if little["size"] == small and little["round"] == big["round"]
            ]
            v = _spread(ratios)
            checks.append({"target": f"archkit {stage}: {large:,} / {small:,} components <= {limit:g}x",
                           "value": v, "met": v["median"] <= limit})
    for c in checks:
        v = c["value"]
        con.print(("[green]met[/]    " if c["met"] else "[red]MISSED[/] ")
                  + f"{c['target']}: {v['median']:.2f} ({v['min']:.2f}..{v['max']:.2f})")
    ok = all(c["met"] for c in checks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "peers", "python": platform.python_version(), "machine": platform.machine(),
        "pytm": pytm_version, "repeat": args.repeat, "runs": runs, "rounds": rounds, "targets": checks,
        "all_met": ok}, indent=2) + "\n")
    con.print(f"[dim]wrote {args.out}[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
