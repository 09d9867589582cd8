"""Benchmark: how fast the CLI starts, next to a bare Python start in the same run.

Run ``python bench/bench_startup.py`` (``--repeat 5``). Each command runs ``--repeat`` times in a
fresh process, the three commands taking turns (so a busy machine slows all alike); the table shows
the best and the median wall seconds, and the CPU seconds of the best run:

* ``python -c pass``: the interpreter alone (the floor);
* ``archkit --help``;
* ``archkit validate examples/ar_translation/system.py``.

Target: each archkit command <= 0.35 s wall, best of ``--repeat``. The figures and the ratio to
``python -c pass`` go to bench/results/startup.json; exits 1 if a target is missed.

Every command first runs once unmeasured, which warms the file cache and writes the bytecode of
every module it imports, as the first run on a user's machine does (an installed package has its
bytecode compiled by the installer). The commands run without ``PYTHONDONTWRITEBYTECODE``, so a
shell that sets it does not make every run compile every module from source again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.35


def _commands() -> dict[str, list[str]]:
    archkit = shutil.which("archkit", path=str(Path(sys.executable).parent)) or "archkit"
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "archkit --help": [archkit, "--help"],
        "archkit validate (AR example)": [archkit, "validate", str(ROOT / "examples" / "ar_translation" / "system.py")],
    }


_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, check=False, env=_ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write bench/results/startup.json."""
    from rich.console import Console
    from rich.table import Table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup.json")
    args = ap.parse_args(argv)
    commands = _commands()
    for cmd in commands.values():  # warm the file cache and the bytecode of every module once
        _run(cmd)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():
            samples[name].append(_run(cmd))
    rows: dict[str, Any] = {}
    floor = min(w for w, _ in samples["python -c pass"])
    for name, runs in samples.items():
        best = min(runs)
        rows[name] = {"best_wall": best[0], "median_wall": statistics.median(w for w, _ in runs),
                      "max_wall": max(w for w, _ in runs), "cpu_of_best": best[1],
                      "min_cpu": min(c for _, c in runs), "over_python": best[0] / floor}
    table = Table(title=f"archkit start-up (seconds, {args.repeat} runs each, taking turns)")
    for col in ("command", "best wall", "median wall", "max wall", "min CPU", "best / python"):
        table.add_column(col, justify="left" if col == "command" else "right")
    for name, r in rows.items():
        table.add_row(name, f"{r['best_wall']:.3f}", f"{r['median_wall']:.3f}", f"{r['max_wall']:.3f}",
                      f"{r['min_cpu']:.3f}", f"{r['over_python']:.1f}x")
    con = Console()
    con.print(table)
    checks = [{"target": f"{name} <= {TARGET_SECONDS} s wall, best of {args.repeat}", "value": r["best_wall"],
               "met": r["best_wall"] <= TARGET_SECONDS} for name, r in rows.items() if name.startswith("archkit")]
    for c in checks:
        con.print(("[green]met[/]    " if c["met"] else "[red]MISSED[/] ") + f"{c['target']}: {c['value']:.3f}")
    ok = all(c["met"] for c in checks)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "startup", "python": platform.python_version(), "machine": platform.machine(),
        "load_average": load, "bytecode_written": True, "repeat": args.repeat, "commands": rows, "targets": checks, "all_met": ok,
        "samples": {k: [{"wall": w, "cpu": c} for w, c in v] for k, v in samples.items()}}, indent=2) + "\n")
    con.print(f"[dim]load average {' '.join(load)}; wrote {args.out}[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
