"""The deployed AR example held against its model: latency agreement, link faults, replica faults, overload, soak.

Sections (``--only``, comma-separated; all by default), each on a local Ray head of its own:

* agreement  ``archkit calibrate`` the example on this machine (its cloud times become measured
             p5..p50..p95), then for each of the six variants: deploy the calibrated model with
             link and device emulation, ``archkit verify`` it (no drift expected), and load the
             overlay flow (``--requests`` at concurrency 1 after a warm-up). The measured p50
             against the predicted typical latency, and the ranking of the variants by both.
             ``--passes`` deploys every variant that many times, one pass after the other, so
             the spread includes the machine's load changing over time.
* offline    every variant with the intermittent links (Wi-Fi Direct, cellular) down: the overlay
             flow succeeds where ``analyze`` says it works offline, else answers 503 naming the
             link ``analyze`` names.
* fault      all-in-cloud (no emulation, so the engines set the pace) with two OCR replicas; one
             replica's process is killed during 300 requests at concurrency 8, the client retrying
             once on a 503: requests lost, first-try statuses, time until Serve runs two OCR
             replicas again, the longest stall.
* overload   the same deployment flooded with 64 requests at once: 503s with ``Retry-After``
             and how fast they come; then the ingress deadline set to 0.25 s on all-on-glasses
             (OCR padded to 400 ms, translation to 65 ms): the answer is 504 and how fast.
* soak       2,000 requests at concurrency 4 on all-in-cloud: resident memory of the head's
             processes after a 100-request warm-up and at the end.

Usage: python bench/bench_verify.py [--only agreement,offline,fault,overload,soak] [--passes 2]
       [--requests 40]
Writes bench/results/verify.json. Needs archkit[serve] and the example's Debian packages; runs for
15-40 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ar_translation"
MODEL = EXAMPLE / "system.py"
sys.path.insert(0, str(EXAMPLE))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ar_signs  # noqa: E402

VARIANTS = ["all-on-phone", "ocr-in-cloud", "translation-in-cloud", "all-in-cloud", "all-on-glasses",
            "phone-bluetooth-only"]
TOLERANCE_PCT = 20.0


def inputs() -> list[Any]:
    from archkit.runtime._loadgen import LoadInput

    return [LoadInput(ar_signs.sign_png(text), "image/png") for text in ar_signs.SIGNS]


def copy_of(system: Any, **changes: Any) -> Any:
    """The system as model-file data, changed, validated again (``components`` maps id -> fields)."""
    from archkit.io import load_data, to_data

    data = to_data(system)
    for item in data["components"]:
        item.update(changes.get("components", {}).get(item["id"], {}))
    data["variants"] = data.get("variants", []) + changes.get("variants", [])
    return load_data(data, source=str(MODEL))


@contextmanager
def local_head() -> Iterator[dict]:
    """A state folder of its own; the local head archkit starts in it is stopped at the end."""
    from archkit.runtime._cluster import read_state, stop_local_head

    state = tempfile.mkdtemp(prefix="akverify-")
    old = os.environ.get("ARCHKIT_STATE_DIR")
    os.environ["ARCHKIT_STATE_DIR"] = state
    box: dict = {}
    try:
        yield box
    finally:
        head = read_state("head")
        if head is not None:
            stop_local_head(head)
        shutil.rmtree(state, ignore_errors=True)
        if old is None:
            os.environ.pop("ARCHKIT_STATE_DIR", None)
        else:
            os.environ["ARCHKIT_STATE_DIR"] = old


def deploy(model: Any, variant: str, **kwargs: Any) -> dict:
    from archkit.runtime._cluster import free_port, read_state
    from archkit.runtime._deploy import deploy as run

    head = read_state("head")
    port = head["http_port"] if head else free_port()
    return run(model, variant, model_path=str(MODEL) if not isinstance(model, str) else None, http_port=port,
               **kwargs)


# ------------------------------------------------------------------------------------------------
# agreement
# ------------------------------------------------------------------------------------------------

def measure_agreement(passes: int, requests: int) -> dict:
    from archkit.analysis import latency
    from archkit.io import load, to_yaml
    from archkit.runtime._calibrate import calibrate
    from archkit.runtime._loadgen import run_load
    from archkit.runtime._measured import compare_load
    from archkit.runtime._verify import verify

    system = load(str(MODEL))
    print("calibrating on this machine ...", flush=True)
    calibration = calibrate(system, inputs(), model_path=str(MODEL), requests=60, warmup=5)
    folder = Path(tempfile.mkdtemp(prefix="akcalibrated-"))
    calibrated_path = folder / "calibrated.yaml"
    calibrated_path.write_text(to_yaml(calibration.system))
    # the calibrated copy lives elsewhere: its implementations are imported from the example's folder
    os.environ["PYTHONPATH"] = os.pathsep.join([str(EXAMPLE), os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)
    calibrated = calibration.system
    predicted = {}
    for variant in VARIANTS:
        (flow,) = [f for f in latency(calibrated, variant).flows if f.flow == "overlay"]
        predicted[variant] = flow.total
    rows: dict[str, dict] = {v: {"predicted_ms": {"best": round(predicted[v].best * 1000, 1),
                                                  "typical": round(predicted[v].typical * 1000, 1),
                                                  "worst": round(predicted[v].worst * 1000, 1)},
                                 "passes": []} for v in VARIANTS}
    data = inputs()
    try:
        with local_head():
            for number in range(passes):
                for variant in VARIANTS:
                    print(f"pass {number + 1}: {variant} ...", flush=True)
                    record = deploy(str(calibrated_path), variant)
                    drift = verify(str(calibrated_path))
                    run_load(record["url"], data, requests=6, concurrency=1, time_limit=120)  # warm-up
                    report = run_load(record["url"], data, requests=requests, concurrency=1, time_limit=600)
                    check = compare_load(calibrated, variant, "overlay", report)
                    rows[variant]["passes"].append({
                        "drift": drift.drift, "drift_findings": [f.to_dict() for f in drift.findings],
                        "checks": sum(drift.checked.values()), "ok": report["ok"], "requests": report["requests"],
                        "p50_ms": check.measured_p50_ms, "p95_ms": check.measured_p95_ms,
                        "error_pct": check.error_pct, "outside_steps_ms": check.outside_steps_ms,
                        "steps": [s.to_dict() for s in check.steps],
                        "load_average_1min": round(os.getloadavg()[0], 2)})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ranking_predicted = sorted(VARIANTS, key=lambda v: rows[v]["predicted_ms"]["typical"])
    same = []
    for number in range(passes):
        measured = sorted(VARIANTS, key=lambda v: rows[v]["passes"][number]["p50_ms"] or float("inf"))
        same.append(measured == ranking_predicted)
    for variant in VARIANTS:
        errors = [p["error_pct"] for p in rows[variant]["passes"]]
        rows[variant]["error_pct_min"] = min(errors)
        rows[variant]["error_pct_max"] = max(errors)
        rows[variant]["within_tolerance"] = all(e is not None and abs(e) <= TOLERANCE_PCT for e in errors)
    return {"calibration": calibration.to_dict(), "requests_per_pass": requests, "concurrency": 1,
            "tolerance_pct": TOLERANCE_PCT, "variants": rows, "ranking_predicted": ranking_predicted,
            "ranking_same_per_pass": same,
            "all_within_tolerance": all(rows[v]["within_tolerance"] for v in VARIANTS),
            "no_drift_on_fresh_deployments": all(not p["drift"] for v in VARIANTS for p in rows[v]["passes"])}


# ------------------------------------------------------------------------------------------------
# offline: the intermittent links down
# ------------------------------------------------------------------------------------------------

def measure_offline() -> dict:
    import httpx

    from archkit.analysis import availability
    from archkit.io import load

    system = load(str(MODEL))
    intermittent = sorted(lk.id for lk in system.links if lk.intermittent)
    placements = {v.name: dict(v.placement) for v in system.variants}
    added = [{"name": f"{v}-offline", "placement": placements[v], "links_down": intermittent}
             for v in VARIANTS if v != "phone-bluetooth-only"]
    model = copy_of(system, variants=added)
    body = ar_signs.sign_png("Solo efectivo")
    rows = []
    with local_head():
        for variant in [a["name"] for a in added]:
            print(f"offline: {variant} ...", flush=True)
            (flow,) = [f for f in availability(model, variant).flows if f.flow == "overlay"]
            record = deploy(model, variant, emulate_devices=False)
            answer = httpx.post(record["url"], content=body, headers={"content-type": "image/png"}, timeout=120)
            named = answer.json().get("link") if answer.status_code == 503 else None
            predicted_links = sorted({link for link in intermittent if any(f"link {link}" in b for b in
                                                                           flow.offline_breaks)})
            rows.append({"variant": variant, "predicted_works": flow.works_offline,
                         "predicted_breaks": list(flow.offline_breaks), "predicted_links": predicted_links,
                         "status": answer.status_code,
                         "link_named": named,
                         "agrees": (answer.status_code == 200) == bool(flow.works_offline)
                         and (named is None or named in predicted_links)})
            if answer.status_code == 200:
                rows[-1]["translation"] = answer.json().get("translation")
    return {"links_down": intermittent, "rows": rows, "all_agree": all(r["agrees"] for r in rows)}


# ------------------------------------------------------------------------------------------------
# a replica killed, overload, deadline, soak
# ------------------------------------------------------------------------------------------------

def ocr_replicas_running() -> int:
    """OCR replicas Serve reports RUNNING (this process connected to the head)."""
    from ray import serve

    app = serve.status().applications.get("ar-translation-glasses-cloud")
    dep = app.deployments.get("ocr") if app else None
    if dep is None:
        return 0
    return sum(n for state, n in dep.replica_states.items() if str(state).endswith("RUNNING"))


def measure_fault(requests: int = 300, concurrency: int = 8) -> dict:
    import signal

    from archkit.io import load
    from archkit.runtime._cluster import connect, ray_env, read_state
    from archkit.runtime._loadgen import run_load

    model = copy_of(load(str(MODEL)), components={"ocr": {"replicas": 2}})
    data = inputs()
    with local_head():
        record = deploy(model, "all-in-cloud", emulate_links=False)
        head = read_state("head")
        run_load(record["url"], data, requests=16, concurrency=4, time_limit=120)  # warm-up
        victims = replica_pids(head, "ocr")
        assert len(victims) == 2, victims
        found: dict = {}
        done = threading.Event()
        result: dict = {}

        def load_run() -> None:
            result["report"] = run_load(record["url"], data, requests=requests, concurrency=concurrency,
                                        time_limit=600, retries=1)
            done.set()

        thread = threading.Thread(target=load_run)
        thread.start()
        connect(record["address"], ray_env(head))
        try:
            time.sleep(3.0)
            killed = time.perf_counter()
            os.kill(victims[0], signal.SIGKILL)
            seen_down = False
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                running = ocr_replicas_running()
                seen_down = seen_down or running < 2
                if seen_down and running == 2:
                    found["recovered_s"] = round(time.perf_counter() - killed, 2)
                    break
                time.sleep(0.1)
            found["replacement_pid"] = [p for p in replica_pids(head, "ocr") if p not in victims]
        finally:
            import ray

            ray.shutdown()
        thread.join()
    report = result["report"]
    lost = report["requests"] - report["ok"]
    return {"requests": report["requests"], "concurrency": concurrency, "retries": 1,
            "first_try": report["first_try"], "final": report["statuses"], "lost": lost,
            "retried": report["retried"], "recovery_s": found.get("recovered_s"),
            "replaced": bool(found.get("replacement_pid")), "stall_ms": report["max_gap_ms"],
            "p50_ms": report["latency_ms"]["p50"], "p99_ms": report["latency_ms"]["p99"]}


def replica_pids(head: dict, deployment: str) -> list[int]:
    from archkit.runtime._cluster import head_processes

    out = []
    for pid in head_processes(head):
        try:
            name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        if name.startswith("ray::ServeReplica:") and name.endswith(":" + deployment):
            out.append(pid)
    return out


async def _raw(host: str, port: int, request: bytes, gate: asyncio.Event) -> tuple[int, float, dict, bytes]:
    """One HTTP/1.1 request on its own connection, sent when ``gate`` opens (a bare client: httpx's pool
    spends seconds of this machine's CPU on many simultaneous connections)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        await gate.wait()
        start = time.perf_counter()
        writer.write(request)
        await writer.drain()
        raw = await reader.read()
        ms = (time.perf_counter() - start) * 1000
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), ms, headers, body


def burst(url: str, base: str, count: int) -> list[tuple[int, float, dict, bytes]]:
    host, port = base.removeprefix("http://").split(":")
    path = url.split(base, 1)[1]
    bodies = [ar_signs.sign_png(text) for text in ar_signs.SIGNS]

    def request(index: int) -> bytes:
        body = bodies[index % len(bodies)]
        return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body

    async def run() -> list:
        gate = asyncio.Event()
        tasks = [asyncio.create_task(_raw(host, int(port), request(i), gate)) for i in range(count)]
        await asyncio.sleep(0.5)
        gate.set()
        return await asyncio.gather(*tasks)

    return asyncio.run(run())


def pct(values: list[float], q: float) -> float | None:
    from archkit.runtime._loadgen import percentile

    value = percentile(values, q)
    return None if value is None else round(value, 1)


def measure_overload(flood: int = 64) -> dict:
    from archkit.io import load
    from archkit.runtime._loadgen import run_load
    from archkit.runtime._plan import admission_capacity

    system = load(str(MODEL))
    out: dict = {}
    with local_head():
        record = deploy(copy_of(system, components={"ocr": {"replicas": 2}}), "all-in-cloud", emulate_links=False)
        run_load(record["url"], inputs(), requests=8, concurrency=4, time_limit=120)  # warm-up
        from archkit.runtime._plan import DeploymentPlan

        plan = DeploymentPlan.model_validate(record["plan"])
        results = burst(record["url"], record["base_url"], flood)
        statuses: dict[str, int] = {}
        shed, ok, hinted = [], [], 0
        for status, ms, headers, _ in results:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 503:
                shed.append(ms)
                hinted += "retry-after" in headers
            elif status == 200:
                ok.append(ms)
        out["flood"] = {"requests": flood, "ingress_admits": admission_capacity(plan.deployment("ingress")),
                        "statuses": dict(sorted(statuses.items())), "503_with_retry_after": hinted,
                        "503_p50_ms": pct(shed, 50), "503_p99_ms": pct(shed, 99),
                        "200_p50_ms": pct(ok, 50), "200_p99_ms": pct(ok, 99)}
        # the deadline: the ingress gives up after 0.25 s on a flow the glasses take about half a second for
        slow = copy_of(system, components={"camera": {"properties": {"request_timeout_s": 0.25}}})
        record = deploy(slow, "all-on-glasses")
        answers = burst(record["url"], record["base_url"], 1) + burst(record["url"], record["base_url"], 1)
        out["deadline"] = {"request_timeout_s": 0.25, "statuses": [a[0] for a in answers],
                           "ms": [round(a[1], 1) for a in answers],
                           "errors": [json.loads(a[3]).get("error") for a in answers]}
    return out


def rss_of(pids: list[int]) -> dict[int, int]:
    out = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1]) * 1024
        except OSError:
            continue
    return out


def measure_soak(requests: int = 2000, concurrency: int = 4) -> dict:
    from archkit.io import load
    from archkit.runtime._cluster import head_processes, read_state
    from archkit.runtime._loadgen import run_load

    data = inputs()
    with local_head():
        record = deploy(load(str(MODEL)), "all-in-cloud", emulate_links=False)
        head = read_state("head")
        run_load(record["url"], data, requests=100, concurrency=concurrency, time_limit=300)
        before = rss_of(head_processes(head))
        report = run_load(record["url"], data, requests=requests, concurrency=concurrency, time_limit=1800)
        after = rss_of(head_processes(head))
    common = sorted(set(before) & set(after))
    total_before = sum(before[p] for p in common)
    total_after = sum(after[p] for p in common)
    return {"requests": report["requests"], "ok": report["ok"], "concurrency": concurrency,
            "processes": len(common), "rss_before_mb": round(total_before / 2**20, 1),
            "rss_after_mb": round(total_after / 2**20, 1),
            "growth_pct": round((total_after - total_before) / total_before * 100, 2),
            "largest_growth_mb": round(max((after[p] - before[p] for p in common), default=0) / 2**20, 1),
            "replaced_processes": len(set(before) ^ set(after)), "p50_ms": report["latency_ms"]["p50"]}


# ------------------------------------------------------------------------------------------------

def report(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(width=160)
    if "agreement" in results:
        a = results["agreement"]
        passes = len(next(iter(a["variants"].values()))["passes"])
        table = Table(title=f"overlay flow: predicted typical vs measured p50 (calibrated, links + devices emulated, "
                            f"{a['requests_per_pass']} requests at concurrency 1 per pass)", title_justify="left")
        table.add_column("variant")
        table.add_column("predicted ms (best..worst)", justify="right")
        table.add_column("typical ms", justify="right")
        for i in range(passes):
            table.add_column(f"p50 ms #{i + 1}", justify="right")
            table.add_column(f"error #{i + 1}", justify="right")
        table.add_column("drift", justify="right")
        for variant in a["ranking_predicted"]:
            row = a["variants"][variant]
            pred = row["predicted_ms"]
            cells = [variant, f"{pred['best']}..{pred['worst']}", f"{pred['typical']}"]
            for p in row["passes"]:
                cells += [f"{p['p50_ms']}", f"{p['error_pct']:+.1f} %"]
            cells.append("none" if not any(p["drift"] for p in row["passes"]) else "DRIFT")
            table.add_row(*cells)
        con.print(table)
        con.print(f"ranking by measured p50 equals the predicted ranking: {a['ranking_same_per_pass']}; "
                  f"all within {a['tolerance_pct']} %: {a['all_within_tolerance']}")
    if "offline" in results:
        table = Table(title=f"links down: {', '.join(results['offline']['links_down'])}", title_justify="left")
        for col in ("variant", "analyze: works offline", "status", "link named", "agrees"):
            table.add_column(col)
        for r in results["offline"]["rows"]:
            table.add_row(r["variant"], str(r["predicted_works"]), str(r["status"]), str(r["link_named"]),
                          str(r["agrees"]))
        con.print(table)
    table = Table(title="faults and overload", title_justify="left")
    for col in ("case", "outcome", "figure"):
        table.add_column(col)
    if "fault" in results:
        f = results["fault"]
        table.add_row(f"one of 2 OCR replicas killed, {f['requests']} requests at concurrency {f['concurrency']}, "
                      f"one retry on 503", f"first tries {f['first_try']}, final {f['final']}, lost {f['lost']}",
                      f"replaced: {f['replaced']}, two replicas again after {f['recovery_s']} s, "
                      f"longest stall {f['stall_ms']} ms")
    if "overload" in results:
        o = results["overload"]["flood"]
        table.add_row(f"{o['requests']} requests at once (ingress admits {o['ingress_admits']})",
                      f"{o['statuses']}, {o['503_with_retry_after']} 503s with Retry-After",
                      f"503 p50 {o['503_p50_ms']} ms, p99 {o['503_p99_ms']} ms; 200 p50 {o['200_p50_ms']} ms")
        d = results["overload"]["deadline"]
        table.add_row(f"deadline {d['request_timeout_s']} s on all-on-glasses", f"statuses {d['statuses']}",
                      f"answered after {d['ms']} ms")
    if "soak" in results:
        s = results["soak"]
        table.add_row(f"soak of {s['requests']} requests at concurrency {s['concurrency']}",
                      f"{s['ok']} ok, {s['processes']} processes",
                      f"RSS {s['rss_before_mb']} -> {s['rss_after_mb']} MB ({s['growth_pct']:+.2f} %)")
    if table.rows:
        con.print(table)


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="agreement,offline,fault,overload,soak")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "verify.json"))
    args = parser.parse_args()
    wanted = args.only.split(",")
    out_path = Path(args.out)
    previous = json.loads(out_path.read_text()).get("results", {}) if out_path.exists() else {}
    results: dict = {}
    started = time.time()
    if "agreement" in wanted:
        results["agreement"] = measure_agreement(args.passes, args.requests)
    if "offline" in wanted:
        results["offline"] = measure_offline()
    if "fault" in wanted:
        print("fault: killing one of two OCR replicas ...", flush=True)
        results["fault"] = measure_fault()
    if "overload" in wanted:
        print("overload and deadline ...", flush=True)
        results["overload"] = measure_overload()
    if "soak" in wanted:
        print("soak ...", flush=True)
        results["soak"] = measure_soak()
    report(results)
    doc = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "load_average_1min": round(os.getloadavg()[0], 2)},
           "minutes": round((time.time() - started) / 60, 1),
           "results": {**previous, **results}}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
