"""The icon style (mingrammer diagrams) draws every view; its SVG embeds the icons."""

from __future__ import annotations

import re

import pytest

from archkit.views import build_view

pytest.importorskip("diagrams")

from .conftest import svg_text  # noqa: E402


@pytest.mark.parametrize("spec", ["logical", "deployment", "dataflow", "flow:overlay", "compare:base,all-in-cloud"])
def test_icon_svg_is_portable(ar, spec):
    svg = build_view(ar, spec).render("svg", "icons")
    text = svg.decode()
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert hrefs, "icons are drawn"
    assert all(h.startswith("data:image/png;base64,") for h in hrefs)
    assert not re.search(r'"/(?:usr|home|work|tmp|root|opt)/', text)
    assert "site-packages" not in text
    assert "Legend" in svg_text(svg)


def test_icon_png_and_dot(ar):
    view = build_view(ar, "deployment")
    assert view.render("png", "icons")[:4] == b"\x89PNG"
    dot = view.render("dot", "icons").decode()
    assert "cluster_" in dot and "image=" in dot


def test_icon_dot_is_deterministic(ar):
    view = build_view(ar, "deployment")
    assert view.render("svg", "icons") == view.render("svg", "icons")


def test_every_example_draws_with_icons():
    """graphviz aborts on some curved edges into clusters (the inference fleet's deployment view);
    the icon style then draws them as plain splines instead of failing."""
    from pathlib import Path

    from archkit.io import load
    from archkit.views import view_specs

    root = Path(__file__).resolve().parents[2] / "examples"
    for path in sorted(root.glob("*/system.py")):
        system = load(path)
        for spec in view_specs(system):
            svg = build_view(system, spec).render("svg", "icons")
            assert b"<svg" in svg, (path.parent.name, spec)
