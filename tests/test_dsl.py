import pytest

import archkit
from archkit import Component, Flow, Link, Model, Node, System, Variant, connect
from archkit import current_system


def small():
    with System("tiny", users=10) as s:
        with Node("phone", kind="mobile") as phone:
            ui = Component("ui", kind="ui")
            m = Model("clf", task="classify", size="5 MB", inference_time={"mobile": "10..30 ms"}, memory="50 MB")
        with Node("cloud", kind="cloud"):
            db = Component("db", kind="datastore")
        Link(phone, "cloud", medium="cellular", bandwidth="10 Mbit/s", latency="50 ms")
        call = ui >> m
        log = connect(ui, db, kind="async_message", request_size="1 kB", rate="1 /s")
        Flow("predict", steps=[call], latency_budget="100 ms")
        Variant("in-cloud", clf="cloud")
    return s


def test_dsl_builds_a_valid_model():
    s = small()
    m = s.build()
    assert [c.id for c in m.components] == ["ui", "clf", "db"]
    assert m.placement == {"ui": "phone", "clf": "phone", "db": "cloud"}
    clf = m.component("clf")
    assert clf.kind == "model" and clf.model.task == "classify"
    assert clf.model.memory.lo == 50e6 and clf.memory is None
    assert m.connectors[0].id == "ui->clf" and m.connectors[0].kind == "sync_call"
    assert m.placement_for("in-cloud")["clf"] == "cloud"
    assert m.links[0].id == "phone-cloud"


def test_every_element_records_its_dsl_line():
    s = small()
    m = s.build()
    for el in m.components + m.connectors + m.nodes + m.links + m.flows + m.variants:
        assert el.location is not None and el.location.file.endswith("test_dsl.py")
        assert el.location.line > 0
    assert m.component("clf").location.line == small.__code__.co_firstlineno + 4


def test_context_is_restored_and_exit_does_nothing_on_error():
    assert current_system() is None
    with pytest.raises(RuntimeError):
        with System("boom") as s:
            Component("a", kind="ui")
            raise RuntimeError("user error")
    assert current_system() is None
    assert len(s._decls["components"]) == 1  # nothing built, nothing thrown away


def test_nested_systems_do_not_leak():
    with System("outer") as outer:
        with System("inner") as inner:
            Component("x", kind="ui")
        Component("y", kind="ui")
    assert [d.id for d in inner._decls["components"]] == ["x"]
    assert [d.id for d in outer._decls["components"]] == ["y"]


def test_chained_and_fan_out_connectors():
    with System("chain") as s:
        a, b, c, d = (Component(x, kind="business_logic") for x in "abcd")
        a >> b >> c
        a >> [c, d]
    ids = [c.id for c in s.build().connectors]
    assert ids == ["a->b", "b->c", "a->c", "a->d"]


def test_duplicate_auto_connector_ids_get_a_suffix():
    with System("dups") as s:
        a, b = Component("a", kind="ui"), Component("b", kind="ui")
        a >> b
        connect(a, b, kind="async_message")
    assert [c.id for c in s.build().connectors] == ["a->b", "a->b#2"]


def test_model_classes_can_be_used_directly():
    from archkit import model

    sysm = model.System(
        name="plain",
        components=[model.Component(id="a", kind="ui"), model.Component(id="b", kind="model")],
        connectors=[model.Connector(id="a->b", source="a", target="b")],
    )
    assert archkit.validate(sysm) is sysm
    broken = sysm.model_copy(update={"connectors": [model.Connector(id="x", source="a", target="zz")]})
    with pytest.raises(archkit.ValidationError) as info:
        archkit.validate(broken)
    assert info.value.problems[0].code == "AK102"
