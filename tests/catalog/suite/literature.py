"""Designs from the other sources of the catalog's research notes: Kaestner's book, Washizaki et al.
(2019 draft, 2022 IEEE Computer) and Lakshmanan, Robinson and Munn 2020, 'Machine Learning Design
Patterns' (O'Reilly)."""

from __future__ import annotations

from archkit import Component, Flow, Link, Node, connect

from . import design
from ._kit import documented, logs, sink

BOOK = "Kaestner, 'Machine Learning in Production' (book)"
WASHIZAKI19 = "Washizaki et al. 2019, 'Machine Learning Architecture and Design Patterns' (draft)"
WASHIZAKI22 = "Washizaki et al. 2022, 'Software-Engineering Design Patterns for Machine Learning Applications', IEEE Computer 55(3)"
LAKSHMANAN = "Lakshmanan, Robinson, Munn 2020, 'Machine Learning Design Patterns', O'Reilly"


@design("gateway-spof", source=f"{BOOK}, ch. 12 'Scaling the system' (an API gateway is a possible single point of failure); "
        f"{WASHIZAKI22}, P3 'ML gateway routing architecture'",
        findings=["single-point-of-failure@ml_gateway"], patterns=["ml-gateway-routing", "server-centric-intelligence"])
def gateway_spof():
    """Every prediction request passes one gateway instance."""
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=4, memory="64 GB", cpu_cores=16)
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    with phone:
        app = Component("shop_app", kind="ui", owner="shop")
    with cloud:
        gateway = Component("ml_gateway", kind="gateway", owner="platform", replicas=1)
        model = documented("recommender", "item recommendation", "rec-ml", replicas=3, stateless=True)
        telemetry = sink(replicas=2)
    a = (app >> gateway).set(request_size="1 kB", response_size="5 kB", rate="1 /min")
    b = (gateway >> model).set(request_size="1 kB", response_size="5 kB", rate="1 /min")
    logs(gateway, telemetry)
    Flow("recommend", steps=[a, b])


@design("watch-heart-rate", source=f"{BOOK}, ch. 10 'Deploying a model' (server-side inference sends the inputs off the device)",
        findings=["privacy-locality@connector:health_app->arrhythmia_model"],
        patterns=["server-centric-intelligence"])
def watch_heart_rate():
    """A watch streams heart-rate data through the phone to a cloud model that detects arrhythmia."""
    watch = Node("watch", kind="wearable", per_user=1)
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=4)
    Link(watch, phone, medium="bluetooth", bandwidth="1 Mbit/s", latency="20..100 ms")
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    with watch:
        sensor = Component("heart_sensor", kind="sensor", data_sensitivity="sensitive")
    with phone:
        app = Component("health_app", kind="ui", owner="health")
    with cloud:
        model = documented("arrhythmia_model", "arrhythmia detection", "health-ml", replicas=3, stateless=True)
        telemetry = sink(replicas=2)
    beat = connect(sensor, app, "stream", request_size="200 B", rate="1 /s", data_sensitivity="sensitive")
    check = (app >> model).set(request_size="20 kB", response_size="100 B", rate="1 /min",
                               data_sensitivity="sensitive")
    logs(model, telemetry)
    Flow("check", steps=[beat, check])


@design("weather-handshake", source=f"{WASHIZAKI19}, 'Handshake (hand buzzer)'",
        patterns=["input-validation-handshake", "prediction-logging"])
def weather_handshake():
    """An outside weather feed is checked against its contract before the demand model uses it."""
    feed = Component("weather_feed", kind="external", description="a commercial weather service")
    check = Component("weather_contract", kind="safeguard", owner="energy-ml",
                      description="schema, ranges and freshness of each delivery; alerts on violation")
    model = documented("load_forecast", "electricity load forecasting", "energy-ml")
    planner = Component("grid_planner", kind="business_logic", owner="grid")
    connect(feed, check, "batch_transfer")
    connect(check, model, "async_message")
    planner >> model
    logs(model, sink())


@design("federated-keyboard", source=f"{WASHIZAKI22}, P12 'Federated learning'",
        patterns=["federated-learning", "client-side-intelligence"])
def federated_keyboard():
    """Phones train on their own typing and send only model updates; merged models come back over Wi-Fi."""
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=2)
    Link(phone, cloud, medium="wifi", bandwidth="10..50 Mbit/s", latency="10..50 ms")
    with phone:
        keyboard = Component("keyboard", kind="ui", owner="keyboard")
        model = documented("next_word", "next word prediction", "keyboard-ml", size="10 MB", update_period="7 d",
                           ip_sensitive=False,
                           feedback_loop="words the keyboard suggested are not learned; only what the user typed is")
        local = Component("local_training", kind="training_pipeline", owner="keyboard-ml")
    with cloud:
        merge = Component("aggregator", kind="training_pipeline", owner="keyboard-ml")
        telemetry = sink()
    keyboard >> model
    connect(keyboard, local, "async_message", purpose="feedback", description="which suggestions were taken")
    connect(local, merge, "async_message", purpose="training", data_sensitivity="internal",
            request_size="1 MB", rate="1 /day", description="clipped weight updates")
    connect(merge, model, "batch_transfer", purpose="model_artifact", request_size="10 MB", rate="1 /week")
    logs(keyboard, telemetry, request_size="1 kB", rate="1 /h")


@design("data-lake", source=f"{WASHIZAKI22}, P7 'Data lake'", patterns=["data-lake"])
def data_lake():
    """Raw events from the app and from devices land in one lake that analysts and reports read."""
    app = Component("app_events", kind="external", description="clickstream collector")
    devices = Component("device_ingest", kind="batch_job", owner="data-platform")
    lake = Component("lake", kind="datastore", owner="data-platform", properties={"role": "lake"})
    analytics = Component("analytics", kind="batch_job", owner="analytics")
    reports = Component("reports", kind="batch_job", owner="finance")
    connect(app, lake, "stream", op="write")
    connect(devices, lake, "batch_transfer", op="write")
    connect(analytics, lake, "batch_transfer", op="read")
    connect(reports, lake, "batch_transfer", op="read")


@design("continued-evaluation", source=f"{LAKSHMANAN}, #18 'Continued model evaluation'",
        patterns=["continued-model-evaluation", "prediction-logging", "model-versioning"])
def continued_evaluation():
    """Predictions are logged with a key; ground truth arrives later and is joined to them for evaluation."""
    api = Component("claims_api", kind="business_logic", owner="claims")
    model = documented("claim_triage", "insurance claim triage", "claims-ml")
    log = Component("prediction_log", kind="telemetry", owner="claims-ml")
    truth = Component("adjuster_decisions", kind="datastore", owner="claims")
    adjusters = Component("adjuster_tool", kind="ui", owner="claims")
    evaluator = Component("evaluator", kind="batch_job", owner="claims-ml")
    trainer = Component("trainer", kind="training_pipeline", owner="claims-ml")
    registry = Component("registry", kind="model_registry", owner="claims-ml")
    monitor = Component("monitor", kind="monitor", owner="claims-ml")
    api >> model
    logs(api, log, consumers=[evaluator])
    connect(adjusters, truth, "async_message", purpose="feedback")
    connect(evaluator, truth, "batch_transfer", op="read", purpose="feedback")
    connect(evaluator, log, "batch_transfer", op="read", purpose="telemetry")
    connect(evaluator, monitor, "async_message", purpose="telemetry")
    connect(trainer, truth, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")


@design("decoupled-training", source=f"{WASHIZAKI19}, 'Decouple training pipeline from production pipeline'; "
        f"{WASHIZAKI22}, P1",
        patterns=["decouple-training-from-serving", "model-versioning", "continued-model-evaluation"])
def decoupled_training():
    """Training runs on the on-premises GPU cluster; only released artifacts reach the serving cloud."""
    gpu = Node("gpu_cluster", kind="on_prem", count=1, gpus=8)
    cloud = Node("cloud", kind="cloud", count=4)
    Link(gpu, cloud, medium="internet", bandwidth="1 Gbit/s", latency="10 ms", cost_per_gb="0.02 USD/GB")
    with gpu:
        trainer = Component("trainer", kind="training_pipeline", owner="vision-ml")
        data = Component("labelled_images", kind="datastore", owner="vision-ml")
    with cloud:
        registry = Component("registry", kind="model_registry", owner="vision-ml")
        model = documented("defect_detector", "defect detection", "vision-ml", replicas=2, stateless=True,
                           size="200 MB", update_period="30 d")
        line = Component("inspection_line", kind="business_logic", owner="factory")
        telemetry = sink()
        labelling = Component("inspector_tool", kind="ui", owner="factory",
                              description="inspectors label a random sample of parts")
    connect(trainer, data, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact", request_size="200 MB", rate="0.25 /week")
    connect(registry, model, "batch_transfer", purpose="model_artifact", request_size="200 MB", rate="0.25 /week")
    line >> model
    connect(labelling, data, "async_message", op="write", purpose="feedback", request_size="1 MB", rate="10 /day")
    logs(line, telemetry)
