"""Designs from the lecture 'Deploying a Model' (Kaestner, Machine Learning in Production, CMU
17-445/645; the text is in the project's shared notes) and the readings it names: D. Smith 2017,
'Exploring Development Patterns in Data Science' (Big Ass Script Architecture), and Yokoyama 2019
(separating business logic from models)."""

from __future__ import annotations

from archkit import Component, Flow, Link, Node, connect

from . import design
from ._kit import documented, logs, sink

LECTURE = "Kaestner, 'Deploying a Model', Machine Learning in Production lecture (CMU 17-445/645)"
TEXT_OUT = [{"name": "text", "type": "string", "meaning": "recognised text of the sign"}]
TEXT_IN = [{"name": "text", "type": "string", "unit": "ISO 639-1 es", "meaning": "text to translate"}]


def _ocr(**fields):
    return documented("ocr", "optical character recognition", "vision", outputs=TEXT_OUT, ip_sensitive=False,
                      update_period="90 d", **fields)


def _translator(**fields):
    return documented("translator", "machine translation, Spanish to English", "language", inputs=TEXT_IN,
                      outputs=[{"name": "translation", "type": "string", "unit": "ISO 639-1 en",
                                "meaning": "English text"}], ip_sensitive=False, update_period="90 d", **fields)


@design("ar-bluetooth-video", source=f"{LECTURE}, AR translation case study (Bluetooth up to 3 Mbit/s; video 4-10 Mbit/s)",
        findings=["link-capacity@link:glasses-phone"],
        patterns=["sequential-decomposition", "static-intelligence"])
def ar_bluetooth_video():
    """The glasses stream their camera video to the phone, which reads and translates the signs."""
    glasses = Node("glasses", kind="wearable", per_user=1, memory="2 GB")
    phone = Node("phone", kind="mobile", per_user=1, memory="4 GB")
    Link(glasses, phone, medium="bluetooth", bandwidth="3 Mbit/s", latency="40..200 ms")
    with glasses:
        camera = Component("camera", kind="sensor")
        overlay = Component("overlay", kind="ui")
    with phone:
        selector = Component("frame_selector", kind="business_logic", owner="ar-app")
        ocr = _ocr()
        translator = _translator()
        telemetry = sink()
    frames = connect(camera, selector, "stream", request_size="20..40 kB", rate="30 /s")
    read = (selector >> ocr).set(request_size="50 kB", response_size="1 kB", rate="0.2 /s")
    translate = (selector >> translator).set(request_size="1 kB", response_size="1 kB", rate="0.2 /s")
    show = connect(selector, overlay, "stream", request_size="1 kB", rate="0.2 /s")
    logs(selector, telemetry, request_size="1 kB", rate="0.2 /s")
    Flow("overlay", steps=[frames, read, translate, show])


@design("ar-cloud-ocr", source=f"{LECTURE}, AR translation case study (what happens offline; camera frames leave the device)",
        findings=["privacy-locality@connector:frame_selector->ocr", "offline-operation@flow:overlay"],
        patterns=["sequential-decomposition", "server-centric-intelligence", "hybrid-intelligence"])
def ar_cloud_ocr():
    """OCR runs in the cloud over cellular data; the overlay must keep working offline."""
    glasses = Node("glasses", kind="wearable", per_user=1, memory="2 GB")
    phone = Node("phone", kind="mobile", per_user=1, memory="4 GB")
    cloud = Node("cloud", kind="cloud", count=4, memory="32 GB", cpu_cores=8)
    Link(glasses, phone, medium="bluetooth", bandwidth="3 Mbit/s", latency="40..200 ms")
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB",
         intermittent=True)
    with glasses:
        camera = Component("camera", kind="sensor", data_sensitivity="personal")
        selector = Component("frame_selector", kind="business_logic", owner="ar-app")
        overlay = Component("overlay", kind="ui")
    with phone:
        translator = _translator()
    with cloud:
        ocr = _ocr(replicas=3, stateless=True)
        telemetry = sink(replicas=2)
    frames = connect(camera, selector, "stream", request_size="2.7648 MB", rate="2 /s", data_sensitivity="personal")
    read = (selector >> ocr).set(request_size="30..100 kB", response_size="1 kB", rate="0.2 /s",
                                 data_sensitivity="personal")
    translate = (selector >> translator).set(request_size="1 kB", response_size="1 kB", rate="0.2 /s")
    show = connect(selector, overlay, "in_process", request_size="1 kB", rate="0.2 /s")
    logs(selector, telemetry, request_size="1 kB", rate="0.2 /s", data_sensitivity="internal")
    Flow("overlay", steps=[frames, read, translate, show], offline=True)


@design("smart-keyboard", source=f"{LECTURE}, 'Smart keyboard for mobile device' (model size, update frequency, IP)",
        findings=["model-ip-exposure@next_word", "update-cadence@next_word"], patterns=["prediction-logging"])
def smart_keyboard():
    """A proprietary next-word model ships inside the keyboard app and should change daily."""
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=2)
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    with phone:
        keyboard = Component("keyboard", kind="ui", owner="keyboard")
        model = documented("next_word", "next word prediction", "keyboard-ml", size="40 MB", ip_sensitive=True,
                           update_period="1 d", description="trained on the company's licensed text corpus")
    with cloud:
        telemetry = sink()
    keyboard >> model
    logs(keyboard, telemetry, request_size="1 kB", rate="1 /min", data_sensitivity="internal")


@design("big-ass-script", source="D. Smith 2017, 'Exploring Development Patterns in Data Science' (TheoryLane), "
        f"read for {LECTURE}: 'Big Ass Script Architecture'",
        findings=["big-ass-script-architecture@run_everything"])
def big_ass_script():
    """One script loads the exports, cleans, encodes, trains, evaluates, predicts and writes the report."""
    raw = Component("raw_exports", kind="datastore", owner="analytics")
    script = Component("run_everything", kind="batch_job", owner="analytics", language="python",
                       lines_of_code=6000,
                       responsibilities=["ingest", "clean", "encode", "train", "evaluate", "infer", "report"])
    report = Component("weekly_report", kind="datastore", owner="analytics")
    connect(script, raw, "batch_transfer", op="read")
    connect(script, report, "batch_transfer", op="write")


@design("training-serving-skew", source=f"{LECTURE}, 'Reusing feature engineering code: avoid training-serving skew'",
        findings=["training-serving-skew@churn_model"],
        patterns=["continued-model-evaluation", "model-versioning"])
def training_serving_skew():
    """Training features come from a Spark job; the service re-implements them in Java."""
    events = Component("events", kind="datastore", owner="growth-ml")
    spark = Component("spark_features", kind="feature_encoder", owner="growth-ml", language="scala")
    table = Component("training_set", kind="datastore", owner="growth-ml")
    trainer = Component("trainer", kind="training_pipeline", owner="growth-ml", language="python")
    registry = Component("registry", kind="model_registry", owner="growth-ml")
    model = documented("churn_model", "churn prediction", "growth-ml", language="python")
    api = Component("account_api", kind="business_logic", owner="accounts", language="java")
    online = Component("java_features", kind="feature_encoder", owner="growth-ml", language="java")
    survey = Component("exit_survey", kind="ui", owner="accounts", description="asks leaving customers why")
    outcomes = Component("outcomes", kind="datastore", owner="growth-ml")
    connect(spark, events, "batch_transfer", op="read", purpose="training")
    connect(spark, table, "batch_transfer", op="write", purpose="training")
    connect(trainer, table, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    api >> online >> model
    connect(survey, outcomes, "async_message", purpose="feedback")
    connect(trainer, outcomes, "batch_transfer", op="read", purpose="feedback")
    logs(model, sink())


@design("self-driving-memory", source=f"{LECTURE}, 'Self-driving car' and Peng et al. 2020 (Apollo), read for the lecture",
        findings=["resource-fit@node:car_computer"], patterns=["sequential-decomposition"])
def self_driving_memory():
    """Perception and planning models on the car's computer need more memory than it has."""
    car = Node("car_computer", kind="embedded", per_user=1, memory="4 GB", storage="64 GB", cpu_cores=8)
    cloud = Node("cloud", kind="cloud", count=2)
    Link(car, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    with car:
        camera = Component("camera", kind="sensor")
        perception = documented("perception", "obstacle detection", "autonomy", memory="3 GB",
                                ip_sensitive=False, update_period="90 d",
                                outputs=[{"name": "obstacles", "type": "list[box]", "meaning": "3D boxes"}])
        planner = documented("planner", "trajectory planning", "autonomy", memory="2 GB",
                             ip_sensitive=False, update_period="90 d",
                             inputs=[{"name": "obstacles", "type": "list[box]", "meaning": "3D boxes"}])
        control = Component("controller", kind="safeguard", owner="autonomy", memory="200 MB",
                            description="keeps the trajectory within physical limits")
    with cloud:
        telemetry = sink()
    see = connect(camera, perception, "stream", request_size="1 MB", rate="10 /s")
    plan = connect(perception, planner, "stream", request_size="10 kB", rate="10 /s")
    act = connect(planner, control, "stream", request_size="1 kB", rate="10 /s")
    for part in (perception, planner, control):
        logs(part, telemetry, request_size="2 kB", rate="1 /s")
    Flow("drive", steps=[see, plan, act])


@design("multitier", source="Yokoyama 2019, 'Machine Learning System Architectural Pattern for Improving "
        f"Operational Stability', ICSA-C; in {LECTURE}, 'Separating models and business logic'",
        patterns=["separate-business-logic-from-model", "prediction-logging"])
def multitier():
    """Presentation, business logic and the inference engine in separate tiers over their own data."""
    ui = Component("web_ui", kind="ui", owner="web")
    logic = Component("loan_logic", kind="business_logic", owner="lending")
    engine = documented("credit_model", "credit risk scoring", "risk-ml")
    db = Component("applications", kind="datastore", owner="lending")
    ui >> logic
    logic >> engine
    connect(logic, db, "sync_call", op="write")
    logs(logic, sink())


@design("feature-store", source=f"{LECTURE}, 'The feature store pattern'; Lakshmanan et al. 2020, ML Design Patterns, #26",
        patterns=["feature-store", "model-versioning", "continued-model-evaluation"])
def feature_store():
    """One feature store serves the same features to training and to the serving model."""
    pipeline = Component("feature_pipeline", kind="batch_job", owner="ml-platform")
    events = Component("events", kind="datastore", owner="data-platform")
    store = Component("features", kind="feature_store", owner="ml-platform")
    trainer = Component("trainer", kind="training_pipeline", owner="fraud-ml")
    registry = Component("registry", kind="model_registry", owner="fraud-ml")
    model = documented("fraud_model", "fraud detection", "fraud-ml")
    api = Component("payments_api", kind="business_logic", owner="payments")
    chargebacks = Component("chargebacks", kind="datastore", owner="payments",
                            description="confirmed fraud reported by banks")
    bank = Component("bank_reports", kind="external")
    connect(pipeline, events, "batch_transfer", op="read", purpose="training")
    connect(pipeline, store, "batch_transfer", op="write", purpose="training")
    connect(trainer, store, "batch_transfer", op="read", purpose="training")
    connect(model, store, "sync_call", op="read")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    api >> model
    connect(bank, chargebacks, "batch_transfer", op="write", purpose="feedback")
    connect(trainer, chargebacks, "batch_transfer", op="read", purpose="feedback")
    logs(api, sink())


@design("two-phase-wake-word", source=f"{LECTURE}, 'Composing models: cascade/two-phase prediction'; "
        "Lakshmanan et al. 2020, ML Design Patterns, #19 'Two-Phase Predictions'",
        patterns=["two-phase-prediction", "cascade", "hybrid-intelligence"],
        absent=["canary-release", "sequential-decomposition", "ensemble"])
def two_phase_wake_word():
    """A small wake-word model on the speaker decides when the cloud speech model runs."""
    speaker = Node("speaker", kind="embedded", per_user=1, memory="512 MB")
    cloud = Node("cloud", kind="cloud", count=4, memory="64 GB", cpu_cores=16)
    Link(speaker, cloud, medium="internet", bandwidth="20 Mbit/s", latency="20..60 ms")
    with speaker:
        mic = Component("microphone", kind="sensor")
        app = Component("assistant", kind="business_logic", owner="devices")
        wake = documented("wake_word", "keyword spotting", "speech-ml", size="1 MB", memory="20 MB",
                          ip_sensitive=False, update_period="180 d")
    with cloud:
        asr = documented("asr", "speech recognition", "speech-ml", replicas=4, stateless=True)
        telemetry = sink(replicas=2)
    hear = connect(mic, app, "stream", request_size="3 kB", rate="10 /s")
    spot = (app >> wake).set(request_size="3 kB", response_size="10 B", rate="10 /s")
    send = connect(app, asr, "sync_call", conditional=True, share=0.01, request_size="100 kB",
                   response_size="1 kB", rate="10 /s")
    logs(app, telemetry, request_size="500 B", rate="1 /min")
    Flow("command", steps=[hear, spot, send])


@design("rag-assistant", source=f"{LECTURE} (2025 edition), 'Composing models: retrieval-augmented generation'",
        patterns=["retrieval-augmented-generation", "prediction-logging"],
        absent=["sequential-decomposition", "ensemble", "cascade"])
def rag_assistant():
    """A prompt builder searches the help articles and sends what it found to the language model."""
    ui = Component("help_chat", kind="ui", owner="support")
    builder = Component("prompt_builder", kind="business_logic", owner="support-ml")
    index = Component("article_index", kind="datastore", owner="support-ml", properties={"index": "vector"})
    llm = documented("llm", "answer generation", "support-ml")
    ui >> builder
    connect(builder, index, "sync_call", op="read")
    builder >> llm
    logs(builder, sink())


@design("stacking", source=f"{LECTURE}, 'Composing models: ensemble and metamodels' (model stacking)",
        patterns=["metamodel-stacking", "prediction-logging"], absent=["ensemble", "sequential-decomposition"])
def stacking():
    """Two base models score a loan; a learned metamodel combines their scores."""
    api = Component("loan_api", kind="business_logic", owner="lending")
    bureau = documented("bureau_model", "credit risk scoring", "risk-ml", outputs=[
        {"name": "bureau_score", "type": "probability", "meaning": "default risk from bureau data"}])
    behaviour = documented("behaviour_model", "credit risk scoring", "risk-ml", outputs=[
        {"name": "behaviour_score", "type": "probability", "meaning": "default risk from account history"}])
    meta = documented("risk_meta", "credit risk scoring", "risk-ml", inputs=[
        {"name": "bureau_score", "type": "probability", "meaning": "from bureau_model"},
        {"name": "behaviour_score", "type": "probability", "meaning": "from behaviour_model"}])
    a = api >> bureau
    b = api >> behaviour
    c = api >> meta
    Flow("decide", steps=[a, b, c])
    logs(api, sink())


@design("split-pipeline", source="D. Smith 2017, 'Exploring Development Patterns in Data Science' (TheoryLane): the "
        f"script split into stages, as {LECTURE} recommends against the Big Ass Script Architecture",
        patterns=["workflow-pipeline", "model-versioning", "continued-model-evaluation"])
def split_pipeline():
    """Ingesting, feature building and training are separate jobs with stores between them."""
    raw = Component("raw_exports", kind="datastore", owner="analytics")
    ingest = Component("ingest", kind="batch_job", owner="analytics", responsibilities=["ingest", "clean"])
    clean = Component("clean_events", kind="datastore", owner="analytics")
    build = Component("build_features", kind="batch_job", owner="analytics", responsibilities=["encode"])
    table = Component("feature_table", kind="datastore", owner="analytics")
    trainer = Component("trainer", kind="training_pipeline", owner="analytics", responsibilities=["train", "evaluate"])
    registry = Component("registry", kind="model_registry", owner="analytics")
    model = documented("demand_model", "demand forecasting", "analytics")
    planner = Component("planner", kind="business_logic", owner="supply")
    outcomes = Component("actual_demand", kind="datastore", owner="supply")
    orders = Component("order_system", kind="external", description="records what was actually sold")
    connect(ingest, raw, "batch_transfer", op="read", purpose="training")
    connect(ingest, clean, "batch_transfer", op="write", purpose="training")
    connect(build, clean, "batch_transfer", op="read", purpose="training")
    connect(build, table, "batch_transfer", op="write", purpose="training")
    connect(trainer, table, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    planner >> model
    connect(orders, outcomes, "batch_transfer", op="write", purpose="feedback")
    connect(trainer, outcomes, "batch_transfer", op="read", purpose="feedback")
    logs(planner, sink())
