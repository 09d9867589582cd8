"""archkit verify against a real deployment on a local Ray head (slow: marked ``ray``).

The example is deployed once (variant all-on-phone, links and devices emulated); verify must find
no drift, set a short load run beside the prediction, and then report exactly what is changed by
hand through Serve: a replica count, a deployment redeployed with other CPUs, then a whole
application deleted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("ray.serve")
from archkit.runtime._cluster import free_port, read_state, stop_local_head

from .conftest import EXAMPLE_MODEL

pytestmark = pytest.mark.ray
ar_signs = pytest.importorskip("ar_signs")
MODEL = str(EXAMPLE_MODEL)
PREFIX = "ar-translation-glasses"


def _cli(*args: str, timeout: float = 300) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", "from archkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
    return done.returncode, done.stdout or done.stderr[-3000:]


def _serve(code: str, timeout: float = 240) -> None:
    """Run Python against the recorded head as an operator would: connect, then use Serve's API."""
    script = textwrap.dedent(f"""
        import time
        from ray import serve
        from archkit.runtime._cluster import connect, ray_env, read_state
        record, head = read_state({PREFIX!r}), read_state("head")
        connect(record["address"], ray_env(head))

        def _settled(status):
            # the redeployed application may touch its other deployments too: wait until all of it is steady
            return str(status.status).endswith("RUNNING") and all(
                str(d.status).endswith("HEALTHY") for d in status.deployments.values())
    """) + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    signs = tmp_path_factory.mktemp("signs")
    for i, text in enumerate(list(ar_signs.SIGNS)[:3]):
        (signs / f"sign-{i}.png").write_bytes(ar_signs.sign_png(text))
    old = os.environ.get("ARCHKIT_STATE_DIR")
    os.environ["ARCHKIT_STATE_DIR"] = str(state)
    code, out = _cli("deploy", MODEL, "--variant", "all-on-phone", "--http-port", str(free_port()), "--format", "json")
    head = read_state("head")
    try:
        assert code == 0, out
        yield {"record": json.loads(out), "signs": signs}
    finally:
        _cli("undeploy", MODEL)
        if head is not None:
            stop_local_head(head)
        if old is None:
            os.environ.pop("ARCHKIT_STATE_DIR", None)
        else:
            os.environ["ARCHKIT_STATE_DIR"] = old


def test_a_fresh_deployment_has_no_drift(deployed):
    code, out = _cli("verify", MODEL, "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["drift"] is False and report["findings"] == []
    assert report["variant"] == "all-on-phone" and report["emulate_links"] and report["emulate_devices"]
    for rule in ("application", "deployment", "replicas", "reservations", "serving-limits", "components", "calls",
                 "link-emulation", "device-emulation"):
        assert report["checked"][rule] > 0, rule
    code, out = _cli("verify", MODEL)
    assert code == 0 and "no drift" in out


def test_load_sets_each_measured_step_beside_the_prediction(deployed):
    code, out = _cli("verify", MODEL, "--load", "6", "--images", str(deployed["signs"]), "--format", "json")
    assert code == 0, out
    load = json.loads(out)["load"]
    assert load["flow"] == "overlay" and load["load"]["ok"] == 6
    steps = {s["connector"]: s for s in load["steps"]}
    assert list(steps) == ["camera->frame_selector", "frame_selector->ocr", "frame_selector->translator",
                           "frame_selector->overlay"]
    for step in steps.values():
        assert step["measured"]["p50_ms"] is not None and step["error_pct"] is not None
        # emulation: every step waits at least its links and its target's declared time, as the analysis has them
        assert step["measured"]["p50_ms"] >= step["network_ms"] + step["processing_ms"] - 0.5, step
    assert load["predicted"]["typical_ms"] == pytest.approx(196.7, abs=0.1)


def test_a_replica_count_changed_through_serve_is_exactly_that_drift(deployed):
    _serve("""
        from archkit.runtime._plan import DeploymentPlan
        from archkit.runtime._serve_app import build_apps
        from ray.serve.api import _run
        plan = DeploymentPlan.model_validate(record["plan"])
        changed = plan.model_copy(update={"deployments": [
            d.model_copy(update={"num_replicas": 2}) if d.name == "translator" else d for d in plan.deployments]})
        app = changed.app("phone")
        _run(build_apps(changed)[app.name], name=app.name, route_prefix=app.route_prefix, _blocking=False)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            status = serve.status().applications[app.name]
            dep = status.deployments["translator"]
            if sum(n for s, n in dep.replica_states.items() if str(s).endswith("RUNNING")) == 2 and _settled(status):
                break
            time.sleep(1)
    """)
    code, out = _cli("verify", MODEL, "--format", "json")
    assert code == 1, out
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["deployment"], f["expected"], f["actual"]) for f in findings] == [
        ("replicas", "translator", 1, 2)]
    code, out = _cli("verify", MODEL, "--format", "sarif")
    assert code == 1
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "replicas" and result["locations"][0]["physicalLocation"]["region"]["startLine"] > 0


def test_a_deployment_changed_through_serve_is_exactly_that_drift(deployed):
    # the operator redeploys translator by hand: the declared single replica again, but half the CPUs reserved
    _serve("""
        from archkit.runtime._plan import DeploymentPlan
        from archkit.runtime._serve_app import build_apps
        from ray.serve.api import _run
        plan = DeploymentPlan.model_validate(record["plan"])
        changed = plan.model_copy(update={"deployments": [
            d.model_copy(update={"num_cpus": d.num_cpus / 2}) if d.name == "translator" else d
            for d in plan.deployments]})
        app = changed.app("phone")
        _run(build_apps(changed)[app.name], name=app.name, route_prefix=app.route_prefix, _blocking=False)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            status = serve.status().applications[app.name]
            dep = status.deployments["translator"]
            states = {str(s).rsplit(".", 1)[-1]: n for s, n in dep.replica_states.items() if n}
            if states == {"RUNNING": 1} and _settled(status):
                break
            time.sleep(1)
    """)
    planned = next(d for d in read_state(PREFIX)["plan"]["deployments"] if d["name"] == "translator")
    code, out = _cli("verify", MODEL, "--format", "json")
    assert code == 1, out
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["deployment"], f["expected"], f["actual"]) for f in findings] == [
        ("reservations", "translator", planned["num_cpus"], pytest.approx(planned["num_cpus"] / 2))]


def test_an_application_deleted_through_serve_is_exactly_that_drift(deployed):
    _serve(f"""
        serve.delete("{PREFIX}-phone")
    """)
    code, out = _cli("verify", MODEL, "--format", "json")
    assert code == 1, out
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["app"], f["element"]) for f in findings] == [
        ("application", f"{PREFIX}-phone", {"type": "node", "id": "phone"})]
