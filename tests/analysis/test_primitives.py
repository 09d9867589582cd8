"""The per-element primitives add up to the analyses exactly (what a vectorised evaluator relies on)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archkit.analysis import (
    Estimate,
    Options,
    component_time,
    connector_link_load,
    connector_time,
    connector_time_parts,
    flow_latency,
    link_load,
    mmc_wait,
    node_monthly_cost,
    queueing_delay,
)
from archkit.analysis import AnalysisContext, arrival_rate


@pytest.mark.parametrize("variant", [None, "all-in-cloud", "ocr-in-cloud", "phone-bluetooth-only", "all-on-glasses"])
def test_flow_latency_is_the_sum_of_the_primitives(example, variant) -> None:
    g = AnalysisContext(example, variant)
    opts = Options()
    for f in example.flows:
        res = flow_latency(g, f.id, opts)
        total = Estimate.zero("s")
        for sid in f.steps:
            c = example.connector(sid)
            a, b = g.placement[c.source], g.placement[c.target]
            step = connector_time(g, sid, a, b) + component_time(example, c.target, b)
            q = queueing_delay(g, c.target, opts)
            if q.wait.known:
                step = step + q.wait
            total = total + step  # the same order of additions gives the same floating-point result
        assert total.values() == res.total.values()


def test_component_time_looks_up_node_id_then_kind_then_default(example) -> None:
    assert component_time(example, "ocr", "cloud").values() == (0.02, 0.04, 0.06)
    assert component_time(example, "ocr", "glasses").best == pytest.approx(0.2)
    assert component_time(example, "frame_selector", "cloud").values() == pytest.approx((0.005, 0.01, 0.015))
    unknown = component_time(example, "model_registry", "cloud")
    assert not unknown.known and "model_registry" in unknown.missing[0]


def test_connector_time_legs_and_transfer(example) -> None:
    # same node: no network time
    assert connector_time(example, "frame_selector->ocr", "glasses", "glasses").values() == (0.0, 0.0, 0.0)
    g = AnalysisContext(example, "phone-bluetooth-only")
    parts = connector_time_parts(g, "frame_selector->ocr", "glasses", "phone")
    assert parts.route == ("glasses-phone",) and parts.legs == 2
    assert parts.latency.best == pytest.approx(2 * 0.040) and parts.latency.worst == pytest.approx(2 * 0.200)
    # request 30..100 kB and response 0.1..1 kB over 3 Mbit/s
    assert parts.transfer.best == pytest.approx((30e3 + 0.1e3) * 8 / 3e6)
    assert parts.transfer.worst == pytest.approx((100e3 + 1e3) * 8 / 3e6)
    # an asynchronous message crosses once, with no response
    one = connector_time_parts(g, "frame_selector->telemetry", "glasses", "cloud")
    assert one.legs == 1 and one.route == ("glasses-phone", "phone-cloud")
    assert one.latency.best == pytest.approx(0.040 + 0.030)


def test_connector_time_without_route_is_unknown(example) -> None:
    g = AnalysisContext(example, "phone-bluetooth-only")
    no_route = g.route("glasses", "cloud", exclude={"glasses-phone", "glasses-phone-wifi"})
    assert no_route is None
    data = example.model_dump(mode="json", exclude_defaults=True)
    import archkit

    data["variants"].append({"name": "cut", "links_down": ["glasses-phone", "glasses-phone-wifi"]})
    cut = archkit.io.load_data(data)
    t = connector_time(AnalysisContext(cut, "cut"), "frame_selector->ocr", "glasses", "phone")
    assert not t.known and "usable link route" in t.missing[0]
    assert flow_latency(AnalysisContext(cut, "cut"), "overlay").verdict == "unknown"


@pytest.mark.parametrize("variant", [None, "all-in-cloud", "phone-bluetooth-only"])
def test_link_load_is_the_sum_of_connector_shares(example, variant) -> None:
    g = AnalysisContext(example, variant)
    sums: dict[tuple[str, str, str], float] = {}
    for c in example.connectors:
        a, b = g.placement[c.source], g.placement[c.target]
        for s in connector_link_load(g, c.id, a, b):
            key = (s.link, s.from_node, s.to_node)
            sums[key] = sums.get(key, 0.0) + s.load.typical
    for d in link_load(example, variant).links:
        if d.verdict == "down":
            continue
        assert d.load.typical == pytest.approx(sums.get((d.link, d.from_node, d.to_node), 0.0))


def test_node_monthly_cost(example) -> None:
    e = node_monthly_cost(example, "cloud")
    count = example.node("cloud").count
    assert e is not None and e.best == pytest.approx(0.40 * 730 * count)
    assert node_monthly_cost(example, "phone") is None  # the user's own device


def test_mmc_wait_matches_closed_forms() -> None:
    lam, s = 5.0, 0.1  # M/M/1: Wq = rho / (mu - lambda)
    assert mmc_wait(lam, s, 1) == pytest.approx(0.5 / (10 - 5))
    # M/M/2 with a = 1: C = 1/3, Wq = C * S / (c - a) = (1/3) * 0.1 / 1
    assert mmc_wait(10.0, 0.1, 2) == pytest.approx(0.1 / 3)
    assert math.isinf(mmc_wait(10.0, 0.1, 1))
    assert mmc_wait(0.0, 0.1, 1) == 0.0


@given(st.floats(0.01, 100), st.floats(0.001, 1), st.integers(1, 50))
def test_mmc_wait_falls_with_more_servers(lam, s, c) -> None:
    w1, w2 = mmc_wait(lam, s, c), mmc_wait(lam, s, c + 1)
    assert w2 <= w1 or math.isinf(w1)
    assert w1 >= 0


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)), min_size=1, max_size=10))
def test_estimate_sums_keep_best_typical_worst_in_order(pairs) -> None:
    parts = [Estimate(min(a, b), (a + b) / 2, max(a, b), "s") for a, b in pairs]
    total = Estimate.total(parts, "s")
    assert total.best <= total.typical * (1 + 1e-12) and total.typical <= total.worst * (1 + 1e-12)
    folded = Estimate.zero("s")
    for p in parts:
        folded = folded + p
    assert folded.values() == pytest.approx(total.values())


def test_unknown_propagates_and_names_every_missing_input() -> None:
    a = Estimate.exact(1.0, "s", ["x"])
    b = Estimate.unknown("s", "declare latency on link 'a'")
    c = Estimate.unknown("s", "declare bandwidth on link 'b'")
    s = a + b + c
    assert not s.known and s.best is None
    assert s.missing == ("declare latency on link 'a'", "declare bandwidth on link 'b'")
    assert s.text() == "unknown" and s.to_dict()["best"] is None
    assert (a.times(b, "s")).missing == b.missing
    assert Estimate.total([a, b], "s").missing == b.missing


def test_component_plans_add_up_to_the_node_capacity(example) -> None:
    from archkit.analysis import capacity, component_plan

    g = AnalysisContext(example, "all-in-cloud")
    res = capacity(example, "all-in-cloud")
    plans = [component_plan(g, c.id) for c in example.components]
    plans = [p for p in plans if p is not None]
    assert [p.component for p in plans] == [c.component for c in res.components]
    ocr = next(p for p in plans if p.component == "ocr")
    # every active user's sign reaches the cloud OCR: peak users x 0.2 /s
    assert ocr.arrival_rate.best == pytest.approx(100_000 * 0.05 * 0.2)
    assert ocr.replicas_needed.worst == math.ceil(ocr.arrival_rate.best * 0.060 / 0.7)


def test_a_changed_copy_of_a_system_is_analysed_afresh(example) -> None:
    from archkit.analysis import latency

    before = latency(example, "phone-bluetooth-only").flows[0].total
    links = [lk.model_copy(update={"bandwidth": None}) if lk.id == "glasses-phone" else lk for lk in example.links]
    changed = example.model_copy(update={"links": links})
    after = latency(changed, "phone-bluetooth-only").flows[0].total
    assert before.known and not after.known
    assert "declare bandwidth on link 'glasses-phone'" in after.missing
    # the original is untouched, and so is what the analyses say about it
    assert latency(example, "phone-bluetooth-only").flows[0].total == before
    assert not connector_time(AnalysisContext(changed, "phone-bluetooth-only"), "frame_selector->ocr", "glasses",
                              "phone").known


def test_a_context_with_components_moved_shares_routes_but_not_derived_values(example) -> None:
    base = AnalysisContext(example, "all-in-cloud")
    moved = base.with_placement({"ocr": "phone"})
    assert moved.placement["ocr"] == "phone" and base.placement["ocr"] == "cloud"
    assert moved.variant == base.variant and moved.graph is not base.graph
    assert moved.route("glasses", "cloud") == base.route("glasses", "cloud")
    assert moved.memo is not base.memo
    # the moved context computes what a fresh context of the same placement computes
    fresh = AnalysisContext(example.model_copy(update={"placement": dict(moved.placement), "variants": []}))
    assert arrival_rate(moved, "translator") == arrival_rate(fresh, "translator")
