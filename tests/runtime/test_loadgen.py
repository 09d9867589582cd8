"""archkit load's client against a real HTTP server on loopback: retries after 503, the stall measure."""

from __future__ import annotations

import json
import threading
import time

import pytest

uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

from archkit.runtime._cluster import free_port
from archkit.runtime._loadgen import LoadInput, run_load

ANSWERS: list[int] = []


async def flaky(scope, receive, send):
    """Answers 503 (with a 20 ms retry hint) to the 2nd and 3rd request, 200 to the others."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    ANSWERS.append(1)
    status = 503 if len(ANSWERS) in (2, 3) else 200
    body = json.dumps({"error": "busy", "retry_after_ms": 20} if status == 503 else {"ok": True}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def url():
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(flaky, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/flow"
    server.should_exit = True


def test_503s_are_retried_after_the_hint(url):
    ANSWERS.clear()
    report = run_load(url, [LoadInput(b"x", "image/png")], requests=5, concurrency=1, retries=3)
    assert report["statuses"] == {"200": 5}
    assert report["first_try"] == {"200": 4, "503": 1}
    assert report["retried"] == 2 and len(ANSWERS) == 7
    assert report["max_gap_ms"] >= 40  # the request that waited twice for 20 ms


def test_without_retries_a_503_is_a_final_answer(url):
    ANSWERS.clear()
    report = run_load(url, [LoadInput(b"x", "image/png")], requests=4, concurrency=1)
    assert report["statuses"] == {"200": 2, "503": 2} and report["retried"] == 0
