"""Worked figures from the literature, reproduced by the analyses.

[K] Kaestner, "Deploying a Model" (lecture notes): a 1280x720 RGB frame; Bluetooth up to 3 Mbit/s
    against a 4-10 Mbit/s video stream; 200 ms as a noticeable pause.
[H] Hulten, Building Intelligent Systems, ch. 13: a 1 MB model updated daily for 100,000 users who
    make 10 calls a day.
"""

from __future__ import annotations

import pytest

import archkit
from archkit import Component, Flow, Link, Model, Node, System, Variant
from archkit.analysis import Options, analyze, connector_volume, latency, link_load, updates
from archkit.model import Quantity


def test_1280x720_rgb_frame_is_2764800_bytes(example) -> None:
    frame = example.connector("camera->frame_selector").request_size
    assert frame.lo == frame.hi == 1280 * 720 * 3 == 2_764_800
    assert Quantity.parse("2.7648 MB", "data").lo == 2_764_800


def _video_system(video_size: str, rate: str) -> archkit.model.System:
    with System("video over bluetooth", users=1) as s:
        with Node("glasses", kind="wearable", per_user=1):
            cam = Component("camera", kind="sensor")
        with Node("phone", kind="mobile", per_user=1):
            sel = Component("selector", kind="business_logic", processing_time="5 ms")
        Link("glasses", "phone", medium="bluetooth", bandwidth="3 Mbit/s", latency="40..200 ms")
        video = (cam >> sel).set(kind="stream", request_size=video_size, rate=rate)
        Flow("video", steps=[video], rate=rate)
    return s.build()


def test_4_to_10_mbit_video_over_3_mbit_bluetooth_is_over_capacity() -> None:
    # 4..10 Mbit/s as 500..1250 kB each second
    s = _video_system("500..1250 kB", "1 /s")
    (up, down) = link_load(s).links
    assert (up.from_node, up.to_node) == ("glasses", "phone")
    assert up.load.best == pytest.approx(4e6) and up.load.worst == pytest.approx(10e6)
    assert up.utilisation.best == pytest.approx(4 / 3) and up.utilisation.worst == pytest.approx(10 / 3)
    assert up.verdict == "violates"
    assert up.breaking_connector == "camera->selector"
    assert up.headroom.worst == pytest.approx(3e6 - 10e6)
    assert down.verdict == "ok" and down.load.worst == 0


def test_raw_1280x720_frames_at_30_per_second_are_far_over_bluetooth() -> None:
    s = _video_system("2.7648 MB", "30 /s")
    up = link_load(s).links[0]
    assert up.load.best == pytest.approx(2_764_800 * 8 * 30)  # 663.552 Mbit/s
    assert up.verdict == "violates"


def test_video_that_fits_is_ok() -> None:
    s = _video_system("100..300 kB", "1 /s")  # 0.8..2.4 Mbit/s
    assert link_load(s).links[0].verdict == "ok"
    s = _video_system("200..500 kB", "1 /s")  # 1.6..4 Mbit/s: only the worst case is over
    assert link_load(s).links[0].verdict == "at risk"


def _hulten() -> archkit.model.System:
    with System("Hulten's example", users=100_000) as s:
        with Node("phone", kind="mobile", per_user=1):
            app = Component("app", kind="ui", processing_time="1 ms")
            model = Model("model", size="1 MB", update_period="1 d", inference_time={"mobile": "10 ms", "cloud": "5 ms"})
        with Node("cloud", kind="cloud", count=1, cost_per_hour="0.40 USD/h"):
            registry = Component("registry", kind="model_registry")
        Link("phone", "cloud", medium="internet", bandwidth="10 Mbit/s", latency="50 ms", cost_per_gb="0 USD/GB")
        call = (app >> model).set(kind="sync_call", request_size="100 kB", response_size="0 B", rate="10 /day")
        (registry >> model).set(kind="batch_transfer", purpose="model_artifact", request_size="1 MB", rate="1 /day")
        Flow("predict", steps=[call], rate="10 /day")
        Variant("client", {}, preset="client_side")
        Variant("server", {"model": "cloud"}, preset="server_centric")
    return s.build()


def test_hulten_model_distribution_is_100000_mb_a_day_on_the_client() -> None:
    s = _hulten()
    (m,) = updates(s, "client").models
    assert m.copies.best == 100_000
    assert m.bytes_per_day.best == pytest.approx(100_000 * 1e6)  # 100,000 MB a day
    # the requests stay on the phone: nothing goes over the network for predictions
    assert connector_volume(s, "app->model", "client").best == pytest.approx(100_000 * 10 * 100e3)
    assert latency(s, "client").flows[0].steps[0].network.route == ()


def test_hulten_server_side_sends_as_much_in_requests() -> None:
    s = _hulten()
    (m,) = updates(s, "server").models
    assert m.copies.best == 1
    assert m.bytes_per_day.best == pytest.approx(1e6)  # one deployed copy: 1 MB a day
    requests = connector_volume(s, "app->model", "server")
    assert requests.best == pytest.approx(100e3 * 10 * 100_000)  # 100 kB x 10 x 100,000 = 100,000 MB a day
    assert latency(s, "server").flows[0].steps[0].network.route == ("phone-cloud",)
    # the two placements move about the same bytes a day (100,000 MB vs 100,001 MB): [H]
    client = updates(s, "client").models[0].bytes_per_day.best
    assert (requests.best + m.bytes_per_day.best) / client == pytest.approx(1.00001)


EXPECTED_AR = {
    "all-on-phone": "at risk",
    "ocr-in-cloud": "at risk",
    "translation-in-cloud": "at risk",
    "all-in-cloud": "at risk",
    "all-on-glasses": "violates",
    "phone-bluetooth-only": "violates",
}


def test_ar_variants_get_latency_verdicts_against_200_ms(example) -> None:
    assert set(EXPECTED_AR) == set(example.variant_names)
    for v, want in EXPECTED_AR.items():
        (fl,) = [f for f in latency(example, v).flows if f.flow == "overlay"]
        assert fl.budget == "200 ms"
        assert fl.verdict == want, (v, fl.total.text())
        b, _, w = fl.total.values()
        if want == "violates":
            assert b > 0.2
        else:
            assert b <= 0.2 < w


def _with_budget(example, budget: str):
    data = archkit.io.to_data(example)
    data["flows"] = [dict(f, latency_budget=budget) if f["id"] == "overlay" else f for f in data["flows"]]
    return archkit.io.load_data(data)


def test_ar_verdicts_follow_the_budget(example) -> None:
    loose = _with_budget(example, "2 s")
    assert {latency(loose, v).flows[0].verdict for v in loose.variant_names} == {"meets"}
    tight = _with_budget(example, "50 ms")
    assert {latency(tight, v).flows[0].verdict for v in tight.variant_names} == {"violates"}


def test_ar_full_report_has_every_analysis(example) -> None:
    vr = analyze(example, "all-in-cloud", Options())
    d = vr.to_dict()
    for key in ("latency", "links", "cost", "availability", "updates", "resources", "capacity", "privacy"):
        assert key in d
    # in the cloud the overlay needs the cellular link, so it no longer works offline
    (ov,) = [f for f in vr.availability.flows if f.flow == "overlay"]
    assert ov.offline_required and ov.works_offline is False and ov.offline_verdict == "violates"
    (ov,) = [f for f in analyze(example, "all-on-phone").availability.flows if f.flow == "overlay"]
    assert ov.works_offline is True and ov.offline_verdict == "meets"
