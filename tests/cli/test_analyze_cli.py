"""`archkit analyze` through the real CLI: every analysis in text and JSON, exit codes, the review section."""

from __future__ import annotations

import json

from archkit.analysis import ANALYSES, SCHEMA
from archkit.cli import app


def run(runner, *args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_all_variants_text_shows_every_analysis(runner, example_path) -> None:
    r = run(runner, "analyze", str(example_path), "--all-variants")
    assert r.exit_code == 0, r.stdout
    out = r.stdout
    for title in ("Latency per flow", "breakdown of 'overlay'", "Link load", "Monthly cost", "Offline and availability",
                  "Model updates", "Resource fit", "Capacity plan", "Flow throughput ceilings",
                  "Data leaving user devices", "Telemetry", "Assumptions"):
        assert title in out, title
    for v in ("all-on-phone", "ocr-in-cloud", "translation-in-cloud", "all-in-cloud", "all-on-glasses",
              "phone-bluetooth-only"):
        assert f"variant {v}" in out
    assert "violates" in out and "at risk" in out and "M/M/c" in out


def test_json_carries_the_same_and_is_deterministic(runner, example_path) -> None:
    r1 = run(runner, "analyze", str(example_path), "--all-variants", "--format", "json")
    r2 = run(runner, "analyze", str(example_path), "--all-variants", "--format", "json")
    assert r1.exit_code == 0 and r1.stdout == r2.stdout
    data = json.loads(r1.stdout)
    assert data["schema"] == SCHEMA and data["users"] == 100_000
    assert "queueing" in data["assumptions"] and "month" in data["assumptions"]
    assert [v["variant"] for v in data["variants"]] == ["all-on-phone", "ocr-in-cloud", "translation-in-cloud",
                                                         "all-in-cloud", "all-on-glasses", "phone-bluetooth-only"]
    for v in data["variants"]:
        for name in ANALYSES:
            assert name in v
        (ov,) = [f for f in v["latency"]["flows"] if f["flow"] == "overlay"]
        assert ov["verdict"] in ("meets", "at risk", "violates")
        assert len(ov["steps"]) == 4 and ov["total"]["unit"] == "s"
        assert {"link_latency", "transfer", "processing", "queueing", "total"} <= set(ov["steps"][1])


def test_single_variant_users_and_usage_hours(runner, example_path) -> None:
    r = run(runner, "analyze", str(example_path), "--variant", "all-in-cloud", "--users", "1000", "--usage-hours", "2",
            "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["users"] == 1000 and len(data["variants"]) == 1
    (tele,) = [t for t in data["variants"][0]["privacy"]["telemetry"] if t["connector"] == "frame_selector->telemetry"]
    # 2 kB x 0.2 /s x 2 h of use a day, per device
    assert tele["bytes_per_device_per_day"]["best"] == 2e3 * 0.2 * 2 * 3600


def test_base_placement_is_the_default(runner, example_path) -> None:
    data = json.loads(run(runner, "analyze", str(example_path), "--format", "json").stdout)
    assert [v["variant"] for v in data["variants"]] == [None]


def test_usage_errors_exit_2(runner, example_path) -> None:
    r = run(runner, "analyze", str(example_path), "--variant", "all-in-clod")
    assert r.exit_code == 2 and "all-in-cloud" in (r.stdout + (r.stderr or ""))
    r = run(runner, "analyze", str(example_path), "--variant", "all-in-cloud", "--all-variants")
    assert r.exit_code == 2
    r = run(runner, "analyze", "no/such/model.yaml")
    assert r.exit_code == 2


def test_strict_exits_1_on_a_violation(runner, example_path) -> None:
    assert run(runner, "analyze", str(example_path), "--variant", "all-on-glasses", "--strict").exit_code == 1


def test_review_has_an_analyses_section(example) -> None:
    from archkit.design_review import review

    rv = review(example, "example", only=["analyses"])
    (sec,) = rv.sections
    assert sec.id == "analyses" and sec.status == "error"  # two variants violate the 200 ms budget
    assert len(sec.data["variants"]) == 6
    assert "all-on-glasses: overlay violates" in sec.summary
    json.dumps(sec.to_dict())
