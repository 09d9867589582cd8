"""Wording a designer meets first: counts agree with their number, a misspelt choice gets a suggestion."""

from __future__ import annotations

from archkit._words import count
from archkit.cli import app

ONE_OF_EACH = """\
from archkit import System, Node, Component, Link, Flow, Variant
with System("one of each") as s:
    with Node("phone", kind="mobile"):
        app = Component("app", kind="ui")
    with Node("cloud", kind="cloud"):
        api = Component("api", kind="business_logic")
    Link("phone", "cloud", medium="wifi")
    call = app >> api
    Flow("ask", steps=[call])
    Variant("moved", api="phone", preset="{preset}")
"""


def test_counts_are_singular_for_one():
    assert [count(0, "link"), count(1, "link"), count(2, "error"), count(1_073, "node")] == [
        "0 links", "1 link", "2 errors", "1,073 nodes"]
    assert count(1, "info") == "1 info" and count(2, "info") == "2 infos"


def test_validate_says_one_link_not_one_links(runner, tmp_path):
    f = tmp_path / "m.py"
    f.write_text(ONE_OF_EACH.format(preset="client_side"))
    r = runner.invoke(app, ["validate", str(f)], catch_exceptions=False)
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "(2 components, 1 connector, 2 nodes, 1 link, 1 variant, 1 flow)" in text


def test_a_misspelt_preset_gets_did_you_mean(runner, tmp_path):
    f = tmp_path / "m.py"
    f.write_text(ONE_OF_EACH.format(preset="client-side"))
    r = runner.invoke(app, ["validate", str(f), "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 1
    import json

    (problem,) = json.loads(r.stdout)["problems"]
    assert problem["location"]["path"] == ["variants", 0, "preset"] and problem["location"]["line"] == 10
    assert "'client-side' is not one of static, client_side" in problem["message"]
    assert problem["hint"] == "did you mean 'client_side'?"


def test_lint_summaries_count_in_the_singular(runner):
    import re
    from pathlib import Path

    ones = 0
    for example in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*/system.py")):
        r = runner.invoke(app, ["lint", str(example)], catch_exceptions=False)
        summary = " ".join(r.stdout.split()).rsplit("ok: ", 1)[-1].rsplit("FAIL: ", 1)[-1]
        assert re.match(r"\d+ errors?, \d+ warnings?, \d+ infos?;", summary), summary
        assert not re.search(r"\b1 (errors|warnings|infos)\b", summary), summary
        ones += len(re.findall(r"\b1 (error|warning|info)\b", summary))
    assert ones  # some example has exactly one of something


def test_help_shows_no_type_on_flags(runner):
    import typer.main

    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():
        subs = getattr(cmd, "commands", None)
        names += [[name, sub] for sub in subs] if subs else [[name]]
    assert ["analyze"] in names and ["patterns", "list"] in names
    for path in names:
        r = runner.invoke(app, [*path, "--help"], catch_exceptions=False, env={"COLUMNS": "160"})
        assert r.exit_code == 0 and "--help" in r.stdout, path
        assert "<bool>" not in r.stdout, path
    assert "<int range>" in runner.invoke(app, ["analyze", "--help"], env={"COLUMNS": "160"}).stdout
