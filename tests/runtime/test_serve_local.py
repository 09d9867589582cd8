"""The Serve mapping run with ``serve.run(..., _local_testing_mode=True)``: no Ray processes, fast."""

from __future__ import annotations

import asyncio
import io

import pytest

pytest.importorskip("ray.serve")

from archkit.runtime._links import payload_size
from archkit.runtime import build_plan
from archkit.runtime._runner import GroupRunner, changes

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

    async def remote(call, payload):  # as a deployment answers: only what the target added or changed
        sent.append(payload)
        return changes(payload, await callee.run(call.target, payload))

    caller = GroupRunner(ingress, roots, "remote", True, remote)
    out = asyncio.run(caller.run("entry", {"body": b"hello", "content_type": "text/plain"}))
    assert out["upper"] == "HELLO!" and out["letters"] == 5
    if declared:
        request = response = 1000  # the connector's request_size and response_size: "1 kB"
    else:
        request = payload_size(sent[0])
        response = payload_size({"upper": out["upper"], "letters": out["letters"]})  # what came back
    expected = (0.05 + request * 8 / 1e6 + 0.05 + response * 8 / 1e6) * 1000
    assert out["timings"]["link device-server"] == pytest.approx(expected, abs=0.01)
    assert {"entry", "upper", "count", "call entry->upper"} <= set(out["timings"])


def _fused(system):
    """The example with the selector's calls to OCR and translation declared in-process (one deployment)."""
    for connector in system.connectors:
        if connector.source == "frame_selector" and connector.target in ("ocr", "translator"):
            system = system.with_element(connector.with_fields(kind="in_process"))
    return system


def test_plain_steps_of_a_deployment_run_in_one_thread_with_the_same_timings(example_system, tiny_system):
    plan = build_plan(_fused(example_system), "all-on-glasses", model_path=EXAMPLE_MODEL, cpus=2, emulate_links=False)
    spec = plan.deployment(plan.apps[0].ingress)
    runner = GroupRunner(spec, plan.python_path, plan.variant, False)
    assert runner.in_one_thread == {c.id for c in spec.components}
    body = {"body": ar_signs.sign_png("Solo efectivo"), "content_type": "image/png"}
    one_hop = asyncio.run(runner.run("camera", dict(body)))
    runner.in_one_thread = set()  # the same chain, one worker thread per component
    per_step = asyncio.run(runner.run("camera", dict(body)))
    assert one_hop["translation"] == per_step["translation"] == "Only effective"
    assert set(one_hop["timings"]) == set(per_step["timings"])
    assert all(v >= 0 for v in one_hop["timings"].values())
    # an async implementation (upper) keeps its caller on the event loop; its plain callee still hops once
    tiny = build_plan(tiny_system, "local", model_path=TINY_MODEL, cpus=2, emulate_links=False)
    upper = tiny.deployment("upper")
    assert [(c.source, c.target, c.inline) for c in upper.calls] == [("upper", "count", True)]
    assert GroupRunner(upper, tiny.python_path, "local", False).in_one_thread == {"count"}
    # a remote call keeps its caller on the event loop too
    assert GroupRunner(tiny.deployment("ingress"), tiny.python_path, "local", False).in_one_thread == set()


def test_a_cancelled_request_stops_before_its_next_plain_step(example_system):
    import threading
    import time

    plan = build_plan(_fused(example_system), "all-on-glasses", model_path=EXAMPLE_MODEL, cpus=2, emulate_links=False)
    runner = GroupRunner(plan.deployment(plan.apps[0].ingress), plan.python_path, plan.variant, False)
    assert "camera" in runner.in_one_thread
    started, ran = threading.Event(), []

    def slow_camera(payload):
        started.set()
        time.sleep(0.3)
        return {"frame": "slow"}

    runner.instances["camera"] = (slow_camera, False)
    runner.instances["ocr"] = (lambda payload: ran.append("ocr") or {"text": "x"}, False)

    async def cancel_midway():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(runner.run("camera", {"body": b"", "content_type": "image/png"}), 0.1)
        assert started.is_set()
        await asyncio.sleep(0.5)  # the camera step has ended meanwhile

    asyncio.run(cancel_midway())
    assert ran == []
