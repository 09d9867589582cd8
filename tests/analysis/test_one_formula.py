"""One formula, many users: the deploy plan's link emulation and the explorer's quality vectors agree
with the analyses on random systems.

* For every connector of the deployed flow that crosses nodes, in every variant and at every point
  of the ranges, the delay link emulation waits (:func:`archkit.runtime._links.call_delay`) is the
  latency analysis' connector time at that point, and the plan records it as ``expected_ms``.
* The explorer's vectorised quality vector of every alternative equals the one read from the full
  analyses (the seeded cases run in tests/alternatives/test_vector.py; here hypothesis draws more).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archkit.analysis import AnalysisContext, connector_time
from archkit.io import load_data
from archkit.runtime import build_plan
from archkit.runtime._links import call_delay

TINY = Path(__file__).resolve().parents[1] / "runtime" / "tiny"
POINTS = ("best", "typical", "worst")
KINDS = ("sync_call", "async_message", "stream", "batch_transfer")


def _range(draw: Any, lo: float, hi: float, unit: str) -> str:
    a = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    b = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    small, big = min(a, b), max(a, b)
    if draw(st.booleans()) and big > small:
        typ = draw(st.floats(small, big))
        return f"{small:.6g}..{typ:.6g}..{big:.6g} {unit}"
    return f"{small:.6g}..{big:.6g} {unit}" if big > small else f"{small:.6g} {unit}"


@st.composite
def deployable_systems(draw: Any) -> dict[str, Any]:
    """A chain of components across a chain of nodes, one flow through every connector, a few variants."""
    n_nodes = draw(st.integers(2, 4))
    n_comps = draw(st.integers(2, 5))
    nodes = [{"id": f"n{i}", "kind": "cloud", "cpu_cores": 4} for i in range(n_nodes)]
    links = []
    for i in range(n_nodes - 1):
        lk: dict[str, Any] = {"id": f"l{i}", "ends": [f"n{i}", f"n{i + 1}"], "medium": "internet",
                              "latency": _range(draw, 0.1, 300, "ms"), "bandwidth": _range(draw, 0.1, 1000, "Mbit/s")}
        if draw(st.booleans()):
            lk["bandwidth_reverse"] = _range(draw, 0.1, 1000, "Mbit/s")
        links.append(lk)
    comps = [{"id": f"c{i}", "kind": "business_logic", "implementation": "tiny_impls:Upper"} for i in range(n_comps)]
    comps[0]["implementation"] = "tiny_impls:Entry"
    conns = []
    for i in range(n_comps - 1):
        kind = draw(st.sampled_from(KINDS))
        c: dict[str, Any] = {"id": f"e{i}", "source": f"c{i}", "target": f"c{i + 1}", "kind": kind,
                             "request_size": _range(draw, 0.001, 5000, "kB")}
        if kind == "sync_call":
            c["response_size"] = _range(draw, 0.001, 5000, "kB")
        conns.append(c)
    node_ids = st.sampled_from([n["id"] for n in nodes])
    placement = {c["id"]: draw(node_ids) for c in comps}
    variants = []
    for v in range(draw(st.integers(0, 3))):
        moved = {c["id"]: draw(node_ids) for c in comps if draw(st.booleans())}
        variant: dict[str, Any] = {"name": f"v{v}", "placement": moved}
        if draw(st.booleans()):
            variant["links_down"] = [draw(st.sampled_from([lk["id"] for lk in links]))]
        variants.append(variant)
    return {"name": "random chain", "components": comps, "connectors": conns, "nodes": nodes, "links": links,
            "placement": placement, "variants": variants,
            "flows": [{"id": "chain", "steps": [c["id"] for c in conns]}]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deployable_systems(), st.sampled_from(POINTS))
def test_link_emulation_waits_the_analysis_connector_time(data, point):
    system = load_data(data)
    sys.path.insert(0, str(TINY))
    try:
        for variant in [None, *system.variant_names]:
            ctx = AnalysisContext(system, variant)
            plan = build_plan(system, variant, point=point, cpus=2, model_path=TINY / "system.py")
            assert plan.emulation_point == point
            crossing_calls = [c for spec in plan.deployments for c in spec.calls if c.crossing is not None]
            for call in crossing_calls:
                crossing = call.crossing
                predicted = connector_time(ctx, call.connector, crossing.source_node, crossing.target_node)
                if crossing.down:
                    assert not predicted.known and crossing.expected_ms is None
                    continue
                seconds = predicted.at(point)
                assert seconds is not None
                assert call_delay(call) == pytest.approx(seconds, rel=1e-12, abs=1e-15)
                assert crossing.expected_ms == round(seconds * 1000, 3)
                assert call.legs == (2 if system.connector(call.connector).synchronous else 1)
    finally:
        sys.path.remove(str(TINY))


def test_a_link_without_latency_is_not_emulated_as_zero():
    from archkit.errors import UsageError

    data = {"name": "gap", "nodes": [{"id": "a", "kind": "cloud"}, {"id": "b", "kind": "cloud"}],
            "links": [{"id": "ab", "ends": ["a", "b"], "medium": "internet", "bandwidth": "10 Mbit/s"}],
            "components": [{"id": "x", "kind": "business_logic", "implementation": "tiny_impls:Entry"},
                           {"id": "y", "kind": "business_logic", "implementation": "tiny_impls:Upper"}],
            "connectors": [{"id": "x->y", "source": "x", "target": "y", "kind": "sync_call",
                            "request_size": "1 kB", "response_size": "1 kB"}],
            "placement": {"x": "a", "y": "b"}, "flows": [{"id": "f", "steps": ["x->y"]}]}
    system = load_data(data)
    sys.path.insert(0, str(TINY))
    try:
        with pytest.raises(UsageError, match=r"link 'ab' \(latency; crossed by 'x->y'\)"):
            build_plan(system, model_path=TINY / "system.py")
        plan = build_plan(system, emulate_links=False, model_path=TINY / "system.py")
    finally:
        sys.path.remove(str(TINY))
    # the analysis says what to declare, and the plan does not invent a number
    assert plan.deployments[0].calls[0].crossing.expected_ms is None
    assert "declare latency on link 'ab'" in connector_time(system, "x->y", "a", "b").missing


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(100, 10**6))
def test_explorer_quality_vectors_equal_the_full_analyses(seed):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "alternatives"))
    try:
        from randsys import random_system
    finally:
        sys.path.pop(0)
    from archkit.alternatives import generated_space
    from archkit.alternatives._quality import quality_of, quantise
    from archkit.alternatives._vector import VectorEvaluator
    from archkit.errors import UsageError

    system = random_system(seed)
    comps = [c.id for c in system.components if c.id != "registry"][:3]
    try:
        space = generated_space(system, {c: [n.id for n in system.nodes] for c in comps})
    except UsageError:
        return
    ev = VectorEvaluator(space)
    Q, _ = ev.evaluate(space.digits(0, space.size))
    keys = ev.keys
    for i in range(space.size):
        full = quality_of(system, space.placement(i), space.links_down).vector(keys)
        assert np.array_equal(quantise(full), quantise(Q[i]), equal_nan=True), (seed, space.name(i))
