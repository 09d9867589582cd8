"""A service with many movable callers (a fan-in): its arrival rate depends on where every caller lives.

The explorer sums one small table per incoming connector for the rate and calls the analyses'
primitives once per distinct rate; whether it tabulates a term over all the callers or evaluates it
chunk by chunk (beyond ``TABLE_LIMIT``), the vectors equal the full analyses and the front equals
brute force.
"""

import functools

import numpy as np
import pytest
from randsys import fan_in_system
from test_vector import brute_force

from archkit.alternatives import explore, generated_space, resolve_spec
from archkit.alternatives import _vector
from archkit.alternatives._quality import quality_of, quantise
from archkit.alternatives._vector import ArrivalTerm, VectorEvaluator

NODES = ["phone", "edge", "cloud"]


@functools.lru_cache(maxsize=None)
def reference(seed, callers):
    system = fan_in_system(seed, callers)
    space = generated_space(system, {c.id: NODES for c in system.components})
    return space, [quality_of(system, space.placement(i), space.links_down) for i in range(space.size)]


@pytest.mark.parametrize("limit", [_vector.TABLE_LIMIT, 1])
@pytest.mark.parametrize("seed", [0, 1])
def test_fan_in_vectors_equal_the_full_analyses(seed, limit, monkeypatch):
    monkeypatch.setattr(_vector, "TABLE_LIMIT", limit)
    space, qualities = reference(seed, 4)
    ev = VectorEvaluator(space)
    hub_terms = [t for t in ev.lat_terms[0] if isinstance(t, ArrivalTerm)]
    assert bool(hub_terms) == (limit == 1)  # the small limit takes the chunk-by-chunk path
    Q, fits = ev.evaluate(space.digits(0, space.size))
    waits = set()
    for i, q in enumerate(qualities):
        assert np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[i]), equal_nan=True), space.name(i)
        assert bool(fits[i]) == (not q.infeasible), (space.name(i), q.infeasible)
        waits.add(float(Q[i, ev.column["latency(f0)"]]))
    assert len(waits) > len(NODES) ** 2  # the callers' placements change the hub's wait, not only f0's ends


@pytest.mark.parametrize("limit", [_vector.TABLE_LIMIT, 1])
def test_fan_in_front_equals_brute_force(limit, monkeypatch):
    monkeypatch.setattr(_vector, "TABLE_LIMIT", limit)
    space, qualities = reference(0, 4)
    reqs, _ = resolve_spec(space.system, ["latency(f1) <= 300 ms"], [])
    front, Q, feasible = brute_force(space, qualities, reqs)
    exp = explore(space.system, {c.id: NODES for c in space.system.components}, ["latency(f1) <= 300 ms"],
                  limit=10_000, chunk=50)
    assert exp.feasible == sum(feasible) and 0 < exp.feasible < space.size
    assert {r.index for r in exp.rows} == front


def test_the_hub_is_tabulated_once_per_distinct_rate():
    """Ten callers over three nodes: 3^11 placements, but only as many primitive calls as distinct rates."""
    system = fan_in_system(0, 10)
    space = generated_space(system, {c.id: NODES for c in system.components})
    ev = VectorEvaluator(space)
    assert space.size == 3**11
    assert ev.probe_runs < space.size // 4
