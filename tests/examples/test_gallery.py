"""The gallery's examples: each one is reviewed by the CLI (validated, analysed, compared, linted,
drawn), and its README says exactly what archkit says about it.

The README blocks are produced by ``examples/expected.py``; when archkit changes what it says about
an example, this test fails until the README is rewritten with ``python examples/expected.py --write``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _expected_module():
    spec = importlib.util.spec_from_file_location("gallery_expected", ROOT / "examples" / "expected.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


expected = _expected_module()


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    """One `archkit review --format json --out DIR` per example, run from the project root."""
    import os

    from typer.testing import CliRunner

    from archkit.cli import app

    out: dict[str, tuple[dict, Path]] = {}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        for name in expected.EXAMPLES:
            folder = tmp_path_factory.mktemp(name)
            result = CliRunner().invoke(app, ["review", expected.source_of(name), "--format", "json", "--out", str(folder)])
            assert result.exit_code == 0, result.output[-3000:]
            out[name] = (json.loads(result.stdout), folder)
    finally:
        os.chdir(here)
    return out


@pytest.mark.parametrize("name", expected.EXAMPLES)
def test_example_is_valid_and_every_review_section_ran(name, reviews):
    data, folder = reviews[name]
    by_id = {s["id"]: s for s in data["sections"]}
    assert by_id["overview"]["status"] == "ok"
    assert set(by_id) >= {"overview", "analyses", "alternatives", "lint", "diagrams"}
    assert all(s["status"] != "skipped" for s in data["sections"] if s["id"] != "deployment")
    written = sorted(p.name for p in folder.iterdir())
    assert {"logical.svg", "deployment.svg", "dataflow.svg"} <= set(written), written
    for svg in folder.glob("*.svg"):
        assert svg.read_text().lstrip().startswith(("<?xml", "<svg")), svg


@pytest.mark.parametrize("name", expected.EXAMPLES)
def test_readme_says_what_archkit_says(name, reviews):
    readme = (ROOT / "examples" / name / "README.md").read_text()
    written = expected.readme_blocks(readme)
    computed = expected.Findings(name, reviews[name][0]).blocks()
    assert set(written) == set(computed), f"{name}/README.md needs the blocks {sorted(computed)}"
    for block, text in computed.items():
        assert written[block] == text, (
            f"examples/{name}/README.md, block '{block}', is out of date; run: python examples/expected.py --write {name}")


@pytest.mark.parametrize("name", expected.EXAMPLES)
def test_readme_cites_or_marks_every_figure(name):
    text = (ROOT / "examples" / name / "README.md").read_text()
    table = text.split("## Sources of the figures", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith("| figure")]
    assert rows
    for row in rows:
        source = row.rstrip(" |").rsplit("|", 1)[1].strip()
        assert source == "assumed" or re.fullmatch(r"(\[[A-Z]\](, )?)+( \(.*\))?", source), row
    code = (ROOT / "examples" / name / "system.py").read_text()
    assert "Sources" in code and "assumed" in code


# --- the smart keyboard's figures, by hand -------------------------------------------------------

def _pick(items: list[dict], key: str) -> dict:
    wanted = key.split(",")
    for it in items:
        values = [str(v) for k, v in it.items() if isinstance(v, (str, int))]
        if all(w in values for w in wanted):
            return it
    raise KeyError(key)


def resolve(report: dict, variant: str, path: str) -> dict:
    """Follow 'a.b[key].c' into one variant of `archkit analyze --format json`."""
    node = next(v for v in report["variants"] if v["variant"] == variant)
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)(?:\[(.+)\])?", part)
        node = node[m.group(1)]
        if m.group(2):
            node = _pick(node, m.group(2))
    return node


def handcheck_rows() -> list[tuple[str, str, str, str]]:
    text = (ROOT / "examples" / "smart_keyboard" / "README.md").read_text()
    table = text.split("<!-- handcheck -->", 1)[1].split("<!-- /handcheck -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        what, result, where = cells[0], cells[2], cells[3]
        variant, path = re.fullmatch(r"`([^`]+)` `([^`]+)`", where).groups()
        rows.append((what, result, variant, path))
    return rows


@pytest.fixture(scope="module")
def keyboard_analysis():
    from typer.testing import CliRunner

    from archkit.cli import app

    result = CliRunner().invoke(app, ["analyze", str(ROOT / "examples/smart_keyboard/system.py"), "--all-variants",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output[-2000:]
    return json.loads(result.stdout)


def test_keyboard_readme_checks_the_four_figures():
    whats = " ".join(r[0] for r in handcheck_rows())
    for figure in ("latency", "update traffic", "transfer cost", "replicas"):
        assert figure in whats


@pytest.mark.parametrize("row", handcheck_rows(), ids=lambda r: r[0])
def test_keyboard_hand_figures_match_archkit_analyze(row, keyboard_analysis):
    what, result, variant, path = row
    assert resolve(keyboard_analysis, variant, path)["text"] == result, what


def test_keyboard_hand_formulas_give_archkit_numbers(keyboard_analysis):
    """The README's arithmetic, done here from the declared inputs, agrees with the analyses."""
    import archkit

    s = archkit.load(str(ROOT / "examples/smart_keyboard/system.py"))
    users, peak, hours = s.users, s.peak_active_share, s.usage_hours_per_day
    model = next(c for c in s.components if c.id == "next_word")
    predict = next(e for e in s.connectors if e.id == "keyboard->next_word")
    rate = float(re.match(r"[\d.]+", str(predict.rate)).group())  # keystrokes a second, as declared
    on_phone = [0.008, 0.014, 0.020]
    lat = [S + (rate * S) * S / (1 - rate * S) for S in on_phone]
    got = resolve(keyboard_analysis, "on-device", "latency.flows[suggest].total")
    assert [got["best"], got["typical"], got["worst"]] == pytest.approx(lat, rel=1e-6)

    size, period = 5e6, 7 * 86400
    per_month = size * users * 730 * 3600 / period
    upd = resolve(keyboard_analysis, "on-device", "updates.models[next_word]")
    assert upd["bytes_per_rollout"]["best"] == pytest.approx(size * users)
    assert upd["bytes_per_month"]["best"] == pytest.approx(per_month)
    cell = resolve(keyboard_analysis, "updates-over-cellular", "updates.models[next_word].monthly_cost")
    assert cell["best"] == pytest.approx(per_month / 1e9 * 10)

    keystrokes = (1000 + 200) * rate * hours * 3600 * users * 730 / 24 / 1e9 * 10
    deltas = 1e6 * users / period * 730 * 3600 / 1e9 * 10
    data = resolve(keyboard_analysis, "cloud-prediction-cellular", "cost.items[data,phone-cloud-cellular].monthly")
    assert data["best"] == pytest.approx(keystrokes + deltas)

    arrival = users * peak * rate
    need = resolve(keyboard_analysis, "cloud-prediction", "capacity.components[next_word].replicas_needed")
    assert [need["best"], need["worst"]] == [math.ceil(arrival * 0.002 / 0.7), math.ceil(arrival * 0.005 / 0.7)]
    assert model.model is not None and model.model.size is not None
