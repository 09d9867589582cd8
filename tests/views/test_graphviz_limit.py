"""Graphviz runs under a time limit; running over it is a message naming the view and a faster layout."""

from __future__ import annotations

import pytest

from archkit.views import GraphvizTimeout, build_view


@pytest.mark.parametrize("style", ["plain", "icons"])
def test_a_slow_drawing_is_stopped_with_a_message(example, monkeypatch, style):
    monkeypatch.setenv("ARCHKIT_GRAPHVIZ_TIMEOUT", "0.001")  # no graphviz run finishes this fast
    view = build_view(example, "deployment")
    with pytest.raises(GraphvizTimeout) as info:
        view.render("svg", style)
    message = str(info.value)
    assert "'deployment' view" in message and "--layout sfdp" in message and "ARCHKIT_GRAPHVIZ_TIMEOUT" in message


def test_the_cli_reports_it_and_writes_nothing(example_path, tmp_path, monkeypatch, runner):
    from archkit.cli import app

    monkeypatch.setenv("ARCHKIT_GRAPHVIZ_TIMEOUT", "0.001")
    out = tmp_path / "d.svg"
    r = runner.invoke(app, ["render", str(example_path), "--view", "dataflow", "-o", str(out)])
    assert r.exit_code == 1
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "did not finish" in r.stderr and "'dataflow' view" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_layout_engine_can_be_chosen(example):
    view = build_view(example, "deployment")
    assert 'layout="sfdp"' in view.dot("sfdp") and "layout=" not in view.dot()
    assert view.render("svg", layout="sfdp").startswith(b"<?xml")
    from archkit.errors import UsageError

    with pytest.raises(UsageError, match="unknown layout engine"):
        view.render("svg", layout="bogus")
