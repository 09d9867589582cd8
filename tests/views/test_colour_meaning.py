"""In every view, a colour means one thing: the legend's colours are distinct, and what is drawn in a
colour is what the legend says that colour is."""

from __future__ import annotations

from pathlib import Path

import pytest

import archkit
from archkit.views import build_view, view_specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/system.py"))
LINK_SAMPLES = ("network link", "dashed link", "dotted link")




@pytest.fixture(scope="module", params=[p.parent.name for p in EXAMPLES])
def example(request):
    return archkit.load(ROOT / "examples" / request.param / "system.py")


def check(view) -> None:
    meaning: dict[str, str] = {}
    for e in view.legend:
        if e.sample == "colour":
            assert e.colour not in meaning, f"{view.name}: {e.colour} is '{meaning.get(e.colour)}' and '{e.label}'"
            meaning[e.colour] = e.label
    for e in view.legend:
        if e.sample == "line" and any(s in e.label for s in LINK_SAMPLES):
            assert e.colour not in meaning, f"{view.name}: link sample in {e.colour}, which is '{meaning[e.colour]}'"
    for line in view.lines:
        if line.invisible or line.kind == "link" and line.style == "dotted":
            continue
        if line.kind == "link" and view.name.startswith("dataflow"):
            assert "link colour" in meaning.get(line.colour, ""), f"{view.name}: {line.id} in {line.colour}"
        elif line.kind != "link" and line.colour in meaning:
            assert "link colour" not in meaning[line.colour], f"{view.name}: connector {line.id} in a link colour"


def test_each_colour_means_one_thing_in_every_view_of_every_example(example):
    for variant in [None, *example.variant_names]:
        for spec in view_specs(example):
            if spec.startswith("compare:") and variant is not None:
                continue
            check(build_view(example, spec, variant))


def test_a_lightly_loaded_link_is_not_drawn_in_a_verdict_colour():
    from archkit.views import _style as st

    ar = archkit.load(ROOT / "examples" / "ar_translation" / "system.py")
    view = build_view(ar, "dataflow", "ocr-in-cloud")
    verdict_colours = set(st.VERDICT_COLOURS.values())
    links = [ln for ln in view.lines if ln.kind == "link" and ln.style != "dotted"]
    assert links and all(ln.colour not in verdict_colours for ln in links)
    assert any(ln.colour in verdict_colours for ln in view.lines if ln.kind != "link" and not ln.invisible)
