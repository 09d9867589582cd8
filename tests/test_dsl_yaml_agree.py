"""The DSL and a model file say the same about the same model (hypothesis).

Random DSL programs, right and wrong (missing kinds, unknown kinds, wrong units, dangling
references, duplicate ids, unknown fields), are declared, converted to YAML and loaded back: both
give the same problems (code, element, key path, message, hint), and a valid model comes back equal,
with the same canonical YAML bytes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archkit
from archkit import Component, Flow, Link, Model, Node, System, Variant, connect
from archkit.errors import ArchkitError
from archkit.io import to_yaml

FILE_LINE = re.compile(r"\S+\.(?:py|yaml):\d+")  # hints may point at another declaration
NODE_IDS = ["phone", "cloud", "edge"]
COMPONENT_IDS = ["app", "clf", "db", "api"]


def mostly(good: list[Any], bad: list[Any]) -> st.SearchStrategy[Any]:
    """One of the good values, or one time in sixteen a bad one (so both sorts of model come up)."""
    return st.integers(0, 15).flatmap(lambda n: st.sampled_from(bad if n == 15 and bad else good))


node_kinds = mostly(["mobile", "cloud", "edge", "wearable"], [None, "spaceship"])
component_kinds = mostly(["ui", "datastore", "business_logic", "cache"], [None, "blob"])
memories = mostly([None, "2 GB", "512 MiB"], ["3 ms", "1..0 GB", "-1 GB", "lots"])
durations = mostly([None, "5..20 ms", "1 s"], ["20 MB", "9..2 ms"])
rates = mostly([None, "1 /s", "30 /min", "2 Hz"], ["3 ms"])
sizes = mostly([None, "10 kB", "2 MB"], ["1 Mbit/s"])
bandwidths = mostly([None, "10 Mbit/s", "1..5 MB/s"], ["40 ms"])
counts = mostly([None, 1, 3], [0, -2])
extra = mostly([None], ["red"])


@st.composite
def programs(draw: Any) -> list[tuple[str, dict[str, Any]]]:
    """A list of DSL declarations, in order, each as (what, arguments)."""
    steps: list[tuple[str, dict[str, Any]]] = []
    node_ids = draw(st.lists(mostly(NODE_IDS, NODE_IDS), min_size=1, max_size=3, unique=True))
    if draw(mostly([False], [True])):
        node_ids.append(node_ids[0])  # declared twice
    component_ids = iter(draw(st.permutations(COMPONENT_IDS)) + [draw(st.sampled_from(COMPONENT_IDS))])
    declared: list[str] = []
    for node_id in node_ids:
        node = {"id": node_id, "kind": draw(node_kinds),
                "memory": draw(memories), "count": draw(counts)}
        members = []
        for _ in range(draw(st.integers(0, 2))):
            declared.append(next(component_ids, "extra"))
            members.append({"id": declared[-1], "kind": draw(component_kinds),
                            "model": draw(st.booleans()), "processing_time": draw(durations),
                            "colour": draw(extra)})
        steps.append(("node", {**node, "members": members}))
    for _ in range(draw(st.integers(0, 2))):
        declared.append(next(component_ids, "loose"))
        steps.append(("component", {"id": declared[-1], "kind": draw(component_kinds),
                                    "node": draw(mostly([None, *node_ids], ["moon"]))}))
    for _ in range(draw(st.integers(0, 2))):
        if len(node_ids) > 1:
            a, b = draw(st.permutations(node_ids))[:2]
        else:  # a link to an undeclared node, or rarely to itself
            a, b = node_ids[0], draw(mostly(["cloud" if node_ids[0] != "cloud" else "edge"], [node_ids[0]]))
        steps.append(("link", {"a": draw(mostly([a], ["moon"])), "b": b,
                               "medium": draw(mostly(["wifi", "cellular"], ["pigeon"])),
                               "bandwidth": draw(bandwidths), "latency": draw(durations)}))
    for _ in range(draw(st.integers(0, 3))):
        if not declared:
            break
        source = draw(st.sampled_from(declared))
        steps.append(("connector", {"source": source,
                                    "target": draw(mostly([c for c in declared if c != source] or [source],
                                                          [source, "ghost"])),
                                    "kind": draw(mostly([None, "sync_call", "stream"], ["teleport"])),
                                    "rate": draw(rates), "request_size": draw(sizes)}))
    if draw(st.booleans()):
        steps.append(("flow", {"id": "main", "steps": draw(mostly([1], [0, 2, 3])),
                               "unknown_step": draw(mostly([False], [True])), "latency_budget": draw(durations)}))
    if draw(st.booleans()):
        steps.append(("variant", {"name": "moved", "component": draw(mostly(declared or ["ghost"], ["ghost"])),
                                  "node": draw(mostly(node_ids, ["moon"]))}))
    return steps


def given_fields(d: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: d[k] for k in names if d.get(k) is not None}


def declare(program: list[tuple[str, dict[str, Any]]], users: int | None) -> System:
    """Run the program with the DSL and return the builder."""
    connectors: list[Any] = []
    with System("random", **({"users": users} if users else {})) as s:
        for what, d in program:
            if what == "node":
                with Node(d["id"], d["kind"], **given_fields(d, "memory", "count")):
                    for m in d["members"]:
                        fields = given_fields(m, "processing_time", "colour")
                        if m["model"]:
                            Model(m["id"], task="classify", **fields)
                        else:
                            Component(m["id"], m["kind"], **fields)
            elif what == "component":
                Component(d["id"], d["kind"], **given_fields(d, "node"))
            elif what == "link":
                Link(d["a"], d["b"], d["medium"], **given_fields(d, "bandwidth", "latency"))
            elif what == "connector":
                connectors.append(connect(d["source"], d["target"], **given_fields(
                    d, "kind", "rate", "request_size")))
            elif what == "flow":
                steps: list[Any] = connectors[: d["steps"]] + (["nowhere"] if d["unknown_step"] else [])
                Flow(d["id"], steps=steps, **given_fields(d, "latency_budget"))
            elif what == "variant":
                Variant(d["name"], {d["component"]: d["node"]})
    return s


def outcome(build: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    """The built model and no problems, or no model and every problem without its file and line."""
    try:
        return build(), []
    except ArchkitError as exc:
        problems = [(p.code, p.element, p.location.path if p.location else None, p.message,
                     FILE_LINE.sub("<where>", p.hint)) for p in exc.problems]
        return None, sorted(problems, key=repr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs(), users=st.sampled_from([None, 1000]))
def test_dsl_and_yaml_give_the_same_problems_and_the_same_model(program, users):
    s = declare(program, users)
    text = yaml.safe_dump(s.to_raw(), sort_keys=False, allow_unicode=True)
    from_dsl, dsl_problems = outcome(s.build)
    from_yaml, yaml_problems = outcome(lambda: archkit.loads(text, "model.yaml"))
    assert dsl_problems == yaml_problems
    if from_dsl is not None:
        assert from_dsl == from_yaml
        assert to_yaml(from_dsl) == to_yaml(from_yaml)
        assert archkit.loads(to_yaml(from_yaml), "again.yaml") == from_dsl  # and back


def test_the_comparison_sees_both_sorts_of_model():
    """The comparison is not vacuous: a valid program builds, a wrong one gives the problems it should."""
    valid = [("node", {"id": "phone", "kind": "mobile", "memory": "2 GB", "count": None, "members": [
        {"id": "app", "kind": "ui", "model": False, "processing_time": "5..20 ms", "colour": None}]})]
    model, problems = outcome(declare(valid, 10).build)
    assert model is not None and problems == []
    wrong = [("node", {"id": "phone", "kind": None, "memory": "3 ms", "count": None, "members": [
        {"id": "app", "kind": None, "model": False, "processing_time": None, "colour": "red"}]})]
    model, problems = outcome(declare(wrong, None).build)
    assert model is None
    assert {p[0] for p in problems} == {"AK108", "AK104", "AK107"}


def test_a_node_or_component_declared_without_kind_is_an_error_at_its_line():
    with System("no kinds") as s:
        with Node("edge"):
            Component("app")
    model, problems = outcome(s.build)
    assert model is None
    assert [(p[0], p[1], p[2]) for p in problems] == [
        ("AK108", "app", ("components", 0, "kind")), ("AK108", "edge", ("nodes", 0, "kind"))]
    text = yaml.safe_dump(s.to_raw(), sort_keys=False)
    assert outcome(lambda: archkit.loads(text, "model.yaml"))[1] == problems
