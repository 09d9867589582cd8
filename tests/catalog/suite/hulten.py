"""Designs from Hulten 2018, 'Building Intelligent Systems', Apress, ch. 13 'Where Intelligence Lives'
(placements of the intelligence and what updating it costs)."""

from __future__ import annotations

from archkit import Component, Flow, Link, Node, connect

from . import design
from ._kit import documented, logs, sink

HULTEN = "Hulten 2018, 'Building Intelligent Systems', Apress, ch. 13 'Where Intelligence Lives'"


def _client_with_updates(size: str, period: str, rate: str, medium: str, **link: str) -> None:
    phone = Node("phone", kind="mobile", per_user=1, memory="4 GB")
    cloud = Node("cloud", kind="cloud", count=2)
    Link(phone, cloud, medium=medium, bandwidth="5..20 Mbit/s", latency="30..100 ms", **link)
    with phone:
        app = Component("photo_app", kind="ui", owner="photos")
        model = documented("photo_model", "photo tagging", "photos-ml", size=size, update_period=period,
                           ip_sensitive=False)
    with cloud:
        registry = Component("registry", kind="model_registry", owner="photos-ml")
        telemetry = sink()
    app >> model
    connect(registry, model, "batch_transfer", purpose="model_artifact", request_size=size, rate=rate)
    logs(app, telemetry, request_size="1 kB", rate="1 /h")


@design("spam-filter-static", source=f"{HULTEN}, 'Static intelligence in the product'",
        findings=["update-cadence@spam_model", "no-logging@spam_model"], patterns=["static-intelligence"])
def spam_filter_static():
    """A spam filter compiled into the mail app, although spammers change tactics every week."""
    phone = Node("phone", kind="mobile", per_user=1)
    with phone:
        app = Component("mail_app", kind="ui", owner="mail")
        model = documented("spam_model", "spam detection", "mail-ml", size="5 MB", update_period="7 d",
                           ip_sensitive=False)
    app >> model


@design("phone-push-250mb", source=f"{HULTEN}, 'Client-side intelligence' (the cost of distributing updates)",
        findings=["metered-model-distribution@photo_model"], patterns=["client-side-intelligence"],
        system={"users": 5_000_000})
def phone_push_250mb():
    """A 250 MB model pushed every day over cellular data to five million phones."""
    _client_with_updates("250 MB", "1 d", "1 /day", "cellular", cost_per_gb="10 USD/GB")


@design("hulten-1mb-daily", source=f"{HULTEN}, the cost illustration: a 1 MB model updated daily for 100,000 users",
        findings=["metered-model-distribution@photo_model"], patterns=["client-side-intelligence"],
        system={"users": 100_000})
def hulten_1mb_daily():
    """Hulten's own figures, over cellular data at 10 USD/GB."""
    _client_with_updates("1 MB", "1 d", "1 /day", "cellular", cost_per_gb="10 USD/GB")


@design("wifi-only-updates", source=f"{HULTEN}, 'Client-side intelligence', with updates held back until the phone is on Wi-Fi",
        patterns=["client-side-intelligence"], system={"users": 100_000})
def wifi_only_updates():
    """The same monthly update of a 20 MB model, sent only over unmetered Wi-Fi."""
    _client_with_updates("20 MB", "30 d", "0.25 /week", "wifi")


@design("server-centric", source=f"{HULTEN}, 'Server-centric intelligence'",
        patterns=["server-centric-intelligence", "stateless-serving-function", "continued-model-evaluation",
                  "decouple-training-from-serving"])
def server_centric():
    """The phone sends each photo to a replicated, stateless model service; training runs on its own
    machines and learns from a labelled sample."""
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=4, memory="64 GB", cpu_cores=16)
    training = Node("training", kind="cloud", count=1, gpus=4)
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    Link(training, cloud, medium="lan", bandwidth="10 Gbit/s", latency="1 ms")
    with phone:
        app = Component("photo_app", kind="ui", owner="photos")
    with cloud:
        model = documented("photo_model", "photo tagging", "photos-ml", replicas=3, stateless=True)
        registry = Component("registry", kind="model_registry", owner="photos-ml")
        telemetry = sink(replicas=2)
        review = Component("labelling_tool", kind="ui", owner="photos-ml")
    with training:
        trainer = Component("trainer", kind="training_pipeline", owner="photos-ml")
        corrections = Component("tag_corrections", kind="datastore", owner="photos-ml",
                                description="tags users removed or added, from a labelled random sample")
    tag = (app >> model).set(request_size="300 kB", response_size="1 kB", rate="1 /min")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    connect(review, corrections, "async_message", purpose="feedback")
    connect(trainer, corrections, "batch_transfer", op="read", purpose="feedback")
    logs(model, telemetry)
    Flow("tag", steps=[tag])


@design("backend-cached", source=f"{HULTEN}, 'Back-end (cached) intelligence'",
        patterns=["backend-cached-intelligence", "precomputed-prediction-serving", "batch-serving"])
def backend_cached():
    """Recommendations are computed in the back end each night; the app only looks them up."""
    phone = Node("phone", kind="mobile", per_user=1)
    cloud = Node("cloud", kind="cloud", count=2)
    Link(phone, cloud, medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="10 USD/GB")
    with phone:
        app = Component("music_app", kind="ui", owner="music")
    with cloud:
        history = Component("listening_history", kind="datastore", owner="music")
        job = Component("nightly_recs", kind="batch_job", owner="music-ml")
        model = documented("recommender", "playlist recommendation", "music-ml")
        table = Component("recommendations", kind="datastore", owner="music-ml")
        telemetry = sink()
    connect(job, history, "batch_transfer", op="read")
    connect(job, model, "sync_call")
    connect(job, table, "batch_transfer", op="write", consumers=[app])
    connect(app, table, "sync_call", op="read", request_size="1 kB", response_size="20 kB", rate="1 /h")
    logs(job, telemetry)
