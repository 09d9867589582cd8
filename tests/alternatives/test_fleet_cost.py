"""The explorer's fleet lines of the bill equal the cost and capacity analyses on fleets of every kind.

Random systems whose fleets scale (``count: 'min..max'``), lack a price or ``cpu_cores``, or are too
small for their load, with many users so that the capacity plans need more nodes than declared: for
every alternative, the vectorised cost and feasibility equal the full analyses'.
"""

import random

import numpy as np
from randsys import random_data

from archkit.alternatives import _prune, explore, generated_space
from archkit.alternatives._quality import PROBE_VARIANT, probe_system, quality_of, quantise
from archkit.alternatives._vector import VectorEvaluator
from archkit.analysis import analyze
from archkit.errors import UsageError
from archkit.io import load_data

SEEDS = range(12)
KINDS = ("scales", "unpriced", "no cpu_cores", "fixed")


def fleet_system(seed):
    """A random system over four nodes whose fleets get one of ``KINDS`` each (seeded); every
    component but the three that move lives on the first fleet."""
    data = random_data(seed, 5, 4)
    rng = random.Random(1000 + seed)
    data["users"] = rng.choice([1_000, 100_000])
    for i, n in enumerate(x for x in data["nodes"] if "per_user" not in x):
        # the first fleet holds the registry (and the components that stay put): priced, with cpu_cores
        kind = KINDS[(seed + i) % len(KINDS)] if i else ("scales", "fixed")[seed % 2]
        if kind == "scales":
            n["count"] = f"{rng.randint(1, 2)}..{rng.choice([3, 40])}"
        elif kind == "unpriced":
            del n["cost_per_hour"]
        elif kind == "no cpu_cores":
            del n["cpu_cores"]
    for c in ("c3", "c4"):
        data["placement"][c] = data["placement"]["registry"]
    for c in data["components"]:
        if rng.random() < 0.3:
            c["replicas"] = 1  # too few for a busy component: "under"
    return load_data(data, source=f"<fleets {seed}>")


def test_fleet_costs_equal_full_analysis():
    seen = {"scale-out": 0, "node fleet": 0, "unknown cost": 0, "fleet under": 0, "scaling fleet": 0}
    for seed in SEEDS:
        system = fleet_system(seed)
        comps = ["c0", "c1", "c2"]
        try:
            space = generated_space(system, {c: [n.id for n in system.nodes] for c in comps})
        except UsageError:
            continue  # no node can hold some component of this random system
        ev = VectorEvaluator(space)
        Q, fits = ev.evaluate(space.digits(0, space.size))
        for i in range(space.size):
            report = analyze(probe_system(system, space.placement(i), space.links_down), PROBE_VARIANT)
            q = quality_of(system, space.placement(i), space.links_down, report=report)
            assert np.array_equal(quantise(q.vector(ev.keys)), quantise(Q[i]), equal_nan=True), (seed, space.name(i))
            assert bool(fits[i]) == (not q.infeasible), (seed, space.name(i), q.infeasible)
            for item in report.cost.items:
                seen[item.category] = seen.get(item.category, 0) + 1
            seen["unknown cost"] += int(np.isnan(Q[i, ev.column["cost"]]))
            seen["fleet under"] += sum(nc.verdict == "under" for nc in report.capacity.nodes)
            seen["scaling fleet"] += sum(system.node(nc.node).scales for nc in report.capacity.nodes)
    # every kind of line and verdict occurred, and some costs are known
    assert all(seen[k] > 0 for k in ("scale-out", "node fleet", "unknown cost", "fleet under", "scaling fleet")), seen


def test_pruned_front_with_fleets_equals_the_whole_sweep(monkeypatch):
    """The bound over the fleets' lines (cores and hosting reduced over the open decisions) keeps the front."""
    monkeypatch.setattr(_prune, "TOP", 2)
    monkeypatch.setattr(_prune, "FAN_OUT", 2)
    fronts = 0
    for seed in (1, 8, 9, 11):
        system = fleet_system(seed)
        vary = {c: [n.id for n in system.nodes] for c in ("c0", "c1", "c2", "c3", "c4")}
        whole = explore(system, vary, objectives=["minimize cost"], limit=10_000, chunk=64)
        pruned = explore(system, vary, objectives=["minimize cost"], limit=10_000, chunk=64, prune=True)
        assert {r.index for r in pruned.rows} == {r.index for r in whole.rows}, seed
        assert pruned.stats["evaluated"] < whole.size, seed
        fronts += bool(whole.rows)
    assert fronts >= 2
