"""Quality vectors of a whole generated space at once: lookup tables from the analyses, numpy gathers.

Every entry of the quality vector is a sum, maximum or conjunction of *terms* that each depend on
the placement of only a few components - its *scope*:

* a flow step's latency (network + processing + M/M/c wait at its target) depends on where its
  source and target live and where the callers of the target live (they set its arrival rate);
* a connector's load on each link direction, its metered-data cost, whether it carries personal
  data off the user's devices, and whether it still has a route offline depend on its two ends;
* a model's update cost depends on where it and its update channel's source live;
* a component's cores (capacity plan) and resource needs depend on it and its callers.

For each term, the scope's decisions are enumerated (a handful of combinations) and the term's
value is read from the analyses of :mod:`archkit.analysis` run on a *probe* placement (the scope
set, everything else at its first choice). The whole space is then evaluated chunk by chunk:
``table[digits[:, d1], digits[:, d2]]`` gathers each term for every alternative of the chunk and
numpy adds, maximises or combines them in the order the analyses use (so latency and link load
come out bit for bit; costs are sums in another order and agree to rounding, see
:func:`archkit.explore.quality.quantise`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..model.system import System
from .quality import PROBE_VARIANT, probe_system, quality_keys
from .space import Space

__all__ = ["Term", "VectorEvaluator"]


@dataclass
class Term:
    """A table over the choices of the decisions in ``scope`` (plus trailing value axes)."""

    scope: tuple[int, ...]
    table: np.ndarray

    def gather(self, digits: np.ndarray) -> np.ndarray:
        """The term's value for every alternative of a chunk: shape (n,) + trailing axes."""
        if not self.scope:
            return np.broadcast_to(self.table, (digits.shape[0],) + self.table.shape)
        return self.table[tuple(digits[:, d] for d in self.scope)]


def _worst(e: Any) -> float:
    return float(e.worst) if e.known else math.nan


def _best(e: Any) -> float:
    return float(e.best) if e.known else math.nan


class _Probes:
    """Analyses of probe placements, computed once each and kept."""

    def __init__(self, space: Space, options: Any) -> None:
        self.space = space
        self.options = options
        self._systems: dict[tuple[int, ...], System] = {}
        self._results: dict[tuple[tuple[int, ...], str], Any] = {}
        self.runs = 0

    def system(self, digits: tuple[int, ...]) -> System:
        s = self._systems.get(digits)
        if s is None:
            pl = dict(self.space.base)
            for d, choice in zip(self.space.decisions, digits):
                for c in d.components:
                    pl[c] = d.nodes[choice]
            s = probe_system(self.space.system, pl, self.space.links_down)
            self._systems[digits] = s
        return s

    def get(self, digits: tuple[int, ...], what: str, *args: Any) -> Any:
        key = (digits, what + repr(args))
        hit = self._results.get(key)
        if hit is not None:
            return hit
        from .. import analysis as A
        from ..analysis.latency import as_graph

        s = self.system(digits)
        o = self.options
        self.runs += 1
        if what == "latency":
            r = A.latency(s, PROBE_VARIANT, o)
        elif what == "links":
            r = A.link_load(s, PROBE_VARIANT, o)
        elif what == "capacity":
            r = A.capacity(s, PROBE_VARIANT, o)
        elif what == "availability":
            r = A.availability(s, PROBE_VARIANT, o)
        elif what == "privacy":
            r = A.privacy(s, PROBE_VARIANT, o)
        elif what == "resources":
            r = A.resources(s, PROBE_VARIANT, o)
        elif what == "model_update":
            r = A.model_update(s, args[0], PROBE_VARIANT, o)
        elif what == "data_cost":
            r = A.connector_monthly_data_cost(s, PROBE_VARIANT, args[0], o, loads=self.get(digits, "links"))
        elif what == "graph":
            r = as_graph(s, PROBE_VARIANT)
        else:  # pragma: no cover - internal
            raise KeyError(what)
        self._results[key] = r
        return r


class VectorEvaluator:
    """Evaluates the quality vector (:func:`archkit.explore.quality.quality_keys`) of many alternatives.

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

    def _tabulate(self, scope: tuple[int, ...], fn: Callable[[tuple[int, ...]], Any],
                  tail: tuple[int, ...] = ()) -> Term:
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
        """How many analysis runs building the tables took."""
        return self._probes.runs

    # -- tables ----------------------------------------------------------------------------------
    def _build(self) -> None:
        s = self.system
        P = self._probes
        users = {n.id for n in s.nodes if n.per_user is not None or n.client_side}
        models = [c.id for c in s.components if c.kind == "model" or c.model is not None]
        flows = list(s.flows)
        jobs = len(flows) + 6
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if self._progress is not None:
                self._progress(done, jobs)

        # latency: one term per step, summed in step order
        self.lat_terms: list[list[Term]] = []
        for fi, f in enumerate(flows):
            terms = []
            for j, sid in enumerate(f.steps):
                e = s.connector(sid)
                scope = self._scope([e.source, e.target] + self._sources.get(e.target, []))
                terms.append(self._tabulate(
                    scope, lambda dg, fi=fi, j=j: _worst(P.get(dg, "latency").flows[fi].steps[j].total)))
            self.lat_terms.append(terms)
            tick()
        # offline: a step works offline when it keeps a route with every intermittent link down
        self.off_terms: list[list[Term]] = []
        for fi, f in enumerate(flows):
            terms = []
            for sid in dict.fromkeys(f.steps):
                e = s.connector(sid)
                scope = self._scope([e.source, e.target])

                def ok(dg: tuple[int, ...], fi: int = fi, sid: str = sid) -> float:
                    fa = P.get(dg, "availability").flows[fi]
                    return 0.0 if any(b.startswith(sid + ": ") for b in fa.offline_breaks) else 1.0
                terms.append(self._tabulate(scope, ok))
            self.off_terms.append(terms)
        tick()
        # link load: per connector, its worst-case load on each link direction that is up
        down = self.space.links_down
        self.linkdirs: list[tuple[str, str, str]] = []
        bw: list[float] = []
        from ..analysis.links import _bw

        for lk in s.links:
            if lk.id in down:
                continue
            for x, y in (lk.ends, (lk.ends[1], lk.ends[0])):
                self.linkdirs.append((lk.id, x, y))
                bw.append(_best(_bw(lk, x)))
        self.bw_best = np.array(bw, dtype=np.float64)
        ld_index = {k: i for i, k in enumerate(self.linkdirs)}
        self.load_terms: list[Term] = []
        for e in s.connectors:
            scope = self._scope([e.source, e.target])
            if not scope and self.space.base.get(e.source) == self.space.base.get(e.target):
                continue

            def shares(dg: tuple[int, ...], cid: str = e.id) -> np.ndarray:
                row = np.zeros(len(self.linkdirs))
                for d in P.get(dg, "links").links:
                    for sh in d.shares:
                        if sh.connector == cid:
                            row[ld_index[(sh.link, sh.from_node, sh.to_node)]] = _worst(sh.load)
                return row
            self.load_terms.append(self._tabulate(scope, shares, (len(self.linkdirs),)))
        tick()
        # cost: node fleet, scale-out (capacity plan), metered data, model updates
        from ..analysis import node_monthly_cost

        const = 0.0
        self.cost_terms: list[Term] = []
        for n in s.nodes:
            if n.cost_per_hour is not None:
                const += _worst(node_monthly_cost(s, n.id, self.options))
            elif not (n.per_user is not None or n.client_side):
                # a fleet node without a price is unknown as soon as it hosts something
                for c in s.components:
                    if c.id in self._dec_of:
                        sc = (self._dec_of[c.id],)
                        self.cost_terms.append(self._tabulate(
                            sc, lambda dg, cid=c.id, nid=n.id: math.nan if self._node_of(cid, dg) == nid else 0.0))
                    elif self.space.base.get(c.id) == n.id:
                        const += math.nan
        self.cost_const = const
        self.scale_nodes: list[tuple[Any, list[Term], list[Term]]] = []
        for n in s.nodes:
            if n.per_user is not None:
                continue
            cores_terms, present_terms = [], []
            for c in s.components:
                if c.id not in self._dec_of and self.space.base.get(c.id) != n.id:
                    continue
                if c.id in self._dec_of and n.id not in self.space.decisions[self._dec_of[c.id]].nodes:
                    continue
                scope = self._scope([c.id] + self._sources.get(c.id, []))

                def cores(dg: tuple[int, ...], cid: str = c.id, nid: str = n.id) -> np.ndarray:
                    if self._node_of(cid, dg) != nid:
                        return np.array([0.0, 0.0])
                    for cc in P.get(dg, "capacity").components:
                        if cc.component == cid:
                            return np.array([_worst(cc.cores_needed), 1.0])
                    return np.array([0.0, 0.0])
                t = self._tabulate(scope, cores, (2,))
                cores_terms.append(Term(t.scope, t.table[..., 0].copy()))
                present_terms.append(Term(t.scope, t.table[..., 1].copy()))
            if cores_terms:
                self.scale_nodes.append((n, cores_terms, present_terms))
        tick()
        for e in s.connectors:
            if e.purpose == "model_artifact":
                continue
            scope = self._scope([e.source, e.target])
            self.cost_terms.append(self._tabulate(scope, lambda dg, cid=e.id: _worst(P.get(dg, "data_cost", cid))))
        self.update_terms: list[Term] = []
        for m in models:
            channel = next((e for e in s.connectors if e.target == m and e.purpose == "model_artifact"), None)
            scope = self._scope([m] + ([channel.source] if channel is not None else []))
            self.update_terms.append(self._tabulate(
                scope, lambda dg, m=m: _worst(P.get(dg, "model_update", m).monthly_cost)))
        tick()
        # privacy: connectors whose personal data leaves the user's devices
        self.privacy_terms: list[Term] = []
        for e in s.connectors:
            scope = self._scope([e.source, e.target])

            def leaves(dg: tuple[int, ...], cid: str = e.id) -> float:
                return float(any(x.connector == cid and x.personal and x.leaves_user
                                 for x in P.get(dg, "privacy").exits))
            self.privacy_terms.append(self._tabulate(scope, leaves))
        # models on user devices
        self.device_terms = [self._tabulate(self._scope([m]), lambda dg, m=m: float(self._node_of(m, dg) in users))
                             for m in models]
        tick()
        # resource fit: best-case need per node and resource, against the node's worst-case capacity
        self._build_fit()
        tick()

    def _build_fit(self) -> None:
        from ..analysis.common import Estimate, replica_memory, replica_storage
        from ..analysis.latency import arrival_rate, component_time
        from ..analysis.resources import _have

        s = self.system
        P = self._probes
        self.fit_nodes: list[tuple[str, np.ndarray, list[Term]]] = []
        resources = ("memory", "storage", "gpus", "cpus", "busy")
        for n in s.nodes:
            per_device = n.per_user is not None
            if not per_device:
                continue  # fleets scale out (see archkit.explore.quality)
            have = [
                _worst(_have(n.memory, n, "memory", "B", per_device)),
                _worst(_have(n.storage, n, "storage", "B", per_device)),
                _worst(_have(n.gpus, n, "gpus", "gpus", per_device)),
                _worst(_have(n.cpu_cores, n, "cpu_cores", "cores", per_device)) if n.cpu_cores is not None
                else math.nan,
            ]
            have.append(have[3])
            terms = []
            for c in s.components:
                if c.id not in self._dec_of and self.space.base.get(c.id) != n.id:
                    continue
                if c.id in self._dec_of and n.id not in self.space.decisions[self._dec_of[c.id]].nodes:
                    continue
                scope = self._scope([c.id] + self._sources.get(c.id, []))

                def need(dg: tuple[int, ...], c: Any = c, nid: str = n.id) -> np.ndarray:
                    out = np.zeros(len(resources))
                    if self._node_of(c.id, dg) != nid:
                        return out
                    fit = next(x for x in P.get(dg, "resources").nodes if x.node == nid)
                    srv = fit.servers.get(c.id)
                    g = P.get(dg, "graph")
                    se = Estimate.exact(float(srv), "servers") if srv is not None else Estimate.unknown("servers", "?")
                    out[0] = _best(replica_memory(c).times(se, "B"))
                    st = replica_storage(c)
                    out[1] = _best(st.times(se, "B")) if st is not None else 0.0
                    gp = max(c.gpus, 1.0 if c.model is not None and c.model.requires_gpu else 0.0)
                    out[2] = _best(Estimate.exact(gp, "gpus").times(se, "gpus")) if gp else 0.0
                    out[3] = _best(Estimate.exact(c.cpus, "cores").times(se, "cores")) if c.cpus is not None else 0.0
                    lam = arrival_rate(g, c.id, self.options)
                    if not (lam.known and lam.worst == 0):
                        out[4] = _best(lam.times(component_time(g, c.id, nid), "cores"))
                    return out
                terms.append(self._tabulate(scope, need, (len(resources),)))
            if terms:
                self.fit_nodes.append((n.id, np.array(have), terms))

    # -- evaluation ------------------------------------------------------------------------------
    def evaluate(self, digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Quality matrix (n x keys, NaN = unknown) and feasibility by resource fit, for a chunk of digits."""
        n = digits.shape[0]
        flows = len(self.system.flows)
        Q = np.empty((n, len(self.keys)), dtype=np.float64)
        for fi, terms in enumerate(self.lat_terms):
            acc = np.zeros(n)
            for t in terms:
                acc = acc + t.gather(digits)
            Q[:, fi] = acc
        for fi, terms in enumerate(self.off_terms):
            acc = np.ones(n, dtype=bool)
            for t in terms:
                acc &= t.gather(digits) > 0.5
            Q[:, flows + fi] = acc
        k = 2 * flows
        if self.linkdirs:
            load = np.zeros((n, len(self.linkdirs)))
            for t in self.load_terms:
                load = load + t.gather(digits)
            with np.errstate(divide="ignore", invalid="ignore"):
                util = np.where(self.bw_best == 0, np.where(load == 0, 0.0, math.inf), load / self.bw_best)
            Q[:, k] = util.max(axis=1)
        else:
            Q[:, k] = 0.0
        cost = np.full(n, self.cost_const)
        for t in self.cost_terms:
            cost = cost + t.gather(digits)
        from ..analysis.common import HOURS_PER_MONTH  # noqa: F401  (documented constant)

        for node, cores_terms, present_terms in self.scale_nodes:
            cores = np.zeros(n)
            present = np.zeros(n, dtype=bool)
            for t, p in zip(cores_terms, present_terms):
                cores = cores + t.gather(digits)
                present |= p.gather(digits) > 0.5
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
            upd = upd + t.gather(digits)
        Q[:, k + 1] = cost + upd
        Q[:, k + 2] = upd
        priv = np.zeros(n)
        for t in self.privacy_terms:
            priv = priv + t.gather(digits)
        Q[:, k + 3] = priv
        dev = np.zeros(n, dtype=bool)
        for t in self.device_terms:
            dev |= t.gather(digits) > 0.5
        Q[:, k + 4] = dev
        fits = np.ones(n, dtype=bool)
        for _, have, terms in self.fit_nodes:
            need = np.zeros((n, have.shape[0]))
            for t in terms:
                need = need + t.gather(digits)
            fits &= ~np.any(need > have, axis=1)
        return Q, fits
