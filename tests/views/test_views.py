"""Every view of the AR example draws in every format, with the structure a reader expects."""

from __future__ import annotations

import struct

import pytest

from archkit.views import build_view, view_specs

from .conftest import dot_json, svg_text, svg_titles

SPECS = ["logical", "deployment", "dataflow", "flow:overlay", "flow:usage-telemetry",
         "compare:all-on-phone,all-in-cloud"]


def test_view_specs_cover_every_flow_and_moved_variant(ar):
    specs = view_specs(ar)
    assert specs[:3] == ["logical", "deployment", "dataflow"]
    assert "flow:overlay" in specs and "flow:usage-telemetry" in specs
    assert "compare:base,all-in-cloud" in specs
    # a variant that moves nothing (only a link down) has no comparison of its own
    assert "compare:base,phone-bluetooth-only" not in specs


@pytest.mark.parametrize("spec", SPECS)
def test_dot_structure(ar, spec):
    view = build_view(ar, spec)
    layout = dot_json(view.dot())
    names = [o["name"] for o in layout["objects"]]
    clusters = [n for n in names if n.startswith("cluster_")]
    nodes = [o["name"] for o in layout["objects"] if not o["name"].startswith("cluster_")]
    assert "Legend" in layout["label"]
    if spec == "logical":
        assert sorted(n for n in nodes) == sorted(f"c:{c.id}" for c in ar.components)
        assert clusters == ["cluster_view"]
    elif spec in ("deployment", "dataflow"):
        for n in ar.nodes:
            assert f"cluster_node:{n.id}" in clusters
        for c in ar.components:
            assert f"c:{c.id}" in nodes
        assert {"cluster_tier:device", "cluster_tier:cloud"} <= set(clusters)
    elif spec.startswith("compare:"):
        for side in ("a", "b"):
            assert f"cluster_{side}/side" in clusters
            assert all(f"{side}/c:{c.id}" in nodes for c in ar.components)
    else:
        assert "breakdown" in nodes


@pytest.mark.parametrize("spec", SPECS)
def test_svg_png_pdf(ar, spec):
    view = build_view(ar, spec)
    svg = view.render("svg")
    text = svg_text(svg)
    assert "Legend" in text
    assert view.title.split(":")[0] in text
    boxes = [b for b in view.boxes if not b.anchor]
    assert len([t for t in svg_titles(svg, "node") if not t.startswith(("in:", "out:", "gate:", "a/", "b/"))
                or "/c:" in t]) >= len(boxes)
    png = view.render("png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 400 and height > 200
    pdf = view.render("pdf")
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("spec", SPECS)
def test_mermaid(ar, spec):
    import yaml

    text = build_view(ar, spec).render("mermaid").decode()
    assert "flowchart" in text.splitlines()[3]
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == build_view(ar, spec).title
    assert 'subgraph legend["Legend"]' in text
    if spec in ("deployment", "dataflow"):
        assert "subgraph g_node_glasses" in text
        assert "g_node_phone ===" in text  # the cellular link joins the phone and cloud clusters
    # every subgraph is closed
    opens = sum(1 for ln in text.splitlines() if ln.strip().startswith("subgraph "))
    assert opens == sum(1 for ln in text.splitlines() if ln.strip() == "end")


def test_deployment_of_a_variant_moves_components(ar):
    base = build_view(ar, "deployment")
    cloud = build_view(ar, "deployment", "all-in-cloud")
    assert base.box("c:ocr").group == "node:phone"
    assert cloud.box("c:ocr").group == "node:cloud"
    assert "20..60 ms" in cloud.box("c:ocr").lines  # inference time on the node it runs on
    assert "60..180 ms" in base.box("c:ocr").lines


def test_link_labels_and_down_links(ar):
    view = build_view(ar, "deployment", "phone-bluetooth-only")
    links = {ln.id: ln for ln in view.lines if ln.kind == "link"}
    assert links["link:glasses-phone"].label.startswith("bluetooth\n3 Mbit/s · 40..200 ms")
    assert "down in this variant" in links["link:glasses-phone-wifi"].label
    assert links["link:glasses-phone-wifi"].style == "dotted"
    assert any("down in this variant" in e.label for e in view.legend)


def test_tiers_rank_device_edge_cloud(ar):
    """The cloud cluster is laid out to the right of every device cluster."""
    layout = dot_json(build_view(ar, "deployment").dot())

    def xrange(name):
        o = next(o for o in layout["objects"] if o["name"] == name)
        xs = [float(v) for v in o["bb"].split(",")]
        return xs[0], xs[2]

    glasses, phone, cloud = (xrange(f"cluster_node:{n}") for n in ("glasses", "phone", "cloud"))
    assert glasses[1] <= phone[0] + 1
    assert phone[1] <= cloud[0] + 1


def test_dataflow_labels_payload_times_rate(ar):
    view = build_view(ar, "dataflow")
    frames = next(ln for ln in view.lines if ln.id == "e:camera->frame_selector")
    assert frames.label == "2.7648 MB x 30 /s\n= 82.9 MB/s"
    samples = next(ln for ln in view.lines if ln.id == "e:frame_selector->telemetry#2")
    assert "x 0.001" in samples.label and samples.label.endswith("= 400 B/s")
    cellular = next(ln for ln in view.lines if ln.id == "link:phone-cloud")
    assert "% of bandwidth, worst case" in cellular.label
    assert cellular.colour == "#64b5f6"  # light load: pale blue (green is a flow that meets its budget)


def test_flow_view_breakdown(ar):
    view = build_view(ar, "flow:overlay", "all-in-cloud")
    note = view.box("breakdown")
    steps = [x for x in note.lines if x[0].isdigit()]
    assert [x.split(".")[0] for x in steps] == ["1", "2", "3", "4"]
    assert "cellular 30..100 ms" in steps[1]
    # each declared step is followed by the latency analysis of it
    analysed = note.lines[note.lines.index(steps[1]) + 1]
    assert "network" in analysed and "compute" in analysed and " = " in analysed
    assert "budget 200 ms" in note.lines[-1] and "verdict: " in note.lines[-1]
    lines = [ln for ln in view.lines if ln.id.startswith("step:")]
    assert [ln.label.split(".")[0] for ln in lines] == ["1", "2", "3", "4"]


def test_flow_verdict_matches_the_latency_analysis(ar):
    from archkit.analysis import latency
    from archkit.views._style import VERDICT_COLOURS

    for variant in ("all-on-phone", "all-in-cloud", "all-on-glasses"):
        verdict = next(f.verdict for f in latency(ar, variant).flows if f.flow == "overlay")
        view = build_view(ar, "flow:overlay", variant)
        assert f"verdict: {verdict}" in view.box("breakdown").lines[-1]
        assert {ln.colour for ln in view.lines if ln.id.startswith("step:")} == {VERDICT_COLOURS[verdict]}
        flow = build_view(ar, "dataflow", variant)
        coloured = next(ln for ln in flow.lines if ln.id == "e:selector->ocr" or ln.id == "e:frame_selector->ocr")
        assert coloured.colour == VERDICT_COLOURS[verdict]
        assert f"overlay {verdict}" in flow.notes[-1]


def test_dataflow_asks_the_analyses_when_no_overlay_is_given(ar):
    from archkit.views import dataflow_view, flow_view
    from archkit.views._overlay import analysis_overlay

    view = dataflow_view(ar)
    assert view.dot() == dataflow_view(ar, overlay=analysis_overlay(ar)).dot()
    assert view.notes[-1].startswith("flows: ")
    plain = flow_view(ar, "overlay")
    assert "no latency analysis given" in plain.notes[-1]


def test_payload_labels_are_the_analysis_traffic(ar):
    from archkit.analysis import connector_traffic
    from archkit.views._dataflow import payload_label

    # an in_process call carries its response back, as in the link-load and latency analyses
    c = ar.connector("frame_selector->overlay")
    assert c.kind == "in_process" and "100 B back" in payload_label(c)
    t = connector_traffic(c).total
    assert payload_label(c).endswith(f"{t.worst / 8:.0f} B/s")


def test_link_load_comes_from_the_analysis(ar):
    from archkit.analysis import link_load

    view = build_view(ar, "dataflow", "all-in-cloud")
    cellular = next(ln for ln in view.lines if ln.id == "link:phone-cloud")
    worst = max(d.utilisation.worst for d in link_load(ar, "all-in-cloud").links if d.link == "phone-cloud")
    assert f"{worst * 100:.3g} % of bandwidth" in cellular.label


@pytest.mark.parametrize("spec", ["compare:base,all-in-cloud", "compare:ocr-in-cloud,translation-in-cloud"])
def test_compare_puts_a_left_of_b(ar, spec):
    layout = dot_json(build_view(ar, spec).dot())
    left = {o["name"]: float(o["bb"].split(",")[0]) for o in layout["objects"]
            if o["name"] in ("cluster_a/side", "cluster_b/side")}
    assert left["cluster_a/side"] < left["cluster_b/side"]


def test_compare_marks_moved_components(ar):
    view = build_view(ar, "compare:base,all-in-cloud")
    assert view.box("a/c:ocr").border == "#c62828"
    assert view.box("b/c:translator").penwidth == 3.0
    assert view.box("a/c:camera").border != "#c62828"
    assert "moved: ocr, translator" in view.notes


@pytest.mark.parametrize("spec,msg", [
    ("nope", "unknown view"), ("flow:overlai", "did you mean 'flow:overlay'"),
    ("compare:base", "no two placements"), ("compare:base,nowhere", "unknown variant"),
])
def test_bad_specs_are_usage_errors(ar, spec, msg):
    from archkit.errors import UsageError

    with pytest.raises(UsageError, match=msg):
        build_view(ar, spec)


def test_unknown_format_and_style(ar):
    from archkit.errors import UsageError

    view = build_view(ar, "logical")
    with pytest.raises(UsageError, match="unknown format"):
        view.render("gif")
    with pytest.raises(UsageError, match="icons style draws"):
        view.render("mermaid", "icons")


def test_unplaced_components_are_drawn():
    from archkit import Component, Node, System

    with System("s") as s:
        with Node("srv", kind="cloud"):
            a = Component("a", kind="business_logic")
        b = Component("b", kind="business_logic")
        a >> b
    view = build_view(s.build(), "deployment")
    assert view.box("c:b").group == "unplaced"
    assert "Legend" in dot_json(view.dot())["label"]


def test_notebook_reprs(ar):
    import archkit
    from archkit.views import notebook_svg

    assert notebook_svg(ar).lstrip().startswith("<?xml")
    view = build_view(ar, "logical")
    assert "<svg" in view._repr_svg_()
    assert view._repr_html_().startswith('<div class="archkit-view"')



def test_a_dsl_system_displays_in_ipython_as_its_deployment_view():
    import subprocess
    import sys

    code = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
import archkit, sys
assert "archkit.views" not in sys.modules
with archkit.System("tiny") as s:
    with archkit.Node("n", kind="cloud"):
        archkit.Component("x", kind="business_logic")
data, _ = shell.display_formatter.format(s)
print("<svg" in data["image/svg+xml"], "archkit.views" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]


def test_large_views_switch_to_a_force_directed_layout():
    """Over 150 boxes dot's ranking takes minutes; such views use fdp (clusters kept) and say so."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.synthetic import synthetic_system

    system = synthetic_system(160, connectors_per_component=2, n_nodes=8, n_flows=3, seed=1)
    view = build_view(system, "deployment")
    dot = view.dot()
    assert 'layout="fdp"' in dot and "force-directed layout" in dot
    assert 'layout=' not in build_view(system, "flow:f0").dot()
    svg = view.render("svg")
    assert "Legend" in svg_text(svg)
    assert len(svg_titles(svg, "cluster")) >= len(system.nodes)
