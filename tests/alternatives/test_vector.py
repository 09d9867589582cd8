"""The vectorised quality vectors and the explored Pareto front equal brute force with the full analyses.

Brute force: for every alternative of the space, run every analysis (``archkit.analysis.analyze``),
read its quality vector, apply the requirements, and compare every feasible pair.
"""

import functools

import numpy as np
import pytest
from randsys import random_system

from archkit.alternatives import explore, resolve_spec
from archkit.alternatives import dominates
from archkit.alternatives._quality import better_sign, quality_of, quantise
from archkit.alternatives import generated_space
from archkit.alternatives._vector import VectorEvaluator
from archkit.errors import UsageError

SEEDS = list(range(6)) + [pytest.param(s, marks=pytest.mark.slow) for s in range(6, 14)]


def _space(system, k=4):
    comps = [c.id for c in system.components if c.id != "registry"][:k]
    try:
        return generated_space(system, {c: [n.id for n in system.nodes] for c in comps})
    except UsageError:
        return None


@functools.lru_cache(maxsize=None)
def reference(seed):
    """The space of a random system and, per alternative, its quality from the full analyses (cached)."""
    system = random_system(seed)
    space = _space(system)
    if space is None:
        return None, []
    return space, [quality_of(system, space.placement(i), space.links_down) for i in range(space.size)]


def brute_force(space, qualities, reqs):
    """Indices of the Pareto-optimal feasible alternatives, and the quality matrix, from the full analyses."""
    from archkit.alternatives import quality_keys

    keys = quality_keys(space.system)
    Q, feasible = [], []
    for q in qualities:
        v = quantise(q.vector(keys))
        Q.append(v)
        ok = not q.infeasible
        for r in reqs:
            x = v[keys.index(r.key)]
            ok = ok and not np.isnan(x) and r.holds(x)
        feasible.append(ok)
    Q = np.array(Q)
    signs = np.array([better_sign(k) for k in keys])
    M = np.where(np.isnan(Q * signs), np.inf, Q * signs)
    idx = [i for i in range(space.size) if feasible[i]]
    front = {i for i in idx if not any(dominates(M[j], M[i]) for j in idx if j != i)}
    return front, Q, feasible


@pytest.mark.parametrize("seed", SEEDS)
def test_vectorised_quality_equals_full_analysis(seed):
    space, qualities = reference(seed)
    if space is None:
        pytest.skip("no node can hold some component of this random system")
    system = space.system
    ev = VectorEvaluator(space)
    Q, fits = ev.evaluate(space.digits(0, space.size))
    for i, q in enumerate(qualities):
        ref = q.vector(ev.keys)
        assert np.array_equal(quantise(ref), quantise(Q[i]), equal_nan=True), (seed, space.name(i))
        assert bool(fits[i]) == (not q.infeasible), (seed, space.name(i), q.infeasible)
        # latency and link load are summed in the analyses' order: equal to the last bit
        n = len(system.flows)
        assert np.array_equal(ref[:2 * n], Q[i, :2 * n], equal_nan=True)
        assert np.array_equal(ref[3 * n], Q[i, 3 * n], equal_nan=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("spec", [
    ([], []),
    (["latency(main) <= 400 ms"], ["minimize cost"]),
    (["offline(main)"], ["minimize latency(main)"]),
])
def test_explored_front_equals_brute_force(seed, spec):
    space, qualities = reference(seed)
    if space is None:
        pytest.skip("no node can hold some component of this random system")
    system = space.system
    req_texts, obj_texts = spec
    reqs, _ = resolve_spec(system, req_texts, obj_texts)
    front, Q, feasible = brute_force(space, qualities, reqs)
    vary = {d.components[0]: list(d.nodes) for d in space.decisions}
    exp = explore(system, vary, req_texts, obj_texts, limit=10_000, chunk=7)  # small chunks: the merge is exercised
    assert exp.size == space.size
    assert exp.feasible == sum(feasible)
    assert exp.pareto_count == len(front)
    assert {r.index for r in exp.rows} == front
    for r in exp.rows:
        assert np.array_equal(quantise(np.array([r.values[k] for k in exp.keys])), Q[r.index], equal_nan=True)
    if front:
        assert exp.recommended is not None and exp.recommended.index in front
    else:
        assert exp.recommended is None
    for r in exp.dominated:
        assert r.index not in front and r.dominated is not None and r.dominated.by_index in front
        assert r.dominated.better_on


def test_ar_space_matches_full_analysis(example):
    space = generated_space(example, {"ocr": ["glasses", "phone", "cloud"], "translator": ["glasses", "phone", "cloud"],
                                      "frame_selector": ["glasses", "phone"]})
    ev = VectorEvaluator(space)
    Q, fits = ev.evaluate(space.digits(0, space.size))
    for i in range(space.size):
        q = quality_of(example, space.placement(i), space.links_down)
        assert np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[i]), equal_nan=True)
        assert bool(fits[i]) == (not q.infeasible)


def test_groups_and_links_down_match_full_analysis(example):
    """Components kept together, starting from a variant that takes a link down."""
    space = generated_space(example, {"ocr": ["glasses", "phone", "cloud"], "translator": ["glasses", "phone", "cloud"],
                                      "frame_selector": ["glasses", "phone"]},
                            together=[["ocr", "translator"]], base_variant="phone-bluetooth-only")
    assert space.size == 6 and space.links_down == {"glasses-phone-wifi"}
    ev = VectorEvaluator(space)
    Q, fits = ev.evaluate(space.digits(0, space.size))
    for i in range(space.size):
        q = quality_of(example, space.placement(i), space.links_down)
        assert np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[i]), equal_nan=True), space.name(i)
        assert bool(fits[i]) == (not q.infeasible)
