"""The model -> deployment plan mapping (no Ray needed)."""

from __future__ import annotations

import pytest

from archkit.errors import UsageError
from archkit.runtime._links import hop_delay, payload_size, route_delay
from archkit.runtime._plan import build_plan, deployment_options

from .conftest import EXAMPLE_MODEL, TINY_MODEL


def test_one_application_per_node_of_the_variant(example_system):
    plan = build_plan(example_system, "ocr-in-cloud", model_path=EXAMPLE_MODEL, emulate_devices=False)
    assert [a.node for a in plan.apps] == ["glasses", "cloud", "phone"]
    assert [a.route_prefix for a in plan.apps] == ["/glasses", "/cloud", "/phone"]
    assert plan.endpoint == "/glasses/overlay"
    assert plan.app("cloud").deployments == ["ocr"]
    assert plan.app("phone").deployments == ["translator"]
    ingress = plan.deployment("ingress")
    assert ingress.ingress and ingress.node == "glasses"
    # the frame selector has no implementation: it runs inside the ingress and orchestrates the calls
    assert [c.id for c in ingress.components] == ["camera", "frame_selector"]
    assert [(c.target, c.inline) for c in ingress.calls] == [
        ("frame_selector", True), ("ocr", False), ("translator", False)]
    assert ingress.accepts == ["image/png", "image/jpeg"]


def test_calls_cross_the_declared_route(example_system):
    plan = build_plan(example_system, "ocr-in-cloud", model_path=EXAMPLE_MODEL)
    calls = {c.target: c for c in plan.deployment("ingress").calls}
    assert [h.link for h in calls["ocr"].crossing.hops] == ["glasses-phone-wifi", "phone-cloud"]
    assert [h.link for h in calls["translator"].crossing.hops] == ["glasses-phone-wifi"]
    # the model's prediction of link time follows latency + size/bandwidth, both ways
    assert calls["ocr"].crossing.expected_ms > calls["translator"].crossing.expected_ms > 0


def test_variant_with_a_link_down_reroutes_when_it_can(example_system):
    plan = build_plan(example_system, "phone-bluetooth-only", model_path=EXAMPLE_MODEL)
    call = {c.target: c for c in plan.deployment("ingress").calls}["ocr"]
    assert [h.link for h in call.crossing.hops] == ["glasses-phone"]
    assert call.crossing.down == []


def test_route_cut_by_a_down_link_names_it(tiny_system):
    plan = build_plan(tiny_system, "offline", model_path=TINY_MODEL)
    call = plan.deployment("ingress").calls[0]
    assert call.crossing.down == ["device-server"]


def test_in_process_steps_on_one_node_share_a_deployment(tiny_system):
    plan = build_plan(tiny_system, "remote", model_path=TINY_MODEL, cpus=2)
    upper = plan.deployment("upper")
    assert [c.id for c in upper.components] == ["upper", "count"]
    assert upper.components[0].config == {"suffix": "!"}
    local = build_plan(tiny_system, "local", model_path=TINY_MODEL, cpus=2)
    assert [a.node for a in local.apps] == ["device"]


def test_sizes_are_fitted_to_the_machine_and_noted(tiny_system):
    plan = build_plan(tiny_system, "remote", model_path=TINY_MODEL, cpus=2)
    upper = plan.deployment("upper")
    assert upper.num_replicas == 2  # 5 declared, capped at 2 CPUs
    total = sum(d.num_cpus * (d.num_replicas or 1) for d in plan.deployments)
    assert total <= 2 * 0.95 + 1e-9
    assert any("capped" in n for n in plan.notes) and any("scaled" in n for n in plan.notes)


def test_without_emulation_nodes_become_ray_resources(tiny_system):
    plan = build_plan(tiny_system, "remote", emulate_links=False, model_path=TINY_MODEL)
    upper = plan.deployment("upper")
    assert upper.resources == {"node:server": 0.001}
    assert upper.num_replicas == 5 and upper.num_cpus == 4.0  # declared sizes, not fitted
    options = deployment_options(upper)
    assert options["ray_actor_options"]["resources"] == {"node:server": 0.001}
    assert options["num_replicas"] == 5


def test_unknown_variant_and_flow_are_usage_errors(example_system):
    with pytest.raises(UsageError, match="unknown variant 'nope'.*all-on-phone"):
        build_plan(example_system, "nope")
    with pytest.raises(UsageError, match="unknown flow 'nope'"):
        build_plan(example_system, None, "nope")


def test_plan_is_deterministic(example_system):
    a = build_plan(example_system, "all-in-cloud", model_path=EXAMPLE_MODEL, cpus=2).model_dump_json()
    b = build_plan(example_system, "all-in-cloud", model_path=EXAMPLE_MODEL, cpus=2).model_dump_json()
    assert a == b


def test_link_delay_formula(tiny_system):
    plan = build_plan(tiny_system, "remote", model_path=TINY_MODEL)
    hop = plan.deployment("ingress").calls[0].crossing.hops[0]
    assert hop.latency_s == pytest.approx(0.05)
    assert hop_delay(hop, 125_000) == pytest.approx(0.05 + 125_000 * 8 / 1e6)
    assert route_delay([hop, hop], 0) == {"device-server": pytest.approx(0.1)}
    assert payload_size({"body": b"abcd", "text": "é", "n": 12, "timings": {"x": 1}}) == 4 + 4 + 4 + 2 + 1 + 2


def test_serve_config_is_a_valid_serve_schema(example_system, tmp_path):
    pytest.importorskip("ray.serve")
    from ray.serve.schema import ServeDeploySchema

    import yaml

    from archkit.runtime import serve_config_yaml

    plan = build_plan(example_system, "ocr-in-cloud", model_path=EXAMPLE_MODEL, cpus=2)
    text = serve_config_yaml(plan, str(EXAMPLE_MODEL))
    config = yaml.safe_load(text)
    schema = ServeDeploySchema.model_validate(config) if hasattr(ServeDeploySchema, "model_validate") \
        else ServeDeploySchema.parse_obj(config)
    assert [a.name for a in schema.applications] == [a.name for a in plan.apps]
    assert config["http_options"]["host"] == "127.0.0.1"
    assert {a["args"]["node"] for a in config["applications"]} == {"glasses", "cloud", "phone"}
    assert text == serve_config_yaml(plan, str(EXAMPLE_MODEL))


def test_a_cut_route_names_the_link_whose_loss_cuts_it(example_system):
    # with Wi-Fi Direct and cellular both down, Bluetooth still joins glasses and phone: cellular is the cause
    from archkit.io import load_data, to_data

    data = to_data(example_system)
    data["variants"].append({"name": "cloud-offline", "placement": {"ocr": "cloud"},
                             "links_down": ["glasses-phone-wifi", "phone-cloud"]})
    plan = build_plan(load_data(data), "cloud-offline", model_path=EXAMPLE_MODEL, cpus=2)
    calls = {c.target: c for c in plan.deployment("ingress").calls}
    assert calls["ocr"].crossing.down == ["phone-cloud"]
    assert calls["translator"].crossing.down == [] and [h.link for h in calls["translator"].crossing.hops] == [
        "glasses-phone"]
