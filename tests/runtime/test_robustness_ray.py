"""A deployment that cannot be reached from the network, stalled, flooded or broken by one fault (marked ``ray``).

The example is deployed once for the module (variant all-in-cloud, link emulation off, the
ingress and OCR with two replicas each) on a local head of its own, through archkit's Python API
in a child process, as a user would run it. The tests check behaviour only; ``bench/bench_robustness.py`` measures the
times (the 503s' latency, the stall after a fault) on the same scenarios.
Every load here is bounded in count and time and stays on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("ray.serve")
httpx = pytest.importorskip("httpx")
ar_signs = pytest.importorskip("ar_signs")

from archkit.runtime._cluster import head_processes, read_state, stop_local_head

from .conftest import EXAMPLE_MODEL

pytestmark = pytest.mark.ray

DEPLOY = """
import json, sys
from archkit.io import load
from archkit.runtime import deploy
system = load(sys.argv[1])
data = system.model_dump(mode="python")
data["components"] = [dict(c, replicas=2) if c["id"] in ("camera", "ocr") else c for c in data["components"]]
record = deploy(type(system).model_validate(data), "all-in-cloud", model_path=sys.argv[1], emulate_links=False,
                timeout=240)
print(json.dumps({k: v for k, v in record.items() if k != "plan"}))
"""


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    old = os.environ.get("ARCHKIT_STATE_DIR")
    os.environ["ARCHKIT_STATE_DIR"] = str(state)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    head = None
    try:
        done = subprocess.run([sys.executable, "-c", DEPLOY, str(EXAMPLE_MODEL)], capture_output=True, text=True,
                              timeout=300, env=env)
        head = read_state("head")
        assert done.returncode == 0, done.stderr[-3000:]
        record = json.loads(done.stdout.strip().splitlines()[-1])
        yield {"record": record, "head": head}
    finally:
        head = head or read_state("head")  # a deploy that did not finish may have left its head
        if head is not None:
            stop_local_head(head)
        if old is None:
            os.environ.pop("ARCHKIT_STATE_DIR", None)
        else:
            os.environ["ARCHKIT_STATE_DIR"] = old


def _url(deployed) -> str:
    return deployed["record"]["url"]


def _post(url: str, body: bytes, timeout: float = 60.0) -> httpx.Response:
    return httpx.post(url, content=body, headers={"content-type": "image/png"}, timeout=timeout)


def _replica_pids(head: dict, deployment: str) -> list[int]:
    out = []
    for pid in head_processes(head):
        try:
            name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        if name.startswith("ray::ServeReplica:") and name.endswith(":" + deployment):
            out.append(pid)
    return out


def test_nothing_listens_beyond_loopback(deployed):
    from archkit.runtime._deploy import exposure

    seen = exposure(deployed["head"])
    listening = seen["listening"]
    processes = {row["process"] for row in listening}
    # the whole head is there: GCS, raylet, agents, Serve's controller, proxy and every replica
    assert {"gcs_server", "raylet", "ray::ServeController", "ray::ProxyActor"} <= processes
    assert sum(p.startswith("ray::ServeReplica:") for p in processes) == 3  # ingress, ocr, translator
    port = int(deployed["record"]["base_url"].rsplit(":", 1)[1])
    edge = "haproxy" if deployed["record"]["edge_mode"] == "haproxy" else "ray::ProxyActor"
    assert any(row["port"] == port and row["process"] == edge for row in listening)
    assert seen["exposed"] == [], seen["exposed"]


def test_the_head_requires_its_token(deployed):
    head = deployed["head"]
    assert deployed["record"]["ray_auth"] == "token" and head["auth"] == "token"
    token = Path(head["token_path"])
    assert stat.S_IMODE(token.stat().st_mode) == 0o600 and len(token.read_text()) == 64
    probe = ("import ray, sys\n"
             "try:\n    ray.init(address=sys.argv[1], logging_level='ERROR')\nexcept Exception as exc:\n"
             "    print('refused:', type(exc).__name__); sys.exit(3)\nprint('connected')")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    env.update(RAY_AUTH_MODE="disabled", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    done = subprocess.run([sys.executable, "-c", probe, head["address"]], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 3 and "refused" in done.stdout, done.stdout + done.stderr[-2000:]


def test_slow_clients_do_not_hold_the_service(deployed):
    """Five clients announce a long body and send one byte; a valid request is still answered."""
    base = deployed["record"]["base_url"]
    host, port = base.removeprefix("http://").split(":")
    path = _url(deployed).removeprefix(base)
    held = []
    try:
        for _ in range(5):
            sock = socket.create_connection((host, int(port)))
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n"
                         f"Content-Length: 9999\r\n\r\nx".encode())
            held.append(sock)
        time.sleep(0.5)
        response = _post(_url(deployed), ar_signs.sign_png("Solo efectivo"))
        assert response.status_code == 200 and response.json()["translation"] == "Only effective"
        for sock in held:  # they are still waiting: their answer is the edge's 408, later
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in held:
            sock.close()


async def _raw_post(host: str, port: int, request: bytes, gate: asyncio.Event) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        await gate.wait()
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 120)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def test_a_flood_gets_correct_answers_or_503_with_a_retry_hint(deployed):
    base = deployed["record"]["base_url"]
    host, port = base.removeprefix("http://").split(":")
    path = _url(deployed).removeprefix(base)
    texts = list(ar_signs.SIGNS)
    bodies = [ar_signs.sign_png(t) for t in texts]

    def request(i: int) -> bytes:
        return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\nContent-Length: "
                f"{len(bodies[i % 6])}\r\nConnection: close\r\n\r\n").encode() + bodies[i % 6]

    async def flood():
        gate = asyncio.Event()
        tasks = [asyncio.create_task(_raw_post(host, int(port), request(i), gate)) for i in range(256)]
        await asyncio.sleep(0.5)
        gate.set()
        return await asyncio.gather(*tasks)

    answers = asyncio.run(flood())
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 1 and statuses.count(503) >= 128  # the ingress holds 16 at once
    for index, (status, headers, body) in enumerate(answers):
        answer = json.loads(body)
        if status == 200:
            assert answer["translation"] == ar_signs.SIGNS[texts[index % 6]]
        else:
            assert int(headers["retry-after"]) >= 1 and answer["retry_after_ms"] >= 50


@pytest.mark.parametrize("name, body, status, words", [
    ("strip", ar_signs.strip_png(), 413, "100000x100"),
    ("dense page, 11.9 Mpx", ar_signs.dense_text_png(), 413, "pixels"),
    ("dense page, 4 Mpx", ar_signs.dense_text_png(2000, 2000), 422, "ms allowed"),
])
def test_images_beyond_the_cost_limits_are_client_errors(deployed, name, body, status, words):
    response = _post(_url(deployed), body)
    assert response.status_code == status and words in response.json()["error"], (name, response.text)


def _load_while_killing(deployed, victim: int, what: str, *, requests: int, concurrency: int, retries: int) -> None:
    """Send the signs while ``victim`` (a replica process) is killed after a second: every request ends 200,
    after first tries that were 200 or a retryable 503."""
    from archkit.runtime._loadgen import LoadInput, run_load

    inputs = [LoadInput(ar_signs.sign_png(t), "image/png") for t in ar_signs.SIGNS]

    def kill() -> None:
        time.sleep(1.0)
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    report = run_load(_url(deployed), inputs, requests=requests, concurrency=concurrency, time_limit=120,
                      retries=retries)
    killer.join()
    print(f"\n{what}: first tries {report['first_try']}, final {report['statuses']}, {report['retried']} retries, "
          f"stall (longest time without an answer) {report['max_gap_ms']} ms")
    assert set(report["first_try"]) <= {"200", "503"}, report["errors"]
    assert report["statuses"] == {"200": report["requests"]}, report["errors"]


def test_a_killed_replica_costs_only_retryable_503s(deployed):
    head = deployed["head"]
    victims = _replica_pids(head, "ocr")
    assert len(victims) == 2
    _load_while_killing(deployed, victims[0], "killed OCR replica", requests=80, concurrency=4, retries=20)
    # Serve replaces the dead replica
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len([p for p in _replica_pids(head, "ocr") if p != victims[0]]) < 2:
        time.sleep(0.5)
    assert len([p for p in _replica_pids(head, "ocr") if p != victims[0]]) == 2


def test_a_killed_ingress_replica_loses_no_request(deployed):
    """One of the flow's two ingress replicas dies, three times over: the edge sends its requests to the other one.

    At concurrency 12 the replicas hold all the requests they may (``max_ongoing``, 4 each) and
    the edge queues the rest, so the surviving replica is always full: a request the edge retries
    while the dead replica is still listed goes back to it, and none may end without an answer.
    """
    head = deployed["head"]
    for round_ in range(3):
        state = Path(head["temp_dir"]) / "edge-state.json"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # both replicas run and the edge sends requests to both
            at_edge = max((len(ports) for ports in json.loads(state.read_text()).values()), default=0)
            if len(_replica_pids(head, "ingress")) == 2 and at_edge == 2:
                break
            time.sleep(0.2)
        victims = _replica_pids(head, "ingress")
        assert len(victims) == 2
        _load_while_killing(deployed, victims[0], f"kill {round_ + 1} of one of two ingress replicas",
                            requests=200, concurrency=12, retries=60)


def test_the_deployment_writes_no_temporary_files_and_leaves_nothing(deployed, tmp_path):
    head = deployed["head"]
    scratch = Path(head["temp_dir"]) / "tmp"
    assert [p.name for p in scratch.iterdir() if p.name.startswith("apertium")] == []
    # the translation pipeline runs from its script in memory, not from a file
    pipelines = [pid for pid in head_processes(head)
                 if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"bash\0-c\0")]
    assert pipelines
    code = subprocess.run([sys.executable, "-c", "from archkit.cli import main; main()", "undeploy",
                           str(EXAMPLE_MODEL), "--format", "json"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert code.returncode == 0 and json.loads(code.stdout)["stopped_head"] is True
    time.sleep(0.5)
    assert head_processes(head) == []
    assert not Path(head["temp_dir"]).exists()
