"""Detectors of anti-patterns (lint rules about technical debt, serving and operations)."""

from __future__ import annotations

from typing import Iterator

import networkx as nx

from .._context import Context
from .._registry import Hit, detector
from ._common import model_chains, orchestrated
from .operations import feedback_loops, feedback_reaches, telemetry_sinks
from .training import serving_graph, training_graph, upstream

RESPONSIBILITIES = ("ingest", "clean", "encode", "train", "evaluate", "infer", "report", "business_logic")
PRIMITIVE_TYPES = frozenset({"float", "double", "int", "integer", "bool", "boolean", "bytes", "number",
                             "float32", "float64", "int32", "int64", "list[float]", "list[int]"})
CLIENT_RELEASE_DAYS = 14
JUNGLE_SOURCES, JUNGLE_INTERMEDIATES, JUNGLE_JOINS = 3, 3, 2
GLUE_RATIO = 19


@detector("undeclared-consumers", per_placement=False)
def undeclared_consumers(ctx: Context) -> Iterator[Hit]:
    """Components reading a model's output through stores, caches, queues or logs without being declared."""
    for m in ctx.models():
        for x, path in sorted(ctx.reach_through_passive(m.id).items()):
            if len(path) <= 2:
                continue  # a direct connector is itself the declaration of the interface
            conns = ctx.path_connectors(path)
            declared = {c for e in conns for c in e.consumers}
            if x not in declared:
                via = " -> ".join(path)
                yield ctx.found([m, ctx.components[x], *(ctx.components[p] for p in path[1:-1]), conns[0]],
                                f"'{x}' uses the output of '{m.id}' ({via}) but is not declared as a consumer")


@detector("glue-code", per_placement=False)
def glue_code(ctx: Context) -> Iterator[Hit]:
    """Several adapters around one model, or glue code outweighing ML code 19:1 (where lines are declared)."""
    for m in ctx.models():
        adapters = sorted({e.source if e.target == m.id else e.target for e in ctx.incoming(m.id) + ctx.outgoing(m.id)}
                          - {m.id})
        adapters = [a for a in adapters if ctx.components[a].properties.get("role") in ("glue", "adapter")]
        if len(adapters) >= 2:
            yield ctx.found([m, *(ctx.components[a] for a in adapters)],
                            f"'{m.id}' is reached through {len(adapters)} separate adapters ({', '.join(adapters)})")
    glue = [c for c in ctx.system.components if c.properties.get("role") in ("glue", "adapter")]
    ml = [c for c in ctx.system.components if c.kind in ("model", "feature_encoder")]

    def loc(c: object) -> float:
        v = c.properties.get("loc")  # type: ignore[attr-defined]
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0

    glue_loc, ml_loc = sum(loc(c) for c in glue), sum(loc(c) for c in ml)
    if glue_loc and ml_loc and glue_loc >= GLUE_RATIO * ml_loc:
        yield ctx.found(glue, f"glue code has {glue_loc:.0f} lines against {ml_loc:.0f} lines of ML code")


@detector("pipeline-jungles", per_placement=False)
def pipeline_jungles(ctx: Context) -> Iterator[Hit]:
    """Data preparation feeding a training component that is tangled: many sources, stores and joins, or a cycle."""
    g = training_graph(ctx)
    for t in ctx.system.components:
        if not ctx.is_training(t.id) or t.id not in g:
            continue
        part = upstream(g, t.id) | {t.id}
        sub = g.subgraph(part)
        sources = [n for n in sub if sub.in_degree(n) == 0]
        stores = [n for n in sub if ctx.is_passive(n) and sub.in_degree(n) > 0 and sub.out_degree(n) > 0]
        joins = [n for n in sub if sub.in_degree(n) >= 2 and n != t.id]
        cyclic = not nx.is_directed_acyclic_graph(sub)
        if cyclic or (len(sources) >= JUNGLE_SOURCES and len(stores) >= JUNGLE_INTERMEDIATES and len(joins) >= JUNGLE_JOINS):
            why = "a cycle" if cyclic else f"{len(sources)} sources, {len(stores)} intermediate stores and {len(joins)} joins"
            yield ctx.found([t, *(ctx.components[n] for n in sorted(part - {t.id}))],
                            f"data preparation for '{t.id}' has {why}")


@detector("dead-experimental-code-paths", per_placement=False)
def dead_experimental_code_paths(ctx: Context) -> Iterator[Hit]:
    """Experimental or deprecated components that nothing uses, that get no traffic, or that nobody owns."""
    for c in ctx.system.components:
        if c.status not in ("experimental", "deprecated"):
            continue
        ins = ctx.incoming(c.id)
        if not ins and not ctx.outgoing(c.id):
            yield ctx.found([c], f"{c.status} component '{c.id}' is not connected to anything")
        elif ins and all(e.properties.get("weight") == 0 for e in ins):
            yield ctx.found([c, *ins], f"{c.status} component '{c.id}' gets no traffic (weight 0) but is still deployed")
        elif c.owner is None:
            yield ctx.found([c], f"{c.status} component '{c.id}' has no owner to decide when it goes")


@detector("big-ass-script-architecture", per_placement=False)
def big_ass_script_architecture(ctx: Context) -> Iterator[Hit]:
    """One component with three or more responsibilities, or one that both trains and serves."""
    declared_any = False
    for c in ctx.system.components:
        resp = c.properties.get("responsibilities")
        if isinstance(resp, list):
            declared_any = True
            own = sorted(set(resp) & set(RESPONSIBILITIES))
            if len(own) >= 3:
                yield ctx.found([c], f"'{c.id}' does {len(own)} jobs at once: {', '.join(own)}")
                continue
        if ctx.is_training(c.id) and any(e.synchronous and e.purpose == "serving" for e in ctx.callers(c.id)):
            yield ctx.found([c], f"'{c.id}' both trains and answers serving requests")
    if not declared_any and any(ctx.is_training(c.id) or c.kind == "batch_job" for c in ctx.system.components):
        jobs = [c for c in ctx.system.components if ctx.is_training(c.id) or c.kind == "batch_job"]
        yield ctx.unknown(jobs[:1], f"declare properties.responsibilities on '{jobs[0].id}' (e.g. ['ingest', 'train'])")


@detector("multiple-language-smell", per_placement=False)
def multiple_language_smell(ctx: Context) -> Iterator[Hit]:
    """Three or more languages around one model, or an in-process call across languages."""
    for m in ctx.models():
        near = {m.id}
        near |= {e.target if e.source == m.id else e.source for e in ctx.incoming(m.id) + ctx.outgoing(m.id)
                 if e.kind == "in_process"}
        near |= {f for f in ctx.senders(m.id) if ctx.components[f].kind == "feature_encoder"}
        near |= set(ctx.trainers.get(m.id, []))
        if len(near) < 2:
            continue
        comps = [ctx.components[x] for x in sorted(near)]
        langs = {c.language.lower() for c in comps if c.language}
        missing = [c.id for c in comps if not c.language]
        if len(langs) >= 3:
            yield ctx.found(comps, f"the parts around '{m.id}' use {len(langs)} languages: {', '.join(sorted(langs))}")
        elif missing and len(langs) + len(missing) >= 3:
            yield ctx.unknown(comps, f"declare language on {', '.join(repr(x) for x in missing)}")
    for e in ctx.system.connectors:
        if e.kind != "in_process":
            continue
        a, b = ctx.components[e.source], ctx.components[e.target]
        if a.language and b.language and a.language.lower() != b.language.lower() and "model" in (a.kind, b.kind):
            yield ctx.found([e, a, b], f"'{a.id}' ({a.language}) calls '{b.id}' ({b.language}) inside one process")


@detector("plain-old-datatype-smell", per_placement=False)
def plain_old_datatype_smell(ctx: Context) -> Iterator[Hit]:
    """A model whose outputs are bare primitives with no unit or meaning."""
    for m in ctx.models():
        outs = m.model.outputs if m.model is not None else []
        if not outs:
            if ctx.receivers(m.id):
                yield ctx.unknown([m], f"declare model.outputs on '{m.id}' (name, type, unit, meaning)")
            continue
        bare = [f for f in outs if f.type.strip().lower() in PRIMITIVE_TYPES and not f.unit and not f.meaning]
        if bare and len(bare) == len(outs):
            yield ctx.found([m], f"'{m.id}' returns bare {', '.join(f.type for f in bare)} without unit or meaning")


@detector("prototype-smell", per_placement=False)
def prototype_smell(ctx: Context) -> Iterator[Hit]:
    """Notebook or prototype code in production."""
    for c in ctx.system.components:
        if c.origin in ("notebook", "prototype") and c.status in (None, "production"):
            yield ctx.found([c], f"'{c.id}' comes from a {c.origin} but serves production")


@detector("correction-cascade", per_placement=False)
def correction_cascade(ctx: Context) -> Iterator[Hit]:
    """A model corrects another model's output for the same task."""
    corrected: dict[str, list[tuple[str, list[str]]]] = {}
    for m1, m2, via, cond in model_chains(ctx):
        a, b = ctx.components[m1], ctx.components[m2]
        if cond or orchestrated(ctx, m1, via):
            continue
        same = ctx.task(a) is not None and ctx.task(a) == ctx.task(b)
        if same or b.properties.get("role") == "correction":
            corrected.setdefault(m2, []).append((m1, via))
    for m2, sources in sorted(corrected.items()):
        m1, via = sources[0]
        more = f" (and {len(sources) - 1} more models)" if len(sources) > 1 else ""
        yield ctx.found([ctx.components[m2], ctx.components[m1], *(ctx.connectors[v] for v in via)],
                        f"'{m2}' corrects the output of '{m1}'{more} for the same task")


@detector("hidden-feedback-loop", per_placement=False)
def hidden_feedback_loop(ctx: Context) -> Iterator[Hit]:
    """A model's output flows back into its own training without the loop being declared."""
    for m, t, path in feedback_loops(ctx):
        if not m.properties.get("feedback_loop"):
            yield ctx.found([ctx.components[x] for x in path], f"'{m.id}' influences its own training data through {' -> '.join(path)}")


@detector("unstable-data-dependency", per_placement=False)
def unstable_data_dependency(ctx: Context) -> Iterator[Hit]:
    """A model takes input from an external or foreign-owned component without a version pin or validator."""
    for e in ctx.system.connectors:
        a, b = (e.target, e.source) if e.op == "read" else (e.source, e.target)
        src, dst = ctx.components[a], ctx.components[b]
        if dst.kind not in ("model", "feature_encoder") or src.kind in ("safeguard", "model_registry"):
            continue
        if e.purpose not in ("serving", "training") or "version_pin" in e.properties:
            continue
        if src.kind == "external" or (src.owner and dst.owner and src.owner != dst.owner):
            who = "an external system" if src.kind == "external" else f"owned by '{src.owner}'"
            yield ctx.found([e, src, dst], f"'{dst.id}' depends on '{src.id}' ({who}) with no version pin")


@detector("training-serving-skew", per_placement=False)
def training_serving_skew(ctx: Context) -> Iterator[Hit]:
    """Different feature encoders on the training and serving side of a model, and no shared feature store."""
    tg, sg = training_graph(ctx), serving_graph(ctx)
    for m, trainers in sorted(ctx.trainers.items()):
        serve = upstream(sg, m)
        for t in trainers:
            train = upstream(tg, t)
            enc_t = {x for x in train if ctx.components[x].kind == "feature_encoder"}
            enc_s = {x for x in serve if ctx.components[x].kind == "feature_encoder"}
            shared_store = {x for x in train & serve if ctx.components[x].kind == "feature_store"}
            if enc_t and enc_s and not (enc_t & enc_s) and not shared_store:
                yield ctx.found([ctx.components[m], *(ctx.components[x] for x in sorted(enc_t | enc_s))],
                                f"'{m}' is trained on features from {', '.join(sorted(enc_t))} but served with {', '.join(sorted(enc_s))}")


@detector("all-in-one", per_placement=False)
def all_in_one(ctx: Context) -> Iterator[Hit]:
    """One component hosts two or more models in its own process."""
    for c in ctx.system.components:
        hosted = sorted({e.target for e in ctx.outgoing(c.id) if e.kind == "in_process" and ctx.components[e.target].kind == "model"})
        if len(hosted) >= 2:
            yield ctx.found([c, *(ctx.components[m] for m in hosted)], f"'{c.id}' runs {len(hosted)} models in one process: {', '.join(hosted)}")


@detector("no-logging", per_placement=False)
def no_logging(ctx: Context) -> Iterator[Hit]:
    """A production model about which nobody sends telemetry."""
    for m in ctx.models():
        if m.status in (None, "production") and not telemetry_sinks(ctx, m.id):
            yield ctx.found([m], f"no telemetry is sent about the predictions of '{m.id}'")


@detector("offline-only-evaluation", per_placement=False)
def offline_only_evaluation(ctx: Context) -> Iterator[Hit]:
    """A trained model with no production feedback reaching its telemetry or training."""
    for m in ctx.models():
        if m.id not in ctx.trainers:
            continue
        if not feedback_reaches(ctx, m.id):
            yield ctx.found([m], f"'{m.id}' is evaluated only offline: no feedback connector reaches its telemetry or training")


@detector("nobody-knows", per_placement=False)
def nobody_knows(ctx: Context) -> Iterator[Hit]:
    """A model without owner, version or intended use."""
    for m in ctx.models():
        missing = [name for name, ok in (("owner", m.owner), ("version", m.version),
                                          ("model.intended_use", m.model is not None and m.model.intended_use)) if not ok]
        if missing:
            yield ctx.found([m], f"'{m.id}' has no {', '.join(missing)}")


@detector("training-code-in-serving")
def training_code_in_serving(ctx: Context) -> Iterator[Hit]:
    """A training component on the same node as the model it trains, or called synchronously by it."""
    for m in ctx.models():
        trainers = set(ctx.trainers.get(m.id, []))
        trainers |= {e.target if e.source == m.id else e.source for e in ctx.incoming(m.id) + ctx.outgoing(m.id)
                     if e.synchronous and ctx.is_training(e.target if e.source == m.id else e.source)}
        for t in sorted(trainers):
            if ctx.same_node(t, m.id):
                yield ctx.found([ctx.components[t], m], f"'{t}' trains on the same node as '{m.id}' serves ('{ctx.placement[t]}')")
            elif any(e.synchronous for e in ctx.incoming(m.id) + ctx.outgoing(m.id) if t in (e.source, e.target)):
                yield ctx.found([ctx.components[t], m], f"'{t}' and '{m.id}' are coupled by a synchronous call")
