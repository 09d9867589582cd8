"""HAProxy as the edge, with archkit's configuration, in front of real HTTP servers on loopback (no Ray).

Two uvicorn servers play a flow's ingress replicas; a third port has nobody listening (a replica
that just died). The configuration is :func:`render_config`'s, run by Debian's haproxy.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import time

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from archkit.runtime._cluster import free_port
from archkit.runtime._haproxy import RETRY_AFTER_MS, EdgeRoute, Slots, haproxy_binary, render_config

pytestmark = pytest.mark.skipif(haproxy_binary() is None, reason="haproxy is not installed (apt-get install haproxy)")

SERVED: list[int] = []


def replica(port: int):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        SERVED.append(port)
        if scope["path"].endswith("/slow"):
            await asyncio.sleep(1.0)
        payload = json.dumps({"port": port, "length": len(body), "path": scope["path"]}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})

    return app


def _serve(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge")
    ports = [free_port(), free_port()]
    dead = free_port()  # nobody listens here
    servers = [_serve(replica(p), p) for p in ports]
    fallback = free_port()
    fallback_server = _serve(replica(fallback), fallback)
    port = free_port()
    config = folder / "haproxy.cfg"
    config.write_text(render_config(
        [EdgeRoute("/flow", (dead, *ports), max_ongoing=1, max_queued=2),
         EdgeRoute("/full", tuple(ports), max_ongoing=1, max_queued=2),
         EdgeRoute("/kept", (), max_ongoing=2, max_queued=4)], port=port, fallback_port=fallback,
        socket_path=str(folder / "haproxy.sock"), body_timeout_s=1.0, response_timeout_s=5.0,
        max_body_bytes=1000, max_pending=100))
    checked = subprocess.run([haproxy_binary(), "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen([haproxy_binary(), "-W", "-db", "-f", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "ports": ports, "fallback": fallback,
               "socket": str(folder / "haproxy.sock")}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for server in [*servers, fallback_server]:
            server.should_exit = True


def test_requests_reach_the_live_replicas_even_with_a_dead_one_listed(edge):
    SERVED.clear()
    answers = [httpx.post(edge["url"] + "/flow/run", content=b"abc", timeout=10) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert {a.json()["port"] for a in answers} <= set(edge["ports"])
    assert all(a.json() == {**a.json(), "length": 3, "path": "/flow/run"} for a in answers)


def test_other_paths_go_to_the_fallback(edge):
    answer = httpx.get(edge["url"] + "/-/healthz", timeout=10)
    assert answer.status_code == 200 and answer.json()["port"] == edge["fallback"]


def test_a_full_route_answers_503_with_the_retry_hint_at_once(edge):
    """Two replicas x 1 request working + 2 waiting: the rest of 12 get 503 from HAProxy."""
    async def flood():
        async with httpx.AsyncClient(timeout=20, limits=httpx.Limits(max_connections=20)) as client:
            return await asyncio.gather(*(client.post(edge["url"] + "/full/slow", content=b"x") for _ in range(12)))

    answers = asyncio.run(flood())
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 4 and statuses.count(503) == 8, statuses
    for answer in answers:
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == "1"
            assert answer.json()["retry_after_ms"] == RETRY_AFTER_MS and "retry" in answer.json()["error"]


def test_slow_and_oversized_bodies_never_reach_a_replica(edge):
    SERVED.clear()
    host, port = edge["url"].removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    try:
        sock.sendall(b"POST /flow/run HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nx")
        sock.settimeout(10)
        answer = sock.recv(4096).decode()
    finally:
        sock.close()
    assert answer.startswith("HTTP/1.1 408") and "did not arrive within 1 s" in answer
    too_large = httpx.post(edge["url"] + "/flow/run", content=b"a" * 1001, timeout=10)
    assert too_large.status_code == 413 and "1000 bytes" in too_large.json()["error"]
    assert SERVED == []


def test_slots_follow_the_replicas_without_a_reload(edge):
    """The keeper's way: a route with no fixed servers, pointed at replicas through the admin socket."""
    slots = Slots(edge["socket"])
    url = edge["url"] + "/kept/run"
    # no replica at the edge yet: Serve's own proxy (here the fallback server) takes the flow's requests
    nobody = httpx.post(url, content=b"x", timeout=10)
    assert nobody.status_code == 200 and nobody.json()["port"] == edge["fallback"]
    assert slots.apply("flow2", set(edge["ports"])) == set(edge["ports"])
    with httpx.Client(timeout=10) as client:  # one keep-alive connection through every change
        seen = {client.post(url, content=b"x").json()["port"] for _ in range(8)}
        assert seen == set(edge["ports"])
        first, second = edge["ports"]
        assert slots.apply("flow2", {second}) == {second}
        assert {client.post(url, content=b"x").json()["port"] for _ in range(4)} == {second}
        assert slots.apply("flow2", {first, second}) == {first, second}
        assert slots.apply("flow2", set()) == set()
        assert client.post(url, content=b"x").json()["port"] == edge["fallback"]
