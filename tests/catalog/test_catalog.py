"""The catalog as data: entries parse, every entry has a detector and vice versa, entries ship in the package."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import pytest

from archkit.catalog import (
    QUALITIES,
    CatalogError,
    Plugin,
    PluginWarning,
    builtin_entries,
    detect,
    detector,
    load_catalog,
    parse_entry,
)
from archkit.catalog import Registry
from archkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
LECTURE = [
    "stateless-serving-function", "feature-store", "precomputed-prediction-serving", "two-phase-prediction",
    "batch-serving", "decouple-training-from-serving", "ensemble", "metamodel-stacking", "sequential-decomposition",
    "cascade", "separate-business-logic-from-model", "big-ass-script-architecture", "dead-experimental-code-paths",
    "glue-code", "multiple-language-smell", "pipeline-jungles", "plain-old-datatype-smell", "undeclared-consumers",
    "static-intelligence", "client-side-intelligence", "server-centric-intelligence", "backend-cached-intelligence",
    "hybrid-intelligence", "latency-budget", "link-capacity", "offline-operation", "update-cadence", "resource-fit",
    "single-point-of-failure", "privacy-locality",
]


def test_every_entry_has_a_detector_and_every_detector_an_entry():
    cat = load_catalog(plugins=False)
    assert cat.consistency_problems() == []
    files = sorted(p.stem for p in (ROOT / "patterns").glob("*.md"))
    assert files == sorted(cat.entries) == cat.registry.ids()


def test_catalog_size_and_lecture_coverage(runner, monkeypatch):
    monkeypatch.setenv("ARCHKIT_DISABLE_PLUGINS", "1")
    res = runner.invoke(app, ["patterns", "list", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["counts"]["pattern"] >= 30
    assert data["counts"]["anti-pattern"] + data["counts"]["check"] >= 15
    ids = {e["id"] for e in data["entries"]}
    assert set(LECTURE) <= ids, set(LECTURE) - ids


def test_entries_are_complete():
    for e in builtin_entries():
        assert set(e.effects.model_dump()) == set(QUALITIES)
        assert e.sources and e.problem and e.solution and e.body
        if e.kind != "pattern":
            assert e.severity in ("info", "warning", "error") and e.fix


def test_entries_ship_inside_the_package():
    root = importlib.resources.files("archkit._patterns")
    shipped = sorted(p.name for p in root.iterdir() if p.name.endswith(".md"))
    assert shipped == sorted(p.name for p in (ROOT / "patterns").glob("*.md"))


@pytest.mark.slow
def test_wheel_contains_the_entries(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("archkit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    md = [n for n in names if n.startswith("archkit/_patterns/") and n.endswith(".md")]
    assert len(md) == len(list((ROOT / "patterns").glob("*.md")))
    assert "archkit/catalog/templates.py" in names


def test_parse_errors_are_all_reported_with_keys():
    text = textwrap.dedent("""\
        ---
        id: Not_Kebab
        name: X
        kind: antipattern
        category: serving
        sources: []
        problem: p
        solution: s
        effects: {latency: faster}
        colour: red
        ---
        body
        """)
    with pytest.raises(CatalogError) as err:
        parse_entry(text, "x.md")
    keys = {p.key for p in err.value.problems}
    assert {"id", "kind", "sources", "colour"} <= keys
    assert any(k.startswith("effects") for k in keys)
    assert "x.md: colour: unknown key" in str(err.value)


def test_rule_entries_need_severity_and_fix():
    text = "---\n" + "\n".join([
        "id: a-b", "name: A", "kind: check", "category: c", "sources: [s]", "problem: p", "solution: s",
        "effects: {latency: better, throughput: better, cost: better, availability: better, updatability: better,"
        " privacy: better, telemetry: better, operability: better}"]) + "\n---\n"
    with pytest.raises(CatalogError) as err:
        parse_entry(text, "a-b.md")
    assert {p.key for p in err.value.problems} == {"severity", "fix"}
    with pytest.raises(CatalogError, match="no front matter"):
        parse_entry("# just markdown", "c.md")


def test_show_and_list_commands(runner):
    res = runner.invoke(app, ["patterns", "show", "two-phase-prediction"])
    assert res.exit_code == 0 and "Two-phase prediction" in res.stdout and "two_phase" in res.stdout
    res = runner.invoke(app, ["patterns", "show", "two-phase-predictoin"])
    assert res.exit_code == 2 and "did you mean 'two-phase-prediction'" in res.output
    res = runner.invoke(app, ["patterns", "list", "--kind", "check", "--format", "json"])
    assert {e["kind"] for e in json.loads(res.stdout)["entries"]} == {"check"}
    res = runner.invoke(app, ["patterns", "show", "glue-code", "--format", "json"])
    assert json.loads(res.stdout)["severity"] == "warning"


def test_detect_command_lists_patterns_with_lines(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    res = runner.invoke(app, ["patterns", "detect", "examples/ar_translation/system.py", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    found = {d["id"] for d in data["detections"] if d["status"] == "found"}
    assert {"sequential-decomposition", "client-side-intelligence", "prediction-logging"} <= found
    seq = next(d for d in data["detections"] if d["id"] == "sequential-decomposition")
    assert seq["location"]["file"] == "examples/ar_translation/system.py" and seq["location"]["line"] > 0
    assert "ocr" in (ROOT / seq["location"]["file"]).read_text().splitlines()[seq["location"]["line"] - 1]
    res = runner.invoke(app, ["patterns", "detect", "examples/ar_translation/system.py"])
    assert res.exit_code == 0 and "sequential-decomposition" in res.stdout


def test_unknown_says_what_to_declare():
    from archkit import Model, Node, System

    with System("t") as s:
        with Node("phone", kind="mobile"):
            Model("m", task="t")
    dets = [d for d in detect(s.build(), load_catalog(plugins=False), ids=["model-ip-exposure"])]
    assert [d.status for d in dets] == ["unknown"]
    assert "declare model.ip_sensitive on 'm'" in dets[0].message


def test_registry_rejects_duplicates():
    reg = Registry()
    detector("x", reg)(lambda ctx: [])
    with pytest.raises(ValueError, match="already registered"):
        detector("x", reg)(lambda ctx: [])


# -- plugins -------------------------------------------------------------------------------------
PLUGIN_ENTRY = """\
---
id: acme-no-gpu-models
name: Models without GPUs
kind: check
category: acme
sources: ["ACME platform guide"]
problem: ACME clusters have no GPUs.
solution: Use CPU models.
effects: {latency: neutral, throughput: neutral, cost: neutral, availability: neutral, updatability: neutral,
  privacy: neutral, telemetry: neutral, operability: neutral}
severity: error
fix: Declare a CPU model.
---
Flags models that require a GPU.
"""

PLUGIN_CODE = """\
from pathlib import Path
from archkit.catalog import Plugin


def gpu(ctx):
    for m in ctx.models():
        if m.model is not None and m.model.requires_gpu:
            yield ctx.found([m], f"'{m.id}' needs a GPU")


def plugin():
    return Plugin("acme", entries=[Path(__file__).parent / "acme_patterns"], detectors={"acme-no-gpu-models": gpu})
"""


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    (tmp_path / "acme_patterns").mkdir()
    (tmp_path / "acme_patterns" / "acme-no-gpu-models.md").write_text(PLUGIN_ENTRY)
    (tmp_path / "acme_plugin.py").write_text(PLUGIN_CODE)
    (tmp_path / "acme_broken.py").write_text("raise RuntimeError('broken on import')\n")
    dist = tmp_path / "acme_archkit-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-archkit\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[archkit.patterns]\nacme = acme_plugin:plugin\nbroken = acme_broken:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ARCHKIT_DISABLE_PLUGINS", raising=False)
    return tmp_path


def test_plugins_add_entries_and_broken_ones_warn(plugins):
    with pytest.warns(PluginWarning, match="'broken'.*broken on import"):
        cat = load_catalog()
    assert cat.plugins == ["acme"]
    assert "acme-no-gpu-models" in cat.entries and cat.consistency_problems() == []
    from archkit import Model, System

    with System("t") as s:
        Model("big", task="t", requires_gpu=True)
    hits = [d for d in detect(s.build(), cat, ids=["acme-no-gpu-models"])]
    assert hits and hits[0].status == "found"


def test_environment_variable_disables_plugins(plugins, monkeypatch):
    monkeypatch.setenv("ARCHKIT_DISABLE_PLUGINS", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cat = load_catalog()
    assert cat.plugins == [] and "acme-no-gpu-models" not in cat.entries


def test_plugin_may_not_shadow_builtin_ids(tmp_path):
    from archkit.catalog._catalog import _load_plugin
    from archkit.catalog._registry import BUILTIN

    with pytest.raises(ValueError, match="already taken"):
        _load_plugin("x", lambda: Plugin("x", detectors={"glue-code": lambda ctx: []}),
                     {e.id: e for e in builtin_entries()}, BUILTIN.copy())


def test_docs_list_every_entry_and_rule():
    cat = load_catalog(plugins=False)
    patterns_doc = (ROOT / "docs" / "patterns.md").read_text()
    lint_doc = (ROOT / "docs" / "lint.md").read_text()
    for e in cat:
        if e.kind == "pattern":
            assert f"`{e.id}`" in patterns_doc, e.id
        else:
            assert f'<a id="{e.id}"></a>`{e.id}`' in lint_doc, e.id


def test_broken_builtin_entry_is_reported_without_traceback(runner, monkeypatch):
    import archkit.catalog._catalog as catalog_mod

    def broken():
        raise CatalogError([catalog_mod.CatalogProblem(origin="glue-code.md", key="kind", message="bad kind")])

    monkeypatch.setattr(catalog_mod, "_DEFAULT", None)
    monkeypatch.setattr(catalog_mod, "load_catalog", broken)
    res = runner.invoke(app, ["patterns", "list"])
    assert res.exit_code == 1 and "glue-code.md: kind: bad kind" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_public_names_resolve():
    import archkit.catalog as catalog
    import archkit.catalog.templates as templates

    for module in (catalog, templates):
        for name in module.__all__:
            assert getattr(module, name) is not None, name
