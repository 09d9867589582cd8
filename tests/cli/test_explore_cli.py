"""`archkit compare` and `archkit explore` through the real CLI: tables, JSON, exit codes, usage errors."""

import json

from archkit.cli import app

VARY = ["--vary", "ocr=glasses,phone,cloud", "--vary", "translator=glasses,phone,cloud"]


def run(runner, *args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_compare_applies_the_models_requirement_and_says_none_meets_it(runner, example_path):
    r = run(runner, "compare", str(example_path))
    assert r.exit_code == 1  # the model requires latency(overlay) <= 200 ms; no variant meets it
    assert "Trade-offs" in r.stdout and "Recommendation" in r.stdout
    assert "No alternative of the 6 meets every requirement" in r.stdout
    assert "all-on-phone" in r.stdout


def test_compare_json_carries_the_table_and_the_recommendation(runner, example_path):
    r = run(runner, "compare", str(example_path), "--ignore-model-requirements", "--require", "offline(overlay)",
            "--minimize", "latency(overlay)", "--format", "json")
    assert r.exit_code == 0, r.stdout
    d = json.loads(r.stdout)
    assert d["schema"] == "archkit.alternatives/1" and d["mode"] == "compare" and d["size"] == 6
    names = [a["name"] for a in d["alternatives"] + d["dominated"] + d["infeasible"]]
    assert sorted(names) == sorted(["all-on-phone", "ocr-in-cloud", "translation-in-cloud", "all-in-cloud",
                                    "all-on-glasses", "phone-bluetooth-only"])
    assert d["recommended"]["name"] == "all-on-phone"
    assert d["recommended"]["placement"] == {"ocr": "phone", "translator": "phone"}
    # the justification cites the numbers it rests on
    lat = d["recommended"]["text"]["latency(overlay)"]
    assert lat in d["justification"] and "offline(overlay)" in d["justification"]
    for a in d["infeasible"]:  # a requirement it fails, or something the model declares that it violates
        assert a["failed"] and all(x.startswith(("offline(overlay)", "violates: ")) for x in a["failed"])
    assert any(x.startswith("violates: ") for a in d["infeasible"] for x in a["failed"])
    for a in d["dominated"]:
        assert a["dominated_by"]["better_on"]
    assert {p["name"] for p in d["presets"]} >= {"client_side"}


def test_compare_named_variants_and_unknown_variant(runner, example_path):
    r = run(runner, "compare", str(example_path), "--variants", "all-on-phone,all-in-cloud", "--format", "json")
    assert json.loads(r.stdout)["size"] == 2
    r = run(runner, "compare", str(example_path), "--variants", "all-on-phon")
    assert r.exit_code == 2 and "did you mean 'all-on-phone'" in r.output


def test_explore_text_and_json(runner, example_path):
    args = ["explore", str(example_path), *VARY, "--ignore-model-requirements", "--require", "offline(overlay)",
            "--minimize", "latency(overlay)"]
    r = run(runner, *args)
    assert r.exit_code == 0, r.stdout
    assert "Pareto-optimal" in r.stdout and "Recommended: ocr=phone, translator=phone" in r.stdout
    d = json.loads(run(runner, *args, "--format", "json").stdout)
    assert d["mode"] == "explore" and d["size"] == 9
    assert d["recommended"]["placement"] == {"ocr": "phone", "translator": "phone"}
    assert d["pareto_count"] == len(d["alternatives"])
    reasons = d["infeasible_reasons"]
    assert set(reasons) == {"offline(overlay)", "violates what the model declares"}
    assert max(reasons.values()) <= d["size"] - d["feasible"] <= sum(reasons.values())


def test_explore_usage_errors_exit_2_with_hints(runner, example_path):
    r = run(runner, "explore", str(example_path), "--vary", "orc=phone,cloud")
    assert r.exit_code == 2 and "did you mean 'ocr'" in r.output
    r = run(runner, "explore", str(example_path), "--vary", "ocr=phone,clud")
    assert r.exit_code == 2 and "did you mean 'cloud'" in r.output
    r = run(runner, "explore", str(example_path), "--vary", "ocr")
    assert r.exit_code == 2 and "COMPONENT=node1,node2" in r.output
    r = run(runner, "explore", str(example_path), *VARY, "--require", "latency(overlay) <= 200 USD")
    assert r.exit_code == 2 and "duration" in r.output
    r = run(runner, "explore", str(example_path), *VARY, "--format", "json", "--require", "latncy(overlay) < 1 s")
    assert r.exit_code == 2 and json.loads(r.stdout)["ok"] is False


def test_review_has_an_alternatives_section(example):
    from archkit.design_review import review

    rv = review(example, only=["alternatives"])
    (s,) = rv.sections
    assert s.id == "alternatives" and s.status == "warning"  # the model's 200 ms budget is met by no variant
    assert s.data["schema"] == "archkit.alternatives/1" and s.data["requirements"][0]["key"] == "latency(overlay)"


def test_when_nothing_is_feasible_compare_still_shows_the_trade_off(runner, example_path):
    d = json.loads(run(runner, "compare", str(example_path), "--format", "json").stdout)
    assert d["feasible"] == 0 and d["recommended"] is None
    relaxed = {x["name"]: x for x in d["ignoring_requirements"]}
    bt = relaxed["phone-bluetooth-only"]
    assert not bt["pareto"] and bt["dominated_by"]["by"] == "all-on-phone"
    assert "latency(overlay)" in bt["dominated_by"]["better_on"]
    assert relaxed["all-on-phone"]["pareto"]


def test_json_is_deterministic(runner, example_path):
    args = ["explore", str(example_path), *VARY, "--format", "json"]
    assert run(runner, *args).stdout == run(runner, *args).stdout
    args = ["compare", str(example_path), "--format", "json"]
    assert run(runner, *args).stdout == run(runner, *args).stdout
