"""`archkit render` and `archkit export` through the CLI runner."""

from __future__ import annotations

import json

import pytest

from archkit.cli import app


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot", "mermaid"])
def test_render_each_format(runner, example_path, in_tmp, fmt):
    out = in_tmp / f"d.{fmt}"
    r = runner.invoke(app, ["render", str(example_path), "--view", "dataflow", "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF", "dot": b"digraph", "mermaid": b"---"}[fmt] in data[:8]


def test_render_format_from_suffix_and_variant(runner, example_path, in_tmp):
    r = runner.invoke(app, ["render", str(example_path), "--view", "deployment", "--variant", "all-in-cloud",
                            "-o", "x.dot"])
    assert r.exit_code == 0, r.output
    assert "variant all-in-cloud" in (in_tmp / "x.dot").read_text()


def test_render_all(runner, example_path, in_tmp):
    r = runner.invoke(app, ["render", str(example_path), "--all", "-o", "out", "--format", "dot", "--report", "json"])
    assert r.exit_code == 0, r.output
    written = json.loads(r.output)["written"]
    names = sorted(p.name for p in (in_tmp / "out").iterdir())
    assert len(written) == len(names) == 9
    assert "flow-overlay.dot" in names and "compare-base-vs-all-in-cloud.dot" in names


@pytest.mark.parametrize("args,msg", [
    (["--view", "flow:nope"], "unknown flow"),
    (["--view", "deployment", "--variant", "all-in-clod"], "did you mean 'all-in-cloud'"),
    (["--view", "bogus"], "unknown view"),
])
def test_render_usage_errors(runner, example_path, in_tmp, args, msg):
    r = runner.invoke(app, ["render", str(example_path), *args, "-o", "x.svg"])
    assert r.exit_code == 2
    assert msg in r.output
    assert not (in_tmp / "x.svg").exists()


def test_render_icons(runner, example_path, in_tmp):
    pytest.importorskip("diagrams")
    r = runner.invoke(app, ["render", str(example_path), "--style", "icons", "-o", "i.svg"])
    assert r.exit_code == 0, r.output
    assert "data:image/png;base64," in (in_tmp / "i.svg").read_text()


@pytest.mark.parametrize("to,check", [
    ("structurizr", "workspace "), ("calm", '"relationships"'), ("mermaid", "flowchart LR"),
    ("json", '"components"'), ("yaml", "components:"),
])
def test_export(runner, example_path, in_tmp, to, check):
    r = runner.invoke(app, ["export", str(example_path), "--to", to, "-o", f"m.{to}"])
    assert r.exit_code == 0, r.output
    assert check in (in_tmp / f"m.{to}").read_text()


def test_export_json_round_trips(runner, example_path, in_tmp):
    import archkit

    r = runner.invoke(app, ["export", str(example_path), "--to", "json", "-o", "m.json"])
    assert r.exit_code == 0
    assert archkit.load(in_tmp / "m.json") == archkit.load(example_path)


def test_export_unknown_variant(runner, example_path, in_tmp):
    r = runner.invoke(app, ["export", str(example_path), "--to", "calm", "--variant", "nope"])
    assert r.exit_code == 2
    assert "unknown variant" in r.output
