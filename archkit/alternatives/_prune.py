"""Branch and bound over a generated space: skip blocks of alternatives that hold nothing on the front.

The decisions are taken in order; a *prefix* fixes the first ``depth`` of them and stands for the
block of alternatives that share it (consecutive indices). The evaluator's tables reduced over the
decisions a prefix leaves open (:meth:`~archkit.alternatives._vector.VectorEvaluator.bounds`) bound
every quality key over its block: each key combines its terms with sums, maxima, conjunctions and
non-decreasing functions, and floating-point rounding is monotone too, so the bound holds to the
last bit, after quantising as well. A block is skipped when

* it provably violates what the model declares (the same checks on bounds in which an unknown
  value proves nothing), or its bound fails a requirement (a bound on the key in the requirement's
  own direction); or
* a feasible alternative already found dominates its bound strictly: it then dominates every
  alternative of the block, none of which can be on the front.

The front found is therefore the front of the whole space. Blocks are visited best bound first,
so that good alternatives are found early and prune the most. Counts (feasible, the reasons) are
those of the alternatives evaluated.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ._pareto import _dominated_by_any
from ._quality import better_sign, quantise
from ._run import _criteria

if TYPE_CHECKING:
    from ._run import _Collector
    from ._vector import VectorEvaluator

__all__ = ["sweep_pruned"]

#: Blocks a block of one level is split into at the next (about).
FAN_OUT = 16
#: Blocks at the top level (at most).
TOP = 1024


def _certain_failures(Q: np.ndarray, keys: list[str], reqs: list[Any]) -> np.ndarray:
    """Rows whose bound fails a requirement, so that every alternative of its block does."""
    out = np.zeros(Q.shape[0], dtype=bool)
    for r in reqs:
        x = Q[:, keys.index(r.key)]
        sign = better_sign(r.key)
        if (r.op in ("<=", "<") and sign > 0) or (r.op in (">=", ">") and sign < 0):
            with np.errstate(invalid="ignore"):
                ok = {"<=": x <= r.value, "<": x < r.value, ">=": x >= r.value, ">": x > r.value}[r.op]
            out |= ~ok  # an unknown bound: every alternative of the block is unknown there too
    return out


def _visit_order(M: np.ndarray, keys: list[str], objs: list[Any]) -> np.ndarray:
    """Blocks best bound first: the objectives in order, then the sum of the keys scaled to [0, 1]."""
    if M.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    finite = np.where(np.isfinite(M), M, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column with no finite bound
        lo, hi = np.nanmin(finite, axis=0), np.nanmax(finite, axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        scaled = np.where(np.isfinite(M), (M - lo) / span, 2.0)
    score = np.nansum(scaled, axis=1)
    cols = [score]
    for o in reversed(objs):
        j = keys.index(o.key)
        want_low = (o.sense == "minimize") == (better_sign(o.key) > 0)
        cols.append(M[:, j] if want_low else -M[:, j])
    return np.lexsort(tuple(cols))


def _levels(radices: list[int], fan_out: int, top: int) -> list[int]:
    """Depths at which blocks are bounded, from the top (at least ``top`` blocks) down to every decision
    fixed; each level splits a block of the one above into about ``fan_out`` blocks."""
    depths = [len(radices)]
    while depths[-1] > 0 and math.prod(radices[: depths[-1]]) > top:
        d, split = depths[-1], 1
        while d > 0 and split < fan_out:
            d -= 1
            split *= radices[d]
        depths.append(d)
    return depths[::-1]


def sweep_pruned(
    ev: VectorEvaluator, out: _Collector, chunk: int, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Evaluate the alternatives of ``ev``'s space that may be feasible and Pareto-optimal into ``out``.

    Blocks are bounded level by level: the blocks at the top are ordered best bound first and taken a
    few at a time; each surviving block is split into the blocks of the next level, which are bounded
    and skipped or split in turn, down to single alternatives, which are evaluated exactly. Returns the
    statistics of the sweep (alternatives evaluated, and skipped as infeasible or dominated).
    """
    space = ev.space
    radices = [int(r) for r in space.radices]
    n = space.size
    levels = _levels(radices, FAN_OUT, TOP)
    bounders = {d: (ev.bounds(d, propagate_unknown=False), ev.bounds(d, propagate_unknown=True)) for d in levels[:-1]}
    if any(q is None or c is None for q, c in bounders.values()) or len(levels) == 1:
        for start, stop in space.chunks(chunk):
            Q, fits = ev.evaluate(space.digits(start, stop))
            out.add(np.arange(start, stop), quantise(Q), fits)
            if progress is not None:
                progress("alternatives", stop, n)
        return {"evaluated": out.evaluated}
    stats = {"bounded_blocks": 0, "skipped_infeasible": 0, "skipped_dominated": 0}

    def bound(depth: int, prefixes: np.ndarray, check_front: bool) -> np.ndarray:
        """The prefixes (at ``depth``) whose blocks may hold a feasible Pareto-optimal alternative, best first."""
        quality, checks = bounders[depth]
        assert quality is not None and checks is not None
        size = math.prod(radices[depth:])
        kept: list[np.ndarray] = []
        for s in range(0, prefixes.shape[0], chunk):
            p = prefixes[s : s + chunk]
            stats["bounded_blocks"] += p.shape[0]
            first = space.digits_of(p * size)
            Qb = quantise(quality.evaluate(first)[0])
            _, fits = checks.evaluate(first)
            hopeless = ~fits | _certain_failures(Qb, ev.keys, out.reqs)
            stats["skipped_infeasible"] += int(hopeless.sum()) * size
            p, Mb = p[~hopeless], _criteria(Qb[~hopeless], ev.keys)
            if check_front and out.front_criteria.shape[0] and p.size:
                beaten = _dominated_by_any(Mb, out.front_criteria)
                stats["skipped_dominated"] += int(beaten.sum()) * size
                p, Mb = p[~beaten], Mb[~beaten]
            kept.append(p[_visit_order(Mb, ev.keys, out.objs)])
        return np.concatenate(kept) if kept else prefixes[:0]

    def split(prefixes: np.ndarray, a: int, b: int) -> np.ndarray:
        k = math.prod(radices[a:b])
        return (prefixes[:, None] * k + np.arange(k, dtype=np.int64)[None, :]).reshape(-1)

    top = bound(levels[0], np.arange(math.prod(radices[: levels[0]]), dtype=np.int64), False)
    done = (math.prod(radices[: levels[0]]) - top.shape[0]) * math.prod(radices[levels[0] :])
    per_batch = max(1, FAN_OUT // 4)
    for s in range(0, top.shape[0], per_batch):
        rows = top[s : s + per_batch]
        for a, b in zip(levels, levels[1:]):
            if out.front_criteria.shape[0] and a == levels[0]:
                quality = bounders[a][0]
                assert quality is not None
                Mb = _criteria(quantise(quality.evaluate(space.digits_of(rows * math.prod(radices[a:])))[0]), ev.keys)
                beaten = _dominated_by_any(Mb, out.front_criteria)
                stats["skipped_dominated"] += int(beaten.sum()) * math.prod(radices[a:])
                rows = rows[~beaten]
            rows = split(rows, a, b)
            if b < len(radices):
                rows = bound(b, rows, True)
        for t in range(0, rows.shape[0], chunk):
            idx = rows[t : t + chunk]
            Q, fits = ev.evaluate(space.digits_of(idx))
            out.add(idx, quantise(Q), fits)
        done += per_batch * math.prod(radices[levels[0] :])
        if progress is not None:
            progress("alternatives", min(done, n), n)
    if out.evaluated == 0:  # everything provably infeasible: evaluate a first chunk, to show the closest
        idx = np.arange(min(chunk, n), dtype=np.int64)
        Q, fits = ev.evaluate(space.digits_of(idx))
        out.add(idx, quantise(Q), fits)
        stats["skipped_infeasible"] -= idx.shape[0]
    return {
        "method": "vectorised lookup tables, branch and bound",
        "levels": levels,
        "evaluated": out.evaluated,
        **stats,
    }
