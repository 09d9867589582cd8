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
``component_time``, ``queueing_delay``, ``component_plan``, ``replica_needs``, ``step_ceiling``,
``connector_link_load``, ``connector_exits``, ``connector_monthly_data_cost``, ``model_update``) on a
*probe* placement (the scope set, everything else at its first choice), each distinct call made once.
A component's arrival rate is the sum of one share per incoming connector (``arrival_share``, a small
table per caller), and the terms that depend on it are evaluated once per distinct rate (``arrival=``),
so a component with many movable callers costs one call per distinct rate, not one per placement of
it and all its callers (:class:`ArrivalTerm` when even the table over them would be too large). A
step's offline route comes from the availability analysis' ``offline_route``. A node's lines of the
bill (its fleet or users' devices, its scale-out) and whether a fleet is short of nodes come from
``fleet_plan`` and ``node_cost_items``, called once per distinct (hosted, cores planned) of the node:
per alternative, numpy only adds up each component's cores (a table, as above) and whether it is
there. The quality matrix's columns are found by key
(:attr:`VectorEvaluator.column`). The whole space is then evaluated chunk by chunk: the row-major
index of each scope's choices is computed once per chunk and every table is gathered with one
``np.take``; numpy adds, maximises or combines them in the order the analyses use (so latency and
link load come out bit for bit; costs are sums in another order and agree to rounding, see
:func:`archkit.alternatives._quality.quantise`). :meth:`VectorEvaluator.bounds` reduces the tables
over undecided components for branch and bound (:mod:`archkit.alternatives._prune`).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._quality import PROBE_VARIANT, probe_system, quality_keys
from ._space import Space
from ._spec import metric_key

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


@dataclass
class _NodeBill:
    """A node's lines of the bill over a space: whether a component that stays put is on it
    (``hosted``), and per component that may be on it a table of the cores its capacity plan needs
    there (best, typical, worst), 1 if it has a plan there, 1 if it is there."""

    node: Any
    hosted: bool
    terms: list["AnyTerm"]


def _same(x: tuple[float, bool], y: tuple[float, bool]) -> bool:
    """Equal (value, flag) pairs, an unknown (NaN) value equal to another unknown one."""
    return x[1] == y[1] and (x[0] == y[0] or (math.isnan(x[0]) and math.isnan(y[0])))


def _worst(e: Any) -> float:
    return float(e.worst) if e.known else math.nan


def _best(e: Any) -> float:
    return float(e.best) if e.known else math.nan


def _typical(e: Any) -> float:
    return float(e.typical) if e.known else math.nan


def _three(e: Any) -> np.ndarray:
    """best, typical, worst (NaN when unknown)."""
    return np.array([_best(e), _typical(e), _worst(e)])


def _rate(row: np.ndarray) -> Any:
    """The arrival rate (1/s) of one row best, typical, worst of the summed shares (NaN: unknown)."""
    from ..analysis import Estimate

    if np.isnan(row).any():
        return Estimate.unknown("1/s", "an arrival share is unknown")
    return Estimate(float(row[0]), float(row[1]), float(row[2]), "1/s")


def _rate_key(e: Any) -> tuple[Any, ...]:
    return (e.best, e.typical, e.worst)


#: Rows up to which distinct rows are found with a dict (beats sorting on small chunks).
SMALL_ROWS = 48


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct combination of the columns' values, and each row's combination."""
    n = columns[0].shape[0]
    if n <= SMALL_ROWS:
        seen: dict[tuple[Any, ...], int] = {}
        first: list[int] = []
        inverse = np.empty(n, dtype=np.intp)
        for i, key in enumerate(zip(*(c.tolist() for c in columns))):
            j = seen.get(key)
            if j is None:
                j = seen[key] = len(first)
                first.append(i)
            inverse[i] = j
        return np.array(first, dtype=np.intp), inverse
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for c in columns:
        if c.dtype == bool:
            count, inv = 2, c.astype(np.int64)
        else:
            values, inv = np.unique(c, return_inverse=True)
            count, inv = values.shape[0], inv.reshape(-1)
        if size * count >= 1 << 62:  # renumbered: codes stay below the row count
            _, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1)
            size = int(code.max()) + 1
        code = code * count + inv
        size *= count
    _, first_at, inv_all = np.unique(code, return_index=True, return_inverse=True)
    return first_at, inv_all.reshape(-1)


#: Entries up to which a term that depends on a component's callers is tabulated over all of them;
#: beyond, it is evaluated chunk by chunk for the distinct arrival rates the chunk holds.
TABLE_LIMIT = 1 << 18


class ArrivalTerm:
    """A term that depends on the placement of a few components (``small``) and on the arrival rate
    at one component, evaluated per chunk for each distinct (small placement, arrival rate).

    Used instead of a :class:`Term` when the component has so many movable callers that a table over
    all of them would be too large (a fan-in): the arrival rate is the sum of one small table per
    incoming connector (:func:`archkit.analysis.arrival_share`), so it costs a gather per caller.
    """

    def __init__(
        self,
        ev: "VectorEvaluator",
        tag: tuple[Any, ...],
        small: tuple[int, ...],
        target: str,
        fn: Callable[[tuple[int, ...], Any], Any],
        tail: tuple[int, ...],
    ) -> None:
        self.ev, self.tag, self.small, self.target, self.fn, self.tail = ev, tag, small, target, fn, tail
        self.scope = tuple(sorted(set(small) | set(ev._scope([target] + ev._callers(target)))))

    def gather(self, digits: np.ndarray, flat: dict[tuple[int, ...], np.ndarray] | None = None) -> np.ndarray:
        """The term's value for every alternative of a chunk: shape (n,) + tail."""
        return self.ev._by_arrival(self.tag, self.small, self.target, self.fn, self.tail, digits, flat)


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


class _NoTable(Exception):
    """A term has no table (it is evaluated chunk by chunk)."""


AnyTerm = Term | ArrivalTerm


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
        self._share_terms: dict[str, list[Term]] = {}
        self._grids: dict[tuple[str, tuple[int, ...]], tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = {}
        self.column = {k: i for i, k in enumerate(self.keys)}  # quality key -> its column of the matrix
        self._progress = progress
        self._build()
        self._grids.clear()

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

    def _callers(self, cid: str) -> list[str]:
        return self._sources.get(cid, [])

    def _shares_into(self, cid: str) -> list[Term]:
        """One table per incoming connector of ``cid``: its arrival share, best/typical/worst, in the
        order :func:`archkit.analysis.arrival_rate` sums them."""
        from ..analysis import arrival_share

        terms = self._share_terms.get(cid)
        if terms is None:
            terms = []
            for e in self._probes.context.incoming.get(cid, ()):

                def share(dg: tuple[int, ...], e: Any = e) -> np.ndarray:
                    key = ("share", e.id) + self._where([e.source, e.target], dg)
                    return _three(
                        self._probes.memo(key, lambda: arrival_share(self._probes.place(dg), e, self.options))
                    )

                terms.append(self._tabulate(self._scope([e.source, e.target]), share, (3,)))
            self._share_terms[cid] = terms
        return terms

    def _arrival_at(self, cid: str, digits: np.ndarray, flat: dict[tuple[int, ...], np.ndarray] | None) -> np.ndarray:
        """Arrival rate at ``cid`` for every alternative: (n, 3) best/typical/worst, summed in the analyses' order."""
        acc = np.zeros((digits.shape[0], 3))
        for t in self._shares_into(cid):
            acc += t.gather(digits, flat)
        return acc

    def _by_arrival(
        self,
        tag: tuple[Any, ...],
        small: tuple[int, ...],
        target: str,
        fn: Callable[[tuple[int, ...], Any], Any],
        tail: tuple[int, ...],
        digits: np.ndarray,
        flat: dict[tuple[int, ...], np.ndarray] | None,
        rates: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """``fn(small digits, arrival rate at target)`` for every row of ``digits``, called once per
        distinct (small placement, arrival rate) and remembered across chunks. ``rates``: the arrival
        rates of the rows and their distinct-value codes, when already known."""
        lam, code = rates if rates is not None else self._rates(target, digits, flat)
        idx = np.zeros(digits.shape[0], dtype=np.int64)
        for d in small:
            idx *= self.radices[d]
            idx += digits[:, d]
        first, inverse = _distinct_rows([idx * (int(code.max(initial=0)) + 1) + code])
        vals = np.empty((first.shape[0],) + tail)
        for j, i in enumerate(first):
            dg = [0] * len(self.radices)
            for d in small:
                dg[d] = int(digits[i, d])
            rate = _rate(lam[i])
            vals[j] = self._probes.memo((tag, int(idx[i]), _rate_key(rate)), lambda: fn(tuple(dg), rate))
        return vals[inverse]

    def _rates(
        self, cid: str, digits: np.ndarray, flat: dict[tuple[int, ...], np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Arrival rates at ``cid`` (n, 3) and a code per row that is equal for equal rates."""
        lam = self._arrival_at(cid, digits, flat)
        _, code = _distinct_rows([np.where(np.isnan(lam[:, j]), -1.0, lam[:, j]) for j in range(3)])
        return lam, code

    def _plan_at(self, cid: str, dg: tuple[int, ...], lam: Any) -> Any:
        """The capacity plan of ``cid`` at its node in ``dg`` for arrival rate ``lam`` (archkit.analysis.component_plan)."""
        from ..analysis import component_plan

        key = ("plan", cid, self._node_of(cid, dg), _rate_key(lam))
        return self._probes.memo(key, lambda: component_plan(self._probes.place(dg), cid, self.options, arrival=lam))

    def _arrival_term(
        self,
        tag: tuple[Any, ...],
        small_comps: list[str],
        target: str,
        fn: Callable[[tuple[int, ...], Any], Any],
        tail: tuple[int, ...] = (),
    ) -> Any:
        """A term of the placement of ``small_comps`` and the arrival rate at ``target`` (which depends on
        where its callers live): a whole table when it is small enough, else an :class:`ArrivalTerm`."""
        small = self._scope(small_comps)
        full = self._scope(small_comps + [target] + self._callers(target))
        shape = tuple(self.radices[d] for d in full)
        if math.prod(shape) > TABLE_LIMIT:
            return ArrivalTerm(self, tag, small, target, fn, tail)
        hit = self._grids.get((target, full))
        if hit is None:  # the terms of one component over the same decisions share the grid and its rates
            grid = np.zeros((math.prod(shape), len(self.radices)), dtype=np.int64)
            if full:
                grid[:, list(full)] = np.indices(shape).reshape(len(full), -1).T
            hit = self._grids[(target, full)] = (grid, self._rates(target, grid, {}))
        vals = self._by_arrival(tag, small, target, fn, tail, hit[0], None, hit[1])
        return Term(full, vals.reshape(shape + tail))

    def _shares(self, cid: str, a: str, b: str) -> Any:
        from ..analysis import connector_link_load

        return self._probes.memo(
            ("load", cid, a, b), lambda: connector_link_load(self._probes.context, cid, a, b, self.options)
        )

    # -- tables ----------------------------------------------------------------------------------
    def _build(self) -> None:
        from ..analysis import StepLatency, queueing_delay

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
        self.lat_terms: list[list[AnyTerm]] = []
        for f in flows:
            terms = []
            for sid in f.steps:
                e = s.connector(sid)

                def step(dg: tuple[int, ...], lam: Any, e: Any = e) -> np.ndarray:
                    a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                    key = ("wait", e.target, b, _rate_key(lam))
                    wait = self._probes.memo(
                        key, lambda: queueing_delay(self._probes.place(dg), e.target, self.options, arrival=lam)
                    )
                    st = StepLatency(
                        e.id, e.source, e.target, a, b, self._conn_time(e.id, a, b), self._comp_time(e.target, b), wait
                    ).total
                    return np.array([_worst(st), _typical(st), _best(st)])

                terms.append(self._arrival_term(("step", e.id), [e.source, e.target], e.target, step, (3,)))
            self.lat_terms.append(terms)
            tick()
        # offline: every step that crosses nodes keeps a route with every intermittent link down
        from ..analysis import offline_links, offline_route

        offline_ex = offline_links(g)
        self.off_terms: list[list[AnyTerm]] = []
        for f in flows:
            terms = []
            for sid in dict.fromkeys(f.steps):
                e = s.connector(sid)

                def ok(dg: tuple[int, ...], e: Any = e) -> float:
                    a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                    if a == b:
                        return 1.0
                    if g.route(a, b) is None or offline_route(g, a, b, offline_ex) is None:
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
        self.bw_worst = np.array(
            [_worst(link_bandwidth(next(lk for lk in s.links if lk.id == lid), x)) for lid, x, _ in self.linkdirs],
            dtype=np.float64,
        )
        ld_index = {k: i for i, k in enumerate(self.linkdirs)}
        self.load_terms: list[Term] = []
        for e in s.connectors:
            scope = self._scope([e.source, e.target])
            if not scope and self.space.base.get(e.source) == self.space.base.get(e.target):
                continue

            def shares(dg: tuple[int, ...], e: Any = e) -> np.ndarray:
                row = np.zeros((len(self.linkdirs), 2))
                a, b = self._node_of(e.source, dg), self._node_of(e.target, dg)
                for sh in self._shares(e.id, a, b):
                    row[ld_index[(sh.link, sh.from_node, sh.to_node)]] = (_worst(sh.load), _best(sh.load))
                return row

            self.load_terms.append(self._tabulate(scope, shares, (len(self.linkdirs), 2)))
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
        self.device_terms = []
        for m in models:

            def on_device(dg: tuple[int, ...], m: str = m) -> float:
                return float(self._node_of(m, dg) in users)

            self.device_terms.append(self._tabulate(self._scope([m]), on_device))
        tick()
        self._build_fit()
        self._build_ceilings()
        tick()

    def _build_ceilings(self) -> None:
        """Per flow with a rate: each step's throughput ceiling and the flow's demand (archkit.analysis:
        step_ceiling, flow_demand), for the verdict "over" of ceiling_verdict."""
        from ..analysis import flow_demand, step_ceiling

        s = self.system
        self.ceiling_flows: list[tuple[Term, list[AnyTerm]]] = []
        for f in s.flows:
            if f.rate is None or not f.steps:
                continue
            first = s.connector(f.steps[0]).source
            steps = []
            for sid in f.steps:
                tgt = s.connector(sid).target

                def ceiling(dg: tuple[int, ...], lam: Any, f: Any = f, sid: str = sid, tgt: str = tgt) -> np.ndarray:
                    e = step_ceiling(
                        self._probes.place(dg), f, sid, self.options, plans={tgt: self._plan_at(tgt, dg, lam)}
                    )
                    return np.array([_best(e), _typical(e)])

                steps.append(self._arrival_term(("ceiling", f.id, sid), [first, tgt], tgt, ceiling, (2,)))

            def demand(dg: tuple[int, ...], f: Any = f) -> float:
                return _best(flow_demand(self._probes.place(dg), f, self.options))

            self.ceiling_flows.append((self._tabulate(self._scope([first]), demand), steps))

    def _build_cost(self, models: list[str]) -> None:
        """Cost terms: each node's lines of the bill, metered data, model updates."""
        from ..analysis import model_update

        s = self.system
        opts = self.options
        # each node's fleet (or users' devices) and scale-out lines (archkit.analysis.node_cost_items), from
        # whether it hosts a component and the cores its components' capacity plans need there
        self._bills: dict[tuple[Any, ...], tuple[float, bool]] = {}
        self.cost_const = 0.0
        self.node_bills: list[_NodeBill] = []
        for n in s.nodes:
            comps = [c.id for c in s.components if self._may_live_on(c.id, n.id)]
            hosted = any(c not in self._dec_of for c in comps)  # a component that stays on it
            terms: list[AnyTerm] = []
            for cid in comps:
                if n.per_user is None:  # a component on a user's own device has no capacity plan

                    def cores(dg: tuple[int, ...], lam: Any, cid: str = cid, nid: str = n.id) -> np.ndarray:
                        """The component on this node: cores its capacity plan needs (best, typical,
                        worst), 1 if it has one, 1 if it is there."""
                        if self._node_of(cid, dg) != nid:
                            return np.zeros(5)
                        plan = self._plan_at(cid, dg, lam)
                        if plan is None:
                            return np.array([0.0, 0.0, 0.0, 0.0, 1.0])
                        return np.append(_three(plan.cores_needed), (1.0, 1.0))

                    terms.append(self._arrival_term(("cores", cid, n.id), [cid], cid, cores, (5,)))
                elif cid in self._dec_of:

                    def here(dg: tuple[int, ...], cid: str = cid, nid: str = n.id) -> np.ndarray:
                        return np.array([0.0, 0.0, 0.0, 0.0, float(self._node_of(cid, dg) == nid)])

                    terms.append(self._tabulate((self._dec_of[cid],), here, (5,)))
            if (n.per_user is not None or not terms) and (
                hosted or not terms or _same(self._bill(n, False, None), self._bill(n, True, None))
            ):
                # whether it hosts something is all that can change, and does not change its lines
                self.cost_const += self._bill(n, hosted, None)[0]
                continue
            self.node_bills.append(_NodeBill(n, hosted, terms))
        self.cost_terms: list[Term] = []
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

    def _bill(self, node: Any, hosted: bool, cores: tuple[float, float, float] | None) -> tuple[float, bool]:
        """A node's lines of the bill (archkit.analysis.node_cost_items), worst case, and whether its
        fleet is short even in the best case ("under": archkit.analysis.fleet_plan), given whether it
        hosts a component and the cores planned on it (best, typical, worst; None: no plan)."""
        from ..analysis import Estimate, fleet_plan, node_cost_items

        key = (node.id, hosted, cores)
        hit = self._bills.get(key)
        if hit is None:
            plan = None
            if cores is not None:
                need = (
                    Estimate.unknown("cores", "a component's cores are unknown")
                    if any(math.isnan(x) for x in cores)
                    else Estimate(*cores, "cores")
                )
                plan = fleet_plan(node, need)
            worst = 0.0
            for line in node_cost_items(self._probes.context, node, plan, self.options, hosted=hosted):
                if line is not None:
                    worst += _worst(line.monthly)
            hit = self._bills[key] = (worst, plan is not None and plan.verdict == "under")
        return hit

    def _bills_of(
        self, bill: "_NodeBill", digits: np.ndarray, flat: dict[tuple[int, ...], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """A node's lines of the bill (worst case) and whether its fleet is short, for every row of
        ``digits``: one call of :meth:`_bill` per distinct (hosted, cores), remembered across chunks."""
        acc = np.zeros((digits.shape[0], 5))
        for t in bill.terms:
            acc += t.gather(digits, flat)
        hosted = (acc[:, 4] > 0.5) | bill.hosted
        planned = acc[:, 3] > 0.5
        cores = np.where(np.isnan(acc[:, :3]), -1.0, acc[:, :3])  # unknown: -1 (never a count of cores)
        first, inverse = _distinct_rows([hosted, planned, cores[:, 0], cores[:, 1], cores[:, 2]])
        item = np.empty(first.shape[0])
        short = np.empty(first.shape[0], dtype=bool)
        for j, i in enumerate(first):
            row = (float(acc[i, 0]), float(acc[i, 1]), float(acc[i, 2])) if planned[i] else None
            item[j], short[j] = self._bill(bill.node, bool(hosted[i]), row)
        return item[inverse], short[inverse]

    def _may_live_on(self, cid: str, nid: str) -> bool:
        if cid in self._dec_of:
            return nid in self.space.decisions[self._dec_of[cid]].nodes
        return self.space.base.get(cid) == nid

    def _build_fit(self) -> None:
        """Best-case need per user device and resource (as in archkit.analysis._resources)."""
        from ..analysis import node_capacity, replica_needs

        s = self.system
        self.fit_nodes: list[tuple[str, np.ndarray, list[AnyTerm]]] = []
        for n in s.nodes:  # every node: a device holds its own share, a fleet its count's
            per_device = n.per_user is not None
            have = [
                _worst(node_capacity(n.memory, n, "memory", "B", per_device)),
                _worst(node_capacity(n.storage, n, "storage", "B", per_device)),
                _worst(node_capacity(n.gpus, n, "gpus", "gpus", per_device)),
                _worst(node_capacity(n.cpu_cores, n, "cpu_cores", "cores", per_device))
                if n.cpu_cores is not None
                else math.nan,
            ]
            have.append(have[3])
            terms = []
            for c in s.components:
                if not self._may_live_on(c.id, n.id):
                    continue

                def need(dg: tuple[int, ...], lam: Any, c: Any = c, nid: str = n.id) -> np.ndarray:
                    if self._node_of(c.id, dg) != nid:
                        return np.zeros(5)
                    r = replica_needs(self._probes.place(dg), c.id, nid, self.options, arrival=lam)
                    return np.array(
                        [0.0 if x is None else _best(x) for x in (r.memory, r.storage, r.gpus, r.cpus, r.busy)]
                    )

                t = self._arrival_term(("need", c.id, n.id), [c.id], c.id, need, (5,))
                if isinstance(t, Term):  # an unknown part counts as nothing (see evaluate)
                    t = Term(t.scope, np.nan_to_num(t.table, nan=0.0))
                terms.append(t)
            if terms:
                self.fit_nodes.append((n.id, np.array(have), terms))
        # a component with fixed replicas (or an autoscaling maximum) below what even the best case needs
        self.under_terms: list[AnyTerm] = []
        for c in s.components:
            if c.replicas is None and c.autoscaling is None:
                continue

            def under(dg: tuple[int, ...], lam: Any, cid: str = c.id) -> float:
                plan = self._plan_at(cid, dg, lam)
                return float(plan is not None and plan.verdict == "under")

            self.under_terms.append(self._arrival_term(("under", c.id), [c.id], c.id, under))

    # -- bounds ----------------------------------------------------------------------------------
    def bounds(self, depth: int, propagate_unknown: bool) -> "VectorEvaluator | None":
        """An evaluator of bounds over blocks: the first ``depth`` decisions fixed, the others open.

        Every table is reduced over the open decisions to its minimum (the offline terms to their
        maximum), so :meth:`evaluate` on a block's first alternative gives, for every quality key, a
        value no worse than any alternative of the block reaches (a lower bound, an upper one for
        ``offline``), and its violations are violations of every alternative of the block. With
        ``propagate_unknown`` an unknown entry makes the reduced entry unknown (for violations: an
        unknown value never proves one); otherwise unknown entries are left out (for the quality
        bounds: unknown ranks last). The flows' throughput ceilings prove nothing here (their
        bottleneck is an arg-minimum, not a monotone combination). None when a term is evaluated
        chunk by chunk (:class:`ArrivalTerm`), which has no table to reduce.
        """
        import copy

        lo = np.min if propagate_unknown else np.nanmin
        hi = np.max if propagate_unknown else np.nanmax

        def red(t: AnyTerm, how: Callable[..., np.ndarray] = lo) -> Term:
            if not isinstance(t, Term):
                raise _NoTable
            axes = tuple(i for i, d in enumerate(t.scope) if d >= depth)
            if not axes:
                return t
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-unknown slices stay unknown
                return Term(tuple(d for d in t.scope if d < depth), how(t.table, axis=axes))

        b = copy.copy(self)
        try:
            b.lat_terms = [[red(t) for t in ts] for ts in self.lat_terms]
            b.off_terms = [[red(t, hi) for t in ts] for ts in self.off_terms]
            b.load_terms = [red(t) for t in self.load_terms]
            b.cost_terms = [red(t) for t in self.cost_terms]
            b.update_terms = [red(t) for t in self.update_terms]
            b.privacy_terms = [red(t) for t in self.privacy_terms]
            b.device_terms = [red(t) for t in self.device_terms]
            b.node_bills = [_NodeBill(x.node, x.hosted, [red(t) for t in x.terms]) for x in self.node_bills]
            b.fit_nodes = [(nid, have, [red(t) for t in ts]) for nid, have, ts in self.fit_nodes]
            b.under_terms = [red(t) for t in self.under_terms]
        except _NoTable:
            return None
        b.ceiling_flows = []
        return b

    # -- evaluation ------------------------------------------------------------------------------
    def evaluate(self, digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Quality matrix (n x keys, NaN = unknown) and feasibility, for a chunk of digits.

        Feasible: nothing the model declares is violated, judged as :func:`archkit.analysis.variant_verdicts`
        judges a report: best-case latency within each budget, offline flows offline, best-case link load
        within bandwidth, best-case needs within every node (a fleet: count x per node), components and
        fleets not short of capacity even in the best case.
        """
        n = digits.shape[0]
        flat: dict[tuple[int, ...], np.ndarray] = {}
        col = self.column
        Q = np.empty((n, len(self.keys)), dtype=np.float64)
        # what the model declares and an alternative violates (archkit.analysis.variant_verdicts)
        violated = np.zeros(n, dtype=bool)
        for f, terms in zip(self.system.flows, self.lat_terms):
            acc = np.zeros((n, 3))
            for t in terms:
                acc += t.gather(digits, flat)
            Q[:, col[metric_key("latency", f.id)]] = acc[:, 0]
            Q[:, col[metric_key("typical_latency", f.id)]] = acc[:, 1]
            if f.latency_budget is not None:
                violated |= acc[:, 2] > f.latency_budget.hi
        for f, terms in zip(self.system.flows, self.off_terms):
            works = np.ones(n, dtype=bool)
            for t in terms:
                works &= t.gather(digits, flat) > 0.5
            Q[:, col[metric_key("offline", f.id)]] = works
            if f.offline:
                violated |= ~works
        if self.linkdirs:
            load = np.zeros((n, len(self.linkdirs), 2))
            for t in self.load_terms:
                load += t.gather(digits, flat)
            worst, best = load[..., 0], load[..., 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                util = np.where(self.bw_best == 0, np.where(worst == 0, 0.0, math.inf), worst / self.bw_best)
                least = np.where(self.bw_worst == 0, np.where(best == 0, 0.0, math.inf), best / self.bw_worst)
            Q[:, col["utilisation"]] = util.max(axis=1)
            violated |= np.any(least > 1, axis=1)
        else:
            Q[:, col["utilisation"]] = 0.0
        cost = np.full(n, self.cost_const)
        for t in self.cost_terms:
            cost += t.gather(digits, flat)
        for bill in self.node_bills:
            item, short = self._bills_of(bill, digits, flat)
            cost += item
            violated |= short  # a fleet short of nodes even in the best case
        upd = np.zeros(n)
        for t in self.update_terms:
            upd += t.gather(digits, flat)
        Q[:, col["cost"]] = cost + upd
        Q[:, col["update_cost"]] = upd
        priv = np.zeros(n)
        for t in self.privacy_terms:
            priv += t.gather(digits, flat)
        Q[:, col["personal_data"]] = priv
        dev = np.zeros(n, dtype=bool)
        for t in self.device_terms:
            dev |= t.gather(digits, flat) > 0.5
        Q[:, col["model_on_device"]] = dev
        for _, have, terms in self.fit_nodes:
            need = np.zeros((n, have.shape[0]))
            for t in terms:  # a part that is unknown counts as nothing: the declared part alone may be over
                part = t.gather(digits, flat)
                need += part if isinstance(t, Term) else np.nan_to_num(part, nan=0.0)  # tables hold 0 for unknown
            violated |= np.any(need > have, axis=1)
        for t in self.under_terms:
            violated |= t.gather(digits, flat) > 0.5
        for demand_term, step_terms in self.ceiling_flows:  # the bottleneck step: lowest typical ceiling
            ceil = np.stack([t.gather(digits, flat) for t in step_terms], axis=1)  # (n, steps, best/typical)
            typical = ceil[..., 1]
            known = ~np.isnan(ceil).any(axis=(1, 2))
            at = np.argmin(np.where(np.isnan(typical), math.inf, typical), axis=1)
            best = ceil[np.arange(n), at, 0]
            with np.errstate(invalid="ignore"):
                violated |= known & (demand_term.gather(digits, flat) > best)
        return Q, ~violated
