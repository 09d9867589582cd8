"""archkit verify without Ray: the comparison of a plan with a running state, its reports, the CLI's refusals.

The running state here is written the way :func:`archkit.runtime._verify.read_running` reads it
from Serve (Serve's deployment options, replica states, each deployment's ``describe()``);
``test_verify_ray.py`` reads it from a real deployment.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from archkit.cli import app
from archkit.runtime._drift import RULES, compare
from archkit.runtime._plan import build_plan, deployment_options
from archkit.runtime._verify import VerifyResult, to_sarif

from .conftest import EXAMPLE_MODEL, TINY_MODEL

NODE_ID = "a" * 56
SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "catalog" / "data" / "sarif-schema-2.1.0.json").read_text())


def running_state(plan, *, nodes=None):
    """The running state a faithful deployment of ``plan`` shows (Serve's shapes, all RUNNING)."""
    apps = {}
    for app_spec in plan.apps:
        deps = {}
        for name in app_spec.deployments:
            spec = plan.deployment(name)
            options = deployment_options(spec)
            config = {k: v for k, v in options.items() if k != "name"}
            # Serve fills in its defaults around what was asked
            config.setdefault("max_queued_requests", -1)
            config["graceful_shutdown_timeout_s"] = 20.0
            count = spec.num_replicas or (spec.autoscaling or {}).get("min_replicas") or 1
            deps[name] = {
                "status": "HEALTHY", "message": "", "config": config,
                "replicas": [{"replica_id": f"{name}-{i}", "state": "RUNNING", "node_id": NODE_ID, "pid": 100 + i}
                             for i in range(count)],
                "describe": {"spec": spec.model_dump(mode="json"), "variant": plan.variant,
                             "emulate_links": plan.emulate_links, "emulate_devices": plan.emulate_devices},
            }
        apps[app_spec.name] = {"route_prefix": app_spec.route_prefix, "status": "RUNNING", "message": "",
                               "deployments": deps}
    return {"apps": apps, "nodes": nodes or {NODE_ID: {"name": "127.0.0.1", "alive": True,
                                                        "resources": {"CPU": 2.0}}}}


@pytest.fixture(scope="module")
def plans(example_system):
    return {v: build_plan(example_system, v, model_path=EXAMPLE_MODEL, cpus=2) for v in example_system.variant_names}


def test_a_faithful_deployment_of_every_variant_has_no_drift(plans):
    for variant, plan in plans.items():
        findings, checked, notes, placements = compare(plan, running_state(plan))
        assert findings == [], (variant, findings)
        assert set(checked) == set(RULES)
        for rule in ("application", "deployment", "replicas", "reservations", "components", "calls",
                     "link-emulation", "device-emulation"):
            assert checked[rule] > 0, (variant, rule)
        assert checked["placement"] == 0 and any("placement" in n for n in notes) and placements == []


def test_a_replica_count_changed_by_hand_is_exactly_one_drift(plans):
    plan = plans["ocr-in-cloud"]
    state = running_state(plan)
    ocr = state["apps"]["ar-translation-glasses-cloud"]["deployments"]["ocr"]
    ocr["config"]["num_replicas"] = 3
    ocr["replicas"] += [dict(ocr["replicas"][0], replica_id=f"ocr-{i}") for i in (1, 2)]
    findings, *_ = compare(plan, state)
    assert [(f.rule, f.deployment, f.expected, f.actual) for f in findings] == [("replicas", "ocr", 1, 3)]
    assert findings[0].element == ("component", "ocr")


def test_a_replica_that_died_shows_as_running_short(plans):
    plan = plans["all-on-phone"]
    state = running_state(plan)
    dep = state["apps"]["ar-translation-glasses-phone"]["deployments"]["translator"]
    dep["replicas"][0]["state"] = "STARTING"
    findings, *_ = compare(plan, state)
    assert [(f.rule, f.deployment, f.expected, f.actual) for f in findings] == [("replicas", "translator", 1, 0)]


def test_moved_component_shows_in_applications_calls_and_links(plans):
    # what runs is ocr-in-cloud; the model asked for all-on-phone
    findings, *_ = compare(plans["all-on-phone"], running_state(plans["ocr-in-cloud"]))
    rules = {(f.rule, f.app, f.deployment) for f in findings}
    assert ("application", "ar-translation-glasses-cloud", None) in rules  # an application no node maps to
    assert ("deployment", "ar-translation-glasses-phone", "ocr") in rules  # ocr missing on the phone
    calls = [f for f in findings if f.rule == "calls"]
    assert [f.element for f in calls] == [("connector", "frame_selector->ocr")]
    assert "ar-translation-glasses-cloud" in calls[0].message
    links = [f for f in findings if f.rule == "link-emulation"]
    assert [f.element for f in links] == [("connector", "frame_selector->ocr")]
    assert "phone-cloud" in links[0].message
    devices = [f for f in findings if f.rule == "device-emulation"]
    assert [(f.expected, f.actual) for f in devices] == [(0.12, 0.04)]


def test_reservations_serving_limits_and_emulation_flags(plans):
    plan = plans["all-in-cloud"]
    state = running_state(plan)
    deps = state["apps"]["ar-translation-glasses-cloud"]["deployments"]
    deps["translator"]["config"]["ray_actor_options"]["num_cpus"] = 1.0
    deps["ocr"]["describe"]["emulate_links"] = False
    findings, *_ = compare(plan, state)
    assert sorted((f.rule, f.deployment) for f in findings) == [("link-emulation", "ocr"),
                                                                  ("reservations", "translator")]


def test_placement_on_a_cluster_checks_each_replicas_ray_node(example_system):
    plan = build_plan(example_system, "ocr-in-cloud", model_path=EXAMPLE_MODEL, emulate_links=False)
    nodes = {f"{n:056d}": {"name": f"node-{n}", "alive": True, "resources": {f"node:{name}": 100.0, "CPU": 1.0}}
             for n, name in enumerate(["glasses", "phone", "cloud"])}
    where = {"glasses": f"{0:056d}", "phone": f"{1:056d}", "cloud": f"{2:056d}"}
    state = running_state(plan, nodes=nodes)
    for app_state in state["apps"].values():
        for name, dep in app_state["deployments"].items():
            for replica in dep["replicas"]:
                replica["node_id"] = where[plan.deployment(name).node]
    findings, checked, notes, placements = compare(plan, state)
    assert findings == [] and checked["placement"] == 3 and notes == []
    assert [(p.deployment, p.node, p.ray_node_resources) for p in placements] == [
        ("ingress", "glasses", ["node:glasses"]), ("ocr", "cloud", ["node:cloud"]), ("translator", "phone", ["node:phone"])]
    # the OCR replica lands on the phone's machine
    state["apps"]["ar-translation-glasses-cloud"]["deployments"]["ocr"]["replicas"][0]["node_id"] = where["phone"]
    findings, *_ = compare(plan, state)
    assert [(f.rule, f.deployment, f.element, f.actual) for f in findings] == [
        ("placement", "ocr", ("node", "cloud"), ["node:phone"])]


def test_sarif_places_each_drift_at_its_element(plans, example_system):
    plan = plans["ocr-in-cloud"]
    state = running_state(plan)
    state["apps"]["ar-translation-glasses-cloud"]["deployments"]["ocr"]["config"]["num_replicas"] = 2
    findings, checked, notes, _ = compare(plan, state, model="system.py")
    loc = next(c for c in example_system.components if c.id == "ocr").location
    result = VerifyResult(example_system.name, "system.py", plan.variant, plan.flow, "127.0.0.1:1", True, True,
                          findings, checked, notes, [], {"component:ocr": (loc.file, loc.line)})
    text = to_sarif(result)
    assert text == to_sarif(result)
    log = json.loads(text)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    (only,) = run["results"]
    assert only["ruleId"] == "replicas" and only["level"] == "error"
    assert only["locations"][0]["physicalLocation"]["region"]["startLine"] == loc.line
    assert only["properties"]["expected"] == 1 and only["properties"]["actual"] == 2
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)


def test_verify_of_a_model_that_is_not_deployed_says_how(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHKIT_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["verify", str(TINY_MODEL)])
    assert result.exit_code == 2
    assert "is not deployed" in result.output and "archkit deploy" in result.output
    result = CliRunner().invoke(app, ["verify", str(TINY_MODEL), "--format", "json"])
    assert result.exit_code == 2 and json.loads(result.output)["ok"] is False


def test_state_copy_is_independent(plans):
    # the helper above must not share dicts between calls (a guard for the tests themselves)
    plan = plans["all-on-phone"]
    a, b = running_state(plan), running_state(plan)
    a["apps"]["ar-translation-glasses-phone"]["deployments"]["ocr"]["config"]["num_replicas"] = 9
    assert compare(plan, copy.deepcopy(b))[0] == []


DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def _section(title: str) -> str:
    text = DEPLOY_DOC.read_text()
    start = text.index(f"\n{title}\n")
    end = text.find("\n#", start + len(title) + 2)
    return text[start : end if end > 0 else None]


def _top_keys(form: str) -> list[str]:
    """The top-level keys of a documented JSON form such as ``{a, b: {c}, d: [{e}]}``."""
    members, depth, member = [], 0, ""
    for ch in form.strip()[1:-1] + ",":
        depth += {"{": 1, "[": 1, "}": -1, "]": -1}.get(ch, 0)
        if depth == 0 and ch == ",":
            members.append(member)
            member = ""
        elif depth == 0:
            member += ch
    return [m.split(":")[0].strip() for m in members]


def _form_after(text: str, marker: str) -> str:
    start = text.index(marker) + len(marker)
    start = text.index("`{", start) + 1
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return " ".join(text[start : i + 1].split())
    raise AssertionError(f"no JSON form after {marker!r}")


def test_the_docs_list_every_drift_rule():
    rows = [line.split("|")[1].strip().strip("`") for line in _section("## Verify: the running system against the model")
            .splitlines() if line.startswith("| `")]
    assert rows == list(RULES)


def test_the_docs_give_the_json_forms_the_code_writes(plans, example_system):
    from archkit.runtime._calibrate import Calibration
    from archkit.runtime._measured import FlowCheck

    verify_doc = _section("## Verify: the running system against the model")
    plan = plans["all-on-phone"]
    result = VerifyResult(example_system.name, "system.py", plan.variant, plan.flow, "127.0.0.1:1", True, True,
                          [], {}, [], [], {})
    assert _top_keys(_form_after(verify_doc, "`--format json`")) == [*result.to_dict(), "load"]
    check = FlowCheck("overlay", None, "typical", {"known": False}, None, None, [])
    load_form = _form_after(_section("### Measured against predicted"), "`load` is")
    assert _top_keys(load_form) == list(check.to_dict())
    assert _top_keys(load_form[load_form.rindex("load: {") + 6 : -1]) == list(check.to_dict()["load"])
    calibration = Calibration(example_system, "cloud", "overlay", None, 0, 0, [])
    assert _top_keys(_form_after(_section("### Calibrate"), "JSON:")) == [*calibration.to_dict(), "output"]


def test_the_docs_show_the_figures_of_the_benchmark_run():
    results = json.loads((DEPLOY_DOC.parents[1] / "bench" / "results" / "verify.json").read_text())["results"]
    agreement = results["agreement"]
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in _section("### The AR example: predicted against measured").splitlines()
            if line.startswith("| ") and not line.startswith("| variant")]
    assert [r[0] for r in rows] == agreement["ranking_predicted"]
    for variant, best_worst, typical, *passes in rows:
        figures = agreement["variants"][variant]
        predicted = figures["predicted_ms"]
        assert best_worst == f"{predicted['best']:.1f}..{predicted['worst']:.1f}" and typical == f"{predicted['typical']:.1f}"
        shown = [(float(passes[i]), float(passes[i + 1].rstrip(" %"))) for i in range(0, len(passes), 2)]
        assert shown == [(round(p["p50_ms"], 1), p["error_pct"]) for p in figures["passes"]], variant
    assert agreement["all_within_tolerance"] and all(agreement["ranking_same_per_pass"])
    assert agreement["no_drift_on_fresh_deployments"]
    from archkit.runtime._calibrate import _range_text

    calibrate_doc = _section("### Calibrate")
    for row in agreement["calibration"]["components"]:
        if row["component"] in ("ocr", "translator"):
            assert f"`{_range_text(row['p5_ms'], row['p50_ms'], row['p95_ms'])}`" in calibrate_doc, row
    faults = _section("### Faults and overload, measured")
    fault, flood, soak = results["fault"], results["overload"]["flood"], results["soak"]
    assert fault["lost"] == 0 and f"{fault['recovery_s']:.1f} s after the kill" in faults
    assert f"503 p50 {flood['503_p50_ms']:.1f} ms" in faults and f"(+{soak['growth_pct']:.1f} %)" in faults
