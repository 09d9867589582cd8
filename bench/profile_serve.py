"""Where one request's time goes in archkit's deployment of the AR example, end to end.

Deploys the example (link emulation off) as ``bench/bench_serve.py`` does, sends requests one at a
time (concurrency 1, the p50-overhead case) and, while they run, samples every Python process on
the request's path with py-spy (100 samples/s, without stopping them): the flow's ingress replica
(HAProxy edge: HTTP straight into it; proxy edge: Serve's proxy actor in front), the OCR and
translation replicas when they are their own deployments, and the load generator itself.

Written to bench/results/:

* ``serve-profile-<setup>-<process>.svg``: a flame graph per process (open it in a browser);
* ``serve-profile.json``: per setup, the client's latency against what the replica measured
  (``timings.total``: from the request body in hand to the answer built) and the engines' own
  times, so the edge + HTTP + framework share of a request is a difference of measured p50s; and
  per process the share of samples by where they were (engines, ASGI/FastAPI, Ray Serve, Ray core,
  JSON, asyncio, idle threads excluded) from py-spy's raw stacks.

Usage: python bench/profile_serve.py [--setups fused-haproxy,fused-proxy,declared-haproxy]
       [--requests 300]
Needs archkit[serve], py-spy (bench/requirements.txt), root or ptrace rights, and the example's
Debian packages. Runs for 3-5 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ar_translation"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(EXAMPLE))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ar_signs  # noqa: E402

#: Where a sampled frame belongs, by the first matching piece of its file or function name
#: (searched from the innermost frame outwards; the first category found names the sample).
CATEGORIES = [
    ("engines", ("tesserocr", "ar_engines", "PIL/", "apertium")),
    ("json", ("json/",)),
    ("archkit", ("archkit/runtime",)),
    ("http (uvicorn, h11, httptools, httpx)", ("uvicorn", "h11", "httptools", "httpx", "httpcore", "anyio")),
    ("fastapi/starlette", ("fastapi", "starlette", "pydantic")),
    ("ray serve", ("ray/serve",)),
    ("ray core", ("ray/",)),
    ("asyncio", ("asyncio/",)),
    ("threads", ("threading.py", "concurrent/futures")),
]


def setup_system(fused: bool):
    """The example as bench_serve deploys it (see its example_variant)."""
    from bench_serve import example_variant

    return example_variant(fused)


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return ""


def path_processes(head: dict) -> dict[str, int]:
    """The Python processes a request passes through: label -> pid."""
    from archkit.runtime._cluster import head_processes

    out = {}
    for pid in head_processes(head):
        name = _process_name(pid)
        if name.startswith("ray::ServeReplica:"):
            deployment = name.rsplit(":", 1)[1]
            label = f"replica-{deployment}"
            if label in out:  # a second replica of it: number them
                label = f"{label}-{sum(k.startswith(label) for k in out) + 1}"
            out[label] = pid
        elif name == "ray::ProxyActor" and head.get("edge_mode", "proxy") == "proxy":
            out["proxy"] = pid
    return out


def categorise(raw: str) -> dict[str, float]:
    """Share of samples per category from py-spy's raw (collapsed) stacks; idle samples left out."""
    counts: dict[str, int] = {}
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        innermost = frames[-1]
        # a thread waiting for work or for the next event is idle, not a cost of the request
        if any(word in innermost for word in ("select (selectors", "wait (threading", "_worker (concurrent",
                                              "epoll", "poll (selectors", "_run_once", "acquire")) \
                and not any("tesserocr" in f or "ar_engines" in f for f in frames):
            continue
        n = int(count)
        total += n
        name = "other"
        for frame in reversed(frames):
            found = next((cat for cat, keys in CATEGORIES if any(k in frame for k in keys)), None)
            if found:
                name = found
                break
        counts[name] = counts.get(name, 0) + n
    return {k: round(v / total, 3) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])} if total else {}


def record(pids: dict[str, int], seconds: float, setup: str) -> tuple[list[subprocess.Popen], dict[str, Path]]:
    """Start py-spy on each process (a flame graph and raw stacks); return the processes and raw files."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    procs, raws = [], {}
    folder = Path(tempfile.mkdtemp(prefix="akprofile-"))
    for label, pid in pids.items():
        svg = RESULTS / f"serve-profile-{setup}-{label}.svg"
        raws[label] = folder / f"{label}.txt"
        common = [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "100",
                  "--nonblocking", "--threads"]
        for fmt, out in (("flamegraph", svg), ("raw", raws[label])):
            procs.append(subprocess.Popen([*common, "--format", fmt, "--output", str(out)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs, raws


def load(url: str, inputs: list[bytes], requests: int, time_limit: float) -> dict:
    """Requests one at a time on a keep-alive connection: client latency, the replica's total and engine times."""
    import httpx

    client_ms, total_ms, engines_ms = [], [], []
    deadline = time.monotonic() + time_limit
    with httpx.Client(timeout=60) as client:
        for index in range(requests):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            answer = client.post(url, content=inputs[index % len(inputs)], headers={"content-type": "image/png"})
            elapsed = (time.perf_counter() - start) * 1000
            if answer.status_code != 200:
                continue
            timings = answer.json()["timings"]
            client_ms.append(elapsed)
            total_ms.append(timings["total"])
            engines_ms.append(sum(timings.get(k, 0.0) for k in ("camera", "ocr", "translator")))
    p50 = statistics.median
    return {"requests": len(client_ms), "client_p50_ms": round(p50(client_ms), 2),
            "replica_total_p50_ms": round(p50(total_ms), 2), "engines_p50_ms": round(p50(engines_ms), 2),
            "outside_replica_p50_ms": round(p50([c - t for c, t in zip(client_ms, total_ms)]), 2),
            "inside_replica_beyond_engines_p50_ms": round(p50([t - e for t, e in zip(total_ms, engines_ms)]), 2)}


def profile(setup: str, requests: int) -> dict:
    from archkit.runtime import deploy
    from archkit.runtime._cluster import free_port, read_state, stop_local_head

    kind, edge = setup.split("-")
    system, variant = setup_system(kind == "fused")
    state = tempfile.mkdtemp(prefix="akprofile-state-")
    os.environ["ARCHKIT_STATE_DIR"] = state
    head = None
    try:
        record_ = deploy(system, variant, model_path=str(EXAMPLE / "system.py"), emulate_links=False,
                         http_port=free_port(), edge_mode=edge)
        head = read_state("head")
        inputs = [ar_signs.sign_png(t) for t in ar_signs.SIGNS]
        load(record_["url"], inputs, 20, 60)  # warm-up
        pids = path_processes(head)
        pids["client"] = os.getpid()
        seconds = 20
        procs, raws = record(pids, seconds, setup)
        time.sleep(1.0)  # py-spy attached
        measured = load(record_["url"], inputs, requests, seconds - 2)
        for proc in procs:
            proc.wait(timeout=seconds + 60)
        shares = {label: categorise(path.read_text()) if path.exists() else {} for label, path in raws.items()}
        return {"setup": setup, "edge": record_.get("edge_mode"), "deployments":
                [d["name"] for d in record_["plan"]["deployments"]], "latency": measured, "samples_by_category": shares,
                "flame_graphs": [f"bench/results/serve-profile-{setup}-{label}.svg" for label in pids]}
    finally:
        if head is not None:
            stop_local_head(head)
        shutil.rmtree(state, ignore_errors=True)


def main() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="fused-haproxy,fused-proxy,declared-haproxy")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for setup in args.setups.split(","):
        print(f"profiling {setup} ...", flush=True)
        rows.append(profile(setup, args.requests))
    from rich.console import Console
    from rich.table import Table

    table = Table(title="One request at a time: where the time goes (p50, ms)", title_justify="left")
    for col in ("setup", "client", "in replica", "engines", "outside replica", "replica beyond engines"):
        table.add_column(col, justify="left" if col == "setup" else "right")
    for row in rows:
        m = row["latency"]
        table.add_row(row["setup"], str(m["client_p50_ms"]), str(m["replica_total_p50_ms"]), str(m["engines_p50_ms"]),
                      str(m["outside_replica_p50_ms"]), str(m["inside_replica_beyond_engines_p50_ms"]))
    console = Console()
    console.print(table)
    for row in rows:
        for label, shares in row["samples_by_category"].items():
            text = ", ".join(f"{k} {v:.0%}" for k, v in list(shares.items())[:6])
            console.print(f"{row['setup']} {label}: {text}", highlight=False)
    doc = {"machine": {"cpus": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2)}, "setups": rows}
    out = RESULTS / "serve-profile.json"
    out.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
