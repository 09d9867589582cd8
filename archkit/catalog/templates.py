"""Templates: typed functions that build a pattern's structure in the DSL.

Call them inside a ``with System(...)`` block (components they create go on the enclosing
``with Node(...)`` unless ``node=`` says otherwise). Each returns what it declared, so the parts
can be refined with ``.set(...)``. The detector of the pattern recognises the result; the tests
check that for every template.

Example::

    from archkit import System, Node, Link, Component, Model
    from archkit.catalog.templates import two_phase

    with System("voice") as s:
        with Node("speaker", kind="embedded"):
            app = Component("app", kind="ui")
            wake = Model("wake_word", task="keyword spotting")
        with Node("cloud", kind="cloud"):
            asr = Model("asr", task="speech recognition")
        Link("speaker", "cloud", medium="internet")
        two_phase(wake, asr, caller=app, share=0.05)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .._dsl import Component, Connector, Flow, Model, Node, connect
from ..errors import UsageError

__all__ = [
    "StatelessService",
    "stateless_service",
    "BatchServing",
    "batch_serving",
    "PrecomputedTable",
    "precomputed_table",
    "TwoPhase",
    "two_phase",
    "Cascade",
    "cascade",
    "Ensemble",
    "ensemble",
    "Stacking",
    "stacking",
    "FeatureStore",
    "feature_store",
    "PredictionCache",
    "prediction_cache",
    "Safeguard",
    "safeguard",
    "TrainingPipeline",
    "training_pipeline",
    "Telemetry",
    "telemetry",
]

NodeRef = Node | str | None


def _new(id: str, kind: str, node: NodeRef, **fields: Any) -> Component:
    return Component(id, kind, node=node, **fields)


@dataclass(frozen=True)
class StatelessService:
    """What :func:`stateless_service` declared."""

    model: Component
    call: Connector


def stateless_service(
    model: Component, caller: Component, *, replicas: int = 2, max_replicas: int | None = None
) -> StatelessService:
    """Serve ``model`` as a stateless, replicated service that ``caller`` calls synchronously.

    Args:
        model: A model declared on a cloud or on-prem node.
        caller: The component calling it (on another node for the pattern to hold).
        replicas: Fixed replica count (>= 2), used when ``max_replicas`` is not given.
        max_replicas: If given, the model autoscales from 1 to this many replicas instead.
    """
    model.fields["stateless"] = True
    if max_replicas is not None:
        model.fields["autoscaling"] = {"min_replicas": 1, "max_replicas": max_replicas}
    else:
        model.fields["replicas"] = max(2, replicas)
    return StatelessService(model, connect(caller, model, "sync_call"))


@dataclass(frozen=True)
class BatchServing:
    """What :func:`batch_serving` declared."""

    job: Component
    inputs: Component
    outputs: Component
    connectors: tuple[Connector, ...]


def batch_serving(
    model: Component,
    inputs: Component,
    *,
    id: str | None = None,
    outputs: Component | str = "predictions",
    schedule: str = "daily",
    node: NodeRef = None,
) -> BatchServing:
    """A scheduled job that reads ``inputs``, runs ``model`` over them and writes a predictions store.

    Args:
        model: The model to run.
        inputs: A datastore holding the inputs.
        id: Id of the job (default '<model>_batch').
        outputs: A store to write to, or the id of a new datastore (default 'predictions').
        schedule: When the job runs, kept as a property.
        node: Node for the new components (default: the enclosing ``with Node``).
    """
    job = _new(id or f"{model.id}_batch", "batch_job", node, properties={"schedule": schedule})
    out = outputs if isinstance(outputs, Component) else _new(outputs, "datastore", node)
    conns = (
        connect(job, inputs, "batch_transfer", op="read"),
        connect(job, model, "sync_call"),
        connect(job, out, "batch_transfer", op="write"),
    )
    return BatchServing(job, inputs, out, conns)


@dataclass(frozen=True)
class PrecomputedTable:
    """What :func:`precomputed_table` declared."""

    job: Component
    table: Component
    lookup: Connector
    fallback: Connector | None


def precomputed_table(
    model: Component,
    reader: Component,
    *,
    table: str = "prediction_table",
    job: str | None = None,
    fallback: bool = False,
    table_node: NodeRef = None,
    node: NodeRef = None,
) -> PrecomputedTable:
    """Precompute predictions of ``model`` into a keyed table that ``reader`` looks up.

    Args:
        model: The model whose predictions are precomputed.
        reader: Business logic, gateway or UI that looks predictions up on the request path.
        table: Id of the new table.
        job: Id of the batch job filling it (default '<model>_precompute').
        fallback: Also let ``reader`` call the model when a key is missing (a conditional connector).
        table_node: Where the table lives (e.g. the client for back-end cached intelligence).
        node: Node of the batch job.
    """
    j = _new(job or f"{model.id}_precompute", "batch_job", node)
    t = _new(table, "datastore", table_node if table_node is not None else node, properties={"key": "input"})
    connect(j, model, "sync_call")
    connect(j, t, "batch_transfer", op="write")
    lookup = connect(reader, t, "sync_call", op="read")
    fb = connect(reader, model, "sync_call", conditional=True) if fallback else None
    return PrecomputedTable(j, t, lookup, fb)


@dataclass(frozen=True)
class TwoPhase:
    """What :func:`two_phase` declared."""

    small: Component
    large: Component
    first: Connector | None
    escalate: Connector
    flow: Flow | None


def two_phase(
    small: Component, large: Component, *, caller: Component | None = None, share: float | None = None
) -> TwoPhase:
    """Two-phase prediction: ``small`` (on the device) decides which inputs go to ``large`` (on a server).

    Args:
        small: The small, fast model, declared on a client node.
        large: The large model, declared on a cloud or on-prem node.
        caller: The component that calls ``small`` and, when it says so, ``large``. Without a caller,
            ``small`` forwards to ``large`` itself. With one, a flow ``<small>-escalation`` records that
            ``large`` is called after ``small`` answered (the order is what makes it a cascade).
        share: Fraction of inputs escalated, if known (0..1].
    """
    first = connect(caller, small, "sync_call") if caller is not None else None
    escalate = connect(caller if caller is not None else small, large, "sync_call", conditional=True, share=share)
    flow = Flow(f"{small.id}-escalation", steps=[first, escalate]) if first is not None else None
    return TwoPhase(small, large, first, escalate, flow)


@dataclass(frozen=True)
class Cascade:
    """What :func:`cascade` declared."""

    stages: tuple[Component, ...]
    connectors: tuple[Connector, ...]
    flow: Flow | None


def cascade(models: Sequence[Component], *, caller: Component | None = None) -> Cascade:
    """A cascade: each model passes on only the inputs it is unsure about to the next (conditional connectors).

    Args:
        models: Two or more models, cheapest first.
        caller: Optional component that calls the first model and each escalation (a flow
            ``<first>-cascade`` records the order); otherwise each model escalates to the next itself.
    """
    if len(models) < 2:
        raise UsageError("a cascade needs at least two models")
    conns: list[Connector] = []
    if caller is not None:
        conns.append(connect(caller, models[0], "sync_call"))
        conns += [connect(caller, m, "sync_call", conditional=True) for m in models[1:]]
    else:
        conns += [connect(a, b, "sync_call", conditional=True) for a, b in zip(models, models[1:])]
    flow = Flow(f"{models[0].id}-cascade", steps=conns) if caller is not None else None
    return Cascade(tuple(models), tuple(conns), flow)


@dataclass(frozen=True)
class Ensemble:
    """What :func:`ensemble` declared."""

    aggregator: Component
    members: tuple[Component, ...]
    calls: tuple[Connector, ...]


def ensemble(
    models: Sequence[Component],
    aggregator: Component | str = "ensemble",
    *,
    aggregation: str = "vote",
    node: NodeRef = None,
) -> Ensemble:
    """An ensemble: ``aggregator`` calls every model and combines the answers by ``aggregation``.

    Args:
        models: Two or more models with the same ``task``.
        aggregator: An existing component, or the id of a new business-logic component.
        aggregation: How answers are combined: 'vote', 'mean', 'max', 'min' (kept as a property).
        node: Node for a new aggregator.
    """
    if len(models) < 2:
        raise UsageError("an ensemble needs at least two models")
    agg = aggregator if isinstance(aggregator, Component) else _new(aggregator, "business_logic", node)
    agg.fields.setdefault("properties", {})
    agg.fields["properties"] = {**agg.fields["properties"], "aggregation": aggregation}
    return Ensemble(agg, tuple(models), tuple(connect(agg, m, "sync_call") for m in models))


@dataclass(frozen=True)
class Stacking:
    """What :func:`stacking` declared."""

    meta: Component
    members: tuple[Component, ...]
    connectors: tuple[Connector, ...]


def stacking(
    models: Sequence[Component], meta: Component | str = "metamodel", *, task: str | None = None, node: NodeRef = None
) -> Stacking:
    """A metamodel (stacking): the members' predictions are the input of a learned combiner.

    Args:
        models: Two or more member models.
        meta: An existing model, or the id of a new one.
        task: Task of a new metamodel (default: the first member's task).
        node: Node for a new metamodel.
    """
    if len(models) < 2:
        raise UsageError("stacking needs at least two member models")
    if isinstance(meta, Component):
        mm = meta
    else:
        first_task = (models[0].fields.get("model") or {}).get("task")
        mm = Model(meta, node=node, task=task or first_task)
    return Stacking(mm, tuple(models), tuple(connect(m, mm, "sync_call") for m in models))


@dataclass(frozen=True)
class FeatureStore:
    """What :func:`feature_store` declared."""

    store: Component
    writer: Component
    connectors: tuple[Connector, ...]


def feature_store(
    trainer: Component,
    models: Sequence[Component],
    *,
    id: str = "feature_store",
    writer: Component | str = "feature_pipeline",
    node: NodeRef = None,
) -> FeatureStore:
    """A feature store filled by a pipeline and read by training and by the serving models.

    Args:
        trainer: The training component (kind training_pipeline) that reads features.
        models: Models that read the same features when serving.
        id: Id of the new feature store.
        writer: An existing component that computes features, or the id of a new batch job.
        node: Node for the new components.
    """
    fs = _new(id, "feature_store", node)
    w = writer if isinstance(writer, Component) else _new(writer, "batch_job", node)
    conns = [
        connect(w, fs, "batch_transfer", op="write"),
        connect(trainer, fs, "batch_transfer", op="read", purpose="training"),
    ]
    conns += [connect(m, fs, "sync_call", op="read") for m in models]
    return FeatureStore(fs, w, tuple(conns))


@dataclass(frozen=True)
class PredictionCache:
    """What :func:`prediction_cache` declared."""

    cache: Component
    connectors: tuple[Connector, ...]


def prediction_cache(
    model: Component, caller: Component, *, id: str | None = None, ttl: str | None = None, node: NodeRef = None
) -> PredictionCache:
    """A cache in front of ``model``: ``caller`` reads it first; the model writes fresh predictions back.

    Args:
        model: The model whose predictions are cached.
        caller: The component on the request path.
        id: Id of the cache (default '<model>_cache').
        ttl: How long entries live, kept as a property (e.g. '1 h').
        node: Node of the cache.
    """
    props = {"key": "input"} | ({"ttl": ttl} if ttl else {})
    c = _new(id or f"{model.id}_cache", "cache", node, properties=props)
    conns = (
        connect(caller, c, "sync_call", op="read"),
        connect(caller, model, "sync_call", conditional=True),
        connect(model, c, "async_message", op="write"),
    )
    return PredictionCache(c, conns)


@dataclass(frozen=True)
class Safeguard:
    """What :func:`safeguard` declared."""

    guard: Component
    connectors: tuple[Connector, ...]


def safeguard(
    model: Component, consumer: Component, *, id: str | None = None, rules: Sequence[str] = (), node: NodeRef = None
) -> Safeguard:
    """Put deterministic checks between ``model`` and ``consumer``: the model's output goes through the guard.

    Args:
        model: The model whose output is checked.
        consumer: The user interface, actuator or component that used the output.
        id: Id of the guard (default '<model>_guard').
        rules: Short descriptions of the rules, kept as a property.
        node: Node of the guard (default: the enclosing ``with Node``).
    """
    g = _new(id or f"{model.id}_guard", "safeguard", node, properties={"rules": list(rules)} if rules else {})
    return Safeguard(g, (connect(g, model, "sync_call"), connect(g, consumer, "sync_call")))


@dataclass(frozen=True)
class TrainingPipeline:
    """What :func:`training_pipeline` declared."""

    trainer: Component
    registry: Component
    connectors: tuple[Connector, ...]


def training_pipeline(
    models: Sequence[Component],
    data: Component,
    *,
    id: str = "training",
    registry: Component | str = "model_registry",
    node: NodeRef = None,
) -> TrainingPipeline:
    """Training decoupled from serving: a pipeline reads ``data`` and ships artifacts via a registry.

    Args:
        models: The models it trains (placed elsewhere for the pattern to hold).
        data: The store it trains from.
        id: Id of the training pipeline.
        registry: An existing model registry, or the id of a new one.
        node: Node for the new components (a training node, not the serving one).
    """
    t = _new(id, "training_pipeline", node)
    reg = registry if isinstance(registry, Component) else _new(registry, "model_registry", node)
    conns = [
        connect(t, data, "batch_transfer", op="read", purpose="training"),
        connect(t, reg, "batch_transfer", purpose="model_artifact"),
    ]
    conns += [connect(reg, m, "batch_transfer", purpose="model_artifact") for m in models]
    return TrainingPipeline(t, reg, tuple(conns))


@dataclass(frozen=True)
class Telemetry:
    """What :func:`telemetry` declared."""

    sink: Component
    connectors: tuple[Connector, ...]


def telemetry(
    sources: Sequence[Component],
    *,
    sink: Component | str = "telemetry",
    node: NodeRef = None,
    request_size: str | None = None,
    rate: str | None = None,
) -> Telemetry:
    """Prediction logging: each source sends telemetry asynchronously to a telemetry component.

    Args:
        sources: Models, or the components calling them, whose predictions are logged.
        sink: An existing telemetry component, or the id of a new one.
        node: Node of a new sink.
        request_size: Size of one event, e.g. '2 kB'.
        rate: Events per second per source, e.g. '1 /s'.
    """
    s = sink if isinstance(sink, Component) else _new(sink, "telemetry", node)
    extra = {k: v for k, v in (("request_size", request_size), ("rate", rate)) if v is not None}
    return Telemetry(s, tuple(connect(x, s, "async_message", purpose="telemetry", **extra) for x in sources))
