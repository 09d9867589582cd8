"""Compare declared variants or explore a generated space: feasibility, Pareto front, dominance, recommendation.

Both paths produce the same :class:`~archkit.alternatives._result.Exploration`. ``compare`` runs the full
analyses once per declared variant. ``explore`` builds lookup tables once
(:class:`~archkit.alternatives._vector.VectorEvaluator`) and sweeps the space in chunks: each chunk is
evaluated with numpy, checked against the requirements and resource fit, and reduced to its own
Pareto candidates (a point dominated inside its chunk cannot be on the global front); the front of
all candidates is the exact front of the space.

Ranking: the Pareto front is taken over every key of the quality vector (lower is better, except
``offline`` which is better when 1). A value that is unknown ranks below every known one; a key
unknown for every alternative is reported in ``unknown`` and plays no part. The recommendation is
the feasible alternative that is best on the objectives in order, ties broken by the other keys
in key order - a lexicographic optimum, hence always on the Pareto front.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..errors import UsageError
from ..model import System
from ._pareto import nondominated
from ._presets import PRESETS, infer_preset
from ._quality import better_sign, quality_keys, quality_of, quantise
from ._result import Dominance, Exploration, Row
from ._space import Space, declared_space, generated_space
from ._spec import Objective, Requirement, SpecError, format_metric, parse_objective, parse_requirement

__all__ = ["resolve_spec", "compare", "explore", "explore_space"]

Progress = Callable[[str, int, int], None]


def resolve_spec(
    system: System,
    requirements: list[str] | None = None,
    objectives: list[str] | None = None,
    *,
    use_model: bool = True,
) -> tuple[list[Requirement], list[Objective]]:
    """The requirements and objectives in force: the model's own (unless ``use_model`` is False) and the given ones.

    Raises:
        UsageError: listing every requirement or objective that could not be read, each with a hint.
    """
    flows = [f.id for f in system.flows]
    reqs: list[Requirement] = []
    objs: list[Objective] = []
    errors: list[str] = []
    req_texts = (list(system.requirements) if use_model else []) + list(requirements or [])
    obj_texts = list(objectives or []) + (list(system.objectives) if use_model else [])
    for t in req_texts:
        try:
            r = parse_requirement(t, flows)
            if all(r.key != x.key or r.op != x.op or r.value != x.value for x in reqs):
                reqs.append(r)
        except SpecError as exc:
            errors.append(str(exc))
    for t in obj_texts:
        try:
            o = parse_objective(t, flows)
            if all(o.key != x.key for x in objs):
                objs.append(o)
        except SpecError as exc:
            errors.append(str(exc))
    if errors:
        raise UsageError("; ".join(errors))
    return reqs, objs


# -- matrix helpers ------------------------------------------------------------------------------


def _criteria(Q: np.ndarray, keys: list[str]) -> np.ndarray:
    """Lower-is-better matrix: higher-is-better keys negated, unknown as +inf (ranks last)."""
    signs = np.array([better_sign(k) for k in keys])
    M = Q * signs
    return np.where(np.isnan(M), math.inf, M)


def _failures(Q: np.ndarray, keys: list[str], reqs: list[Requirement]) -> np.ndarray:
    """Boolean (n x requirements): which requirement each alternative fails (unknown fails)."""
    out = np.zeros((Q.shape[0], len(reqs)), dtype=bool)
    for j, r in enumerate(reqs):
        x = Q[:, keys.index(r.key)]
        with np.errstate(invalid="ignore"):
            ok = {"<=": x <= r.value, "<": x < r.value, ">=": x >= r.value, ">": x > r.value, "==": x == r.value}[r.op]
        out[:, j] = ~ok | np.isnan(x)
    return out


def _shortfall(Q: np.ndarray, keys: list[str], reqs: list[Requirement]) -> np.ndarray:
    """How far each alternative misses its failed requirements: the sum of relative misses (unknown: inf)."""
    out = np.zeros(Q.shape[0])
    for r in reqs:
        x = Q[:, keys.index(r.key)]
        if r.op not in ("<=", "<", ">=", ">"):
            continue
        scale = abs(r.value) or 1.0
        with np.errstate(invalid="ignore"):
            miss = (x - r.value) / scale if r.op in ("<=", "<") else (r.value - x) / scale
        out += np.where(np.isnan(x), np.inf, np.maximum(miss, 0.0))
    return out


def _order(M: np.ndarray, keys: list[str], objectives: list[Objective], index: np.ndarray) -> np.ndarray:
    """Positions of the rows from best to worst: objectives in order, then every key, then index."""
    cols: list[np.ndarray] = []
    for o in objectives:
        j = keys.index(o.key)
        col = M[:, j]
        # M holds lower-is-better values; an objective against the metric's own direction flips it
        want_low = (o.sense == "minimize") == (better_sign(o.key) > 0)
        cols.append(col if want_low else -col)
    cols.extend(M[:, j] for j in range(M.shape[1]))
    cols.append(index.astype(np.float64))
    return np.lexsort(tuple(reversed(cols)))


def _dominance(row_m: np.ndarray, front_m: np.ndarray) -> np.ndarray:
    le = np.all(front_m <= row_m[None, :], axis=1)
    lt = np.any(front_m < row_m[None, :], axis=1)
    return np.flatnonzero(le & lt)


# -- assembly ------------------------------------------------------------------------------------


def _failed_texts(
    values: dict[str, float], reqs: list[Requirement], fails: np.ndarray, fit_reasons: list[str]
) -> list[str]:
    out = [f"{r.text}: {format_metric(r.metric, values[r.key])}" for r, f in zip(reqs, fails) if f]
    return out + [f"violates: {x}" for x in fit_reasons]


def _justify(exp: Exploration, keys: list[str], front_rows: list[Row], closest: Row | None) -> str:
    reqs, objs = exp.requirements, exp.objectives
    rec = exp.recommended
    if rec is None:
        text = f"No alternative of the {exp.size:,} meets every requirement" + (
            " and violates nothing the model declares." if exp.infeasible_reasons else "."
        )
        if closest is not None:
            text += f" The closest is {closest.name}, which fails " + "; ".join(closest.failed) + "."
        text += " Relax a requirement, allow more nodes, or change the design (e.g. a faster link or model)."
        return text
    parts = [f"Recommended: {rec.name}" + (f" ({PRESETS[rec.preset].title.lower()})" if rec.preset else "") + "."]
    if reqs:
        met = ", ".join(f"{r.text} ({rec.text(r.key)})" for r in reqs)
        parts.append(f"It meets every requirement: {met}.")
    evaluated = exp.stats.get("evaluated", exp.size)
    if evaluated < exp.size:  # branch and bound
        parts.append(
            f"{exp.feasible:,} of the {evaluated:,} alternatives evaluated are feasible; the bound skipped the "
            f"other {exp.size - evaluated:,}, which hold nothing feasible or nothing on the front."
        )
    else:
        parts.append(
            f"{exp.feasible:,} of {exp.size:,} alternatives are feasible"
            + (f"; {exp.size - exp.feasible:,} fail a requirement or do not fit" if exp.size > exp.feasible else "")
            + "."
        )
    others = [r for r in front_rows if r.index != rec.index]
    for o in objs:
        if o.key in exp.unknown:
            parts.append(
                f"Objective '{o.text}' cannot be applied: {o.key} is unknown ({'; '.join(exp.unknown[o.key][:2])})."
            )
            continue
        pool = [
            r
            for r in exp.dominated + others
            if r.values[o.key] != rec.values[o.key] and r.values[o.key] == r.values[o.key]
        ]
        sign = 1.0 if o.sense == "minimize" else -1.0
        runner = min(pool, key=lambda r: (sign * r.values[o.key], r.index), default=None)
        best_word = "lowest" if o.sense == "minimize" else "highest"
        line = f"On '{o.text}' it has the {best_word} {o.key} of the feasible alternatives, {rec.text(o.key)}"
        if runner is not None:
            line += f" (next: {runner.name} with {runner.text(o.key)})"
        parts.append(line + ".")
    if not objs:
        parts.append(
            f"No objective was given: it is the best on the quality keys in order ({', '.join(keys[:3])}, ...)."
        )
    if others:
        trade = []
        for r in others[:3]:
            better = [k for k in exp.criteria if _better(r.values[k], rec.values[k], k)]
            if better:
                trade.append(
                    f"{r.name} is better on " + ", ".join(f"{k} ({r.text(k)} vs {rec.text(k)})" for k in better[:3])
                )
        if trade:
            parts.append("It is Pareto-optimal; the other Pareto-optimal alternatives trade: " + "; ".join(trade) + ".")
    else:
        parts.append(
            "It is the only Pareto-optimal alternative: it is at least as good as every other feasible "
            "alternative on every key."
        )
    if rec.preset:
        p = PRESETS[rec.preset]
        parts.append(
            f"As {p.title.lower()}: {p.ratings['offline use']}; {p.ratings['model updates']}; "
            f"{p.ratings['model (IP) protection']}."
        )
    if exp.unknown:
        parts.append(
            "Not compared (unknown): " + "; ".join(f"{k} ({', '.join(v[:1])})" for k, v in exp.unknown.items()) + "."
        )
    return " ".join(parts)


def _better(a: float, b: float, key: str) -> bool:
    if a != a:
        return False
    if b != b:
        return True
    return a < b if better_sign(key) > 0 else a > b


_DETAIL = 8  # rows of each kind that get the full analyses' details (missing inputs, what does not fit)


def _row(
    space: Space,
    i: int,
    Q_row: np.ndarray,
    keys: list[str],
    reqs: list[Requirement],
    fails: np.ndarray,
    options: Any,
    movable_only: bool,
    detail: bool = True,
    infeasible: bool = False,
) -> Row:
    system = space.system
    pl = space.placement(i)
    values = {k: float(v) for k, v in zip(keys, Q_row)}
    if detail:
        q = quality_of(system, pl, space.links_down_of(i), options)
    else:
        from ._quality import Quality

        q = Quality(
            values,
            {},
            ["violates what the model declares (archkit analyze names it)"] if infeasible and not fails.any() else [],
        )
    if space.generated:
        shown = {c: pl[c] for d in space.decisions for c in d.components}
        preset, desc = infer_preset(system, pl), None
    else:
        models = [c.id for c in system.components if c.kind == "model" or c.model is not None]
        shown = {m: pl[m] for m in models if m in pl} if movable_only else pl
        v = space.variants[i]
        var = system.variant(v) if v is not None else None
        preset = var.preset if var is not None and var.preset else infer_preset(system, pl)
        desc = var.description if var is not None else None
    feasible = not fails.any() and not q.infeasible
    return Row(
        i,
        space.name(i),
        shown,
        preset,
        values,
        feasible,
        _failed_texts(values, reqs, fails, q.infeasible),
        {k: v for k, v in q.missing.items()},
        description=desc,
    )


def _finish(
    space: Space,
    keys: list[str],
    reqs: list[Requirement],
    objs: list[Objective],
    size: int,
    feasible_count: int,
    front_idx: np.ndarray,
    front_Q: np.ndarray,
    dom_idx: np.ndarray,
    dom_Q: np.ndarray,
    inf_idx: np.ndarray,
    inf_Q: np.ndarray,
    reasons: dict[str, int],
    known_any: np.ndarray,
    options: Any,
    limit: int,
    stats: dict[str, Any],
    mode: str,
) -> Exploration:
    M_front = _criteria(front_Q, keys)
    order = _order(M_front, keys, objs, front_idx) if front_idx.size else np.zeros(0, dtype=np.int64)
    front_idx, front_Q, M_front = front_idx[order], front_Q[order], M_front[order]
    rows: list[Row] = []
    for n, (i, q) in enumerate(zip(front_idx[:limit], front_Q[:limit])):
        r = _row(space, int(i), q, keys, reqs, _failures(q[None, :], keys, reqs)[0], options, True, n < _DETAIL)
        r.pareto = True
        rows.append(r)
    M_dom = _criteria(dom_Q, keys)
    dorder = _order(M_dom, keys, objs, dom_idx) if dom_idx.size else np.zeros(0, dtype=np.int64)
    dominated: list[Row] = []
    for n, p in enumerate(dorder[:limit]):
        i, q = int(dom_idx[p]), dom_Q[p]
        r = _row(space, i, q, keys, reqs, _failures(q[None, :], keys, reqs)[0], options, True, n < _DETAIL)
        by = _dominance(M_dom[p], M_front)
        if by.size:
            b = int(by[0])  # the best-ranked dominating alternative
            bi = int(front_idx[b])
            better = [k for j, k in enumerate(keys) if M_front[b, j] < M_dom[p, j]]
            equal = [k for j, k in enumerate(keys) if M_front[b, j] == M_dom[p, j]]
            bq = front_Q[b]
            r.dominated = Dominance(space.name(bi), bi, better, equal, {k: float(bq[j]) for j, k in enumerate(keys)})
        dominated.append(r)
    M_inf = _criteria(inf_Q, keys)
    infeasible: list[Row] = []
    if inf_idx.size:
        nfail = _failures(inf_Q, keys, reqs).sum(axis=1)
        # closest first: fewest failed requirements, then the smallest relative miss, then the criteria
        iorder = np.lexsort(
            tuple(
                reversed(
                    [nfail.astype(np.float64), _shortfall(inf_Q, keys, reqs)]
                    + [M_inf[:, j] for j in range(M_inf.shape[1])]
                    + [inf_idx * 1.0]
                )
            )
        )
        for n, p in enumerate(iorder[:limit]):
            q = inf_Q[p]
            infeasible.append(
                _row(
                    space,
                    int(inf_idx[p]),
                    q,
                    keys,
                    reqs,
                    _failures(q[None, :], keys, reqs)[0],
                    options,
                    True,
                    n < _DETAIL,
                    infeasible=True,
                )
            )
    unknown: dict[str, list[str]] = {}
    probe_rows = rows + dominated + infeasible
    for j, k in enumerate(keys):
        if not known_any[j]:
            msgs: list[str] = []
            for r in probe_rows:
                msgs.extend(r.missing.get(k, []))
            unknown[k] = list(dict.fromkeys(msgs)) or ["a needed input is missing"]
    criteria = [k for j, k in enumerate(keys) if known_any[j]]
    exp = Exploration(
        space.system.name,
        mode,
        keys,
        criteria,
        unknown,
        reqs,
        objs,
        size,
        feasible_count,
        int(front_idx.size),
        rows,
        dominated,
        infeasible,
        reasons,
        rows[0] if rows else None,
        "",
        decisions=[{"components": list(d.components), "nodes": list(d.nodes)} for d in space.decisions],
        exclusions=[{"component": e.component, "node": e.node, "reason": e.reason} for e in space.exclusions],
        stats=stats,
    )
    exp.justification = _justify(exp, keys, rows, infeasible[0] if infeasible else None)
    return exp


def compare(
    system: System,
    variants: list[str] | None = None,
    requirements: list[str] | None = None,
    objectives: list[str] | None = None,
    *,
    options: Any = None,
    use_model: bool = True,
) -> Exploration:
    """Compare declared variants (all, or the named ones) with the full analyses of each.

    Args:
        system: a validated system.
        variants: names of declared variants (default: every one; the base placement if none).
        requirements: extra requirements (the model's own apply too unless ``use_model`` is False).
        objectives: objectives, before the model's own.
        options: :class:`archkit.analysis.Options`.

    Raises:
        UsageError: an unknown variant, or a requirement/objective that cannot be read.
    """
    from ..analysis import Options, analyze

    opts = options or Options()
    reqs, objs = resolve_spec(system, requirements, objectives, use_model=use_model)
    space = declared_space(system, variants)
    keys = quality_keys(system)
    n = space.size
    Q = np.empty((n, len(keys)))
    fits = np.ones(n, dtype=bool)
    for i, v in enumerate(space.variants):
        rep = analyze(system, v, opts)
        q = quality_of(system, system.placement_for(v), system.links_down_for(v), opts, report=rep)
        Q[i] = q.vector(keys)
        fits[i] = not q.infeasible
    Q = quantise(Q)
    return _assess(
        space,
        keys,
        Q,
        fits,
        reqs,
        objs,
        opts,
        limit=max(n, 1),
        mode="compare",
        stats={"alternatives": n, "method": "full analysis per variant"},
    )


def _assess(
    space: Space,
    keys: list[str],
    Q: np.ndarray,
    fits: np.ndarray,
    reqs: list[Requirement],
    objs: list[Objective],
    opts: Any,
    limit: int,
    mode: str,
    stats: dict[str, Any],
) -> Exploration:
    n = Q.shape[0]
    idx = np.arange(n)
    F = _failures(Q, keys, reqs)
    ok = fits & ~F.any(axis=1)
    reasons = _reason_counts(F, fits, reqs)
    M = _criteria(Q[ok], keys)
    front_mask = nondominated(M) if ok.any() else np.zeros(0, dtype=bool)
    fi = idx[ok][front_mask]
    di = idx[ok][~front_mask]
    known_any = ~np.all(np.isnan(Q[ok] if ok.any() else Q), axis=0)
    exp = _finish(
        space,
        keys,
        reqs,
        objs,
        n,
        int(ok.sum()),
        fi,
        Q[fi],
        di,
        Q[di],
        idx[~ok],
        Q[~ok],
        reasons,
        known_any,
        opts,
        limit,
        stats,
        mode,
    )
    if not ok.any() and n:
        exp.relaxed = _relaxed(space, keys, Q, objs)
    return exp


def _relaxed(space: Space, keys: list[str], Q: np.ndarray, objs: list[Objective]) -> list[dict[str, Any]]:
    """When nothing is feasible: the Pareto front and dominance among all alternatives, requirements ignored."""
    M = _criteria(Q, keys)
    front = nondominated(M)
    order = _order(M, keys, objs, np.arange(Q.shape[0]))
    fidx = [int(i) for i in order if front[i]]
    out: list[dict[str, Any]] = []
    for i in order:
        i = int(i)
        item: dict[str, Any] = {"index": i, "name": space.name(i), "pareto": bool(front[i]), "dominated_by": None}
        if not front[i]:
            by = next(j for j in fidx if np.all(M[j] <= M[i]) and np.any(M[j] < M[i]))
            better = [k for c, k in enumerate(keys) if M[by, c] < M[i, c]]
            item["dominated_by"] = {
                "by": space.name(by),
                "by_index": by,
                "better_on": better,
                "by_values": {k: _jnum(Q[by, keys.index(k)]) for k in better},
                "values": {k: _jnum(Q[i, keys.index(k)]) for k in better},
            }
        out.append(item)
    return out


def _jnum(v: float) -> float | str | None:
    if v != v:
        return None
    return "inf" if math.isinf(v) else float(v)


def _reason_counts(F: np.ndarray, fits: np.ndarray, reqs: list[Requirement]) -> dict[str, int]:
    out: dict[str, int] = {}
    for j, r in enumerate(reqs):
        c = int(F[:, j].sum())
        if c:
            out[r.text] = c
    c = int((~fits).sum())
    if c:
        out["violates what the model declares"] = c
    return out


def explore(
    system: System,
    vary: dict[str, list[str]],
    requirements: list[str] | None = None,
    objectives: list[str] | None = None,
    *,
    together: list[list[str]] | None = None,
    base_variant: str | None = None,
    options: Any = None,
    use_model: bool = True,
    limit: int = 20,
    chunk: int = 1 << 16,
    progress: Progress | None = None,
    prune: bool = False,
) -> Exploration:
    """Explore every placement of the varied components (see :func:`archkit.alternatives._space.generated_space`).

    Args:
        system: a validated system.
        vary: component id (or 'a+b' kept together) -> node ids it may live on.
        requirements: extra requirements (the model's own apply too unless ``use_model`` is False).
        objectives: objectives, before the model's own.
        together: groups of components that must share a node.
        base_variant: start from this variant's placement (and links down).
        options: :class:`archkit.analysis.Options`.
        limit: how many Pareto-optimal, dominated and infeasible alternatives to list (the counts cover every
            alternative, except with ``prune=True``: then they cover the evaluated ones, and ``stats`` says how
            many were skipped).
        chunk: alternatives evaluated at a time (bounds memory).
        progress: callable(stage, done, total) for 'tables' and 'alternatives'.
        prune: skip blocks of alternatives that provably hold nothing feasible or nothing on the Pareto
            front (branch and bound): the same front, much faster on large spaces; the counts (feasible,
            reasons) are then those of the alternatives evaluated, ``stats['evaluated']`` of them.

    Raises:
        UsageError: unknown components or nodes, nothing to vary, or unreadable requirements.
    """
    from ..analysis import Options

    opts = options or Options()
    reqs, objs = resolve_spec(system, requirements, objectives, use_model=use_model)
    if base_variant is not None and base_variant not in system.variant_names:
        raise UsageError(f"unknown variant '{base_variant}' (declared: {', '.join(system.variant_names) or 'none'})")
    space = generated_space(system, vary, together=together, base_variant=base_variant)
    return explore_space(space, reqs, objs, options=opts, limit=limit, chunk=chunk, progress=progress, prune=prune)


class _Collector:
    """What a sweep keeps of the alternatives it evaluates: counts, the Pareto candidates, the best few
    dominated and the closest few infeasible ones.

    With ``running`` the candidates are reduced to the front of everything seen after every chunk
    (:attr:`front_criteria` then bounds what a later alternative must beat); otherwise once, at the end.
    """

    def __init__(
        self, keys: list[str], reqs: list[Requirement], objs: list[Objective], limit: int, running: bool = False
    ) -> None:
        self.keys, self.reqs, self.objs, self.limit, self.running = keys, reqs, objs, limit, running
        self.width = len(keys)
        self.cand_i: list[np.ndarray] = []
        self.cand_Q: list[np.ndarray] = []
        self.dom_i: list[np.ndarray] = []
        self.dom_Q: list[np.ndarray] = []
        self.inf_i: list[np.ndarray] = []
        self.inf_Q: list[np.ndarray] = []
        self.reasons: dict[str, int] = {}
        self.feasible = 0
        self.evaluated = 0
        self.known_any = np.zeros(self.width, dtype=bool)
        self.known_inf = np.zeros(self.width, dtype=bool)
        self.front_criteria = np.zeros((0, self.width))

    def add(self, idx: np.ndarray, Q: np.ndarray, fits: np.ndarray) -> None:
        """One chunk: alternative indices, their quantised quality matrix and whether each fits the model."""
        keys, reqs, objs, limit = self.keys, self.reqs, self.objs, self.limit
        self.evaluated += idx.shape[0]
        F = _failures(Q, keys, reqs)
        ok = fits & ~F.any(axis=1)
        for k, v in _reason_counts(F, fits, reqs).items():
            self.reasons[k] = self.reasons.get(k, 0) + v
        self.feasible += int(ok.sum())
        self.known_inf |= ~np.all(np.isnan(Q), axis=0)
        if ok.any():
            Qok, iok = Q[ok], idx[ok]
            self.known_any |= ~np.all(np.isnan(Qok), axis=0)
            M = _criteria(Qok, keys)
            m = nondominated(M)
            self.cand_i.append(iok[m])
            self.cand_Q.append(Qok[m])
            # keep the best few dominated ones of the chunk, to explain them
            if (~m).any():
                o = _order(M[~m], keys, objs, iok[~m])[:limit]
                self.dom_i.append(iok[~m][o])
                self.dom_Q.append(Qok[~m][o])
            if self.running:
                self._merge()
        if (~ok).any():
            Qb, ib = Q[~ok], idx[~ok]
            nfail = _failures(Qb, keys, reqs).sum(axis=1) + (~fits[~ok])
            Mb = _criteria(Qb, keys)
            o = np.lexsort(tuple(reversed([nfail * 1.0] + [Mb[:, j] for j in range(Mb.shape[1])] + [ib * 1.0])))[:limit]
            self.inf_i.append(ib[o])
            self.inf_Q.append(Qb[o])

    def _merge(self) -> None:
        ci, cq = _cat(self.cand_i), _cat(self.cand_Q, self.width)
        M = _criteria(cq, self.keys)
        m = nondominated(M)
        if (~m).any():  # dropped by the front: dominated; keep the best few
            o = _order(M[~m], self.keys, self.objs, ci[~m])[: self.limit]
            self.dom_i.append(ci[~m][o])
            self.dom_Q.append(cq[~m][o])
        self.cand_i, self.cand_Q, self.front_criteria = [ci[m]], [cq[m]], M[m]

    def result(self) -> tuple[np.ndarray, ...]:
        """front indices and matrix, dominated indices and matrix, infeasible indices and matrix."""
        ci, cq = _cat(self.cand_i), _cat(self.cand_Q, self.width)
        if ci.size:
            m = nondominated(_criteria(cq, self.keys))
            fi, fq = ci[m], cq[m]
            # candidates dropped by the global front are dominated too
            di = np.concatenate([_cat(self.dom_i), ci[~m]])
            dq = np.concatenate([_cat(self.dom_Q, self.width), cq[~m]])
        else:
            fi, fq, di, dq = ci, cq, _cat(self.dom_i), _cat(self.dom_Q, self.width)
        return fi, fq, di, dq, _cat(self.inf_i), _cat(self.inf_Q, self.width)


def _cat(xs: list[np.ndarray], w: int | None = None) -> np.ndarray:
    if xs:
        return np.concatenate(xs)
    return np.zeros((0, w)) if w is not None else np.zeros(0, dtype=np.int64)


def explore_space(
    space: Space,
    reqs: list[Requirement],
    objs: list[Objective],
    *,
    options: Any = None,
    limit: int = 20,
    chunk: int = 1 << 16,
    progress: Progress | None = None,
    prune: bool = False,
) -> Exploration:
    """Sweep a generated space chunk by chunk with the vectorised evaluator (see the module docstring).

    With ``prune``, blocks of alternatives that provably hold nothing feasible or nothing on the front
    are skipped (:mod:`archkit.alternatives._prune`): the front is the same, the counts are those of
    the alternatives evaluated (``stats`` says how many).
    """
    import time

    from ..analysis import Options
    from ._vector import VectorEvaluator

    opts = options or Options()
    t0 = time.perf_counter()
    ev = VectorEvaluator(space, opts, progress=(lambda d, t: progress("tables", d, t)) if progress else None)
    t1 = time.perf_counter()
    keys = ev.keys
    n = space.size
    out = _Collector(keys, reqs, objs, limit, running=prune)
    stats: dict[str, Any] = {"alternatives": n, "method": "vectorised lookup tables", "chunk": chunk}
    if prune:
        from ._prune import sweep_pruned

        stats.update(sweep_pruned(ev, out, chunk, progress))
    else:
        for start, stop in space.chunks(chunk):
            Q, fits = ev.evaluate(space.digits(start, stop))
            out.add(np.arange(start, stop), quantise(Q), fits)
            if progress is not None:
                progress("alternatives", stop, n)
    t2 = time.perf_counter()
    fi, fq, di, dq, ii, iq = out.result()
    t3 = time.perf_counter()
    known_any = out.known_any if out.known_any.any() or out.feasible else out.known_inf
    stats["primitive_evaluations"] = ev.probe_runs
    exp = _finish(
        space,
        keys,
        reqs,
        objs,
        n,
        out.feasible,
        fi,
        fq,
        di,
        dq,
        ii,
        iq,
        out.reasons,
        known_any,
        opts,
        limit,
        stats,
        "explore",
    )
    exp.timings = {"tables": t1 - t0, "sweep": t2 - t1, "front": t3 - t2}
    return exp
