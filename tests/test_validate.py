"""Validation reports every problem at once, each with a location, a stable code and a hint."""

import textwrap

import pytest

import archkit
from archkit import Component, Flow, Link, Node, System, connect


def problems_of(fn):
    with pytest.raises(archkit.ValidationError) as info:
        fn()
    return info.value.problems


def codes(problems):
    return sorted(p.code for p in problems)


def test_the_three_classic_mistakes_are_reported_together(tmp_path):
    src = tmp_path / "bad.py"
    src.write_text(textwrap.dedent("""
        from archkit import System, Node, Component, Link, connect
        with System("bad") as s:
            with Node("phone", kind="mobile"):
                a = Component("ocr", kind="model")
                b = Component("ocr", kind="model")
            with Node("cloud", kind="cloud"):
                c = Component("db", kind="datastore")
            Link("phone", "cloud", medium="cellular", bandwidth="3 ms")
            connect(a, "translator")
    """))
    probs = problems_of(lambda: archkit.load(src))
    assert codes(probs) == ["AK101", "AK102", "AK104"]
    lines = {p.code: p.location.line for p in probs}
    assert lines == {"AK101": 6, "AK104": 9, "AK102": 10}
    for p in probs:
        assert p.location.file.endswith("bad.py")
        assert p.hint
    text = str(archkit.ValidationError(probs))
    assert "duplicate-id" in text and "dangling-reference" in text and "wrong-unit" in text


def test_yaml_problems_carry_line_numbers(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(textwrap.dedent("""\
        name: m
        components:
          - id: a
            kind: ui
          - id: b
            kind: modle
        connectors:
          - {id: c1, source: a, target: nobody}
    """))
    probs = problems_of(lambda: archkit.load(f))
    by = {p.code: p for p in probs}
    assert by["AK103"].location.line == 6 and "did you mean 'model'" in by["AK103"].hint
    assert by["AK102"].location.line == 8
    assert by["AK102"].location.path == ("connectors", 0, "target")


def test_no_route_between_unlinked_nodes():
    with System("s") as s:
        with Node("a", kind="mobile"):
            x = Component("x", kind="ui")
        with Node("b", kind="cloud"):
            y = Component("y", kind="model")
        x >> y
    probs = problems_of(s.build)
    assert codes(probs) == ["AK110"]
    assert "no chain of links" in probs[0].message and "declare a link" in probs[0].hint


def test_no_route_in_a_variant_only():
    with System("s") as s:
        with Node("a", kind="mobile"):
            x = Component("x", kind="ui")
            y = Component("y", kind="model")
        Node("b", kind="cloud")
        x >> y
        s.variant("moved", y="b")
    probs = problems_of(s.build)
    assert codes(probs) == ["AK110"] and "variant 'moved'" in probs[0].message


def test_multi_hop_routes_are_found():
    with System("s") as s:
        with Node("glasses", kind="wearable"):
            x = Component("x", kind="ui")
        Node("phone", kind="mobile")
        with Node("cloud", kind="cloud"):
            y = Component("y", kind="model")
        Link("glasses", "phone", medium="bluetooth")
        Link("phone", "cloud", medium="cellular")
        x >> y
    m = s.build()
    from archkit.model import SystemGraph

    hops = SystemGraph(m).connector_route(m.connectors[0])
    assert [(h.source, h.target, h.link.medium) for h in hops] == [
        ("glasses", "phone", "bluetooth"), ("phone", "cloud", "cellular")]


def test_flow_steps_must_chain():
    with System("s") as s:
        a, b, c, d = (Component(i, kind="business_logic") for i in "abcd")
        ab = connect(a, b, kind="async_message")
        cd = connect(c, d, kind="async_message")
        Flow("f", steps=[ab, cd])
    probs = problems_of(s.build)
    assert codes(probs) == ["AK120"]
    assert "step 2" in probs[0].message


def test_flow_may_return_to_a_waiting_caller():
    with System("s") as s:
        a, b, c = (Component(i, kind="business_logic") for i in "abc")
        Flow("f", steps=[a >> b, a >> c])  # a calls b, gets the answer, then calls c
    s.build()


def test_sync_cycle_is_printed():
    with System("s") as s:
        a, b, c = (Component(i, kind="business_logic") for i in "abc")
        a >> b >> c >> a
    probs = problems_of(s.build)
    assert codes(probs) == ["AK121"]
    assert "a -> b -> c -> a" in probs[0].message


def test_async_cycle_is_fine():
    with System("s") as s:
        a, b = Component("a", kind="queue"), Component("b", kind="business_logic")
        connect(a, b, kind="async_message")
        connect(b, a, kind="async_message")
    s.build()


@pytest.mark.parametrize("field,value,code", [
    ("processing_time", "200..40 ms", "AK105"),
    ("processing_time", "-5 ms", "AK106"),
    ("replicas", -1, "AK106"),
    ("memory", "3 Mbit/s", "AK104"),
    ("kind", "databse", "AK103"),
    ("bandwith", "3 Mbit/s", "AK107"),
])
def test_field_problems(field, value, code):
    raw = {"name": "s", "components": [{"id": "a", "kind": "ui", field: value}]}
    if field == "kind":
        raw["components"][0]["kind"] = value
    probs = problems_of(lambda: archkit.io.load_data(raw, "m.yaml"))
    assert codes(probs) == [code]
    assert probs[0].location.path[:2] == ("components", 0)


def test_unknown_field_suggests_the_right_one():
    raw = {"name": "s", "links": [], "nodes": [{"id": "n", "kind": "cloud", "memmory": "2 GB"}]}
    probs = problems_of(lambda: archkit.io.load_data(raw))
    assert "did you mean 'memory'" in probs[0].hint


def test_autoscaling_bounds():
    raw = {"name": "s", "components": [{"id": "b", "kind": "ui"},
                                       {"id": "a", "kind": "ui", "autoscaling": {"min_replicas": 5, "max_replicas": 2}}],
           "connectors": [{"id": "b->a", "source": "b", "target": "a", "kind": "async_message"}]}
    probs = problems_of(lambda: archkit.io.load_data(raw))
    assert codes(probs) == ["AK105"]
    assert "component 'a'" in probs[0].message and probs[0].element == "a"


def test_references_to_broken_elements_are_not_reported_twice():
    raw = {"name": "s",
           "components": [{"id": "a", "kind": "ui"}, {"id": "b", "kind": "nonsense"}],
           "connectors": [{"id": "ab", "source": "a", "target": "b"}]}
    probs = problems_of(lambda: archkit.io.load_data(raw))
    assert codes(probs) == ["AK103"]


def test_custom_kinds():
    from archkit.model import register_component_kind

    raw = {"name": "s", "components": [{"id": "a", "kind": "x-rules-engine"}, {"id": "b", "kind": "vector_index"}]}
    probs = problems_of(lambda: archkit.io.load_data(raw))
    assert codes(probs) == ["AK103"]
    register_component_kind("vector_index", "an index of embeddings")
    archkit.io.load_data(raw)


def test_example_is_valid(example):
    assert {c.id for c in example.components} >= {"camera", "frame_selector", "ocr", "translator", "overlay", "telemetry"}
    assert len(example.variants) >= 2
