"""The core commands through the real CLI: exit codes, text and JSON output."""

import json
import textwrap

import jsonschema
import yaml

from archkit.cli import app

EX = "examples/ar_translation/system.py"


def run(runner, *args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_validate_example(runner, example_path):
    r = run(runner, "validate", str(example_path))
    assert r.exit_code == 0 and "valid" in r.stdout
    r = run(runner, "validate", str(example_path), "--format", "json")
    data = json.loads(r.stdout)
    assert data["ok"] is True and data["counts"]["components"] == 7 and data["problems"] == []


BAD = textwrap.dedent("""
    from archkit import System, Node, Component, Link, connect
    with System("bad") as s:
        with Node("phone", kind="mobile"):
            a = Component("ocr", kind="model")
            b = Component("ocr", kind="model")
        with Node("cloud", kind="cloud"):
            c = Component("db", kind="datastore")
        Link("phone", "cloud", medium="cellular", bandwidth="3 ms")
        connect(a, "translator")
""")


def test_validate_reports_all_three_problems(runner, in_tmp):
    (in_tmp / "bad.py").write_text(BAD)
    r = run(runner, "validate", "bad.py")
    assert r.exit_code == 1
    out = r.stderr
    for code, line in (("AK101", 6), ("AK104", 9), ("AK102", 10)):
        assert code in out and f"bad.py:{line}" in out
    assert out.count("hint:") == 3
    r = run(runner, "validate", "bad.py", "--format", "json")
    assert r.exit_code == 1
    probs = json.loads(r.stdout)["problems"]
    assert sorted(p["code"] for p in probs) == ["AK101", "AK102", "AK104"]
    assert all(p["location"]["file"] == "bad.py" and p["hint"] for p in probs)


def test_unsafe_yaml_refused(runner, in_tmp):
    (in_tmp / "evil.yaml").write_text('name: !!python/object/apply:os.system ["touch pwned"]\n')
    r = run(runner, "validate", "evil.yaml")
    assert r.exit_code == 1 and "AK002" in r.stderr and "Traceback" not in r.stderr + r.stdout
    assert not (in_tmp / "pwned").exists()


def test_missing_file_is_a_usage_error(runner, in_tmp):
    r = run(runner, "validate", "nope.yaml")
    assert r.exit_code == 2 and "AK001" in r.stderr


def test_show_draws_tree_and_tables(runner, example_path):
    r = run(runner, "show", str(example_path))
    assert r.exit_code == 0
    for word in ("AR glasses", "OCR model", "Connectors", "Links", "bluetooth", "Variants", "Flows"):
        assert word in r.stdout
    r = run(runner, "show", str(example_path), "--variant", "ocr-in-cloud", "--format", "json")
    data = json.loads(r.stdout)
    cloud = next(n for n in data["nodes"] if n["id"] == "cloud")
    assert "ocr" in cloud["components"]


def test_show_unknown_variant(runner, example_path):
    r = run(runner, "show", str(example_path), "--variant", "ocr-in-clod")
    assert r.exit_code == 2 and "did you mean 'ocr-in-cloud'" in r.stderr


def test_convert_chain_is_byte_identical(runner, example_path, in_tmp):
    assert run(runner, "convert", str(example_path), "-o", "a.yaml").exit_code == 0
    assert run(runner, "convert", "a.yaml", "-o", "b.json").exit_code == 0
    assert run(runner, "convert", "b.json", "-o", "c.yaml").exit_code == 0
    assert (in_tmp / "a.yaml").read_bytes() == (in_tmp / "c.yaml").read_bytes()
    r = run(runner, "convert", "a.yaml", "-o", "out.txt")
    assert r.exit_code == 2 and not (in_tmp / "out.txt").exists()


def test_schema_validates_example_yaml(runner, example_path, in_tmp):
    schema = json.loads(run(runner, "schema").stdout)
    run(runner, "convert", str(example_path), "-o", "a.yaml")
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load((in_tmp / "a.yaml").read_text()))


def test_review_runs(runner, example_path):
    r = run(runner, "review", str(example_path))
    assert r.exit_code == 0 and "Design review" in r.stdout and "Overview" in r.stdout
    data = json.loads(run(runner, "review", str(example_path), "--format", "json").stdout)
    assert data["sections"][0]["id"] == "overview"
    assert data["sections"][0]["data"]["counts"]["variants"] == 6


def test_invalid_model_review_exits_1(runner, in_tmp):
    (in_tmp / "bad.py").write_text(BAD)
    assert run(runner, "review", "bad.py").exit_code == 1


def test_bad_option_is_usage_error(runner, example_path):
    r = runner.invoke(app, ["validate", str(example_path), "--format", "xml"])
    assert r.exit_code == 2
