"""The HTTP edge guard under a real uvicorn server on loopback (no Ray: fast).

The application behind the guard plays the parts of Serve's proxy: it answers, answers slowly,
ends without an answer (what the proxy does when the replica died) or sends Serve's plain-text
backpressure 503.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from archkit.runtime._edge import EdgeGuard, EdgeLimits, write_routes
from archkit.runtime._cluster import free_port

SEEN: list[bytes] = []


async def backend(scope, receive, send):
    """Echoes the body's length; the path picks a behaviour."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    SEEN.append(body)
    path = scope["path"].removeprefix("/cap")
    if path == "/vanish":
        return  # no response at all, like Serve's proxy after a replica died
    if path == "/crash":
        raise RuntimeError("the replica went away")
    if path == "/slow":
        await asyncio.sleep(5)
    if path == "/full":
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"text/plain"), (b"retry-after", b"3")]})
        await send({"type": "http.response.body", "body": b"Request dropped due to backpressure", "more_body": False})
        return
    payload = json.dumps({"length": len(body)}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": payload, "more_body": False})


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    return tmp_path_factory.mktemp("edge") / "routes.json"


@pytest.fixture(scope="module")
def edge(routes):
    write_routes(str(routes), {"/cap": {"capacity": 3}})
    limits = EdgeLimits(body_timeout_s=1.0, max_body_bytes=1000, max_pending=20, response_timeout_s=1.5,
                        routes_file=str(routes))
    port = free_port()
    config = uvicorn.Config(EdgeGuard(backend, **limits.as_dict()), host="127.0.0.1", port=port,
                            log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _slow_client(base: str, declared: int = 999) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(f"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n\r\nx".encode())
    return sock


def test_a_whole_request_reaches_the_application(edge):
    response = httpx.post(edge + "/echo", content=b"a" * 700, timeout=10)
    assert response.status_code == 200 and response.json() == {"length": 700}


def test_slow_clients_never_reach_the_application(edge):
    """Bodies that never arrive are refused at the edge with 408; others pass meanwhile."""
    SEEN.clear()
    slow = [_slow_client(edge) for _ in range(5)]
    try:
        response = httpx.post(edge + "/echo", content=b"ok", timeout=10)
        assert response.status_code == 200 and response.json() == {"length": 2}
        assert SEEN == [b"ok"]  # none of the five half-sent bodies was handed on
        for sock in slow:
            sock.settimeout(10)
            answer = sock.recv(4096).decode()
            assert answer.startswith("HTTP/1.1 408"), answer
            assert "did not arrive within 1 s" in answer
    finally:
        for sock in slow:
            sock.close()
    assert SEEN == [b"ok"]


def test_bodies_over_the_limit_are_413(edge):
    declared = httpx.post(edge + "/echo", content=b"a" * 1001, timeout=10)
    assert declared.status_code == 413 and "1001 bytes" in declared.json()["error"]

    def chunks():  # no Content-Length: counted while read
        for _ in range(5):
            yield b"a" * 300

    streamed = httpx.post(edge + "/echo", content=chunks(), timeout=10)
    assert streamed.status_code == 413 and "larger than the 1000 bytes" in streamed.json()["error"]


@pytest.mark.parametrize("path", ["/vanish", "/crash"])
def test_no_answer_from_behind_is_a_retryable_503(edge, path):
    response = httpx.post(edge + path, content=b"x", timeout=10)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert "retry" in body["error"] and body["retry_after_ms"] >= 50


def test_backpressure_503_gets_the_hint_as_json(edge):
    httpx.post(edge + "/echo", content=b"x", timeout=10)  # one success: the hint follows real answers
    response = httpx.post(edge + "/full", content=b"x", timeout=10)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == "Request dropped due to backpressure"
    assert body["retry_after_ms"] >= 50
    assert response.headers["retry-after"] == str(-(-body["retry_after_ms"] // 1000))


def test_no_answer_in_time_is_504(edge):
    response = httpx.post(edge + "/slow", content=b"x", timeout=10)
    assert response.status_code == 504 and "1.5 s" in response.json()["error"]


def test_too_many_pending_requests_get_503_at_once(edge):
    statuses = _flood(edge + "/slow", 30)
    assert statuses.count(503) == 10 and statuses.count(504) == 20


def _flood(url: str, count: int) -> list[int]:
    async def flood() -> list[int]:
        limits = httpx.Limits(max_connections=count + 5)
        async with httpx.AsyncClient(timeout=10, limits=limits) as client:
            answers = await asyncio.gather(*(client.post(url, content=b"x") for _ in range(count)))
        return [a.status_code for a in answers]

    return asyncio.run(flood())


def test_a_route_admits_its_capacity_and_refuses_the_rest(edge, routes):
    statuses = _flood(edge + "/cap/slow", 8)
    assert statuses.count(504) == 3 and statuses.count(503) == 5
    write_routes(str(routes), {}, drop=["/cap"])  # undeployed: no bound any more
    time.sleep(0.6)  # the edge looks at the file at most every 0.5 s
    assert _flood(edge + "/cap/echo", 8) == [200] * 8


def test_the_documented_limits_are_the_defaults():
    """docs/deploy.md's table of HTTP limits says what the code does."""
    import re

    from archkit.runtime import _plan as plan

    ar_engines = pytest.importorskip("ar_engines")
    text = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    rows = dict(re.findall(r"^\| `?([\w ()]+?)`?(?: \([a-z]+\))? \| ([^|]+) \|", text, re.M))
    limits = EdgeLimits()
    assert rows["body_timeout_s"].strip() == f"{limits.body_timeout_s:g} s"
    assert rows["max_pending"].strip() == f"{limits.max_pending} requests"
    assert rows["response_timeout_s"].strip() == f"{limits.response_timeout_s:g} s"
    assert f"| `max_body_bytes` (edge) | {limits.max_body_bytes} bytes |" in text
    assert rows["max_ongoing_requests"].strip() == f"{plan._INGRESS_MAX_ONGOING} per ingress replica"
    assert rows["max_queued_requests"].strip() == str(plan._INGRESS_MAX_QUEUED)
    assert rows["request_timeout_s"].strip() == f"{plan._REQUEST_TIMEOUT_S:g} s"
    assert rows["health_check_period_s"].strip() == f"{plan._HEALTH_CHECK_PERIOD_S:g} s"
    assert rows["health_check_timeout_s"].strip() == f"{plan._HEALTH_CHECK_TIMEOUT_S:g} s"
    assert f"| pixels, longest side | {ar_engines.MAX_PIXELS}, {ar_engines.MAX_SIDE} " in text
    assert f"| OCR time budget | {ar_engines.TIME_BUDGET_MS} ms " in text
