"""One definition of feasible: analyze, compare, explore and lint agree on every placement of every example.

analyze says it in its `verdicts` (archkit.analysis.variant_verdicts), compare and explore in each
alternative's feasibility (the model's own requirements set aside, so only what the model declares
about flows, links, nodes and fleets counts), lint in its deployment-fit errors. A fixed fleet that is
short of nodes, or one that scales but not far enough, is infeasible for all four.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archkit
from archkit.alternatives import compare, explore
from archkit.analysis import analyze, every_placement, variant_verdicts
from archkit.catalog import lint
from archkit.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/system.py"))
FIT_ERRORS = {"latency-budget", "link-capacity", "resource-fit", "capacity", "offline-operation"}


def by_analyze(system, variant):
    return variant_verdicts(analyze(system, variant)).feasible


def by_compare(system):
    exp = compare(system, use_model=False)
    return {r.name: r.feasible for r in exp.rows + exp.dominated + exp.infeasible}


def by_explore(system, variant):
    """The explorer's vectorised evaluation of exactly this placement (a space of one alternative)."""
    placement = system.placement_for(variant)
    moved = {c: [n] for c, n in placement.items()}
    try:
        exp = explore(system, moved, base_variant=variant, use_model=False)
    except UsageError as exc:  # the space excludes a node that cannot hold a component at all
        assert "no node can hold" in str(exc), exc
        return False
    assert exp.size == 1
    return exp.feasible == 1


def by_lint(system, name):
    result = lint(system, "model", placements=[name])
    return not any(f.rule in FIT_ERRORS and f.severity == "error" for f in result.findings)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_command_agrees_on_every_placement(example):
    system = archkit.load(ROOT / "examples" / example / "system.py")
    compared = by_compare(system)
    seen = {True: 0, False: 0}
    for variant in every_placement(system):
        name = variant or "base"
        verdict = by_analyze(system, variant)
        seen[verdict] += 1
        assert by_explore(system, variant) == verdict, (example, name, "explore")
        assert by_lint(system, name) == verdict, (example, name, "lint")
        if variant is not None:
            assert compared[variant] == verdict, (example, name, "compare")
    assert seen[True] + seen[False] == len(every_placement(system))


def test_the_examples_have_both_feasible_and_infeasible_placements():
    outcomes = set()
    for example in EXAMPLES:
        system = archkit.load(ROOT / "examples" / example / "system.py")
        outcomes |= {by_analyze(system, v) for v in every_placement(system)}
    assert outcomes == {True, False}


FLEET = """\
from archkit import System, Node, Component, Model, Link, Flow, Variant
with System("fleet", users={users}, peak_active_share=0.1) as s:
    with Node("phone", kind="mobile", per_user=1):
        app = Component("app", kind="ui")
    with Node("cloud", kind="cloud", count={count}, cpu_cores=8, memory="64 GB", cost_per_hour="0.5 USD/h"):
        lm = Model("lm", task="t", cpus=1, memory="1 GB", inference_time={{"cloud": "5..10 ms"}})
    with Node("spare", kind="cloud", count={count}, cpu_cores=8, memory="64 GB", cost_per_hour="0.5 USD/h"):
        pass
    Link("phone", "cloud", medium="wifi", bandwidth="1 Gbit/s", latency="10 ms")
    Link("phone", "spare", medium="wifi", bandwidth="1 Gbit/s", latency="10 ms")
    Flow("ask", steps=[(app >> lm).set(request_size="1 kB", response_size="1 kB", rate="1 /s")],
         latency_budget="300 ms")
    Variant("on-spare", lm="spare")
"""


@pytest.mark.parametrize("users,count,feasible", [(10_000_000, '"2..20"', False), (1_000, '"2..20"', True),
                                                  (10_000_000, "20", False), (1_000_000, '"2..2000"', True)])
def test_a_fleet_that_scales_is_judged_against_its_maximum(tmp_path, users, count, feasible):
    f = tmp_path / "fleet.py"
    f.write_text(FLEET.format(users=users, count=count))
    system = archkit.load(f)
    report = analyze(system)
    (node,) = report.capacity.nodes
    assert (node.verdict != "under") == feasible
    if not feasible:
        most = "at most 20" if "." in count else "has 20"
        assert node.summary.startswith("needs ") and node.summary.endswith(f", {most}: under"), node.summary
    assert by_analyze(system, None) == feasible == by_lint(system, "base") == by_explore(system, None)
    assert by_compare(system)["on-spare"] == feasible == by_analyze(system, "on-spare")


def test_what_a_fleet_that_scales_costs(tmp_path):
    f = tmp_path / "fleet.py"
    f.write_text(FLEET.format(users=1_000_000, count='"2..2000"'))
    report = analyze(archkit.load(f))
    items = {(i.category, i.item): i for i in report.cost.items}
    needed = report.capacity.nodes[0].nodes_needed
    # 1,000,000 users x 0.1 at peak x 1 /s x 5..10 ms at 70 % utilisation = 715..1,429 replicas of 1 core, 8 a node
    assert (needed.best, needed.worst) == (90, 179)
    hour = 0.5 * 730
    assert items[("node fleet", "cloud")].monthly.best == pytest.approx(90 * hour)
    assert items[("node fleet", "cloud")].monthly.worst == pytest.approx(179 * hour)
    assert items[("node fleet", "spare")].monthly.best == pytest.approx(2 * hour)  # idle: its fewest nodes
    assert ("scale-out", "cloud") not in items  # within its maximum
    exp = json.loads(json.dumps(report.cost.to_dict()))
    assert "of 2..2000, as the capacity plan needs" in exp["items"][0]["detail"]


def test_a_short_fixed_fleet_costs_its_count_and_the_scale_out_in_nodes(tmp_path):
    f = tmp_path / "fleet.py"
    f.write_text(FLEET.format(users=10_000_000, count="20"))
    report = analyze(archkit.load(f))
    items = {(i.category, i.item): i for i in report.cost.items}
    assert items[("node fleet", "cloud")].monthly.best == pytest.approx(20 * 0.5 * 730)
    scale = items[("scale-out", "cloud")]
    assert " nodes " in scale.detail and "devices" not in scale.detail
    assert "more than the 20 declared" in scale.detail and "has 20: under" in scale.detail
