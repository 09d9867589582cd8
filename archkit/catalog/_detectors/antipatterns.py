"""Detectors of code and operations debt: glue code, pipeline jungles, dead experimental paths, big
scripts, language mixes, plain data types, prototypes, skew, all-in-one, missing logging and docs.

They read the typed structure a model can declare (``kind="adapter"``, ``lines_of_code``,
``responsibilities``, ``language``, ``origin``, ``status``, declared flags); the free-form
``properties`` (``role``, ``loc``, ``responsibilities``) are read only where the typed field is not
given. A rule whose fields are not declared stays silent rather than guessing. Data-dependency
debt (consumers, signals, corrections, feedback loops) is in :mod:`.dependencies`.
"""

from __future__ import annotations

from typing import Iterator

from ..._digraph import is_directed_acyclic_graph
from ...model import RESPONSIBILITIES, Component
from .._context import Context
from .._registry import Hit, detector
from .operations import feedback_reaches, telemetry_sinks
from .training import serving_graph, training_graph, upstream

PRIMITIVE_TYPES = frozenset(
    {
        "float",
        "double",
        "int",
        "integer",
        "bool",
        "boolean",
        "bytes",
        "number",
        "float32",
        "float64",
        "int32",
        "int64",
        "list[float]",
        "list[int]",
    }
)
CLIENT_RELEASE_DAYS = 14
JUNGLE_SOURCES, JUNGLE_INTERMEDIATES, JUNGLE_JOINS = 3, 3, 2
GLUE_RATIO = 19
"""Sculley et al. 2015: a mature system may be 5 % ML code and 95 % glue, i.e. 19 lines of glue per line of ML."""
BIG_SCRIPT_JOBS = 3


def _adapters_of(ctx: Context, m: Component) -> tuple[list[Component], list[Component]]:
    """Adapters around a model (next to it, or next to a feature encoder next to it), and those encoders."""

    def neighbours(cid: str) -> set[str]:
        return {e.source if e.target == cid else e.target for e in ctx.incoming(cid) + ctx.outgoing(cid)} - {cid}

    near = neighbours(m.id)
    encoders = sorted(x for x in near if ctx.components[x].kind == "feature_encoder")
    around = set(near)
    for enc in encoders:
        around |= neighbours(enc)
    adapters = sorted(x for x in around - {m.id} if ctx.is_adapter(ctx.components[x]))
    return [ctx.components[a] for a in adapters], [ctx.components[x] for x in encoders]


@detector("glue-code", per_placement=False)
def glue_code(ctx: Context) -> Iterator[Hit]:
    """Two or more adapters around one model, or adapters whose declared lines outweigh the model's ML
    code (the model and its feature encoders) 19:1."""
    for m in ctx.models():
        adapters, encoders = _adapters_of(ctx, m)
        if not adapters:
            continue
        reasons = []
        if len(adapters) >= 2:
            reasons.append(f"{len(adapters)} separate adapters ({', '.join(a.id for a in adapters)})")
        glue = [ctx.lines_of_code(a) for a in adapters]
        ml = [ctx.lines_of_code(x) for x in [m, *encoders]]
        if None not in glue and None not in ml and sum(ml) > 0:  # type: ignore[arg-type]
            g, k = sum(glue), sum(ml)  # type: ignore[arg-type]
            if g >= GLUE_RATIO * k:
                reasons.append(f"{g:,.0f} lines of adapters against {k:,.0f} lines of ML code ({g / k:.0f}:1)")
        if reasons:
            yield ctx.found(
                [m, *adapters],
                f"model '{m.id}' is wrapped in glue: {'; '.join(reasons)}",
                fix=f"Put one interface in front of '{m.id}' that every caller uses, and retire the "
                f"per-caller adapters ({', '.join(a.id for a in adapters)}).",
            )


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
        cyclic = not is_directed_acyclic_graph(sub)
        if cyclic or (
            len(sources) >= JUNGLE_SOURCES and len(stores) >= JUNGLE_INTERMEDIATES and len(joins) >= JUNGLE_JOINS
        ):
            why = (
                "a cycle"
                if cyclic
                else f"{len(sources)} sources, {len(stores)} intermediate stores and {len(joins)} joins"
            )
            yield ctx.found(
                [t, *(ctx.components[n] for n in sorted(part - {t.id}))], f"data preparation for '{t.id}' has {why}"
            )


def _dead_reasons(ctx: Context, c: Component) -> tuple[list[str], list[object]]:
    """Why an experimental, deprecated or flagged component is a dead code path, and the elements involved."""
    reasons: list[str] = []
    involved: list[object] = []
    if c.status not in ("experimental", "deprecated") and not ctx.system.flags:
        return reasons, involved  # no flag can be off, and the component is not experimental or deprecated
    flags = ctx.flags_guarding(c.id)
    ins = ctx.incoming(c.id)
    flagged_ins = {e.id: ctx.flags_guarding(e.id) for e in ins}
    off = [f for f in flags if f.state == "off"]
    if ins and all(any(f.state == "off" for f in fs) for fs in flagged_ins.values()):
        off += [f for fs in flagged_ins.values() for f in fs if f.state == "off" and f not in off]
    for f in off:
        since = f" since {f.since.isoformat()}" if f.since else ""
        reasons.append(f"flag '{f.id}' is off{since}, so it gets no traffic, yet it is still deployed")
        involved.append(f)
    if c.status in ("experimental", "deprecated"):
        if not ins and not ctx.outgoing(c.id):
            reasons.append("it is not connected to anything")
        elif ins and all(e.properties.get("weight") == 0 for e in ins):
            reasons.append("it gets no traffic (weight 0)")
            involved.extend(ins)
        owners = [c.owner, *(f.owner for f in flags)]
        if not any(owners):
            on = f" (nor flag {', '.join(repr(f.id) for f in flags)})" if flags else ""
            reasons.append(f"nobody owns it{on}, so nobody decides when it goes")
            involved.extend(f for f in flags if f not in involved)
    return reasons, involved


@detector("dead-experimental-code-paths", per_placement=False)
def dead_experimental_code_paths(ctx: Context) -> Iterator[Hit]:
    """Experimental, deprecated or flagged components behind a flag that is off, without traffic,
    not connected, or owned by nobody."""
    for c in ctx.system.components:
        reasons, involved = _dead_reasons(ctx, c)
        if reasons:
            label = c.status or "flagged"
            yield ctx.found(
                [c, *involved],
                f"{label} component '{c.id}': {'; '.join(reasons)}",
                fix=f"Remove '{c.id}' (and the flags and connectors that lead to it), or make it "
                f"production code with an owner and a date to decide by.",
            )


@detector("big-ass-script-architecture", per_placement=False)
def big_ass_script_architecture(ctx: Context) -> Iterator[Hit]:
    """One component declaring three or more responsibilities, or a training component that also
    answers synchronous serving requests. Silent for components that declare no responsibilities."""
    for c in ctx.system.components:
        jobs = ctx.responsibilities(c)
        own = [r for r in RESPONSIBILITIES if jobs and r in jobs]
        if len(own) >= BIG_SCRIPT_JOBS:
            size = f" in {ctx.lines_of_code(c):,.0f} lines" if ctx.lines_of_code(c) else ""
            yield ctx.found(
                [c],
                f"'{c.id}' does {len(own)} jobs{size}: {', '.join(own)}",
                fix=f"Split '{c.id}' into one component per stage ({', '.join(own)}) with declared "
                f"data between them, e.g. a pipeline of batch jobs.",
            )
        elif ctx.is_training(c.id) and any(e.synchronous and e.purpose == "serving" for e in ctx.callers(c.id)):
            yield ctx.found(
                [c],
                f"'{c.id}' both trains and answers serving requests",
                fix=f"Serve from a model component that '{c.id}' ships artifacts to.",
            )


def _language_neighbourhood(ctx: Context, m: Component) -> list[Component]:
    """The parts whose code meets the model's: in-process partners, adjacent encoders and adapters, trainers."""
    near = {m.id}
    for e in ctx.incoming(m.id) + ctx.outgoing(m.id):
        other = ctx.components[e.target if e.source == m.id else e.source]
        if e.kind == "in_process" or other.kind == "feature_encoder" or ctx.is_adapter(other):
            near.add(other.id)
    near |= set(ctx.trainers.get(m.id, []))
    return [ctx.components[x] for x in sorted(near)]


def _languages_differ(a: Component, b: Component) -> bool:
    """Whether both components name their language and the two differ (case aside)."""
    return bool(a.language and b.language and a.language.lower() != b.language.lower())


@detector("multiple-language-smell", per_placement=False)
def multiple_language_smell(ctx: Context) -> Iterator[Hit]:
    """Three or more languages in the code around one model, or a call across languages inside one process."""
    for m in ctx.models():
        comps = _language_neighbourhood(ctx, m)
        if len(comps) < 2:
            continue
        langs = sorted({c.language.lower() for c in comps if c.language})
        mixed = [
            e
            for e in ctx.incoming(m.id) + ctx.outgoing(m.id)
            if e.kind == "in_process" and _languages_differ(ctx.components[e.source], ctx.components[e.target])
        ]
        missing = [c.id for c in comps if not c.language]
        reasons = []
        if len(langs) >= 3:
            who = ", ".join(f"{c.id} ({c.language})" for c in comps if c.language)
            reasons.append(f"the code around it uses {len(langs)} languages: {who}")
        for e in mixed:
            a, b = ctx.components[e.source], ctx.components[e.target]
            reasons.append(f"'{a.id}' ({a.language}) calls '{b.id}' ({b.language}) inside one process")
        if reasons:
            yield ctx.found(
                [m, *(c for c in comps if c is not m), *mixed],
                f"model '{m.id}': {'; '.join(reasons)}",
                fix=f"Keep the code that handles '{m.id}''s data in at most two languages, and put "
                f"a service boundary (not an in-process call) where languages change.",
            )
        elif missing and len(langs) >= 2 and len(langs) + len(missing) >= 3:
            yield ctx.unknown(
                [m, *comps],
                f"declare language on {', '.join(repr(x) for x in missing)} "
                f"to tell whether the code around '{m.id}' mixes three or more languages",
            )


@detector("plain-old-datatype-smell", per_placement=False)
def plain_old_datatype_smell(ctx: Context) -> Iterator[Hit]:
    """A model whose declared outputs are all bare primitives with no unit or meaning (silent when
    no outputs are declared)."""
    for m in ctx.models():
        outs = m.model.outputs if m.model is not None else []
        bare = [f for f in outs if f.type.strip().lower() in PRIMITIVE_TYPES and not f.unit and not f.meaning]
        if bare and len(bare) == len(outs):
            yield ctx.found(
                [m],
                f"model '{m.id}' returns bare {', '.join(f'{f.name}: {f.type}' for f in bare)} without unit or meaning",
                fix=f"Declare what each output of '{m.id}' means and its unit (model.outputs[].meaning, "
                f".unit), or return a typed record instead of bare numbers.",
            )


def _serves_every_request(ctx: Context, c: Component) -> str | None:
    """The flow whose every request passes ``c`` through an unconditional synchronous call, if any."""
    if ctx.flags_guarding(c.id):
        return None
    for f in ctx.system.flows:
        for step in f.steps:
            e = ctx.connectors.get(step)
            if (
                e is not None
                and e.target == c.id
                and e.synchronous
                and not e.conditional
                and (e.share is None or e.share >= 1)
                and not ctx.flags_guarding(e.id)
            ):
                return f.id
    return None


@detector("prototype-smell", per_placement=False)
def prototype_smell(ctx: Context) -> Iterator[Hit]:
    """Notebook or prototype code in production, or an experimental component that every request of a flow passes."""
    for c in ctx.system.components:
        if c.origin in ("notebook", "prototype") and c.status in (None, "production"):
            yield ctx.found(
                [c],
                f"'{c.id}' comes from a {c.origin} but serves production",
                fix=f"Rewrite '{c.id}' as engineered code (tests, packaging, review) before it serves "
                f"production, or mark it experimental and keep it off the production path.",
            )
            continue
        flow = _serves_every_request(ctx, c) if c.status == "experimental" else None
        if flow is not None:
            yield ctx.found(
                [c, ctx.system.flow(flow)],
                f"experimental component '{c.id}' answers every request of flow '{flow}'",
                fix=f"Harden '{c.id}' and mark it production, or put it behind a flag or a traffic "
                f"share so that the production path does not depend on a prototype.",
            )


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
                yield ctx.found(
                    [ctx.components[m], *(ctx.components[x] for x in sorted(enc_t | enc_s))],
                    f"model '{m}' is trained on features from {', '.join(sorted(enc_t))} but served "
                    f"with {', '.join(sorted(enc_s))}",
                )


@detector("all-in-one", per_placement=False)
def all_in_one(ctx: Context) -> Iterator[Hit]:
    """One component hosts two or more models in its own process."""
    in_process: dict[str, set[str]] = {}
    for e in ctx.system.connectors:
        if e.kind == "in_process" and ctx.components[e.target].kind == "model":
            in_process.setdefault(e.source, set()).add(e.target)
    for c in ctx.system.components:
        hosted = sorted(in_process.get(c.id, ()))
        if len(hosted) >= 2:
            yield ctx.found(
                [c, *(ctx.components[m] for m in hosted)],
                f"'{c.id}' runs {len(hosted)} models in one process: {', '.join(hosted)}",
            )


@detector("no-logging", per_placement=False)
def no_logging(ctx: Context) -> Iterator[Hit]:
    """A production model about which nobody sends telemetry: not the model, nor a component up its chain of callers."""
    for m in ctx.models():
        if m.status in (None, "production") and not telemetry_sinks(ctx, m.id):
            yield ctx.found(
                [m],
                f"no telemetry is sent about the predictions of model '{m.id}'",
                fix=f"Log the inputs, outputs and version of '{m.id}' (a telemetry connector from it "
                f"or from its caller), so that its behaviour in production can be watched.",
            )


@detector("offline-only-evaluation", per_placement=False)
def offline_only_evaluation(ctx: Context) -> Iterator[Hit]:
    """A trained model with no production feedback reaching its telemetry or training."""
    for m in ctx.models():
        if m.id not in ctx.trainers:
            continue
        if not feedback_reaches(ctx, m.id):
            yield ctx.found(
                [m],
                f"model '{m.id}' is evaluated only offline: no feedback connector reaches its "
                f"telemetry or its training ({', '.join(ctx.trainers[m.id])})",
            )


@detector("nobody-knows", per_placement=False)
def nobody_knows(ctx: Context) -> Iterator[Hit]:
    """A model without owner, version or intended use."""
    for m in ctx.models():
        missing = [
            name
            for name, ok in (
                ("owner", m.owner),
                ("version", m.version),
                ("model.intended_use", m.model is not None and m.model.intended_use),
            )
            if not ok
        ]
        if missing:
            yield ctx.found(
                [m], f"model '{m.id}' has no {', '.join(missing)}", fix=f"Declare {', '.join(missing)} on '{m.id}'."
            )


@detector("training-code-in-serving")
def training_code_in_serving(ctx: Context) -> Iterator[Hit]:
    """A training component on the same node as the model it trains, or called synchronously by it."""
    for m, trainers in ctx.memo("model_trainers", lambda: _model_trainers(ctx)):
        for t, coupled in trainers:
            if ctx.same_node(t, m.id):
                yield ctx.found(
                    [ctx.components[t], m],
                    f"'{t}' trains on the same node as model '{m.id}' serves ('{ctx.placement[t]}')",
                )
            elif coupled:
                yield ctx.found([ctx.components[t], m], f"'{t}' and model '{m.id}' are coupled by a synchronous call")


def _model_trainers(ctx: Context) -> list[tuple[Component, list[tuple[str, bool]]]]:
    """Each model that something trains, with its training components (sorted), each with whether a
    synchronous call joins the two (the same in every placement)."""
    out = []
    for m in ctx.models():
        trainers = set(ctx.trainers.get(m.id, []))
        near = ctx.incoming(m.id) + ctx.outgoing(m.id)
        trainers |= {
            e.target if e.source == m.id else e.source
            for e in near
            if e.synchronous and ctx.is_training(e.target if e.source == m.id else e.source)
        }
        if trainers:
            out.append(
                (m, [(t, any(e.synchronous for e in near if t in (e.source, e.target))) for t in sorted(trainers)])
            )
    return out
