"""archkit lint: output formats, SARIF schema validity, suppression, baseline, --fail-on, exit codes."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from archkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/ar_translation/system.py"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

MODEL = textwrap.dedent('''\
    from archkit import Component, Model, System, connect

    with System("shop") as system:
        app = Component("app", kind="business_logic")
        ranker = Model("ranker", task="ranking", version="1", intended_use="product lists"{ranker_extra})
        connect(app, ranker, "sync_call")
        tel = Component("telemetry", kind="telemetry")
        connect(app, tel, "async_message", purpose="telemetry")
    {more}''')


def write_model(folder: Path, ranker_extra: str = ', owner="ml"', more: str = "") -> Path:
    path = folder / "system.py"
    path.write_text(MODEL.format(ranker_extra=ranker_extra, more=textwrap.indent(textwrap.dedent(more), "    ")))
    return path


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ARCHKIT_DISABLE_PLUGINS", "1")


def run(runner, *args):
    return runner.invoke(app, ["lint", *map(str, args)])


def test_sarif_of_the_example_validates_and_points_at_dsl_lines(runner, at_root):
    res = run(runner, EXAMPLE, "--format", "sarif")
    assert res.exit_code == 1, res.output  # the example has findings in some placements
    log = json.loads(res.stdout)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    assert results
    lines = (ROOT / EXAMPLE).read_text().splitlines()
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        phys = r["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == EXAMPLE
        line = lines[phys["region"]["startLine"] - 1]
        first = r["locations"][0]["logicalLocations"][0]
        if first["kind"] in ("component", "flow"):
            assert first["name"] in line or f"{first['name']!r}" in line or first["name"].split("_")[0] in line, (r, line)


def test_outputs_are_deterministic(runner, at_root):
    for fmt in ("sarif", "json", "junit", "text"):
        a = run(runner, EXAMPLE, "--format", fmt).stdout
        b = run(runner, EXAMPLE, "--format", fmt).stdout
        assert a == b and a, fmt


def test_json_shape(runner, at_root):
    data = json.loads(run(runner, EXAMPLE, "--format", "json").stdout)
    assert {"version", "tool", "source", "system", "fail_on", "exit_code", "summary", "findings", "suppressed",
            "baselined", "unknown", "warnings"} <= set(data)
    f = data["findings"][0]
    assert {"rule", "severity", "message", "fix", "location", "elements", "placements", "fingerprint", "status"} <= set(f)
    assert f["location"]["file"] == EXAMPLE and f["location"]["line"] > 0
    assert data["exit_code"] == 1 and data["summary"]["error"] + data["summary"]["warning"] > 0


def test_junit_counts_open_findings(runner, at_root):
    data = json.loads(run(runner, EXAMPLE, "--format", "json").stdout)
    root = ET.fromstring(run(runner, EXAMPLE, "--format", "junit").stdout)
    assert int(root.get("failures")) == len(data["findings"])
    assert len(root.findall(".//testcase/failure")) == len(data["findings"])


def test_clean_model_exits_zero(runner, tmp_path):
    res = run(runner, write_model(tmp_path), "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0, data["findings"]
    assert data["findings"] == []


def test_suppression_in_the_model_needs_a_reason_and_is_reported(runner, tmp_path):
    bare = write_model(tmp_path, ranker_extra="")
    res = run(runner, bare, "--format", "json")
    assert res.exit_code == 1 and json.loads(res.stdout)["findings"][0]["rule"] == "nobody-knows"

    ok = write_model(tmp_path, ranker_extra=', suppress=[{"rule": "nobody-knows", '
                                            '"reason": "owned by the vendor, see contract 7"}]')
    res = run(runner, ok, "--format", "sarif")
    assert res.exit_code == 0, res.stdout
    result = json.loads(res.stdout)["runs"][0]["results"][0]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "owned by the vendor, see contract 7"}]

    no_reason = write_model(tmp_path, ranker_extra=', suppress=[{"rule": "nobody-knows"}]')
    res = run(runner, no_reason)
    assert res.exit_code == 1
    assert "reason" in res.output and "system.py:5" in res.output


def test_suppression_in_config_table(runner, tmp_path):
    model = write_model(tmp_path, ranker_extra="")
    (tmp_path / "archkit.toml").write_text(textwrap.dedent('''\
        [lint]
        [[lint.suppress]]
        rule = "nobody-knows"
        element = "component:ranker"
        reason = "owned by the vendor"
        '''))
    data = json.loads(run(runner, model, "--format", "json").stdout)
    assert data["findings"] == [] and data["suppressed"][0]["suppression"]["source"] == "config"

    (tmp_path / "archkit.toml").write_text('[lint]\n[[lint.suppress]]\nrule = "nobody-knows"\nelement = "ranker"\n')
    res = run(runner, model)
    assert res.exit_code == 2 and "reason" in res.output


def test_pyproject_table_sets_fail_on(runner, tmp_path):
    model = write_model(tmp_path, ranker_extra="")  # one warning
    (tmp_path / "pyproject.toml").write_text('[tool.archkit.lint]\nfail-on = "error"\n')
    assert run(runner, model).exit_code == 0
    assert run(runner, model, "--fail-on", "warning").exit_code == 1


def test_fail_on_levels(runner, tmp_path):
    # two models run in one process: all-in-one (info)
    model = write_model(tmp_path, more='''\
        other = Model("other", task="ranking", owner="ml", version="1", intended_use="ads")
        connect(app, other, "in_process")
        connect(app, ranker, "in_process")
        ''')
    data = json.loads(run(runner, model, "--format", "json").stdout)
    assert {f["severity"] for f in data["findings"]} == {"info"}, data["findings"]
    assert run(runner, model, "--fail-on", "info").exit_code == 1
    assert run(runner, model, "--fail-on", "warning").exit_code == 0
    assert run(runner, model, "--fail-on", "error").exit_code == 0


def test_baseline_adoption_fails_only_on_new_findings(runner, tmp_path):
    model = write_model(tmp_path, ranker_extra="")
    baseline = tmp_path / "baseline.json"
    res = run(runner, model, "--write-baseline", baseline)
    assert res.exit_code == 0 and baseline.is_file()
    assert json.loads(baseline.read_text())["findings"][0]["rule"] == "nobody-knows"

    res = run(runner, model, "--baseline", baseline, "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["summary"]["baselined"] == 1 and data["findings"] == []

    sarif = json.loads(run(runner, model, "--baseline", baseline, "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"][0]["baselineState"] == "unchanged"

    # a new problem appears: the old one stays baselined, the new one fails
    model = write_model(tmp_path, ranker_extra="", more='''\
        notebook = Component("scoring_notebook", kind="business_logic", origin="notebook")
        ''')
    res = run(runner, model, "--baseline", baseline, "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 1
    assert [f["rule"] for f in data["findings"]] == ["prototype-smell"]
    assert data["summary"]["baselined"] == 1


def test_usage_errors_exit_2(runner, tmp_path):
    model = write_model(tmp_path)
    assert run(runner, model, "--format", "xml").exit_code == 2
    assert run(runner, model, "--fail-on", "fatal").exit_code == 2
    assert run(runner, tmp_path / "missing.py").exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    res = run(runner, model, "--baseline", bad)
    assert res.exit_code == 2 and "not an archkit lint baseline" in res.output
    (tmp_path / "archkit.toml").write_text('[lint]\nfail_on = "error"\n')
    res = run(runner, model)
    assert res.exit_code == 2 and "unknown key" in res.output


def test_unknown_rule_in_suppression_is_a_warning(runner, tmp_path):
    model = write_model(tmp_path, ranker_extra=', owner="ml", suppress=[{"rule": "nobody-know", "reason": "typo here"}]')
    data = json.loads(run(runner, model, "--format", "json").stdout)
    assert any("unknown rule 'nobody-know'" in w for w in data["warnings"])


def test_output_file(runner, tmp_path):
    model = write_model(tmp_path)
    out = tmp_path / "lint.sarif"
    assert run(runner, model, "--format", "sarif", "--output", out).exit_code == 0
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_review_has_a_lint_section(at_root):
    import archkit
    from archkit.design_review import review

    result = review(archkit.load(EXAMPLE), EXAMPLE, only=["lint"])
    (sec,) = result.sections
    assert sec.id == "lint" and sec.status == "error"
    assert sec.data["findings"] and sec.data["summary"]["error"] >= 1
    assert any(p["id"] == "sequential-decomposition" for p in sec.data["patterns"])


def test_yaml_models_point_at_yaml_lines(runner, tmp_path, at_root):
    import archkit

    path = tmp_path / "ar.yaml"
    path.write_text(archkit.to_yaml(archkit.load(EXAMPLE)))
    data = json.loads(run(runner, path, "--format", "json").stdout)
    lines = path.read_text().splitlines()
    assert data["findings"]
    for f in data["findings"]:
        assert f["location"]["file"].endswith("ar.yaml")
        first = f["elements"][0]
        if first["type"] in ("component", "flow", "node", "link"):
            assert first["id"] in lines[f["location"]["line"] - 1], (f, lines[f["location"]["line"] - 1])


def test_variant_option_limits_placements(runner, at_root):
    data = json.loads(run(runner, EXAMPLE, "--format", "json", "--variant", "all-in-cloud").stdout)
    assert data["findings"] and all(f["placements"] == ["all-in-cloud"] for f in data["findings"])
    base = json.loads(run(runner, EXAMPLE, "--format", "json", "-v", "base").stdout)
    assert all(f["placements"] == ["base"] for f in base["findings"])
    assert not any(f["rule"] == "offline-operation" for f in base["findings"])
    res = run(runner, EXAMPLE, "--variant", "all-in-clod")
    assert res.exit_code == 2 and "did you mean 'all-in-cloud'" in res.output


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_systems_lint_to_valid_deterministic_sarif(seed, monkeypatch):
    import warnings

    monkeypatch.syspath_prepend(str(ROOT))
    from bench.synthetic import synthetic_system

    from archkit.catalog import load_catalog
    from archkit.catalog import to_json, to_sarif
    from archkit.catalog import lint

    cat = load_catalog(plugins=False)
    system = synthetic_system(80, n_nodes=8, n_flows=6, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a detector crash would warn
        first = lint(system, "synthetic", catalog=cat)
    again = lint(synthetic_system(80, n_nodes=8, n_flows=6, seed=seed), "synthetic", catalog=cat)
    assert to_sarif(first) == to_sarif(again) and to_json(first) == to_json(again)
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(to_sarif(first)))
