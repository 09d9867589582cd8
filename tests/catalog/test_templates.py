"""Every template builds a structure that its pattern's detector recognises."""

from __future__ import annotations

import inspect

import pytest

from archkit import Component, Link, Model, Node, System, UsageError
from archkit.catalog import detect, load_catalog, templates

CATALOG = load_catalog(plugins=False)


def _found(system, entry_id):
    return [d for d in detect(system, CATALOG, ids=[entry_id]) if d.status == "found"]


def _two_nodes():
    Node("phone", kind="mobile")
    Node("cloud", kind="cloud")
    Link("phone", "cloud", medium="cellular", bandwidth="10 Mbit/s", latency="50 ms")


def build_stateless():
    _two_nodes()
    app = Component("app", kind="business_logic", node="phone")
    m = Model("m", task="t", node="cloud")
    templates.stateless_service(m, app, max_replicas=4)


def build_batch():
    m = Model("m", task="t")
    data = Component("inputs", kind="datastore")
    templates.batch_serving(m, data)


def build_precomputed():
    m = Model("m", task="t")
    api = Component("api", kind="business_logic")
    templates.precomputed_table(m, api, fallback=True)


def build_two_phase():
    _two_nodes()
    app = Component("app", kind="business_logic", node="phone")
    small = Model("wake", task="keyword spotting", node="phone")
    large = Model("asr", task="speech recognition", node="cloud")
    templates.two_phase(small, large, caller=app, share=0.05)


def build_cascade():
    a = Model("cheap", task="fraud")
    b = Model("careful", task="fraud review")
    c = Model("expert", task="fraud investigation")
    templates.cascade([a, b, c])


def build_ensemble():
    ms = [Model(f"m{i}", task="spam") for i in range(3)]
    templates.ensemble(ms, aggregation="mean")


def build_stacking():
    ms = [Model(f"m{i}", task="spam") for i in range(2)]
    templates.stacking(ms)


def build_feature_store():
    t = Component("trainer", kind="training_pipeline")
    ms = [Model("ranker", task="rank"), Model("churn", task="churn")]
    for m in ms:
        from archkit import connect

        connect(t, m, "batch_transfer", purpose="model_artifact")
    templates.feature_store(t, ms)


def build_prediction_cache():
    m = Model("m", task="t")
    api = Component("api", kind="business_logic")
    templates.prediction_cache(m, api, ttl="1 h")


def build_safeguard():
    m = Model("m", task="t")
    ui = Component("screen", kind="ui")
    templates.safeguard(m, ui, rules=["clamp speed to 30 km/h"])


def build_training_pipeline():
    Node("gpu", kind="cloud")
    Node("serving", kind="cloud")
    Link("gpu", "serving", medium="lan", bandwidth="1 Gbit/s", latency="1 ms")
    data = Component("data", kind="datastore", node="gpu")
    m = Model("m", task="t", node="serving")
    templates.training_pipeline([m], data, node="gpu")


def build_telemetry():
    app = Component("app", kind="business_logic")
    m = Model("m", task="t")
    from archkit import connect

    connect(app, m, "sync_call")
    templates.telemetry([app], request_size="2 kB", rate="1 /s")


CASES = {
    "stateless_service": ("stateless-serving-function", build_stateless),
    "batch_serving": ("batch-serving", build_batch),
    "precomputed_table": ("precomputed-prediction-serving", build_precomputed),
    "two_phase": ("two-phase-prediction", build_two_phase),
    "cascade": ("cascade", build_cascade),
    "ensemble": ("ensemble", build_ensemble),
    "stacking": ("metamodel-stacking", build_stacking),
    "feature_store": ("feature-store", build_feature_store),
    "prediction_cache": ("prediction-cache", build_prediction_cache),
    "safeguard": ("rule-based-safeguard", build_safeguard),
    "training_pipeline": ("decouple-training-from-serving", build_training_pipeline),
    "telemetry": ("prediction-logging", build_telemetry),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_template_result_is_recognised(name):
    entry_id, declare = CASES[name]
    with System("t") as s:
        declare()
    assert _found(s.build(), entry_id), f"{name} did not produce {entry_id}"


def test_every_template_is_tested_and_every_entry_template_exists():
    public = {n for n in templates.__all__ if inspect.isfunction(getattr(templates, n))}
    assert public == set(CASES)
    named = {e.template for e in CATALOG if e.template}
    assert named <= public, named - public
    for e in CATALOG:
        if e.template:
            assert CASES[e.template][0] == e.id or e.id in ("no-logging",), (e.id, e.template)


def test_templates_check_their_arguments():
    with System("t"):
        m = Model("m", task="t")
        with pytest.raises(UsageError, match="at least two"):
            templates.ensemble([m])
        with pytest.raises(UsageError, match="at least two"):
            templates.cascade([m])
