"""For every catalog entry: a small design that shows it and a close one that does not.

Each case is a pair of functions that declare components inside a System block; the tests build
them and run the entry's detector. Keep each pair minimal and the negative one a near miss.
"""

from __future__ import annotations

from typing import Callable

from archkit import Component, Flow, Link, Model, Node, connect

Declare = Callable[[], object]
CASES: dict[str, tuple[Declare, Declare]] = {}


def case(entry_id: str) -> Callable[[Declare], Declare]:
    """Register the positive declaration (function named pos_*) or the negative one (neg_*)."""

    def wrap(fn: Declare) -> Declare:
        pos, neg = CASES.get(entry_id, (None, None))
        if fn.__name__.startswith("pos"):
            pos = fn
        else:
            neg = fn
        CASES[entry_id] = (pos, neg)  # type: ignore[assignment]
        return fn

    return wrap


def phone_cloud():
    phone = Node("phone", kind="mobile")
    cloud = Node("cloud", kind="cloud")
    Link(phone, cloud, medium="cellular", bandwidth="10 Mbit/s", latency="50 ms")
    return phone, cloud


# -- serving -------------------------------------------------------------------------------------
def _stateless(stateless, replicas):
    phone, cloud = phone_cloud()
    app = Component("app", kind="business_logic", node=phone)
    m = Model("m", node=cloud, task="t", stateless=stateless, replicas=replicas)
    connect(app, m, "sync_call")


@case("stateless-serving-function")
def pos_stateless():
    _stateless(True, 3)


@case("stateless-serving-function")
def neg_stateless():
    _stateless(False, 3)


def _batch(job_kind):
    src = Component("inputs", kind="datastore")
    out = Component("predictions", kind="datastore")
    job = Component("nightly", kind=job_kind)
    m = Model("m", task="t")
    connect(job, src, "batch_transfer", op="read")
    connect(job, m, "sync_call")
    connect(job, out, "batch_transfer", op="write")


@case("batch-serving")
def pos_batch():
    _batch("batch_job")


@case("batch-serving")
def neg_batch():
    _batch("business_logic")


def _table(reader_kind):
    table = Component("table", kind="datastore")
    job = Component("job", kind="batch_job")
    m = Model("m", task="t")
    r = Component("api", kind=reader_kind)
    connect(job, m, "sync_call")
    connect(job, table, "batch_transfer", op="write")
    connect(r, table, "sync_call", op="read")


@case("precomputed-prediction-serving")
def pos_precomputed():
    _table("business_logic")


@case("precomputed-prediction-serving")
def neg_precomputed():
    _table("batch_job")


def _cascade(conditional, small_node="phone", large_node="cloud"):
    phone, cloud = phone_cloud()
    app = Component("app", kind="business_logic", node=phone)
    small = Model("small", task="wake word", node=small_node)
    large = Model("large", task="speech recognition", node=large_node)
    spot = connect(app, small, "sync_call")
    send = connect(app, large, "sync_call", conditional=conditional)
    Flow("command", steps=[spot, send])


@case("cascade")
def pos_cascade():
    _cascade(True, "cloud", "cloud")


@case("cascade")
def neg_cascade():
    _cascade(False, "cloud", "cloud")


@case("two-phase-prediction")
def pos_two_phase():
    _cascade(True)


@case("two-phase-prediction")
def neg_two_phase():
    _cascade(True, "cloud", "cloud")


def _multi(async_kind):
    app = Component("app", kind="business_logic")
    fast = Model("fast", task="rank")
    slow = Model("slow", task="rank")
    q = Component("jobs", kind="queue")
    connect(app, fast, "sync_call")
    connect(app, q, async_kind)
    connect(q, slow, "async_message")


@case("multi-stage-prediction")
def pos_multi():
    _multi("async_message")


@case("multi-stage-prediction")
def neg_multi():
    app = Component("app", kind="business_logic")
    fast = Model("fast", task="rank")
    slow = Model("slow", task="rank")
    connect(app, fast, "sync_call")
    connect(app, slow, "sync_call")


@case("asynchronous-serving")
def pos_async():
    app = Component("app", kind="business_logic")
    m = Model("m", task="t")
    connect(app, m, "async_message")


@case("asynchronous-serving")
def neg_async():
    app = Component("app", kind="business_logic")
    m = Model("m", task="t")
    connect(app, m, "sync_call")


def _pcache(reader):
    c = Component("cache", kind="cache")
    m = Model("m", task="t")
    app = Component("app", kind="business_logic")
    connect(m, c, "async_message", op="write")
    if reader:
        connect(app, c, "sync_call", op="read")
    connect(app, m, "sync_call")


@case("prediction-cache")
def pos_pcache():
    _pcache(True)


@case("prediction-cache")
def neg_pcache():
    _pcache(False)


def _dcache(store_kind):
    db = Component("db", kind=store_kind)
    c = Component("cache", kind="cache")
    m = Model("m", task="t")
    connect(c, db, "sync_call", op="read")
    connect(m, c, "sync_call", op="read")


@case("data-cache")
def pos_dcache():
    _dcache("datastore")


@case("data-cache")
def neg_dcache():
    _dcache("business_logic")


def _prep(kind):
    f = Component("encoder", kind="feature_encoder")
    m = Model("m", task="t")
    connect(f, m, kind)


@case("prep-pred-separation")
def pos_prep():
    _prep("sync_call")


@case("prep-pred-separation")
def neg_prep():
    _prep("in_process")


def _breaker(props):
    g = Component("gw", kind="gateway", properties=props)
    m = Model("m", task="t")
    fb = Component("defaults", kind="business_logic")
    connect(g, m, "sync_call")
    connect(g, fb, "sync_call", conditional=True)


@case("prediction-circuit-breaker")
def pos_breaker():
    _breaker({"rate_limit": "100 /s"})


@case("prediction-circuit-breaker")
def neg_breaker():
    _breaker({})


# -- placement -------------------------------------------------------------------------------------
def _client_model(update_channel, telemetry=False):
    phone, cloud = phone_cloud()
    m = Model("m", task="t", node=phone)
    reg = Component("registry", kind="model_registry", node=cloud)
    if update_channel:
        connect(reg, m, "batch_transfer", purpose="model_artifact")
    if telemetry:
        tel = Component("tel", kind="telemetry", node=cloud)
        connect(m, tel, "async_message", purpose="telemetry")


@case("static-intelligence")
def pos_static():
    _client_model(False)


@case("static-intelligence")
def neg_static():
    _client_model(True)


@case("client-side-intelligence")
def pos_client():
    _client_model(True)


@case("client-side-intelligence")
def neg_client():
    _client_model(False)


@case("server-centric-intelligence")
def pos_server():
    phone, cloud = phone_cloud()
    app = Component("app", kind="ui", node=phone)
    m = Model("m", task="t", node=cloud)
    connect(app, m, "sync_call")


@case("server-centric-intelligence")
def neg_server():
    phone, cloud = phone_cloud()
    app = Component("app", kind="ui", node=phone)
    m = Model("m", task="t", node=phone)
    connect(app, m, "sync_call")


def _backend_cache(table_node):
    phone, cloud = phone_cloud()
    table = Component("table", kind="datastore", node=table_node)
    job = Component("job", kind="batch_job", node=cloud)
    m = Model("m", task="t", node=cloud)
    app = Component("app", kind="ui", node=phone)
    connect(job, m, "sync_call")
    connect(job, table, "batch_transfer", op="write")
    connect(app, table, "sync_call", op="read")


@case("backend-cached-intelligence")
def pos_backend():
    _backend_cache("phone")


@case("backend-cached-intelligence")
def neg_backend():
    phone, cloud = phone_cloud()
    table = Component("table", kind="datastore", node=phone)
    m = Model("m", task="t", node=phone)
    app = Component("app", kind="ui", node=phone)
    connect(m, table, "async_message", op="write")
    connect(app, table, "sync_call", op="read")


@case("hybrid-intelligence")
def pos_hybrid():
    phone, cloud = phone_cloud()
    Model("local", task="t", node=phone)
    Model("remote", task="t", node=cloud)


@case("hybrid-intelligence")
def neg_hybrid():
    phone, cloud = phone_cloud()
    Model("local", task="t", node=phone)
    Model("remote", task="u", node=cloud)


# -- composition -------------------------------------------------------------------------------------
def _ensemble(props, tasks=("t", "t")):
    agg = Component("vote", kind="business_logic", properties=props)
    a = Model("a", task=tasks[0])
    b = Model("b", task=tasks[1])
    connect(agg, a, "sync_call")
    connect(agg, b, "sync_call")


@case("ensemble")
def pos_ensemble():
    _ensemble({"aggregation": "vote"})


@case("ensemble")
def neg_ensemble():
    _ensemble({"aggregation": "vote"}, ("t", "u"))


def _stack(meta_kind):
    a = Model("a", task="t")
    b = Model("b", task="t")
    meta = Component("meta", kind=meta_kind) if meta_kind != "model" else Model("meta", task="t")
    connect(a, meta, "async_message")
    connect(b, meta, "async_message")


@case("metamodel-stacking")
def pos_stack():
    _stack("model")


@case("metamodel-stacking")
def neg_stack():
    _stack("business_logic")


def _seq(tasks, conditional=False):
    app = Component("app", kind="business_logic")
    ocr = Model("ocr", task=tasks[0])
    mt = Model("mt", task=tasks[1])
    read = connect(app, ocr, "sync_call")
    translate = connect(app, mt, "sync_call", conditional=conditional)
    Flow("use", steps=[read, translate])


@case("sequential-decomposition")
def pos_seq():
    _seq(("ocr", "translation"))


@case("sequential-decomposition")
def neg_seq():
    _seq(("ocr", "translation"), conditional=True)


def _rag(props):
    idx = Component("docs", kind="datastore", properties=props)
    b = Component("prompt_builder", kind="business_logic")
    m = Model("llm", task="text generation")
    connect(b, idx, "sync_call", op="read")
    connect(b, m, "sync_call")


@case("retrieval-augmented-generation")
def pos_rag():
    _rag({"index": "vector"})


@case("retrieval-augmented-generation")
def neg_rag():
    _rag({})


# -- integration -------------------------------------------------------------------------------------
@case("separate-business-logic-from-model")
def pos_separate():
    ui = Component("ui", kind="ui")
    bl = Component("logic", kind="business_logic")
    m = Model("m", task="t")
    connect(ui, bl, "sync_call")
    connect(bl, m, "sync_call")


@case("separate-business-logic-from-model")
def neg_separate():
    ui = Component("ui", kind="ui")
    m = Model("m", task="t")
    connect(ui, m, "sync_call")


@case("rule-based-safeguard")
def pos_safeguard():
    m = Model("m", task="t")
    s = Component("limits", kind="safeguard")
    ui = Component("ui", kind="ui")
    connect(m, s, "sync_call")
    connect(s, ui, "sync_call")


@case("rule-based-safeguard")
def neg_safeguard():
    m = Model("m", task="t")
    s = Component("limits", kind="business_logic")
    connect(m, s, "sync_call")


def _param(purpose):
    ops = Component("ops_console", kind="business_logic")
    m = Model("m", task="t")
    connect(ops, m, "async_message", purpose=purpose)


@case("parameter-based-serving")
def pos_param():
    _param("control")


@case("parameter-based-serving")
def neg_param():
    _param("serving")


def _gateway(bypass):
    ui = Component("ui", kind="ui")
    g = Component("gw", kind="gateway")
    m = Model("m", task="t")
    connect(ui, g, "sync_call")
    connect(g, m, "sync_call")
    if bypass:
        connect(ui, m, "sync_call")


@case("ml-gateway-routing")
def pos_gateway():
    _gateway(False)


@case("ml-gateway-routing")
def neg_gateway():
    _gateway(True)


def _services(kind):
    app = Component("app", kind="business_logic")
    a = Model("a", task="t")
    b = Model("b", task="u")
    connect(app, a, kind)
    connect(app, b, "sync_call")


@case("microservice-per-model")
def pos_micro():
    _services("sync_call")


@case("microservice-per-model")
def neg_micro():
    _services("in_process")


# -- training -------------------------------------------------------------------------------------
def _training(shared: bool, store: bool = False):
    raw = Component("raw", kind="datastore")
    enc = Component("encoder", kind="feature_encoder")
    enc2 = enc if shared else Component("encoder_serving", kind="feature_encoder")
    t = Component("trainer", kind="training_pipeline")
    m = Model("m", task="t")
    connect(raw, enc, "batch_transfer", purpose="training")
    connect(enc, t, "batch_transfer", purpose="training")
    connect(t, m, "batch_transfer", purpose="model_artifact")
    connect(enc2, m, "sync_call")


@case("shared-feature-encoding")
def pos_shared():
    _training(True)


@case("shared-feature-encoding")
def neg_shared():
    _training(False)


def _fs(read_by_serving):
    pipe = Component("feature_job", kind="batch_job")
    fs = Component("features", kind="feature_store")
    t = Component("trainer", kind="training_pipeline")
    m = Model("m", task="t")
    connect(pipe, fs, "batch_transfer", op="write")
    connect(t, fs, "batch_transfer", op="read", purpose="training")
    connect(t, m, "batch_transfer", purpose="model_artifact")
    if read_by_serving:
        connect(m, fs, "sync_call", op="read")


@case("feature-store")
def pos_fs():
    _fs(True)


@case("feature-store")
def neg_fs():
    _fs(False)


def _decouple(same_node):
    phone, cloud = phone_cloud()
    gpu = Node("gpu", kind="cloud")
    Link(gpu, cloud, medium="lan", bandwidth="1 Gbit/s", latency="1 ms")
    t = Component("trainer", kind="training_pipeline", node=cloud if same_node else gpu)
    m = Model("m", task="t", node=cloud)
    connect(t, m, "batch_transfer", purpose="model_artifact")


@case("decouple-training-from-serving")
def pos_decouple():
    _decouple(False)


@case("decouple-training-from-serving")
def neg_decouple():
    _decouple(True)


def _workflow(steps):
    prev = Component("ingest", kind="batch_job")
    for name in steps:
        nxt = Component(name, kind="batch_job")
        connect(prev, nxt, "batch_transfer", purpose="training")
        prev = nxt
    t = Component("train", kind="training_pipeline")
    connect(prev, t, "batch_transfer", purpose="training")


@case("workflow-pipeline")
def pos_workflow():
    _workflow(["validate", "transform"])


@case("workflow-pipeline")
def neg_workflow():
    _workflow([])


# -- operations -------------------------------------------------------------------------------------
def _logging(tel, feedback=False, status=None):
    app = Component("app", kind="business_logic")
    m = Model("m", task="t", status=status, owner="team", version="1", intended_use="demo")
    connect(app, m, "sync_call")
    if tel:
        t = Component("telemetry", kind="telemetry")
        connect(app, t, "async_message", purpose="telemetry")
        if feedback:
            ui = Component("ui", kind="ui")
            connect(ui, t, "async_message", purpose="feedback")


@case("prediction-logging")
def pos_logging():
    _logging(True)


@case("prediction-logging")
def neg_logging():
    _logging(False)


@case("continued-model-evaluation")
def pos_eval():
    _logging(True, feedback=True)


@case("continued-model-evaluation")
def neg_eval():
    _logging(True, feedback=False)


def _loop(declared):
    ui = Component("ui", kind="ui")
    m = Model("m", task="t", properties={"feedback_loop": "holdout 5%"} if declared else {})
    log = Component("clicks", kind="datastore")
    t = Component("trainer", kind="training_pipeline")
    connect(ui, m, "sync_call")
    connect(ui, log, "async_message", purpose="telemetry")
    connect(t, log, "batch_transfer", op="read", purpose="training")
    connect(t, m, "batch_transfer", purpose="model_artifact")


def _no_loop():
    ui = Component("ui", kind="ui")
    m = Model("m", task="t")
    log = Component("curated", kind="datastore")
    t = Component("trainer", kind="training_pipeline")
    connect(ui, m, "sync_call")
    connect(t, log, "batch_transfer", op="read", purpose="training")
    connect(t, m, "batch_transfer", purpose="model_artifact")


@case("closed-loop-intelligence")
def pos_closed():
    _loop(True)


@case("closed-loop-intelligence")
def neg_closed():
    _no_loop()


def _versioned(version):
    reg = Component("registry", kind="model_registry")
    m = Model("m", task="t", version=version)
    connect(reg, m, "batch_transfer", purpose="model_artifact")


@case("model-versioning")
def pos_version():
    _versioned("2.1")


@case("model-versioning")
def neg_version():
    _versioned(None)


def _two_versions(cand_props, kind="async_message", share=None):
    app = Component("app", kind="business_logic")
    live = Model("live", task="t", version="1")
    cand = Model("candidate", task="t", version="2", **cand_props)
    t = Component("telemetry", kind="telemetry")
    connect(app, live, "sync_call")
    connect(app, cand, kind, share=share)
    connect(cand, t, "async_message", purpose="telemetry")


@case("shadow-deployment")
def pos_shadow():
    _two_versions({"properties": {"shadow": True}})


@case("shadow-deployment")
def neg_shadow():
    _two_versions({}, kind="sync_call")


@case("canary-release")
def pos_canary():
    _two_versions({}, kind="sync_call", share=0.05)


@case("canary-release")
def neg_canary():
    _two_versions({}, kind="sync_call")


def _handshake(src_kind):
    src = Component("vendor_feed", kind=src_kind)
    v = Component("validate", kind="safeguard")
    m = Model("m", task="t", owner="ml")
    connect(src, v, "stream")
    connect(v, m, "stream")


@case("input-validation-handshake")
def pos_handshake():
    _handshake("external")


@case("input-validation-handshake")
def neg_handshake():
    src = Component("vendor_feed", kind="external")
    m = Model("m", task="t", owner="ml")
    connect(src, m, "stream")


# -- data -------------------------------------------------------------------------------------
def _lake(role):
    lake = Component("lake", kind="datastore", properties={"role": role})
    for s in ("clicks", "orders"):
        connect(Component(s, kind="business_logic"), lake, "batch_transfer", op="write")
    for r in ("analytics", "trainer"):
        connect(Component(r, kind="batch_job"), lake, "batch_transfer", op="read")


@case("data-lake")
def pos_lake():
    _lake("lake")


@case("data-lake")
def neg_lake():
    _lake("warehouse")


def _federated(local_node):
    phone, cloud = phone_cloud()
    local = Component("local_trainer", kind="training_pipeline", node=local_node)
    agg = Component("aggregator", kind="x-aggregator", node=cloud)
    m = Model("m", task="t", node=phone)
    connect(local, agg, "batch_transfer", purpose="training")
    connect(agg, m, "batch_transfer", purpose="model_artifact")


@case("federated-learning")
def pos_federated():
    _federated("phone")


@case("federated-learning")
def neg_federated():
    _federated("cloud")


# -- anti-patterns -------------------------------------------------------------------------------------
def _consumers(declared):
    m = Model("m", task="t")
    log = Component("prediction_log", kind="datastore")
    other = Component("pricing", kind="business_logic")
    connect(m, log, "async_message", op="write", consumers=["pricing"] if declared else [])
    connect(other, log, "sync_call", op="read")


@case("undeclared-consumers")
def pos_consumers():
    _consumers(False)


@case("undeclared-consumers")
def neg_consumers():
    _consumers(True)


def _glue(n):
    m = Model("m", task="t")
    for i in range(n):
        a = Component(f"adapter{i}", kind="business_logic", properties={"role": "adapter"})
        connect(a, m, "in_process")


@case("glue-code")
def pos_glue():
    _glue(2)


@case("glue-code")
def neg_glue():
    _glue(1)


def _jungle(n_sources):
    t = Component("trainer", kind="training_pipeline")
    m = Model("m", task="t")
    connect(t, m, "batch_transfer", purpose="model_artifact")
    join1 = Component("join1", kind="batch_job")
    join2 = Component("join2", kind="batch_job")
    tmp = [Component(f"tmp{i}", kind="datastore") for i in range(3)]
    for i in range(n_sources):
        s = Component(f"scrape{i}", kind="external")
        connect(s, join1 if i % 2 == 0 else join2, "batch_transfer", purpose="training")
    connect(join1, tmp[0], "batch_transfer", purpose="training", op="write")
    connect(join2, tmp[1], "batch_transfer", purpose="training", op="write")
    connect(tmp[0], tmp[2], "batch_transfer", purpose="training")
    connect(tmp[1], tmp[2], "batch_transfer", purpose="training")
    connect(tmp[2], t, "batch_transfer", purpose="training")


@case("pipeline-jungles")
def pos_jungle():
    _jungle(4)


@case("pipeline-jungles")
def neg_jungle():
    _jungle(2)


@case("dead-experimental-code-paths")
def pos_dead():
    app = Component("app", kind="business_logic")
    old = Model("old_ranker", task="rank", status="experimental", owner="ml")
    connect(app, old, "sync_call", properties={"weight": 0})


@case("dead-experimental-code-paths")
def neg_dead():
    app = Component("app", kind="business_logic")
    new = Model("new_ranker", task="rank", status="experimental", owner="ml")
    connect(app, new, "sync_call", share=0.1)


@case("big-ass-script-architecture")
def pos_bas():
    Component("do_everything", kind="batch_job", properties={"responsibilities": ["ingest", "clean", "train", "report"]})


@case("big-ass-script-architecture")
def neg_bas():
    Component("ingest_job", kind="batch_job", properties={"responsibilities": ["ingest", "clean"]})


def _langs(langs):
    m = Model("m", task="t", language=langs[0])
    enc = Component("encoder", kind="feature_encoder", language=langs[1])
    t = Component("trainer", kind="training_pipeline", language=langs[2])
    connect(enc, m, "sync_call")
    connect(t, m, "batch_transfer", purpose="model_artifact")


@case("multiple-language-smell")
def pos_langs():
    _langs(["c++", "java", "r"])


@case("multiple-language-smell")
def neg_langs():
    _langs(["python", "python", "python"])


def _pod(outputs):
    app = Component("app", kind="business_logic")
    m = Model("m", task="t", outputs=outputs)
    connect(app, m, "sync_call")


@case("plain-old-datatype-smell")
def pos_pod():
    _pod([{"name": "y", "type": "float"}])


@case("plain-old-datatype-smell")
def neg_pod():
    _pod([{"name": "fraud_probability", "type": "float", "unit": "probability", "meaning": "P(fraud) for the order"}])


@case("prototype-smell")
def pos_proto():
    Model("m", task="t", origin="notebook", status="production")


@case("prototype-smell")
def neg_proto():
    Model("m", task="t", origin="engineered", status="production")


def _correction(tasks):
    app = Component("app", kind="business_logic")
    a = Model("base_model", task=tasks[0])
    b = Model("fixup", task=tasks[1])
    connect(a, b, "sync_call")
    connect(app, a, "sync_call")


@case("correction-cascade")
def pos_correction():
    _correction(("eta", "eta"))


@case("correction-cascade")
def neg_correction():
    _correction(("ocr", "translation"))


@case("hidden-feedback-loop")
def pos_feedback():
    _loop(False)


@case("hidden-feedback-loop")
def neg_feedback():
    _loop(True)


def _unstable(pinned):
    src = Component("weather_api", kind="external")
    m = Model("m", task="t")
    connect(src, m, "stream", properties={"version_pin": "v3"} if pinned else {})


@case("unstable-data-dependency")
def pos_unstable():
    _unstable(False)


@case("unstable-data-dependency")
def neg_unstable():
    _unstable(True)


@case("training-serving-skew")
def pos_skew():
    _training(False)


@case("training-serving-skew")
def neg_skew():
    _training(True)


def _host(n):
    app = Component("app", kind="business_logic")
    for i in range(n):
        connect(app, Model(f"m{i}", task="t"), "in_process")


@case("all-in-one")
def pos_allinone():
    _host(2)


@case("all-in-one")
def neg_allinone():
    _host(1)


@case("no-logging")
def pos_nolog():
    _logging(False)


@case("no-logging")
def neg_nolog():
    _logging(True)


def _offline_eval(feedback):
    ui = Component("ui", kind="ui")
    m = Model("m", task="t")
    t = Component("trainer", kind="training_pipeline")
    labels = Component("labels", kind="datastore")
    connect(ui, m, "sync_call")
    connect(t, labels, "batch_transfer", op="read", purpose="training")
    connect(t, m, "batch_transfer", purpose="model_artifact")
    if feedback:
        connect(ui, labels, "async_message", purpose="feedback")


@case("offline-only-evaluation")
def pos_offline_eval():
    _offline_eval(False)


@case("offline-only-evaluation")
def neg_offline_eval():
    _offline_eval(True)


@case("nobody-knows")
def pos_nobody():
    Model("m", task="t")


@case("nobody-knows")
def neg_nobody():
    Model("m", task="t", owner="ml-team", version="1.2", intended_use="sorting parcels")


@case("training-code-in-serving")
def pos_train_in_serving():
    _decouple(True)


@case("training-code-in-serving")
def neg_train_in_serving():
    _decouple(False)


# -- deployment-fit checks -------------------------------------------------------------------------------
def _offline(intermittent):
    phone, cloud = phone_cloud_links(intermittent)
    app = Component("app", kind="business_logic", node=phone)
    m = Model("m", task="t", node=cloud)
    step = connect(app, m, "sync_call")
    Flow("use", steps=[step], offline=True)


def phone_cloud_links(intermittent):
    phone = Node("phone", kind="mobile")
    cloud = Node("cloud", kind="cloud")
    Link(phone, cloud, medium="cellular", bandwidth="10 Mbit/s", latency="50 ms", intermittent=intermittent)
    return phone, cloud


@case("offline-operation")
def pos_offline():
    _offline(True)


@case("offline-operation")
def neg_offline():
    _offline(False)


def _cadence(period, channel=False):
    phone, cloud = phone_cloud()
    m = Model("m", task="t", node=phone, update_period=period)
    if channel:
        reg = Component("registry", kind="model_registry", node=cloud)
        connect(reg, m, "batch_transfer", purpose="model_artifact")


@case("update-cadence")
def pos_cadence():
    _cadence("1 d")


@case("update-cadence")
def neg_cadence():
    _cadence("1 d", channel=True)


def _spof(replicas):
    phone, cloud = phone_cloud()
    app = Component("app", kind="business_logic", node=phone)
    gw = Component("gateway", kind="gateway", node=cloud, replicas=replicas)
    step = connect(app, gw, "sync_call")
    Flow("use", steps=[step])


@case("single-point-of-failure")
def pos_spof():
    _spof(1)


@case("single-point-of-failure")
def neg_spof():
    _spof(3)


def _privacy(sensitivity):
    phone, cloud = phone_cloud()
    cam = Component("camera", kind="sensor", node=phone, data_sensitivity=sensitivity)
    m = Model("m", task="t", node=cloud)
    connect(cam, m, "stream")


@case("privacy-locality")
def pos_privacy():
    _privacy("personal")


@case("privacy-locality")
def neg_privacy():
    _privacy("public")


def _ip(flag):
    phone, cloud = phone_cloud()
    Model("m", task="t", node=phone, ip_sensitive=flag)


@case("model-ip-exposure")
def pos_ip():
    _ip(True)


@case("model-ip-exposure")
def neg_ip():
    _ip(False)


def _latency(budget):
    phone = Node("phone", kind="mobile")
    cloud = Node("cloud", kind="cloud")
    Link(phone, cloud, medium="cellular", bandwidth="10 Mbit/s", latency="50 ms")
    app = Component("app", kind="business_logic", node=phone, processing_time="1 ms")
    m = Model("m", task="t", node=cloud, inference_time={"cloud": "5 ms"}, replicas=2)
    step = connect(app, m, "sync_call", request_size="1 kB", response_size="1 kB", rate="1 /s")
    Flow("use", steps=[step], rate="1 /s", latency_budget=budget)


@case("latency-budget")
def pos_latency():
    _latency("20 ms")


@case("latency-budget")
def neg_latency():
    _latency("1 s")


def _link(size):
    glasses = Node("glasses", kind="wearable")
    phone = Node("phone", kind="mobile")
    Link(glasses, phone, medium="bluetooth", bandwidth="3 Mbit/s", latency="40 ms")
    cam = Component("camera", kind="sensor", node=glasses)
    ocr = Model("ocr", task="ocr", node=phone)
    connect(cam, ocr, "stream", request_size=size, rate="30 /s")


@case("link-capacity")
def pos_link():
    _link("2.7648 MB")


@case("link-capacity")
def neg_link():
    _link("1 kB")


def _capacity(users):
    from archkit import current_system

    current_system().fields["users"] = users  # requests at the cloud: users x 1 /s, each taking 50 ms
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=2, cpu_cores=8)
    Link(phone, cloud, medium="wifi", bandwidth="50 Mbit/s", latency="10 ms")
    app = Component("app", kind="ui", node=phone)
    m = Model("m", task="t", node=cloud, replicas=2, cpus=1, inference_time={"cloud": "50 ms"})
    connect(app, m, "sync_call", request_size="1 kB", rate="1 /s")


@case("capacity")
def pos_capacity():
    _capacity(1000)  # some 72 replicas needed, 2 declared


@case("capacity")
def neg_capacity():
    _capacity(10)  # 1 replica needed


def _fit(model_memory):
    glasses = Node("glasses", kind="wearable", memory="2 GB", storage="16 GB")
    Model("ocr", task="ocr", node=glasses, memory=model_memory, size="15 MB")


@case("resource-fit")
def pos_fit():
    _fit("3 GB")


@case("resource-fit")
def neg_fit():
    _fit("150 MB")


def _pushed(medium, cost):
    phones = Node("phones", kind="mobile", count=10_000)
    cloud = Node("cloud", kind="cloud")
    Link(phones, cloud, medium=medium, bandwidth="10 Mbit/s", latency="50 ms", **({"cost_per_gb": cost} if cost else {}))
    m = Model("m", task="t", node=phones, size="100 MB", update_period="7 d")
    reg = Component("registry", kind="model_registry", node=cloud)
    connect(reg, m, "batch_transfer", purpose="model_artifact")


@case("metered-model-distribution")
def pos_metered():
    _pushed("cellular", "10 USD/GB")


@case("metered-model-distribution")
def neg_metered():
    _pushed("wifi", None)


# -- documentation -------------------------------------------------------------------------------
def _documented(evaluation_data):
    phone = Node("phone", kind="mobile")
    Model("ocr", task="ocr", node=phone, accuracy={"character accuracy": "0.99"}, evaluation_data=evaluation_data,
          owner="vision", intended_use="signs", factors=["light"], metrics=["character accuracy"],
          training_data="public models", ethical_considerations=["faces in frames"], limitations=["handwriting"],
          domain="street signs", inputs=[{"name": "image", "type": "image/png"}], robustness=["blur"],
          test_conditions="one server core", contact="vision@example.org")


@case("model-documentation")
def pos_documentation():
    _documented(None)


@case("model-documentation")
def neg_documentation():
    _documented("1,000 rendered sign photos")
