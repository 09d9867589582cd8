"""The Serve mapping run with ``serve.run(..., _local_testing_mode=True)``: no Ray processes, fast."""

from __future__ import annotations

import asyncio
import io

import pytest

pytest.importorskip("ray.serve")

from archkit.runtime._links import payload_size
from archkit.runtime import build_plan
from archkit.runtime._runner import GroupRunner

from .conftest import EXAMPLE_MODEL, TINY_MODEL

ar_signs = pytest.importorskip("ar_signs")


def _run_local(plan, node):
    from ray import serve

    from archkit.runtime._serve_app import build_apps

    app = plan.app(node)
    return serve.run(build_apps(plan)[app.name], name=app.name, route_prefix=app.route_prefix,
                     _local_testing_mode=True)


@pytest.fixture(scope="module")
def glasses_handle(example_system):
    plan = build_plan(example_system, "all-on-glasses", model_path=EXAMPLE_MODEL, cpus=2)
    assert [a.node for a in plan.apps] == ["glasses"]
    return _run_local(plan, "glasses")


@pytest.mark.parametrize("text", ["Solo efectivo", "Peligro: piso mojado"])
def test_example_flow_reads_and_translates(glasses_handle, text):
    status, answer = glasses_handle.process.remote(ar_signs.sign_png(text), "image/png").result()
    assert status == 200
    assert answer["text"] == text
    assert answer["translation"] == ar_signs.SIGNS[text]
    assert {"camera", "ocr", "translator", "total"} <= set(answer["timings"])
    assert "body" not in answer


def test_bad_inputs_are_client_errors_and_the_replica_keeps_serving(glasses_handle):
    from PIL import Image

    assert glasses_handle.process.remote(b"hello", "text/plain").result()[0] == 415
    assert glasses_handle.process.remote(b"hello", "image/png").result()[0] == 422
    assert glasses_handle.process.remote(b"x" * 9_000_000, "image/png").result()[0] == 413
    bomb = io.BytesIO()
    Image.new("L", (5000, 5000)).save(bomb, format="PNG")
    status, answer = glasses_handle.process.remote(bomb.getvalue(), "image/png").result()
    assert status == 413 and "pixels" in answer["error"]
    status, answer = glasses_handle.process.remote(ar_signs.strip_png(), "image/png").result()
    assert status == 413 and "100000x100" in answer["error"]
    status, answer = glasses_handle.process.remote(ar_signs.dense_text_png(), "image/png").result()
    assert status == 413 and "pixels" in answer["error"]
    # within the pixel bound, but more text than the time budget reads: cancelled by Tesseract
    status, answer = glasses_handle.process.remote(ar_signs.dense_text_png(2000, 2000), "image/png").result()
    assert status == 422 and "ms allowed" in answer["error"]
    status, answer = glasses_handle.process.remote(ar_signs.sign_png("Prohibido fumar"), "image/png").result()
    assert (status, answer["translation"]) == (200, "Forbidden smoke")


def test_tiny_system_runs_in_process_steps_inside_one_deployment(tiny_system):
    plan = build_plan(tiny_system, "local", model_path=TINY_MODEL, cpus=2)
    handle = _run_local(plan, "device")
    status, answer = handle.process.remote("héllo".encode(), "text/plain; charset=utf-8").result()
    assert status == 200
    assert answer["upper"] == "HÉLLO!" and answer["letters"] == 5
    assert handle.process.remote(b"\xff\xfe", "text/plain").result()[0] == 422


def test_down_link_fails_with_the_link_named(tiny_system):
    plan = build_plan(tiny_system, "offline", model_path=TINY_MODEL, cpus=2)
    handle = _run_local(plan, "device")
    status, answer = handle.process.remote(b"hello", "text/plain").result()
    assert status == 503
    assert answer["link"] == "device-server"
    assert "link 'device-server' is down in variant 'offline'" in answer["error"]


@pytest.mark.parametrize("declared", [True, False])
def test_emulated_link_adds_latency_plus_size_over_bandwidth(tiny_system, declared):
    """Two real runners joined in-process: the caller's timings hold the declared link's delay."""
    plan = build_plan(tiny_system, "remote", model_path=TINY_MODEL, cpus=2)
    roots = plan.python_path
    ingress = plan.deployment("ingress")
    if not declared:  # a connector without sizes: the actual payload's size counts
        calls = [c.model_copy(update={"request_bytes": None, "response_bytes": None}) for c in ingress.calls]
        ingress = ingress.model_copy(update={"calls": calls})
    callee = GroupRunner(plan.deployment("upper"), roots, "remote", True)
    sent: list[dict] = []

    async def remote(call, payload):
        sent.append(payload)
        return await callee.run(call.target, payload)

    caller = GroupRunner(ingress, roots, "remote", True, remote)
    out = asyncio.run(caller.run("entry", {"body": b"hello", "content_type": "text/plain"}))
    assert out["upper"] == "HELLO!" and out["letters"] == 5
    if declared:
        request = response = 1000  # the connector's request_size and response_size: "1 kB"
    else:
        request = payload_size(sent[0])
        response = payload_size({k: v for k, v in out.items() if k != "timings"})
    expected = (0.05 + request * 8 / 1e6 + 0.05 + response * 8 / 1e6) * 1000
    assert out["timings"]["link device-server"] == pytest.approx(expected, abs=0.01)
    assert {"entry", "upper", "count", "call entry->upper"} <= set(out["timings"])
