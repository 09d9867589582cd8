"""Designs from the Mercari ML system design patterns (Shibui et al., mercari/ml-system-design-pattern,
2020-2021): their anti-patterns, and clean designs built the way their patterns describe."""

from __future__ import annotations

from archkit import Component, Flow, Link, Node, connect

from . import design
from ._kit import documented, logs, sink

MERCARI = "Shibui et al., Mercari ML system design patterns (mercari/ml-system-design-pattern, 2020-2021)"


def _phone_and_cloud(cloud_count: int = 2) -> tuple[Node, Node]:
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=cloud_count, memory="64 GB", cpu_cores=16)
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    return phone, cloud


@design("all-in-one-server", source=f"{MERCARI}, anti-pattern 'All-in-one pattern'",
        findings=["all-in-one@item_api"], patterns=["prediction-logging"],
        absent=["microservice-per-model", "ensemble", "sequential-decomposition"])
def all_in_one_server():
    """One API process loads three models for three different tasks."""
    api = Component("item_api", kind="business_logic", owner="listing", language="python")
    models = [documented("image_classifier", "item image classification", "listing-ml", language="python"),
              documented("title_classifier", "item title classification", "listing-ml", language="python"),
              documented("price_estimator", "price estimation", "listing-ml", language="python")]
    for m in models:
        connect(api, m, "in_process")
    logs(api, sink())


@design("web-single-no-logging", source=f"{MERCARI}, anti-pattern 'No logging' on a 'Web single pattern' service",
        findings=["no-logging@item_classifier"], patterns=["server-centric-intelligence"])
def web_single_no_logging():
    """A phone app calls a web service that wraps one model; nothing is logged anywhere."""
    phone, cloud = _phone_and_cloud()
    with phone:
        app = Component("app", kind="ui", owner="mobile")
    with cloud:
        api = Component("predict_api", kind="business_logic", owner="listing", replicas=2, stateless=True)
        model = documented("item_classifier", "item category classification", "listing-ml",
                           replicas=2, stateless=True)
    app >> api >> model


@design("nobody-knows", source=f"{MERCARI}, anti-pattern 'Nobody knows'",
        findings=["nobody-knows@similar_items"], patterns=["prediction-logging"])
def nobody_knows():
    """A model in production with no owner, no version and no stated use."""
    from archkit import Model

    api = Component("recs_api", kind="business_logic", owner="web")
    model = Model("similar_items", task="similar item retrieval")
    api >> model
    logs(api, sink())


@design("offline-only", source=f"{MERCARI}, anti-pattern 'Offline-only pattern'",
        findings=["offline-only-evaluation@demand_model"], patterns=["prediction-logging", "model-versioning"])
def offline_only():
    """Trained and released on offline metrics; production only logs latency, no outcome comes back."""
    trainer = Component("trainer", kind="training_pipeline", owner="supply-ml")
    registry = Component("registry", kind="model_registry", owner="supply-ml")
    model = documented("demand_model", "demand forecasting", "supply-ml")
    planner = Component("planner", kind="business_logic", owner="supply")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    planner >> model
    logs(planner, sink(), description="request latency only")


@design("training-in-serving", source=f"{MERCARI}, anti-pattern 'Training code in serving pattern'",
        findings=["training-code-in-serving@retrainer"], patterns=["continued-model-evaluation"],
        absent=["decouple-training-from-serving"])
def training_in_serving():
    """The serving machine also retrains the model and swaps it in memory."""
    phone, cloud = _phone_and_cloud()
    with phone:
        app = Component("app", kind="ui", owner="mobile")
    with cloud:
        api = Component("moderation_api", kind="business_logic", owner="trust", replicas=2)
        model = documented("spam_model", "listing spam detection", "trust-ml", replicas=2, stateless=True)
        retrainer = Component("retrainer", kind="training_pipeline", owner="trust-ml")
        labels = Component("labels", kind="datastore", owner="trust")
        tool = Component("review_tool", kind="ui", owner="trust", description="moderators label a random sample")
    app >> api >> model
    connect(retrainer, model, "in_process", purpose="model_artifact")
    connect(tool, labels, "async_message", purpose="feedback")
    connect(retrainer, labels, "batch_transfer", op="read", purpose="training")
    logs(api, sink())


@design("online-bigsize", source=f"{MERCARI}, anti-pattern 'Online bigsize pattern'",
        findings=["latency-budget@flow:search"], patterns=["server-centric-intelligence"])
def online_bigsize():
    """A large model answers a search that must return within 300 ms."""
    phone, cloud = _phone_and_cloud(cloud_count=4)
    with phone:
        app = Component("app", kind="ui", owner="mobile", processing_time="5 ms")
    with cloud:
        api = Component("search_api", kind="business_logic", owner="search", replicas=3, processing_time="5..10 ms")
        model = documented("semantic_ranker", "semantic search ranking", "search-ml", replicas=4, stateless=True,
                           inference_time={"cloud": "800..1500 ms"})
    a = (app >> api).set(request_size="2 kB", response_size="10 kB", rate="0.2 /s")
    b = (api >> model).set(request_size="2 kB", response_size="10 kB", rate="0.2 /s")
    Flow("search", steps=[a, b], latency_budget="300 ms")
    logs(api, sink())


@design("horizontal-ensemble", source=f"{MERCARI}, 'Microservice horizontal pattern'",
        patterns=["ensemble", "microservice-per-model", "prediction-logging"],
        absent=["metamodel-stacking", "sequential-decomposition", "cascade"])
def horizontal_ensemble():
    """A proxy asks three prohibited-item detectors in parallel and takes the majority vote."""
    app = Component("listing_api", kind="business_logic", owner="listing")
    proxy = Component("vote_proxy", kind="business_logic", owner="trust", properties={"aggregation": "majority vote"})
    task = "prohibited item detection"
    members = [documented("detector_cnn", task, "trust-ml", framework="pytorch"),
               documented("detector_gbdt", task, "trust-ml", framework="lightgbm"),
               documented("detector_text", task, "trust-ml", framework="transformers")]
    app >> proxy
    for m in members:
        proxy >> m
    logs(proxy, sink())


@design("vertical-microservices", source=f"{MERCARI}, 'Microservice vertical pattern'",
        patterns=["sequential-decomposition", "microservice-per-model", "prediction-logging"],
        absent=["ensemble", "metamodel-stacking", "cascade"])
def vertical_microservices():
    """Find the item in the photo, then classify the crop: two services called in order."""
    api = Component("listing_pipeline", kind="business_logic", owner="listing")
    detect = documented("object_detector", "object detection", "vision-ml", outputs=[
        {"name": "crop", "type": "image/jpeg", "meaning": "the main item, cut out"}])
    classify = documented("item_classifier", "item category classification", "vision-ml", inputs=[
        {"name": "crop", "type": "image/jpeg", "meaning": "the main item"}])
    a = api >> detect
    b = api >> classify
    Flow("classify_photo", steps=[a, b])
    logs(api, sink())


@design("prediction-cache", source=f"{MERCARI}, 'Prediction cache pattern'",
        patterns=["prediction-cache", "prediction-logging"])
def prediction_cache():
    """The proxy answers repeated requests from a cache and stores each fresh prediction in it."""
    proxy = Component("price_proxy", kind="business_logic", owner="listing")
    cache = Component("prediction_cache", kind="cache", owner="listing")
    model = documented("price_estimator", "price estimation", "pricing-ml")
    look = connect(proxy, cache, "sync_call", op="read")
    ask = connect(proxy, model, "sync_call", conditional=True, share=0.3)
    keep = connect(proxy, cache, "async_message", op="write")
    Flow("estimate", steps=[look, ask, keep])
    logs(proxy, sink())


@design("async-queue", source=f"{MERCARI}, 'Asynchronous pattern'",
        patterns=["asynchronous-serving", "prediction-logging"])
def async_queue():
    """Requests wait in a queue; a worker model writes results that the client polls."""
    app = Component("upload_api", kind="business_logic", owner="listing")
    queue = Component("requests", kind="queue", owner="listing")
    model = documented("image_moderation", "image moderation", "trust-ml")
    results = Component("results", kind="datastore", owner="listing")
    connect(app, queue, "async_message")
    connect(queue, model, "async_message")
    connect(model, results, "async_message", op="write", consumers=[app])
    connect(app, results, "sync_call", op="read")
    logs(model, sink())


@design("nightly-batch", source=f"{MERCARI}, 'Batch pattern'", patterns=["batch-serving", "prediction-logging"])
def nightly_batch():
    """A scheduled job scores yesterday's listings and writes the scores for the reporting job."""
    listings = Component("listings", kind="datastore", owner="listing")
    scores = Component("quality_scores", kind="datastore", owner="listing-ml")
    job = Component("nightly_scoring", kind="batch_job", owner="listing-ml")
    model = documented("listing_quality", "listing quality scoring", "listing-ml")
    report = Component("quality_report", kind="batch_job", owner="listing")
    connect(job, listings, "batch_transfer", op="read")
    connect(job, model, "sync_call")
    connect(job, scores, "batch_transfer", op="write", consumers=[report])
    connect(report, scores, "batch_transfer", op="read")
    logs(job, sink())


@design("shadow-ab", source=f"{MERCARI}, 'Shadow AB-testing pattern'",
        patterns=["shadow-deployment", "prediction-logging"], absent=["canary-release", "ensemble", "cascade"])
def shadow_ab():
    """The proxy answers with the live model and mirrors each request to a candidate that only logs."""
    proxy = Component("search_proxy", kind="business_logic", owner="search")
    live = documented("ranker", "search result ranking", "search-ml", version="3.2")
    candidate = documented("ranker_candidate", "search result ranking", "search-ml", version="3.3",
                           status="experimental")
    telemetry = sink()
    proxy >> live
    connect(proxy, candidate, "async_message")
    logs(candidate, telemetry)
    logs(proxy, telemetry)


@design("registry-canary", source=f"{MERCARI}, 'Online AB-testing pattern' with 'Model in image / Model load' releases",
        patterns=["canary-release", "model-versioning", "prediction-logging"],
        absent=["shadow-deployment", "ensemble", "cascade"])
def registry_canary():
    """The registry pushes both versions; the gateway sends 5 % of the traffic to the new one."""
    registry = Component("registry", kind="model_registry", owner="search-ml")
    gateway = Component("gateway", kind="gateway", owner="platform")
    v1 = documented("ranker_v1", "search result ranking", "search-ml", version="1.4")
    v2 = documented("ranker_v2", "search result ranking", "search-ml", version="2.0")
    connect(registry, v1, "batch_transfer", purpose="model_artifact")
    connect(registry, v2, "batch_transfer", purpose="model_artifact")
    connect(gateway, v1, "sync_call", share=0.95, conditional=True)
    connect(gateway, v2, "sync_call", share=0.05, conditional=True)
    logs(gateway, sink())


@design("conditional-cascade", source=f"{MERCARI}, 'Multiple stage prediction' read as a cascade (small model first, large model for uncertain cases)",
        patterns=["cascade", "prediction-logging"],
        absent=["canary-release", "ensemble", "sequential-decomposition", "shadow-deployment"])
def conditional_cascade():
    """A small model screens every image; the large one sees only the 10 % it is unsure about."""
    api = Component("moderation_api", kind="business_logic", owner="trust")
    small = documented("screen_small", "image moderation", "trust-ml", size="20 MB")
    large = documented("screen_large", "image moderation", "trust-ml", size="2 GB")
    a = api >> small
    b = connect(api, large, "sync_call", conditional=True, share=0.1)
    Flow("moderate", steps=[a, b])
    logs(api, sink())


@design("circuit-breaker", source=f"{MERCARI}, 'Prediction circuit break pattern'",
        patterns=["prediction-circuit-breaker", "ml-gateway-routing", "prediction-logging"])
def circuit_breaker():
    """The gateway limits the rate to the model and falls back to rules when the limit is hit."""
    app = Component("app_api", kind="business_logic", owner="web")
    gateway = Component("gateway", kind="gateway", owner="platform",
                        properties={"rate_limit": "500 /s", "circuit_breaker": "open after 50 % errors in 10 s"})
    model = documented("eta_model", "delivery time estimation", "logistics-ml")
    rules = Component("eta_rules", kind="business_logic", owner="logistics", description="distance-based estimate")
    app >> gateway
    gateway >> model
    connect(gateway, rules, "sync_call", conditional=True, share=0.05)
    logs(gateway, sink())


@design("multi-stage", source=f"{MERCARI}, 'Multiple stage prediction pattern'",
        patterns=["multi-stage-prediction", "asynchronous-serving", "prediction-logging"],
        absent=["ensemble", "cascade", "sequential-decomposition"])
def multi_stage():
    """A light ranker answers at once; a heavy one re-ranks the same query later for the app to pick up."""
    api = Component("search_api", kind="business_logic", owner="search")
    light = documented("light_ranker", "search result ranking", "search-ml")
    heavy = documented("heavy_ranker", "search result ranking", "search-ml")
    queue = Component("rerank_requests", kind="queue", owner="search")
    better = Component("reranked", kind="datastore", owner="search")
    app = Component("app", kind="ui", owner="mobile")
    app >> api
    api >> light
    connect(api, queue, "async_message")
    connect(queue, heavy, "async_message")
    connect(heavy, better, "async_message", op="write", consumers=[app])
    connect(app, better, "sync_call", op="read")
    telemetry = sink()
    logs(api, telemetry)
    logs(heavy, telemetry)
