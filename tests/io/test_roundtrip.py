"""DSL -> YAML -> JSON -> YAML round trips, and random models and corruptions (hypothesis)."""

import copy
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archkit
from archkit.io import load_data, to_data, to_json, to_yaml


def test_example_round_trip_is_byte_identical(example):
    y1 = to_yaml(example)
    from_yaml = archkit.loads(y1, "a.yaml")
    j = to_json(from_yaml)
    from_json = archkit.loads(j, "a.json", fmt="json")
    y2 = to_yaml(from_json)
    assert y1 == y2
    assert from_yaml == example and from_json == example


def test_save_and_convert_are_atomic_and_deterministic(example, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.json"
    archkit.save(example, a)
    archkit.save(example, b)
    assert archkit.load(a) == archkit.load(b) == example
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.json"]  # no temporaries left


def test_schema_validates_the_example(example):
    import jsonschema

    schema = archkit.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(to_yaml(example))
    jsonschema.Draft202012Validator(schema).validate(data)
    bad = copy.deepcopy(data)
    bad["components"][0]["colour"] = "red"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


# ---------------------------------------------------------------------------------------------
# random valid models
# ---------------------------------------------------------------------------------------------

ident = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
dur = st.builds(lambda a, b, u: f"{min(a, b)}..{max(a, b)} {u}",
                st.integers(0, 500), st.integers(0, 500), st.sampled_from(["ms", "s", "us"]))
size = st.builds(lambda a, u: f"{a} {u}", st.integers(0, 10_000), st.sampled_from(["B", "kB", "MB", "GB", "KiB"]))
bw = st.builds(lambda a, u: f"{a} {u}", st.integers(1, 1000), st.sampled_from(["kbit/s", "Mbit/s", "Gbit/s"]))
rate = st.builds(lambda a, u: f"{a} {u}", st.integers(1, 100), st.sampled_from(["/s", "/min", "/day"]))


@st.composite
def models(draw):
    n_nodes = draw(st.integers(1, 4))
    nodes = [{"id": f"n{i}", "kind": draw(st.sampled_from(["cloud", "mobile", "wearable", "edge"])),
              **({"memory": draw(size)} if draw(st.booleans()) else {}),
              **({"cost_per_hour": f"{draw(st.integers(0, 9))}.5 USD/h"} if draw(st.booleans()) else {})}
             for i in range(n_nodes)]
    links = [{"id": f"l{i}", "ends": [f"n{i - 1}", f"n{i}"],
              "medium": draw(st.sampled_from(["wifi", "cellular", "bluetooth", "lan"])),
              **({"bandwidth": draw(bw)} if draw(st.booleans()) else {}),
              **({"latency": draw(dur)} if draw(st.booleans()) else {}),
              "intermittent": draw(st.booleans())} for i in range(1, n_nodes)]
    names = draw(st.lists(ident, min_size=1, max_size=6, unique=True))
    comps = []
    for name in names:
        c = {"id": name, "kind": draw(st.sampled_from(["model", "ui", "datastore", "business_logic", "cache"]))}
        if draw(st.booleans()):
            c["processing_time"] = draw(dur)
        if c["kind"] == "model" and draw(st.booleans()):
            c["model"] = {"size": draw(size), "inference_time": {"cloud": draw(dur)}}
        comps.append(c)
    placement = {name: f"n{draw(st.integers(0, n_nodes - 1))}" for name in names if draw(st.booleans())}
    conns = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:  # forward only: no sync cycles
            if draw(st.integers(0, 3)) == 0:
                conns.append({"id": f"{a}->{b}", "source": a, "target": b,
                              "kind": draw(st.sampled_from(["sync_call", "async_message", "stream", "in_process"])),
                              **({"request_size": draw(size)} if draw(st.booleans()) else {}),
                              **({"rate": draw(rate)} if draw(st.booleans()) else {})})
    flows = [{"id": f"f{i}", "steps": [c["id"]], "latency_budget": draw(dur)} for i, c in enumerate(conns[:2])]
    variants = [{"name": "v1", "placement": {names[0]: "n0"}}] if draw(st.booleans()) else []
    return {"name": draw(ident), "users": draw(st.integers(1, 10**6)), "components": comps, "connectors": conns,
            "nodes": nodes, "links": links, "placement": placement, "flows": flows, "variants": variants}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_random_models_round_trip(raw):
    m = load_data(raw)
    y = to_yaml(m)
    j = to_json(m)
    assert archkit.loads(y, "r.yaml") == m
    assert archkit.loads(j, "r.json", fmt="json") == m
    assert to_yaml(archkit.loads(j, "r.json", fmt="json")) == y


# ---------------------------------------------------------------------------------------------
# random corruptions: only archkit's own errors, never a crash
# ---------------------------------------------------------------------------------------------

junk = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                 st.text(max_size=12), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
                 st.sampled_from(["3 ms", "3 Mbit/s", "-1 MB", "9..1 s", "x-kind", "n0", "zzz"]))


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@st.composite
def corrupted(draw):
    raw = draw(models())
    data = copy.deepcopy(raw)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["set", "delete", "rename", "duplicate"]))
        key = path[-1]
        if op == "set":
            parent[key] = draw(junk)
        elif op == "delete":
            del parent[key]
        elif op == "rename" and isinstance(parent, dict):
            parent[str(key) + "x"] = parent.pop(key)
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted())
def test_corruptions_raise_only_validation_errors(data):
    try:
        load_data(data)
    except archkit.ValidationError as exc:
        assert exc.problems and all(p.code.startswith("AK") and p.message for p in exc.problems)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=3)), min_size=1, max_size=4))
def test_byte_level_corruptions_raise_only_archkit_errors(raw, edits):
    text = bytearray(to_yaml(load_data(raw)).encode())
    for pos, chunk in edits:
        p = pos % max(len(text), 1)
        text[p:p + len(chunk)] = chunk
    try:
        archkit.loads(bytes(text), "c.yaml")
    except archkit.ArchkitError:
        pass
