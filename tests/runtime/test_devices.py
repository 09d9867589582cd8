"""Device-speed emulation and calibration without Ray: the plan takes the analysis' times, the runner pads to them."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from archkit import Component, Flow, Link, Node, System, Variant
from archkit.analysis import latency
from archkit.cli import app
from archkit.io import load
from archkit.runtime._calibrate import calibrate
from archkit.runtime._loadgen import LoadInput
from archkit.runtime._plan import build_plan
from archkit.runtime._runner import TIMINGS, GroupRunner

from .conftest import EXAMPLE_MODEL, TINY_MODEL


def timed_system():
    """The tiny text service with declared processing times: 40 ms on the server, 90 ms on the device."""
    with System("Timed text service") as s:
        with Node("device", kind="wearable"):
            entry = Component("entry", kind="sensor", implementation="tiny_impls:Entry")
            note = Component("note", kind="ui", processing_time="2..6 ms")
        with Node("server", kind="cloud"):
            upper = Component("upper", kind="business_logic", implementation="tiny_impls:Upper",
                              processing_time_on={"cloud": "30..40..60 ms", "wearable": "90 ms"})
        Link("device", "server", medium="wifi", bandwidth="100 Mbit/s", latency="5 ms")
        call = (entry >> upper).set(kind="sync_call", request_size="1 kB", response_size="1 kB")
        show = (entry >> note).set(kind="in_process")
        Flow("shout", steps=[call, show])
        Variant("local", {"upper": "device"})
    return s.build()


def run_in_process(plan, body: bytes, ctype: str = "text/plain") -> dict:
    """Run a plan's flow once in this process: a call to another deployment runs that deployment's runner."""
    runners = {}

    async def remote(call, payload):
        return await runners[call.deployment].run(call.target, payload)

    for spec in plan.deployments:
        runners[spec.name] = GroupRunner(spec, plan.python_path, plan.variant, plan.emulate_links, remote)
    entry = plan.deployment(plan.apps[0].ingress)
    return asyncio.run(runners[entry.name].run(plan.entry_component, {"body": body, "content_type": ctype}))


def test_each_step_pads_to_the_time_the_latency_analysis_gives_its_target(example_system):
    for variant in example_system.variant_names:
        plan = build_plan(example_system, variant, model_path=EXAMPLE_MODEL, cpus=2)
        assert plan.emulate_devices
        (flow,) = [f for f in latency(example_system, variant).flows if f.flow == plan.flow]
        predicted = {s.connector: s.processing.typical for s in flow.steps}
        padded = {c.connector: c.device_time_s for d in plan.deployments for c in d.calls}
        assert padded == pytest.approx(predicted), variant


def test_a_step_without_implementation_runs_as_a_padded_no_op(example_system):
    on = build_plan(example_system, "all-on-phone", model_path=EXAMPLE_MODEL, cpus=2)
    off = build_plan(example_system, "all-on-phone", model_path=EXAMPLE_MODEL, cpus=2, emulate_devices=False)
    overlay = [c for c in on.deployment("ingress").calls if c.target == "overlay"]
    assert [(c.inline, c.device_time_s) for c in overlay] == [(True, 0.0055)]
    assert "overlay" not in [c.target for c in off.deployment("ingress").calls]
    assert any("overlay" in s for s in off.skipped) and on.skipped == []
    assert all(c.device_time_s is None for d in off.deployments for c in d.calls)
    # without link emulation (a real cluster), real machines set the pace unless asked otherwise
    assert not build_plan(example_system, "all-on-phone", model_path=EXAMPLE_MODEL, emulate_links=False).emulate_devices


def test_the_runner_pads_a_fast_step_to_exactly_its_declared_time_plus_the_links():
    system = timed_system()
    plan = build_plan(system, None, model_path=TINY_MODEL, cpus=2)
    out = run_in_process(plan, b"hello")
    assert out["upper"] == "HELLO"
    t = out[TIMINGS]
    links = t["link device-server"]
    assert links == pytest.approx(2 * (5 + 1000 * 8 / 100e6 * 1000), abs=0.01)
    # the step = its declared 40 ms (the typical of 30..40..60) + the link waits, whatever this machine took
    assert t["step entry->upper"] == pytest.approx(40 + links, abs=0.01)
    assert t["device upper"] == pytest.approx(40 - (t["step entry->upper"] - links - t["device upper"]), abs=0.01)
    assert t["step entry->note"] == pytest.approx(4, abs=0.01) and "note" not in t  # a no-op, padded
    # on the device, 90 ms and no link
    local = run_in_process(build_plan(system, "local", model_path=TINY_MODEL, cpus=2), b"hello")[TIMINGS]
    assert local["step entry->upper"] == pytest.approx(90, abs=0.01) and not any(k.startswith("link") for k in local)
    # emulation off: no padding key at all, and the step is what it took
    plain = run_in_process(build_plan(system, None, model_path=TINY_MODEL, cpus=2, emulate_devices=False),
                           b"hello")[TIMINGS]
    assert not any(k.startswith("device") for k in plain) and "step entry->note" not in plain


def test_calibrate_writes_measured_times_for_the_node_kind_and_says_what_stayed_declared():
    system = timed_system()
    result = calibrate(system, [LoadInput(b"hello", "text/plain"), LoadInput(b"abc", "text/plain")],
                       model_path=str(TINY_MODEL), requests=20, warmup=2)
    rows = {c.component: c for c in result.components}
    assert result.requests == 20 and result.failed == 0
    assert rows["upper"].measured and rows["upper"].samples == 20 and rows["upper"].keys == ("cloud",)
    assert rows["upper"].p5_ms <= rows["upper"].p50_ms <= rows["upper"].p95_ms
    assert rows["upper"].declared == "30..40..60 ms"
    assert rows["entry"].measured  # implemented, run as the flow's entry
    assert not rows["note"].measured and rows["note"].reason == "no implementation"
    upper = next(c for c in result.system.components if c.id == "upper")
    written = upper.processing_time_on["cloud"]
    assert written.lo == pytest.approx(rows["upper"].p5_ms / 1000, abs=1e-5)
    assert written.mid == pytest.approx(rows["upper"].p50_ms / 1000, abs=1e-5)
    assert str(upper.processing_time_on["wearable"]) == "90 ms"  # another kind: not measurable here
    # the analysis of the calibrated model now uses the measurement
    (flow,) = latency(result.system).flows
    assert flow.steps[0].processing.typical == pytest.approx(written.mid)


def test_calibrate_cli_writes_a_model_that_loads_and_reports_in_json(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("hello")
    out = tmp_path / "calibrated.yaml"
    result = CliRunner().invoke(app, ["calibrate", str(TINY_MODEL), "--images", str(inputs), "-o", str(out),
                                      "-n", "5", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {c["component"]: c["measured"] for c in report["components"]} == {
        "entry": True, "upper": True, "count": True}
    calibrated = load(str(out))
    assert set(next(c for c in calibrated.components if c.id == "upper").processing_time_on) == {"cloud"}
    # the text form measures behind a progress bar and prints the table of measured times
    text = CliRunner().invoke(app, ["calibrate", str(TINY_MODEL), "--images", str(inputs), "-o", str(out), "-n", "3"])
    assert text.exit_code == 0, text.output
    assert "processing times on this machine" in text.output and "upper" in text.output
    # refusals: a node kind the model does not have, and an output name without a format
    bad = CliRunner().invoke(app, ["calibrate", str(TINY_MODEL), "--images", str(inputs), "-o", str(out),
                                   "--node-kind", "mainframe"])
    assert bad.exit_code == 2 and "--node-kind" in bad.output
    bad = CliRunner().invoke(app, ["calibrate", str(TINY_MODEL), "--images", str(inputs), "-o",
                                   str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and ".yaml" in bad.output and not (tmp_path / "x.txt").exists()


def test_calibrate_runs_the_real_engines_of_the_example(example_system):
    ar_signs = pytest.importorskip("ar_signs")
    pytest.importorskip("tesserocr")
    inputs = [LoadInput(ar_signs.sign_png(text), "image/png") for text in list(ar_signs.SIGNS)[:3]]
    result = calibrate(example_system, inputs, model_path=str(EXAMPLE_MODEL), requests=6, warmup=1)
    rows = {c.component: c for c in result.components}
    assert rows["ocr"].measured and rows["translator"].measured and result.failed == 0
    assert rows["ocr"].field == "model.inference_time" and rows["ocr"].declared == "20..60 ms"
    assert not rows["frame_selector"].measured
    ocr = next(c for c in result.system.components if c.id == "ocr").model.inference_time
    assert str(ocr["mobile"]) == "60..180 ms" and str(ocr["wearable"]) == "200..600 ms"
