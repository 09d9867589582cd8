"""The exact Pareto front of a matrix of quality vectors, vectorised with numpy.

All columns are costs (lower is better; callers negate what is better when higher). Alternative
``a`` dominates ``b`` when it is no worse on every column and strictly better on at least one.
Equal vectors do not dominate each other, so every alternative with a non-dominated vector is on
the front.

Method: first, a few *pivots* (rows with the best normalised score still alive) each remove
every row they dominate - cheap passes that usually leave a small remainder, and safe because a
dominated row is never on the front. Then collapse equal rows (``np.unique``), sort the distinct vectors lexicographically - a
vector can only be dominated by one that sorts before it - and sweep them in blocks. A block is
first checked against the front found so far (which never shrinks, by the sort order) and then
against itself. Memory is bounded by ``block x front x columns`` booleans per step.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nondominated", "dominates", "dominators"]


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether vector ``a`` dominates vector ``b`` (all columns are lower-is-better)."""
    return bool(np.all(a <= b) and np.any(a < b))


def _dominated_by_any(block: np.ndarray, front: np.ndarray, step: int = 2048) -> np.ndarray:
    """For each row of ``block``, whether some row of ``front`` dominates it."""
    out = np.zeros(block.shape[0], dtype=bool)
    for s in range(0, front.shape[0], step):
        f = front[s : s + step]
        le = np.all(f[None, :, :] <= block[:, None, :], axis=2)
        lt = np.any(f[None, :, :] < block[:, None, :], axis=2)
        out |= np.any(le & lt, axis=1)
    return out


def nondominated(F: np.ndarray, block: int = 512) -> np.ndarray:
    """Boolean mask of the rows of ``F`` (n x d, lower is better) that no other row dominates.

    Args:
        F: the quality matrix; it must hold no NaN (drop unknown columns first).
        block: rows compared at a time; memory is about ``block * front * d`` bytes.
    """
    F = np.asarray(F, dtype=np.float64)
    n = F.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if F.shape[1] == 0:
        return np.ones(n, dtype=bool)
    if np.isnan(F).any():
        raise ValueError("the quality matrix holds NaN; drop unknown columns before computing the front")
    alive = _prune(F) if n > 4 * block else np.ones(n, dtype=bool)
    out = np.zeros(n, dtype=bool)
    out[alive] = _sweep(F[alive], block)
    return out


def _prune(F: np.ndarray, rounds: int = 48) -> np.ndarray:
    """Rows not dominated by any of up to ``rounds`` pivots (each the best-scoring row still alive)."""
    G = F.copy()
    for j in range(G.shape[1]):
        col = G[:, j]
        fin = np.isfinite(col)
        lo, hi = (col[fin].min(), col[fin].max()) if fin.any() else (0.0, 0.0)
        col = np.where(col == np.inf, hi + 1.0, np.where(col == -np.inf, lo - 1.0, col))
        G[:, j] = (col - lo) / (hi - lo + 1.0) if hi > lo else 0.0
    score = G.sum(axis=1)
    idx = np.arange(F.shape[0])  # rows still alive
    tried = np.zeros(F.shape[0], dtype=bool)
    for _ in range(rounds):
        free = idx[~tried[idx]]
        if free.size == 0:
            break
        i = free[np.argmin(score[free])]
        tried[i] = True
        p, rest = F[i], F[idx]
        idx = idx[~(np.all(p <= rest, axis=1) & np.any(p < rest, axis=1))]
    alive = np.zeros(F.shape[0], dtype=bool)
    alive[idx] = True
    return alive


def _sweep(F: np.ndarray, block: int) -> np.ndarray:
    """The exact front by a lexicographic block sweep over the distinct rows."""
    if F.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    U, inverse = np.unique(F, axis=0, return_inverse=True)  # rows come back sorted lexicographically
    inverse = inverse.reshape(-1)
    keep = np.zeros(U.shape[0], dtype=bool)
    front = np.empty((0, U.shape[1]))
    for s in range(0, U.shape[0], block):
        B = U[s : s + block]
        alive = ~_dominated_by_any(B, front) if front.shape[0] else np.ones(B.shape[0], dtype=bool)
        idx = np.flatnonzero(alive)
        if idx.size > 1:
            C = B[idx]
            inner = _dominated_by_any(C, C)  # a row never dominates itself
            idx = idx[~inner]
        keep[s + idx] = True
        front = np.vstack([front, B[idx]])
    return keep[inverse]


def dominators(F: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Indices of the rows of ``F`` that dominate vector ``row``."""
    F = np.asarray(F, dtype=np.float64)
    le = np.all(F <= row[None, :], axis=1)
    lt = np.any(F < row[None, :], axis=1)
    return np.flatnonzero(le & lt)
