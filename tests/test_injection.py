"""Property: models whose names and descriptions come from hostile alphabets render and export safely.

For each drawn model every view is written as DOT and drawn by graphviz (the SVG must be XML with
no script, event attribute or script link, and show the names as text), as Mermaid (statements
archkit writes, names in labels), and the model is exported to Structurizr (read line by line,
names inside quoted strings) and shown on the terminal (no control sequence). mermaid-cli reads
Mermaid output in tests/hostile/test_corpus.py.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from tests.hostile import checks
from tests.hostile.corpus import base
from tests.hostile_text import HOSTILE_TEXT

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz 'dot' is not installed")

NAMES = hs.fixed_dictionaries({
    "system": HOSTILE_TEXT, "description": HOSTILE_TEXT, "node": HOSTILE_TEXT, "cloud_description": HOSTILE_TEXT,
    "component": HOSTILE_TEXT, "model_description": HOSTILE_TEXT, "task": HOSTILE_TEXT, "flow": HOSTILE_TEXT,
    "variant_description": HOSTILE_TEXT, "link_description": HOSTILE_TEXT,
})


def _model(names: dict[str, str]):
    from archkit.io import load_data

    d = base()
    # a prefix keeps every value non-empty, so "is it shown" always has something to look for
    d["name"] = "S " + names["system"]
    d["description"] = names["description"]
    d["nodes"][0]["name"] = "N " + names["node"]
    d["nodes"][1]["description"] = names["cloud_description"]
    d["components"][0]["name"] = "C " + names["component"]
    d["components"][1]["description"] = names["model_description"]
    d["components"][1]["model"]["task"] = names["task"]
    d["flows"][0]["name"] = "F " + names["flow"]
    d["variants"][0]["description"] = names["variant_description"]
    d["links"][0]["description"] = names["link_description"]
    return load_data(d, "hostile.yaml"), ("S " + names["system"], "N " + names["node"], "C " + names["component"])


@given(names=NAMES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_names_stay_text_in_every_view(names: dict[str, str]) -> None:
    from archkit.views import build_view, view_specs
    from archkit.views._render import run_dot

    system, values = _model(names)
    found: list[str] = []
    svg_text: list[str] = []
    mermaid_text: list[str] = []
    for spec in view_specs(system):
        view = build_view(system, spec)
        more, text = checks.svg(run_dot(view.dot(), "svg"), name=spec)
        found += more + checks.missing(values[:1], text, spec)
        svg_text.append(text)
        more, text = checks.mermaid(view.mermaid(), name=f"{spec} mermaid")
        found += more + checks.missing(values[:1], text, f"{spec} mermaid")
        mermaid_text.append(text)
    found += checks.missing(values, " ".join(svg_text), "svg views")
    found += checks.missing(values, " ".join(mermaid_text), "mermaid views")
    assert not found, "\n".join(found)


@given(names=NAMES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_names_stay_text_in_exports(names: dict[str, str]) -> None:
    import json

    from archkit.export import export

    system, values = _model(names)
    found = checks.structurizr(export(system, "structurizr"), values)
    calm = export(system, "calm")
    found += checks.json_document(calm, "calm")
    assert json.loads(calm)  # the text round-trips through JSON
    assert not found, "\n".join(found)


@given(names=NAMES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_names_stay_text_on_the_terminal(names: dict[str, str], tmp_path_factory) -> None:
    from typer.testing import CliRunner

    from archkit.cli import app
    from archkit.io import save

    system, _ = _model(names)
    path = tmp_path_factory.mktemp("model") / "hostile.json"
    save(system, path)
    found: list[str] = []
    for args in (["show", str(path)], ["analyze", str(path), "--all-variants"], ["lint", str(path)],
                 ["validate", str(path)]):
        r = CliRunner().invoke(app, args)
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
        assert r.exit_code in (0, 1), (args, r.output)
        found += checks.terminal(r.stdout, f"{args[0]} stdout") + checks.terminal(r.stderr, f"{args[0]} stderr")
    assert not found, "\n".join(found)
