"""Detectors of data-dependency debt (Sculley et al. 2015): who reads a model's output, what a model
reads from others, models that correct models, and models that shape their own training data.

Each finding is reported on the element that has to change (the reader of another team's data,
the undeclared consumer, the correcting model, the model in the loop) and names the model and the
path that triggered it.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Component, Connector
from .._context import Context
from .._registry import Hit, detector
from ._common import model_chains
from .operations import feedback_loops

READERS = frozenset({"model", "feature_encoder"})
"""Components whose inputs are model inputs: what they read from others is a data dependency."""
STABLE_SOURCES = frozenset({"safeguard", "model_registry", "feature_store"})
"""Sources that are versioned or validated by what they are: a validator, an artifact store, a feature store."""
DEPENDENCY_PURPOSES = frozenset({"serving", "training"})


# -- undeclared consumers ------------------------------------------------------------------------------
def model_output_readers(ctx: Context, mid: str) -> dict[str, list[str]]:
    """Active components that get ``mid``'s output through passive components, with the path of ids.

    The search starts at the model and at every batch job that calls it (a job scoring records and
    writing the scores: its serving writes, not its own telemetry), and goes on through stores,
    caches, queues and logs only.
    """
    starts: list[list[str]] = [[mid]]
    jobs: set[str] = set()
    for e in ctx.callers(mid):
        job = ctx.components[e.source]
        if job.kind == "batch_job" and not ctx.is_training(job.id):
            starts.append([mid, job.id])
            jobs.add(job.id)
    out: dict[str, list[str]] = {}
    seen = {p[-1] for p in starts}
    frontier = starts
    steps = ctx.data_steps
    while frontier:
        nxt: list[list[str]] = []
        for path in frontier:
            for succ in sorted(steps[path[-1]]):
                if succ in seen:
                    continue
                if path[-1] in jobs and ctx.connectors[steps[path[-1]][succ]].purpose != "serving":
                    continue
                seen.add(succ)
                p = path + [succ]
                if ctx.is_passive(succ):
                    nxt.append(p)
                elif len(p) > 2 and ctx.is_passive(p[-2]):
                    out[succ] = p
        frontier = nxt
    return out


@detector("undeclared-consumers", per_placement=False)
def undeclared_consumers(ctx: Context) -> Iterator[Hit]:
    """Components reading a model's output through stores, caches, queues or logs (also when a batch
    job that calls the model writes them) that no connector on the way declares as a consumer."""
    found: dict[str, list[tuple[Component, list[str], list[Connector]]]] = {}
    for m in ctx.models():
        for x, path in sorted(model_output_readers(ctx, m.id).items()):
            conns = ctx.path_connectors(path)
            if x not in {c for e in conns for c in e.consumers}:
                found.setdefault(x, []).append((m, path, conns))
    for x, items in sorted(found.items()):
        m, path, conns = items[0]
        store = next(p for p in path[1:] if ctx.is_passive(p))
        into = next(e for e in conns if store in (e.source, e.target))
        models = ", ".join(f"'{it[0].id}'" for it in items)
        yield ctx.found(
            [ctx.components[x], m, ctx.components[store], into],
            f"'{x}' reads the output of model {models} from '{store}' ({' -> '.join(path)}), "
            f"but no connector on the way declares it as a consumer",
            fix=f"Add '{x}' to the consumers of connector '{into.id}', so that the owners of '{m.id}' know "
            f"who depends on it, or let '{x}' call '{m.id}' through a declared interface.",
        )


# -- unstable data dependencies ------------------------------------------------------------------------------
def read_sources(ctx: Context, reader: str) -> list[tuple[str, Connector]]:
    """Where a component gets data from, as (source, connector): the responses of the calls it makes,
    the stores it reads, what is written into it and the streams or batches fed to it. Requests that
    a caller sends it are not among them: a caller does not supply the reader's signals."""
    out: list[tuple[str, Connector]] = []
    for e in ctx.outgoing(reader):
        if e.purpose in DEPENDENCY_PURPOSES and (e.op == "read" or (e.op == "invoke" and e.synchronous)):
            out.append((e.target, e))
    for e in ctx.incoming(reader):
        if e.purpose in DEPENDENCY_PURPOSES and (
            e.op == "write" or (e.op == "invoke" and e.kind in ("stream", "batch_transfer"))
        ):
            out.append((e.source, e))
    return out


def _foreign(ctx: Context, src: Component, reader: Component) -> str | None:
    """Why ``src``'s data is another team's (or an outside system's), or None if it is not."""
    if src.kind == "external":
        return "an external system"
    owner = src.owner
    if owner is None and ctx.is_passive(src.id):
        writers = {w for w in (ctx.components[s].owner for s in ctx.senders(src.id)) if w is not None}
        owner = next(iter(writers)) if len(writers) == 1 else None
    if owner and reader.owner and owner != reader.owner:
        return f"owned by '{owner}'"
    return None


@detector("unstable-data-dependency", per_placement=False)
def unstable_data_dependency(ctx: Context) -> Iterator[Hit]:
    """A model or feature encoder reads data (a response, a store, a feed) that another team or an
    outside system produces, with no version pin and no validator in between."""
    for r in ctx.system.components:
        if r.kind not in READERS:
            continue
        deps = []
        for s, e in read_sources(ctx, r.id):
            src = ctx.components[s]
            if src.kind in STABLE_SOURCES or "version_pin" in e.properties:
                continue
            why = _foreign(ctx, src, r)
            if why is not None:
                deps.append((src, e, why))
        if not deps:
            continue
        what = "; ".join(f"'{src.id}' ({why}) through '{e.id}'" for src, e, why in deps)
        src, e, why = deps[0]
        yield ctx.found(
            [r, *(x for dep in deps for x in dep[:2])],
            f"{r.kind.replace('_', ' ')} '{r.id}' reads data from {what}, with no version pin or validation",
            fix=f"Pin the version of what '{r.id}' reads from '{src.id}' (properties version_pin on connector "
            f"'{e.id}'), put a validating safeguard between them, or agree a versioned contract with its owner.",
        )


# -- correction cascades -------------------------------------------------------------------------------
@detector("correction-cascade", per_placement=False)
def correction_cascade(ctx: Context) -> Iterator[Hit]:
    """A model that takes another model's output as input to correct it for the same (or a declared
    similar) problem: declared with ``corrects``, or a chain between two models of the same task."""
    corrected: dict[str, dict[str, list[str]]] = {}  # corrector -> corrected model -> connectors on the way
    for m in ctx.models():
        for base in sorted(ctx.corrections(m.id)):
            corrected.setdefault(m.id, {})[base] = []
    chains = model_chains(ctx)
    inputs_of: dict[str, set[str]] = {}
    for c in chains:
        inputs_of.setdefault(c.second, set()).add(c.first)
    comps = ctx.components
    tasks = {m.id: ctx.task(m) for m in ctx.models()}
    for c in chains:
        if c.conditional or c.first in corrected.get(c.second, ()):
            continue
        b = comps[c.second]
        if len(inputs_of[c.second]) >= 2 and not b.corrects:
            continue  # stacked: a metamodel over several models' outputs
        task = tasks[c.first]
        if (task is not None and task == tasks[c.second]) or b.properties.get("role") == "correction":
            corrected.setdefault(c.second, {})[c.first] = list(c.via)
    for m2, bases in sorted(corrected.items()):
        names = ", ".join(f"'{b}'" for b in sorted(bases))
        first = sorted(bases)[0]
        task = ctx.task(ctx.components[m2])
        how = "declared in corrects" if first in ctx.corrections(m2) else f"same task '{task}'"
        yield ctx.found(
            [
                ctx.components[m2],
                *(ctx.components[b] for b in sorted(bases)),
                *(ctx.connectors[v] for b in sorted(bases) for v in bases[b]),
            ],
            f"model '{m2}' corrects the output of model {names} ({how})",
            fix=f"Fold the correction into '{first}' (train it with what '{m2}' adds, e.g. the region as a feature), "
            f"or give '{m2}' its own inputs instead of '{first}''s output; while both stay, release and "
            f"evaluate them together.",
        )


# -- feedback loops ------------------------------------------------------------------------------------
@detector("hidden-feedback-loop", per_placement=False)
def hidden_feedback_loop(ctx: Context) -> Iterator[Hit]:
    """A model's outputs reach its own training data (through connectors or declared ``influences``),
    and nothing declares how the loop is kept in check (``feedback_loop``)."""
    by_model: dict[str, list[list[str]]] = {}
    for m, _, path in feedback_loops(ctx):
        if ctx.feedback_control(m) is None:
            by_model.setdefault(m.id, []).append(path)
    for mid, paths in sorted(by_model.items()):
        path = paths[0]
        others = sorted({x for x in path[1:] if ctx.components[x].kind == "model"})
        through = f", through model {', '.join(repr(o) for o in others)}" if others else ""
        yield ctx.found(
            [ctx.components[mid], *(ctx.components[x] for x in path[1:])],
            f"model '{mid}' shapes its own training data: {' -> '.join(path)}{through}",
            fix=f"Declare how the loop is kept in check (feedback_loop on '{mid}': exploration, a holdout that "
            f"never sees its outputs, propensity weighting), or train '{mid}' only on data its outputs did not shape.",
        )
