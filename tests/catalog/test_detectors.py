"""Every detector against a design that shows its entry and a near miss that does not."""

from __future__ import annotations

import pytest

from archkit.catalog import detect, load_catalog

from ._build import build
from archkit import Component, Flow, Model, connect

from .cases import CASES, phone_cloud

CATALOG = load_catalog(plugins=False)


def _found(system, entry_id):
    return [d for d in detect(system, CATALOG, ids=[entry_id]) if d.status == "found"]


@pytest.mark.parametrize("entry_id", sorted(CASES))
def test_detector_finds_the_entry(entry_id):
    pos, _ = CASES[entry_id]
    hits = _found(build(pos), entry_id)
    assert hits, f"{entry_id}: not found in its positive example"
    assert all(h.elements for h in hits)


@pytest.mark.parametrize("entry_id", sorted(CASES))
def test_detector_ignores_the_near_miss(entry_id):
    _, neg = CASES[entry_id]
    dets = detect(build(neg), CATALOG, ids=[entry_id])
    assert dets == [], f"{entry_id}: negative example gave {[(d.status, d.message) for d in dets]}"


def _undeclared_stateless():
    phone, cloud = phone_cloud()
    connect(Component("app", kind="business_logic", node=phone), Model("m", task="t", node=cloud, replicas=2), "sync_call")


def _untasked_chain():
    app = Component("app", kind="business_logic")
    a, b = Model("a"), Model("b")
    first = connect(app, a, "sync_call")
    second = connect(app, b, "sync_call")
    Flow("use", steps=[first, second])


def _unreplicated():
    phone, cloud = phone_cloud()
    step = connect(Component("app", kind="business_logic", node=phone), Component("api", kind="business_logic", node=cloud), "sync_call")
    Flow("use", steps=[step])


def _no_update_period():
    phone, _ = phone_cloud()
    Model("m", task="t", node=phone)


def _latency_unknown():
    phone, cloud = phone_cloud()
    step = connect(Component("app", kind="business_logic", node=phone), Model("m", task="t", node=cloud), "sync_call")
    Flow("use", steps=[step], latency_budget="100 ms")


UNKNOWN = {
    "stateless-serving-function": (_undeclared_stateless, "declare stateless on component 'm'"),
    "sequential-decomposition": (_untasked_chain, "declare model.task on 'a', 'b'"),
    "single-point-of-failure": (_unreplicated, "declare replicas (or autoscaling) on 'api'"),
    "update-cadence": (_no_update_period, "declare model.update_period on 'm'"),
    "latency-budget": (_latency_unknown, "latency of flow 'use' is unknown: declare"),
}


@pytest.mark.parametrize("entry_id", sorted(UNKNOWN))
def test_missing_attributes_give_unknown_naming_the_declaration(entry_id):
    declare, text = UNKNOWN[entry_id]
    dets = detect(build(declare), CATALOG, ids=[entry_id])
    assert [d.status for d in dets] == ["unknown"], [(d.status, d.message) for d in dets]
    assert text in dets[0].message


def test_every_entry_has_a_positive_and_a_negative_case():
    missing = [e.id for e in CATALOG if e.id not in CASES or None in CASES[e.id]]
    assert missing == []


def test_found_elements_point_at_dsl_lines():
    pos, _ = CASES["two-phase-prediction"]
    hit = _found(build(pos), "two-phase-prediction")[0]
    assert hit.location is not None and hit.location.file.endswith("cases.py") and hit.location.line > 0
