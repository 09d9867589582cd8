"""Where one request's time goes in archkit's deployment of the AR example, end to end.

Deploys the example (link emulation off) as ``bench/bench_serve.py`` does and measures three things
per setup, each in a pass of its own:

1. **CPU per request at concurrency 8** (the throughput case): the CPU time (user + system, from
   ``/proc``) every process of the head and the load generator spent during ``--cpu-requests``
   requests, divided by their number; for replicas also per thread (named from ``py-spy dump``:
   Serve's event loop, the worker threads that run the engines, Ray's own C++ threads). The floor
   (a), the engines in 2 worker processes, is measured the same way, so the table says how many
   milliseconds of CPU each setup spends per request beyond the engines, and in which process.
2. **One request at a time** (concurrency 1, the p50-overhead case): the client's latency against
   what the replica measured (``timings.total``: from the request body in hand to the answer
   built) and the engines' own times, so the edge + HTTP + framework share of a request is a
   difference of measured p50s.
3. **Flame graphs at concurrency 8**: py-spy samples every Python process on the request's path
   (100 samples/s, without stopping them): the flow's ingress replicas (HAProxy edge: HTTP straight
   into them; proxy edge: Serve's proxy actor in front), the OCR and translation replicas when they
   are their own deployments, and the load generator.

Written to bench/results/:

* ``serve-profile-<setup>-<process>.svg``: a flame graph per process (open it in a browser);
* ``serve-profile.json``: per setup the CPU table, the latency split, and per process the share of
  samples by where they were (engines, ASGI/FastAPI, Ray Serve, Ray core, JSON, asyncio; idle
  threads excluded) from py-spy's raw stacks.

The machine's load average is recorded: other work on the machine makes every process slower, so
compare setups of one run only.

Usage: python bench/profile_serve.py [--setups fused-haproxy,declared-haproxy] [--requests 300]
       [--cpu-requests 600]
Needs archkit[serve], py-spy (bench/requirements.txt), root or ptrace rights, and the example's
Debian packages. Runs for 3-5 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(path: str) -> float:
    """User + system CPU seconds of a process or thread (``/proc/<pid>`` or ``/proc/<pid>/task/<tid>``)."""
    try:
        stat = Path(path, "stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def thread_names(pid: int) -> dict[int, str]:
    """Python thread names of a process by native thread id (``py-spy dump``)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    text = subprocess.run([spy, "dump", "--pid", str(pid)], capture_output=True, text=True).stdout
    return {int(m.group(1)): m.group(2) for m in re.finditer(r'Thread (\d+) \([^)]*\): "([^"]*)"', text)}


def _role(pid: int) -> str:
    name = _process_name(pid)
    if name.startswith("ray::ServeReplica:"):
        return "replica " + name.rsplit(":", 1)[1]
    if name.startswith("ray::"):
        return name.split()[0].split(".")[0]
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if Path(f"/proc/{pid}").exists() else []
    if any(b"archkit.runtime._haproxy" in w for w in words):
        return "HTTP edge keeper (archkit)"
    base = Path(name).name
    if base.startswith(("lt-", "apertium", "lrx-", "cg-")):
        return "apertium pipeline"
    return base or "?"


def cpu_per_request(pids: dict[str, list[int]], run, requests: int) -> dict:
    """CPU ms per request by role while ``run()`` serves ``requests`` requests; replicas also by thread."""
    threads = {pid: thread_names(pid) for role, group in pids.items() if role.startswith("replica") for pid in group}

    def snapshot() -> dict:
        out = {}
        for group in pids.values():
            for pid in group:
                out[pid] = cpu_seconds(f"/proc/{pid}")
                if pid in threads:
                    for task in Path(f"/proc/{pid}/task").iterdir():
                        out[(pid, int(task.name))] = cpu_seconds(str(task))
        return out

    load = os.getloadavg()[0]
    before = snapshot()
    result = run()
    after = snapshot()
    for pid in threads:  # threads started under load (Serve's worker threads) are named now
        threads[pid].update(thread_names(pid))
    roles: dict[str, float] = {}
    by_thread: dict[str, dict[str, float]] = {}
    for role, group in pids.items():
        for pid in group:
            roles[role] = roles.get(role, 0.0) + (after.get(pid, 0.0) - before.get(pid, 0.0)) * 1000 / requests
            if pid in threads:
                table = by_thread.setdefault(role, {})
                for key, value in after.items():
                    if isinstance(key, tuple) and key[0] == pid:
                        # threads started during the run (Serve's worker threads start on demand) have no name yet
                        name = threads[pid].get(key[1], "threads without a Python name (Ray's C++ core)")
                        spent = (value - before.get(key, 0.0)) * 1000 / requests
                        table[name] = table.get(name, 0.0) + spent
    rows = {k: round(v, 2) for k, v in sorted(roles.items(), key=lambda kv: -kv[1]) if v >= 0.005}
    return {"requests": requests, "throughput": result, "cpu_ms_per_request": rows,
            "total_cpu_ms_per_request": round(sum(roles.values()), 2),
            "replica_threads_cpu_ms_per_request": {
                role: {k: round(v, 2) for k, v in sorted(t.items(), key=lambda kv: -kv[1]) if v >= 0.005}
                for role, t in by_thread.items()},
            "load_average_1min": [round(load, 2), round(os.getloadavg()[0], 2)]}


def head_roles(head: dict) -> dict[str, list[int]]:
    """The head's processes (and this load generator) grouped by role."""
    from archkit.runtime._cluster import head_processes

    out: dict[str, list[int]] = {"load generator": [os.getpid()]}
    for pid in head_processes(head):
        out.setdefault(_role(pid), []).append(pid)
    return out


def profile_floor(requests: int) -> dict:
    """CPU per request of the floor (a): bench_serve's engines in 2 worker processes, at concurrency 8."""
    import multiprocessing as mp

    import bench_serve

    texts = list(ar_signs.SIGNS)
    inputs = [ar_signs.sign_png(t) for t in texts]
    pool = mp.get_context("fork").Pool(os.cpu_count() or 1, initializer=bench_serve._init_worker)
    try:
        pool.map(bench_serve._work, [inputs[0]] * 4)
        workers = [p.pid for p in pool._pool]
        table = {}
        for pid in workers:  # every worker's Apertium pipeline runs in a session of its own
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
                for member in [int(child), *_descendants(int(child))]:
                    table.setdefault("apertium pipeline", []).append(member)
        pids = {"load generator": [os.getpid()], "engine workers": workers, **table}

        def run() -> float:
            counter, lock = [0], threading.Lock()

            def client() -> None:
                while True:
                    with lock:
                        if counter[0] >= requests:
                            return
                        index = counter[0]
                        counter[0] += 1
                    pool.apply(bench_serve._work, (inputs[index % len(inputs)],))

            start = time.perf_counter()
            clients = [threading.Thread(target=client) for _ in range(8)]
            for t in clients:
                t.start()
            for t in clients:
                t.join()
            return round(requests / (time.perf_counter() - start), 2)

        return {"setup": "floor", "cpu_at_8": cpu_per_request(pids, run, requests)}
    finally:
        pool.terminate()
        pool.join()


def _descendants(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            out += [int(child), *_descendants(int(child))]
    return out


#: Innermost frames of a thread that waits (for work, the next event, a lock or Ray's next task).
_IDLE = ("select (selectors", "wait (threading", "_worker (concurrent", "epoll", "poll (selectors", "_run_once",
         "acquire", "run_forever (", "Thread.run (threading", "main_loop (ray/_private/worker",
         "_run_user_code_event_loop", "_run_router_event_loop")


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
        # (an event loop or Ray's worker loop waiting in C shows its own frame innermost)
        if any(word in innermost for word in _IDLE) and not any("tesserocr" in f or "ar_engines" in f for f in frames):
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


def profile(setup: str, requests: int, cpu_requests: int) -> dict:
    import bench_serve

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
        url = record_["url"]
        texts = list(ar_signs.SIGNS)
        inputs = [ar_signs.sign_png(t) for t in texts]
        load(url, inputs, 20, 60)  # warm-up
        # 1. CPU per request at concurrency 8, nothing attached
        cpu = cpu_per_request(
            head_roles(head),
            lambda: bench_serve.http_levels(url, inputs, texts, [8], cpu_requests, seconds=300)["8"]["throughput_rps"],
            cpu_requests,
        )
        # 2. one request at a time
        measured = load(url, inputs, requests, 30)
        # 3. flame graphs at concurrency 8
        pids = path_processes(head)
        pids["client"] = os.getpid()
        seconds = 15
        procs, raws = record(pids, seconds, setup)
        time.sleep(1.0)  # py-spy attached
        bench_serve.http_levels(url, inputs, texts, [8], 100_000, seconds=seconds - 2)
        for proc in procs:
            proc.wait(timeout=seconds + 60)
        for label in pids:  # py-spy writes its command line into the graph: keep the checkout's path out
            svg = RESULTS / f"serve-profile-{setup}-{label}.svg"
            if svg.exists():
                svg.write_text(svg.read_text().replace(str(Path(sys.executable).parent) + "/", "").replace(str(ROOT), "."))
        shares = {label: categorise(path.read_text()) if path.exists() else {} for label, path in raws.items()}
        return {"setup": setup, "edge": record_.get("edge_mode"), "deployments":
                [d["name"] for d in record_["plan"]["deployments"]], "cpu_at_8": cpu, "latency_at_1": measured,
                "samples_by_category_at_8": shares,
                "flame_graphs": [f"bench/results/serve-profile-{setup}-{label}.svg" for label in pids]}
    finally:
        if head is not None:
            stop_local_head(head)
        shutil.rmtree(state, ignore_errors=True)


def main() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="fused-haproxy,declared-haproxy")
    parser.add_argument("--requests", type=int, default=300, help="requests of the one-at-a-time pass")
    parser.add_argument("--cpu-requests", type=int, default=600, help="requests of the CPU pass at concurrency 8")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print("profiling the floor (a) ...", flush=True)
    rows = [profile_floor(args.cpu_requests)]
    for setup in args.setups.split(","):
        print(f"profiling {setup} ...", flush=True)
        rows.append(profile(setup, args.requests, args.cpu_requests))
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="CPU ms per request at concurrency 8, by process", title_justify="left")
    table.add_column("setup")
    table.add_column("req/s", justify="right")
    table.add_column("total", justify="right")
    table.add_column("by process")
    for row in rows:
        cpu = row["cpu_at_8"]
        parts = ", ".join(f"{k} {v}" for k, v in cpu["cpu_ms_per_request"].items() if v >= 0.1)
        table.add_row(row["setup"], str(cpu["throughput"]), str(cpu["total_cpu_ms_per_request"]), parts)
    console.print(table)
    for row in rows:
        for role, threads in row["cpu_at_8"].get("replica_threads_cpu_ms_per_request", {}).items():
            text = ", ".join(f"{k} {v}" for k, v in threads.items() if v >= 0.1)
            console.print(f"{row['setup']} {role} threads: {text}", highlight=False)
    table = Table(title="One request at a time: where the time goes (p50, ms)", title_justify="left")
    for col in ("setup", "client", "in replica", "engines", "outside replica", "replica beyond engines"):
        table.add_column(col, justify="left" if col == "setup" else "right")
    for row in rows[1:]:
        m = row["latency_at_1"]
        table.add_row(row["setup"], str(m["client_p50_ms"]), str(m["replica_total_p50_ms"]), str(m["engines_p50_ms"]),
                      str(m["outside_replica_p50_ms"]), str(m["inside_replica_beyond_engines_p50_ms"]))
    console.print(table)
    for row in rows[1:]:
        for label, shares in row["samples_by_category_at_8"].items():
            text = ", ".join(f"{k} {v:.0%}" for k, v in list(shares.items())[:6])
            console.print(f"{row['setup']} {label}: {text}", highlight=False)
    doc = {"machine": {"cpus": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2)}, "setups": rows}
    out = RESULTS / "serve-profile.json"
    out.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
