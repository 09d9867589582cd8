"""Notebooks: analysis reports, comparisons, lint results and model cards display as the report's HTML.

A real notebook is executed by nbclient in a real IPython kernel; its outputs are then laid out
in Chromium next to markup of the notebook's own, to check the charts are drawn and the report's
stylesheet stays inside the outputs.
"""

from __future__ import annotations

import importlib

import pytest

from tests.views._chromium import Chromium, find_chromium

from .conftest import EXAMPLE

CELLS = [
    f"import archkit\nsystem = archkit.load({str(EXAMPLE)!r})",
    "archkit.analyze.__module__, archkit.analysis.analyze_all(system)",  # a tuple: shows as text, not HTML
    "archkit.analysis.analyze_all(system)",
    "archkit.analyze(system, 'all-in-cloud')",
    "archkit.compare(system)",
    "archkit.lint(system, 'system.py')",
    "from archkit.cards import model_card\nmodel_card(system, 'ocr')",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> list[dict]:
    """The rich output of each cell (its mime bundle), from a notebook run in a real kernel."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}}).execute()
    out = []
    for cell in nb.cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, "\n".join(errors[0].traceback)
        data = [o.data for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        out.append(data[0] if data else {})
    return out


def test_results_display_as_the_reports_sections(outputs):
    _, as_tuple, report, variant, comparison, lint, card = outputs
    assert "text/html" not in as_tuple  # only archkit's own result types are taken over

    html = report["text/html"]
    assert html.startswith('<div class="archkit-report">') and "Analyses per variant" in html
    for name in ("all-on-phone", "ocr-in-cloud", "all-in-cloud", "all-on-glasses"):
        assert f"Variant {name}" in html
    assert '<span class="badge bad">✖ violates</span>' in html and '<span class="badge risk">⚠ at risk</span>' in html
    assert html.count('<svg class="chart"') == 4  # latency of each flow, link utilisation, cost
    assert "Latency breakdown of flow overlay" in html and "budget 200 ms" in html
    assert "report" in report["text/plain"].lower() or "Report(" in report["text/plain"]

    one = variant["text/html"]
    assert "Variant all-in-cloud" in one and "Variant all-on-phone" not in one and '<svg class="chart"' in one

    alt = comparison["text/html"]
    assert "Trade-offs" in alt and "Recommendation" in alt and '<svg class="chart"' in alt
    assert "Trade-off: latency(overlay) against cost" in alt and "✖ infeasible" in alt

    found = lint["text/html"]
    assert "Patterns and lint findings" in found and "latency-budget" in found and "✖ error" in found
    assert "Catalog entries cited" in found

    shown = card["text/html"]
    assert "Model card: OCR model" in shown and "FactSheet" in shown and "Inference interface" in shown


def test_every_displayed_type_is_the_public_one():
    from archkit._display import DISPLAYED

    faces = {"Report": "archkit.analysis", "VariantReport": "archkit.analysis", "Exploration": "archkit.alternatives",
             "LintResult": "archkit.catalog", "ModelCard": "archkit.cards"}
    assert {name for _, name in DISPLAYED} == set(faces)
    for module, name in DISPLAYED:
        public = getattr(importlib.import_module(faces[name]), name)
        assert (public.__module__, public.__name__) == (module, name)


def test_styles_stay_inside_the_output():
    from archkit.design_review._notebook import scoped_css

    css = scoped_css(":root { --a: 1; } body, h2 { margin: 0; } * { x: y; }\n@media print { body { a: b; } "
                     ".x > y { c: d; } }", ".r")
    assert css.splitlines()[:3] == [".r { --a: 1; }", ".r, .r h2 { margin: 0; }", ".r * { x: y; }"]
    assert "@media print {\n.r { a: b; }\n.r .x > y { c: d; }\n}" in css


@pytest.mark.browser
def test_outputs_lay_out_in_a_browser_without_restyling_the_notebook(outputs, tmp_path):
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed")
    cells = "\n".join(f'<div class="output_html">{o["text/html"]}</div>' for o in outputs if "text/html" in o)
    page = tmp_path / "notebook.html"
    page.write_text('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>notebook</title>'
                    '<style>body { font-family: serif; margin: 7px; } table { border: 3px solid rgb(1, 2, 3); }'
                    '</style></head><body><h2 id="own">the notebook\'s own heading</h2>'
                    '<table id="own-table"><tr><td>own</td></tr></table>\n' + cells + "\n</body></html>\n",
                    encoding="utf-8")
    with Chromium(binary, width=1400, height=1000) as browser:
        browser.open(page)
        shown = browser.evaluate("""(() => {
          const own = getComputedStyle(document.getElementById('own'));
          const table = getComputedStyle(document.getElementById('own-table'));
          const charts = [...document.querySelectorAll('svg.chart')].map(s => {
            const r = s.getBoundingClientRect(); return [r.width, r.height]; });
          const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
          return {font: own.fontFamily, margin: getComputedStyle(document.body).margin, table: table.borderTopWidth,
                  charts, duplicates: ids.filter((x, i) => ids.indexOf(x) !== i)};
        })()""")
        assert not browser.events("Runtime.exceptionThrown")
    assert shown["font"] == "serif" and shown["margin"] == "7px" and shown["table"] == "3px"
    assert len(shown["charts"]) == 4 + 4 + 1
    assert all(w > 300 and h > 100 for w, h in shown["charts"]), shown["charts"]
    assert shown["duplicates"] == []
