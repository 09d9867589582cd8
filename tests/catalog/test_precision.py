"""Lint and pattern detection on the cases that used to go wrong: each detector's signature (which
element, which direction of data, which fields) and the typed structure it reads."""

from __future__ import annotations

import pytest

from archkit import Component, Flag, Flow, Link, Node, System, ValidationError, connect
from archkit.catalog import detect, lint, load_catalog

from ._build import build
from .suite._kit import documented, logs, sink

CATALOG = load_catalog(plugins=False)


def findings(declare, rule, **system):
    with System("t", **system) as s:
        declare()
    return [f for f in lint(s.build(), "t", catalog=CATALOG).open if f.rule == rule]


def patterns(declare):
    return {d.entry_id for d in detect(build(declare), CATALOG, kinds=["pattern"]) if d.status == "found"}


def first(f):
    return str(f.elements[0].ref)


# -- unstable data dependency: the reader of another team's data --------------------------------------
def test_a_caller_from_another_team_is_not_a_data_dependency():
    def declare():
        gateway = Component("gateway", kind="gateway", owner="platform")
        model = documented("m", "t", "ml")
        orchestrator = Component("checkout", kind="business_logic", owner="payments")
        orchestrator >> gateway >> model
        connect(Component("queue", kind="queue", owner="platform"), model, "async_message")

    assert findings(declare, "unstable-data-dependency") == []


def test_an_encoder_reading_another_teams_service_through_a_response_is_reported_on_the_encoder():
    def declare():
        enc = Component("features", kind="feature_encoder", owner="ml")
        geo = Component("geo", kind="business_logic", owner="maps")
        enc >> geo
        enc >> documented("m", "t", "ml")

    [f] = findings(declare, "unstable-data-dependency")
    assert first(f) == "component:features"
    assert "'geo' (owned by 'maps') through 'features->geo'" in f.message
    assert "connector 'features->geo'" in f.fix and "'features'" in f.fix


def test_a_model_reading_another_teams_table_is_reported_once_on_the_model():
    def declare():
        m = documented("m", "t", "ml")
        for name in ("a", "b"):
            connect(m, Component(name, kind="datastore", owner="other"), "sync_call", op="read")

    [f] = findings(declare, "unstable-data-dependency")
    assert first(f) == "component:m" and "'a'" in f.message and "'b'" in f.message


def test_feature_stores_validators_and_pins_are_stable_sources():
    def declare():
        m = documented("m", "t", "ml")
        connect(m, Component("fs", kind="feature_store", owner="platform"), "sync_call", op="read")
        connect(Component("check", kind="safeguard", owner="platform"), m, "stream")
        connect(m, Component("geo", kind="business_logic", owner="maps"), "sync_call", properties={"version_pin": "v3"})

    assert findings(declare, "unstable-data-dependency") == []


# -- undeclared consumers through batch jobs ---------------------------------------------------------
def _score_table(declared=()):
    job = Component("job", kind="batch_job")
    table = Component("scores", kind="datastore")
    connect(job, documented("m", "t", "ml"), "sync_call")
    connect(job, table, "batch_transfer", op="write", consumers=list(declared))
    for reader in ("pricing", "support"):
        connect(Component(reader, kind="business_logic"), table, "sync_call", op="read")
    connect(job, sink(), "async_message", purpose="telemetry")


def test_readers_of_a_table_a_batch_job_fills_from_a_model_are_consumers():
    found = findings(_score_table, "undeclared-consumers")
    assert sorted(first(f) for f in found) == ["component:pricing", "component:support"]
    assert all("model 'm'" in f.message and "connector 'job->scores'" in f.fix for f in found)
    assert findings(lambda: _score_table(["pricing", "support"]), "undeclared-consumers") == []


# -- correction cascades ------------------------------------------------------------------------------
def test_a_correction_whose_caller_also_writes_a_store_is_found():
    out = [{"name": "ctr", "type": "probability", "meaning": "click chance"}]

    def declare():
        server = Component("server", kind="business_logic")
        base = documented("base", "ctr", "ml", outputs=out)
        fix = documented("fix", "ctr", "ml", inputs=out)
        a, b = server >> base, server >> fix
        w = connect(server, Component("log", kind="datastore"), "async_message", op="write")
        Flow("serve", steps=[a, b, w])

    [f] = findings(declare, "correction-cascade")
    assert first(f) == "component:fix" and "model 'base'" in f.message


def test_declared_corrects_decides_the_direction():
    def declare():
        base = documented("base", "ctr", "ml")
        fix = documented("fix", "ctr", "ml", corrects=["base"])
        fix >> base

    [f] = findings(declare, "correction-cascade")
    assert first(f) == "component:fix" and "declared in corrects" in f.message


# -- composition patterns ------------------------------------------------------------------------------
def _members(n=3, flow=False, aggregation=True):
    proxy = Component("proxy", kind="business_logic", properties={"aggregation": "vote"} if aggregation else {})
    calls = [proxy >> documented(f"m{i}", "same", "ml") for i in range(n)]
    if flow:
        Flow("ask", steps=calls)


def test_ensemble_members_are_not_metamodels():
    found = patterns(_members)
    assert "ensemble" in found and "metamodel-stacking" not in found
    assert "metamodel-stacking" not in patterns(lambda: _members(flow=True))


def _two_tasks(flow):
    app = Component("app", kind="business_logic")
    a, b = app >> documented("ocr", "ocr", "ml"), app >> documented("mt", "translation", "ml")
    if flow:
        Flow("read", steps=[a, b])


def test_declaration_order_is_not_a_sequence_but_a_flow_is():
    assert "sequential-decomposition" not in patterns(lambda: _two_tasks(False))
    assert "sequential-decomposition" in patterns(lambda: _two_tasks(True))


def _gate(shares):
    app = Component("app", kind="business_logic")
    a = connect(app, documented("small", "moderation", "ml"), "sync_call", share=shares[0],
                conditional=shares[0] is not None)
    b = connect(app, documented("large", "moderation", "ml"), "sync_call", share=shares[1], conditional=True)
    if shares[0] is None:
        Flow("moderate", steps=[a, b])


def test_a_conditional_cascade_is_not_a_canary_split():
    cascade = patterns(lambda: _gate((None, 0.1)))
    assert "cascade" in cascade and "canary-release" not in cascade and "ensemble" not in cascade
    split = patterns(lambda: _gate((0.9, 0.1)))
    assert "canary-release" in split and "cascade" not in split


def test_registry_pushes_are_not_shadow_traffic():
    def declare():
        reg = Component("registry", kind="model_registry")
        app = Component("app", kind="business_logic")
        live = documented("live", "rank", "ml")
        cand = documented("candidate", "rank", "ml", status="experimental")
        for m in (live, cand):
            connect(reg, m, "batch_transfer", purpose="model_artifact")
        app >> live
        logs(cand, sink())

    assert "shadow-deployment" not in patterns(declare)


# -- structure before tags ------------------------------------------------------------------------------
def _adapters(kind, lines=None):
    m = documented("m", "t", "ml", lines_of_code=lines[0] if lines else None)
    for i in range(2):
        Component(f"app{i}", kind="business_logic") >> Component(f"wrap{i}", kind=kind, lines_of_code=lines[1] if lines else None) >> m


def test_glue_code_comes_from_declared_adapters_in_one_merged_finding():
    [f] = findings(lambda: _adapters("adapter", (500, 20_000)), "glue-code")
    assert first(f) == "component:m" and "2 separate adapters" in f.message and "40,000 lines" in f.message
    assert findings(lambda: _adapters("business_logic"), "glue-code") == []


def test_big_scripts_come_from_declared_responsibilities_and_are_silent_otherwise():
    def declare(jobs):
        Component("script", kind="batch_job", responsibilities=jobs)

    with System("t") as s:
        declare([])
    assert [d for d in detect(s.build(), CATALOG, ids=["big-ass-script-architecture"])] == []
    [f] = findings(lambda: declare(["ingest", "train", "report"]), "big-ass-script-architecture")
    assert "ingest, train, report" in f.message


def test_a_flag_that_is_off_leaves_a_dead_path():
    def declare(state):
        app = Component("app", kind="business_logic")
        trial = documented("trial", "t", "ml", status="experimental")
        call = app >> trial
        Flag("trial_flag", state=state, owner="ml", since="2024-02-01", guards=[call])

    [f] = findings(lambda: declare("off"), "dead-experimental-code-paths")
    assert first(f) == "component:trial" and "flag 'trial_flag' is off since 2024-02-01" in f.message
    assert "flag:trial_flag" in [str(e.ref) for e in f.elements]
    assert findings(lambda: declare("partial"), "dead-experimental-code-paths") == []


def test_declared_influence_closes_a_feedback_loop_until_its_control_is_declared():
    def declare(control):
        app = Component("app", kind="ui")
        m = documented("pricing", "price", "ml", influences=["sales"], feedback_loop=control)
        sales = Component("sales", kind="datastore")
        trainer = Component("trainer", kind="training_pipeline")
        app >> m
        connect(trainer, sales, "batch_transfer", op="read", purpose="training")
        connect(trainer, m, "batch_transfer", purpose="model_artifact")

    [f] = findings(lambda: declare(None), "hidden-feedback-loop")
    assert first(f) == "component:pricing" and "pricing -> sales -> trainer" in f.message
    assert findings(lambda: declare("10 % of prices are randomised"), "hidden-feedback-loop") == []


def test_relations_and_flags_must_name_declared_elements():
    with System("t") as s:
        documented("m", "t", "ml", corrects=["nobody"], influences=["m"])
        Flag("f", state="on", guards=["ghost"])
    with pytest.raises(ValidationError) as err:
        s.build()
    text = str(err.value)
    assert "refers to component 'nobody'" in text and "names itself in 'influences'" in text
    assert "component or connector 'ghost'" in text


# -- metered model distribution --------------------------------------------------------------------------
def _push(medium, cost, period="1 d", size="250 MB"):
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud")
    Link(phone, cloud, medium=medium, bandwidth="10 Mbit/s", latency="50 ms", **({"cost_per_gb": cost} if cost else {}))
    m = documented("m", "t", "ml", node=phone, size=size, update_period=period, ip_sensitive=False)
    connect(Component("registry", kind="model_registry", node=cloud), m, "batch_transfer", purpose="model_artifact")


def test_daily_pushes_over_cellular_to_millions_of_phones_cost_more_than_the_limit():
    [f] = findings(lambda: _push("cellular", "10 USD/GB"), "metered-model-distribution", users=5_000_000)
    assert first(f) == "component:m" and "5,000,000 devices" in f.message and "'phone-cloud' (cellular)" in f.message
    assert "USD/month" in f.message and "per device" in f.message
    assert "delta updates" in f.fix and "Wi-Fi only" in f.fix and "longer update_period" in f.fix


def test_unmetered_or_rare_updates_are_fine_and_a_missing_price_is_undecided():
    assert findings(lambda: _push("wifi", None), "metered-model-distribution", users=5_000_000) == []
    assert findings(lambda: _push("cellular", "10 USD/GB", "365 d", "20 MB"), "metered-model-distribution",
                    users=10) == []
    with System("t", users=1000) as s:
        _push("cellular", None)
    [u] = [d for d in detect(s.build(), CATALOG, ids=["metered-model-distribution"])]
    assert u.status == "unknown" and "declare cost_per_gb on link 'phone-cloud'" in u.message
