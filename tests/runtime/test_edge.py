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

import pytest

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from archkit.runtime._edge import EdgeGuard, EdgeLimits
from archkit.runtime.cluster import free_port

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
    path = scope["path"]
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
def edge():
    limits = EdgeLimits(body_timeout_s=1.0, max_body_bytes=1000, max_pending=20, response_timeout_s=1.5)
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
    async def flood() -> list[int]:
        limits = httpx.Limits(max_connections=40)
        async with httpx.AsyncClient(timeout=10, limits=limits) as client:
            answers = await asyncio.gather(*(client.post(edge + "/slow", content=b"x") for _ in range(30)))
        return [a.status_code for a in answers]

    statuses = asyncio.run(flood())
    assert statuses.count(503) == 10 and statuses.count(504) == 20
