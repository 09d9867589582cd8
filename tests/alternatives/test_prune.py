"""Branch and bound (``explore(prune=True)``) finds the same Pareto front as brute force.

Small blocks and a small fan-out make every level of the bound work on these small spaces.
"""

import numpy as np
import pytest
from randsys import random_system
from test_vector import SEEDS, brute_force, reference

from archkit.alternatives import _prune, explore, resolve_spec
from archkit.alternatives._quality import quantise
from archkit.errors import UsageError

SPECS = [
    ([], []),
    (["latency(main) <= 400 ms"], ["minimize cost"]),
    (["offline(main)"], ["minimize latency(main)"]),
]


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(_prune, "TOP", 2)
    monkeypatch.setattr(_prune, "FAN_OUT", 2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("spec", SPECS)
def test_pruned_front_equals_brute_force(seed, spec, small_blocks):
    space, qualities = reference(seed)
    if space is None:
        pytest.skip("no node can hold some component of this random system")
    req_texts, obj_texts = spec
    reqs, _ = resolve_spec(space.system, req_texts, obj_texts)
    front, Q, feasible = brute_force(space, qualities, reqs)
    vary = {d.components[0]: list(d.nodes) for d in space.decisions}
    exp = explore(space.system, vary, req_texts, obj_texts, limit=10_000, chunk=7, prune=True)
    assert {r.index for r in exp.rows} == front
    for r in exp.rows:
        assert np.array_equal(quantise(np.array([r.values[k] for k in exp.keys])), Q[r.index], equal_nan=True)
    assert (exp.recommended is None) == (not front)
    if front:
        assert exp.recommended.index in front
    # counts are those of the alternatives evaluated: never more than brute force's
    assert exp.stats["evaluated"] <= space.size and exp.feasible <= sum(feasible)
    assert exp.stats["evaluated"] + exp.stats["skipped_infeasible"] + exp.stats["skipped_dominated"] == space.size


@pytest.mark.parametrize("seed", [3, 9] + [pytest.param(s, marks=pytest.mark.slow) for s in (29, 32)])
def test_pruned_front_of_a_larger_space_equals_the_whole_sweep(seed, small_blocks, monkeypatch):
    """4^7 placements: the sweep of every alternative (itself equal to the full analyses) and the bound agree,
    and the bound skips most of the space."""
    monkeypatch.setattr(_prune, "TOP", 16)
    monkeypatch.setattr(_prune, "FAN_OUT", 4)
    system = random_system(seed, 7, 4)
    vary = {c.id: [n.id for n in system.nodes] for c in system.components if c.id != "registry"}
    try:
        whole = explore(system, vary, ["latency(main) <= 400 ms"], limit=50)
    except UsageError:
        pytest.skip("no node can hold some component of this random system")
    pruned = explore(system, vary, ["latency(main) <= 400 ms"], limit=50, prune=True)
    assert [r.index for r in pruned.rows] == [r.index for r in whole.rows]
    assert pruned.pareto_count == whole.pareto_count
    assert (pruned.recommended and pruned.recommended.index) == (whole.recommended and whole.recommended.index)
    assert pruned.stats["evaluated"] < whole.size / 2


def test_levels_split_the_space_from_a_few_blocks_down_to_every_decision():
    assert _prune._levels([4] * 13, 16, 1024) == [5, 7, 9, 11, 13]
    assert _prune._levels([3, 4, 2], 16, 1) == [0, 3]
    assert _prune._levels([3, 4, 2], 4, 1) == [0, 1, 3]


def test_the_command_line_prunes_to_the_same_front(runner, monkeypatch, small_blocks):
    import json
    from pathlib import Path

    from archkit.cli import app

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    args = ["explore", "examples/ar_translation/system.py", "--vary", "ocr=glasses,phone,cloud",
            "--vary", "translator=glasses,phone,cloud", "--vary", "frame_selector=glasses,phone",
            "--require", "latency(overlay) <= 2 s", "--ignore-model-requirements", "--format", "json", "--limit", "50"]
    whole = runner.invoke(app, args, catch_exceptions=False)
    pruned = runner.invoke(app, args + ["--prune"], catch_exceptions=False)
    assert whole.exit_code == pruned.exit_code == 0, pruned.output
    a, b = json.loads(whole.output), json.loads(pruned.output)
    assert [r["index"] for r in b["alternatives"]] == [r["index"] for r in a["alternatives"]]
    assert b["recommended"]["index"] == a["recommended"]["index"]
    assert b["stats"]["evaluated"] <= a["size"]


def test_when_nothing_can_be_feasible_the_closest_are_still_shown(example, small_blocks):
    vary = {"ocr": ["glasses", "phone", "cloud"], "translator": ["glasses", "phone", "cloud"]}
    whole = explore(example, vary, ["latency(overlay) <= 1 ms"])
    pruned = explore(example, vary, ["latency(overlay) <= 1 ms"], prune=True)
    assert whole.feasible == pruned.feasible == 0 and pruned.recommended is None
    assert pruned.stats["skipped_infeasible"] + pruned.stats["evaluated"] == pruned.size
    assert pruned.infeasible and pruned.criteria == whole.criteria
    assert pruned.infeasible[0].index == whole.infeasible[0].index
