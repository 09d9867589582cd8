"""Quality vectors of a whole generated space at once: lookup tables from the analyses, numpy gathers.

Every entry of the quality vector is a sum, maximum or conjunction of *terms* that each depend on
the placement of only a few components - its *scope*:

* a flow step's latency (network + processing + M/M/c wait at its target) depends on where its
  source and target live and where the callers of the target live (they set its arrival rate);
* a connector's load on each link direction, its metered-data cost, whether it carries personal
  data off the user's devices, and whether it still has a route offline depend on its two ends;
* a model's update cost depends on where it and its update channel's source live;
* a component's cores (capacity plan) and resource needs depend on it and its callers.

For each term, the scope's decisions are enumerated (a handful of combinations) and the term is
evaluated with the analyses' own per-element functions (``connector_time_parts``,
``component_time``, ``queueing_delay``, ``arrival_rate``, ``servers_for``, ``connector_link_load``,
``connector_monthly_data_cost``, ``model_update``) on a *probe* placement (the scope set,
everything else at its first choice), each distinct call made once. Four short rules have no
per-element function to call and follow the analyses' code step by step: a step's offline route
(availability), a connector's personal-data exit (privacy), a component's cores (capacity) and its
resource needs (resources); the tests compare every key with the full analyses. The whole space is then
evaluated chunk by chunk: the row-major index of each scope's choices is computed once per chunk and
every table is gathered with one ``np.take``;
numpy adds, maximises or combines them in the order the analyses use (so latency and link load
come out bit for bit; costs are sums in another order and agree to rounding, see
:func:`archkit.alternatives._quality.quantise`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._quality import PROBE_VARIANT, probe_system, quality_keys
from ._space import Space

__all__ = ["Term", "VectorEvaluator"]


@dataclass
class Term:
    """A table over the choices of the decisions in ``scope`` (plus trailing value axes)."""

    scope: tuple[int, ...]
    table: np.ndarray

    def gather(self, digits: np.ndarray, flat: dict[tuple[int, ...], np.ndarray] | None = None) -> np.ndarray:
        """The term's value for every alternative of a chunk: shape (n,) + trailing axes.

        ``flat`` caches, per scope, the row-major index into the scope's table for the chunk, so
        terms that share a scope share one index and each gather is a single ``np.take``.
        """
        if not self.scope:
            return np.broadcast_to(self.table, (digits.shape[0],) + self.table.shape)
        idx = flat.get(self.scope) if flat is not None else None
        if idx is None:
            dims = self.table.shape[: len(self.scope)]
            idx = np.zeros(digits.shape[0], dtype=np.intp)
            for d, size in zip(self.scope, dims):
                idx *= size
                idx += digits[:, d]
            if flat is not None:
                flat[self.scope] = idx
        rows = int(np.prod(self.table.shape[: len(self.scope)]))
        return np.take(self.table.reshape((rows,) + self.table.shape[len(self.scope) :]), idx, axis=0)


def _worst(e: Any) -> float:
    return float(e.worst) if e.known else math.nan


def _best(e: Any) -> float:
    return float(e.best) if e.known else math.nan


class _Probes:
    """The analyses' per-element primitives on probe placements, each computed once.

    Each probe is an :class:`~archkit.analysis.AnalysisContext` made from one base context with
    :meth:`~archkit.analysis.AnalysisContext.with_placement`: routes depend only on the links (and
    the links down), so every probe shares them, and each has its own memo of derived values.
    """

    def __init__(self, space: Space, options: Any) -> None:
        from ..analysis import AnalysisContext

        self.space = space
        self.options = options
        base = probe_system(space.system, space.base, space.links_down)
        self.context = AnalysisContext(base, PROBE_VARIANT)
        self._memo: dict[tuple[Any, ...], Any] = {}
        self.runs = 0

    def place(self, digits: tuple[int, ...]) -> Any:
        """The analysis context of the probe ``digits`` (the base placement with the scope moved)."""
        moved = {c: d.nodes[choice] for d, choice in zip(self.space.decisions, digits) for c in d.components}
        return self.context.with_placement(moved)

    def memo(self, key: tuple[Any, ...], fn: Callable[[], Any]) -> Any:
        hit = self._memo.get(key, _MISSING)
        if hit is _MISSING:
            self.runs += 1
            hit = fn()
            self._memo[key] = hit
        return hit


_MISSING = object()


class VectorEvaluator:
    """Evaluates the quality vector (:func:`archkit.alternatives._quality.quality_keys`) of many alternatives.

    Args:
        space: a generated space.
        options: :class:`archkit.analysis.Options`.
        progress: optional callable(done, total) while the tables are built.
    """

    def __init__(self, space: Space, options: Any = None, progress: Callable[[int, int], None] | None = None) -> None:
        from ..analysis import Options

        if not space.generated:
            raise ValueError("the vectorised evaluator works on generated spaces")
        self.space = space
        self.system = space.system
        self.options = options or Options()
        self.keys = quality_keys(self.system)
        self.radices = [len(d.nodes) for d in space.decisions]
        self._probes = _Probes(space, self.options)
        self._dec_of: dict[str, int] = {}
        for i, d in enumerate(space.decisions):
            for c in d.components:
                self._dec_of[c] = i
        self._sources: dict[str, list[str]] = {}
        for e in self.system.connectors:
            self._sources.setdefault(e.target, []).append(e.source)
        self._progress = progress
        self._build()

    # -- helpers ---------------------------------------------------------------------------------
    def _scope(self, comps: list[str]) -> tuple[int, ...]:
        return tuple(sorted({self._dec_of[c] for c in comps if c in self._dec_of}))

    def _node_of(self, comp: str, digits: tuple[int, ...]) -> str:
        d = self._dec_of.get(comp)
        if d is None:
            return self.space.base[comp]
        return self.space.decisions[d].nodes[digits[d]]

    def _tabulate(
        self, scope: tuple[int, ...], fn: Callable[[tuple[int, ...]], Any], tail: tuple[int, ...] = ()
    ) -> Term:
        shape = tuple(self.radices[d] for d in scope) + tail
        table = np.zeros(shape, dtype=np.float64)
        base = [0] * len(self.radices)
        for combo in itertools.product(*(range(self.radices[d]) for d in scope)):
            digits = list(base)
            for d, ch in zip(scope, combo):
                digits[d] = ch
            table[combo] = fn(tuple(digits))
        return Term(scope, table)

    @property
    def probe_runs(self) -> int:
        """How many primitive evaluations building the tables took."""
        return self._probes.runs

    # -- memoised primitives of the analyses -----------------------------------------------------
    def _where(self, comps: list[str], dg: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(self._node_of(c, dg) for c in comps)

    def _conn_time(self, cid: str, a: str, b: str) -> Any:
        from ..analysis import connector_time_parts

        return self._probes.memo(("net", cid, a, b), lambda: connector_time_parts(self._probes.context, cid, a, b))

    def _comp_time(self, cid: str, n: str) -> Any:
        from ..analysis import component_time

        return self._probes.memo(("proc", cid, n), lambda: component_time(self._probes.context, cid, n))

    def _queue(self, cid: str, dg: tuple[int, ...]) -> Any:
        from ..analysis import queueing_delay

        who = [cid] + self._sources.get(cid, [])
        key = ("queue", cid) + self._where(who, dg)
        return self._probes.memo(key, lambda: queueing_delay(self._probes.place(dg), cid, self.options))

    def _arrival(self, cid: str, dg: tuple[int, ...]) -> Any:
        from ..analysis import arrival_rate

        who = [cid] + self._sources.get(cid, [])
        key = ("arrival", cid) + self._where(who, dg)
        return self._probes.memo(key, lambda: arrival_rate(self._probes.place(dg), cid, self.options))

    def _shares(self, cid: str, a: str, b: str) -> Any:
        from ..analysis import connector_link_load

        return self._probes.memo(
            ("load", cid, a, b), lambda: connector_link_load(self._probes.context, cid, a, b, self.options)
        )

    # -- tables ----------------------------------------------------------------------------------
    def _build(self) -> None:
        from ..analysis import StepLatency

        s = self.system
        g = self._probes.context
        users = {n.id for n in s.nodes if n.user_device}
        models = [c.id for c in s.components if c.kind == "model" or c.model is not None]
        flows = list(s.flows)
        jobs = len(flows) + 6
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if self._progress is not None:
                self._progress(done, jobs)

        # latency: one term per step (network + processing + M/M/c wait), summed in step order
        self.lat_terms: list[list[Term]] = []
        for f in flows:
            terms = []
            for sid in f.steps:
                e = s.connector(sid)

                def step(dg: tuple[int, ...], e: Any = e) -> float:
                    a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                    st = StepLatency(
                        e.id,
                        e.source,
                        e.target,
                        a,
                        b,
                        self._conn_time(e.id, a, b),
                        self._comp_time(e.target, b),
                        self._queue(e.target, dg),
                    ).total
                    return np.array([_worst(st), float(st.typical) if st.known else math.nan])

                terms.append(
                    self._tabulate(self._scope([e.source, e.target] + self._sources.get(e.target, [])), step, (2,))
                )
            self.lat_terms.append(terms)
            tick()
        # offline: every step that crosses nodes keeps a route with every intermittent link down
        offline_ex = frozenset(g.down | {lk.id for lk in s.links if lk.intermittent})
        self.off_terms: list[list[Term]] = []
        for f in flows:
            terms = []
            for sid in dict.fromkeys(f.steps):
                e = s.connector(sid)

                def ok(dg: tuple[int, ...], e: Any = e) -> float:
                    a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                    if a == b:
                        return 1.0
                    if g.route(a, b) is None or g.route(a, b, exclude=offline_ex) is None:
                        return 0.0
                    return 1.0

                terms.append(self._tabulate(self._scope([e.source, e.target]), ok))
            self.off_terms.append(terms)
        tick()
        # link load: per connector, its worst-case load on each link direction that is up
        from ..analysis import link_bandwidth

        self.linkdirs: list[tuple[str, str, str]] = []
        bw: list[float] = []
        for lk in s.links:
            if lk.id in g.down:
                continue
            for x, y in (lk.ends, (lk.ends[1], lk.ends[0])):
                self.linkdirs.append((lk.id, x, y))
                bw.append(_best(link_bandwidth(lk, x)))
        self.bw_best = np.array(bw, dtype=np.float64)
        ld_index = {k: i for i, k in enumerate(self.linkdirs)}
        self.load_terms: list[Term] = []
        for e in s.connectors:
            scope = self._scope([e.source, e.target])
            if not scope and self.space.base.get(e.source) == self.space.base.get(e.target):
                continue

            def shares(dg: tuple[int, ...], e: Any = e) -> np.ndarray:
                row = np.zeros(len(self.linkdirs))
                a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                for sh in self._shares(e.id, a, b):
                    row[ld_index[(sh.link, sh.from_node, sh.to_node)]] = _worst(sh.load)
                return row

            self.load_terms.append(self._tabulate(scope, shares, (len(self.linkdirs),)))
        tick()
        self._build_cost(models)
        tick()
        # privacy: connectors whose personal data leaves the user's devices
        self.privacy_terms: list[Term] = []
        for e in s.connectors:

            def leaves(dg: tuple[int, ...], e: Any = e) -> float:
                from ..analysis import connector_exits  # the privacy analysis's one rule, at this placement

                exits = connector_exits(g, e, self._node_of(e.source, dg), self._node_of(e.target, dg))
                return float(any(x.personal and x.leaves_user for x in exits))
            self.privacy_terms.append(self._tabulate(self._scope([e.source, e.target]), leaves))
        # models on user devices
        self.device_terms = [
            self._tabulate(self._scope([m]), lambda dg, m=m: float(self._node_of(m, dg) in users)) for m in models
        ]
        tick()
        self._build_fit()
        tick()

    def _build_cost(self, models: list[str]) -> None:
        """Cost terms: node fleet, scale-out from the capacity plan, metered data, model updates."""
        from ..analysis import model_update, node_monthly_cost

        s = self.system
        opts = self.options
        const = 0.0
        self.cost_terms: list[Term] = []
        for n in s.nodes:
            if n.cost_per_hour is not None:
                const += _worst(node_monthly_cost(s, n.id, opts))
            elif not n.user_device:
                # a fleet node without a price is unknown as soon as it hosts something
                for c in s.components:
                    if c.id in self._dec_of:
                        self.cost_terms.append(
                            self._tabulate(
                                (self._dec_of[c.id],),
                                lambda dg, cid=c.id, nid=n.id: math.nan if self._node_of(cid, dg) == nid else 0.0,
                            )
                        )
                    elif self.space.base.get(c.id) == n.id:
                        const += math.nan
        self.cost_const = const
        # scale-out: cores each server-side component needs (capacity plan), per fleet node
        self.scale_nodes: list[tuple[Any, list[Term], list[Term]]] = []
        for n in s.nodes:
            if n.per_user is not None:
                continue
            cores_terms, present_terms = [], []
            for c in s.components:
                if not self._may_live_on(c.id, n.id):
                    continue

                def cores(dg: tuple[int, ...], c: Any = c, nid: str = n.id) -> np.ndarray:
                    if self._node_of(c.id, dg) != nid:
                        return np.array([0.0, 0.0])
                    e = self._cores_needed(c, nid, dg)
                    return np.array([0.0, 0.0]) if e is None else np.array([_worst(e), 1.0])

                t = self._tabulate(self._scope([c.id] + self._sources.get(c.id, [])), cores, (2,))
                cores_terms.append(Term(t.scope, t.table[..., 0].copy()))
                present_terms.append(Term(t.scope, t.table[..., 1].copy()))
            if cores_terms:
                self.scale_nodes.append((n, cores_terms, present_terms))
        # metered data of each connector (archkit.analysis._cost), on a probe system: it depends on its two ends
        from ..analysis import LinkLoadResult, connector_monthly_data_cost

        no_loads = LinkLoadResult(PROBE_VARIANT, [])  # the data cost does not read link loads
        for e in s.connectors:
            if e.purpose == "model_artifact":
                continue

            def data(dg: tuple[int, ...], e: Any = e) -> float:
                key = ("data", e.id) + self._where([e.source, e.target], dg)

                def run() -> float:
                    sysp = probe_system(s, dict(self._probes.place(dg).placement), self.space.links_down)
                    return _worst(connector_monthly_data_cost(sysp, PROBE_VARIANT, e.id, opts, loads=no_loads))

                return self._probes.memo(key, run)

            self.cost_terms.append(self._tabulate(self._scope([e.source, e.target]), data))
        # model updates: distribution cost of each model (archkit.analysis._updates), on a probe system
        self.update_terms: list[Term] = []
        for m in models:
            channel = next((e for e in s.connectors if e.target == m and e.purpose == "model_artifact"), None)
            scope = self._scope([m] + ([channel.source] if channel is not None else []))

            def upd(
                dg: tuple[int, ...], m: str = m, who: list[str] = [m] + ([channel.source] if channel else [])
            ) -> float:
                key = ("update", m) + self._where(who, dg)

                def run() -> float:
                    pl = dict(self._probes.place(dg).placement)
                    sysp = probe_system(s, pl, self.space.links_down)
                    return _worst(model_update(sysp, m, PROBE_VARIANT, opts).monthly_cost)

                return self._probes.memo(key, run)

            self.update_terms.append(self._tabulate(scope, upd))

    def _may_live_on(self, cid: str, nid: str) -> bool:
        if cid in self._dec_of:
            return nid in self.space.decisions[self._dec_of[cid]].nodes
        return self.space.base.get(cid) == nid

    def _cores_needed(self, c: Any, nid: str, dg: tuple[int, ...]) -> Any:
        """Cores the capacity plan gives a component on a fleet node (None when nothing reaches it)."""
        from ..analysis import Estimate, ceil_estimate, input_text, missing_text

        lam = self._arrival(c.id, dg)
        svc = self._comp_time(c.id, nid)
        if lam.known and lam.worst == 0:
            return None
        u = (
            c.autoscaling.target_utilization
            if c.autoscaling and c.autoscaling.target_utilization
            else self.options.target_utilisation
        )
        needed = ceil_estimate(lam.times(svc, "servers").scale(1 / u, "replicas"), "replicas")
        if needed.known:
            needed = Estimate(
                max(1.0, needed.best), max(1.0, needed.typical), max(1.0, needed.worst), "replicas", needed.inputs
            )
        declared = c.replicas if c.replicas is not None else (c.autoscaling.max_replicas if c.autoscaling else None)
        cpus = (
            Estimate.exact(c.cpus, "cores", (input_text("component", c.id, "cpus", f"{c.cpus:g}"),))
            if c.cpus is not None
            else Estimate.unknown("cores", missing_text("cpus", "component", c.id))
        )
        servers = Estimate.exact(float(declared), "replicas") if declared is not None else needed
        return servers.times(cpus, "cores")

    def _build_fit(self) -> None:
        """Best-case need per user device and resource (as in archkit.analysis._resources)."""
        from ..analysis import Estimate, node_capacity, replica_memory, replica_storage, servers_for

        s = self.system
        self.fit_nodes: list[tuple[str, np.ndarray, list[Term]]] = []
        for n in s.nodes:
            if n.per_user is None:
                continue  # fleets scale out (see archkit.alternatives._quality)
            have = [
                _worst(node_capacity(n.memory, n, "memory", "B", True)),
                _worst(node_capacity(n.storage, n, "storage", "B", True)),
                _worst(node_capacity(n.gpus, n, "gpus", "gpus", True)),
                _worst(node_capacity(n.cpu_cores, n, "cpu_cores", "cores", True))
                if n.cpu_cores is not None
                else math.nan,
            ]
            have.append(have[3])
            terms = []
            for c in s.components:
                if not self._may_live_on(c.id, n.id):
                    continue

                def need(dg: tuple[int, ...], c: Any = c, nid: str = n.id) -> np.ndarray:
                    out = np.zeros(5)
                    if self._node_of(c.id, dg) != nid:
                        return out
                    lam = self._arrival(c.id, dg)
                    svc = self._comp_time(c.id, nid)
                    g = self._probes.place(dg)
                    srv, _ = servers_for(
                        g, c.id, lam.typical if lam.known else None, svc.worst if svc.known else None, self.options
                    )
                    se = Estimate.exact(float(srv), "servers") if srv is not None else Estimate.unknown("servers", "?")
                    out[0] = _best(replica_memory(c).times(se, "B"))
                    st = replica_storage(c)
                    out[1] = _best(st.times(se, "B")) if st is not None else 0.0
                    gp = max(c.gpus, 1.0 if c.model is not None and c.model.requires_gpu else 0.0)
                    out[2] = _best(Estimate.exact(gp, "gpus").times(se, "gpus")) if gp else 0.0
                    out[3] = _best(Estimate.exact(c.cpus, "cores").times(se, "cores")) if c.cpus is not None else 0.0
                    if not (lam.known and lam.worst == 0):
                        out[4] = _best(lam.times(svc, "cores"))
                    return out

                terms.append(self._tabulate(self._scope([c.id] + self._sources.get(c.id, [])), need, (5,)))
            if terms:
                self.fit_nodes.append((n.id, np.array(have), terms))

    # -- evaluation ------------------------------------------------------------------------------
    def evaluate(self, digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Quality matrix (n x keys, NaN = unknown) and feasibility by resource fit, for a chunk of digits."""
        n = digits.shape[0]
        flat: dict[tuple[int, ...], np.ndarray] = {}
        flows = len(self.system.flows)
        Q = np.empty((n, len(self.keys)), dtype=np.float64)
        for fi, terms in enumerate(self.lat_terms):
            acc = np.zeros((n, 2))
            for t in terms:
                acc = acc + t.gather(digits, flat)
            Q[:, fi] = acc[:, 0]
            Q[:, flows + fi] = acc[:, 1]
        for fi, terms in enumerate(self.off_terms):
            acc = np.ones(n, dtype=bool)
            for t in terms:
                acc &= t.gather(digits, flat) > 0.5
            Q[:, 2 * flows + fi] = acc
        k = 3 * flows
        if self.linkdirs:
            load = np.zeros((n, len(self.linkdirs)))
            for t in self.load_terms:
                load = load + t.gather(digits, flat)
            with np.errstate(divide="ignore", invalid="ignore"):
                util = np.where(self.bw_best == 0, np.where(load == 0, 0.0, math.inf), load / self.bw_best)
            Q[:, k] = util.max(axis=1)
        else:
            Q[:, k] = 0.0
        cost = np.full(n, self.cost_const)
        for t in self.cost_terms:
            cost = cost + t.gather(digits, flat)
        for node, cores_terms, present_terms in self.scale_nodes:
            cores = np.zeros(n)
            present = np.zeros(n, dtype=bool)
            for t, p in zip(cores_terms, present_terms):
                cores = cores + t.gather(digits, flat)
                present |= p.gather(digits, flat) > 0.5
            if node.cpu_cores is None:
                item = np.where(present, math.nan, 0.0)
            else:
                x = cores * (1.0 / node.cpu_cores)
                x = np.where(x == 0, 0.0, x)
                needed = np.where(np.isinf(x), x, np.ceil(x - 1e-9))
                extra = np.maximum(0.0, needed - node.count)
                extra = np.where(np.isnan(needed), math.nan, extra)
                price = float(node.cost_per_hour.hi) if node.cost_per_hour is not None else math.nan
                with np.errstate(invalid="ignore"):
                    item = np.where(extra == 0, 0.0, price * extra) * (self.options.hours_per_month * 3600)
                item = np.where(present, item, 0.0)
            cost = cost + item
        upd = np.zeros(n)
        for t in self.update_terms:
            upd = upd + t.gather(digits, flat)
        Q[:, k + 1] = cost + upd
        Q[:, k + 2] = upd
        priv = np.zeros(n)
        for t in self.privacy_terms:
            priv = priv + t.gather(digits, flat)
        Q[:, k + 3] = priv
        dev = np.zeros(n, dtype=bool)
        for t in self.device_terms:
            dev |= t.gather(digits, flat) > 0.5
        Q[:, k + 4] = dev
        fits = np.ones(n, dtype=bool)
        for _, have, terms in self.fit_nodes:
            need = np.zeros((n, have.shape[0]))
            for t in terms:
                need = need + t.gather(digits, flat)
            fits &= ~np.any(need > have, axis=1)
        return Q, fits
