"""`archkit diff`: the review of a change, from the analyses' own JSON results."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archkit.cli import app

from .conftest import EXAMPLE

MOVE = ('            "ocr", name="OCR model",', '            "ocr", node="cloud", name="OCR model",')


def _ar_copy(folder: Path, *, cloud: bool) -> Path:
    """The AR example (with the modules it imports) in a folder; with cloud=True the OCR model moved to the cloud."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in EXAMPLE.parent.glob("*.py"):
        shutil.copy(f, folder / f.name)
    if cloud:
        text = (folder / "system.py").read_text()
        assert text.count(MOVE[0]) == 1
        (folder / "system.py").write_text(text.replace(*MOVE))
    return folder / "system.py"


def _diff(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["diff", *args], env={"COLUMNS": "120"}, catch_exceptions=False)
    return r.exit_code, r.stdout


def _analyze(model: Path) -> dict:
    r = CliRunner().invoke(app, ["analyze", str(model), "--all-variants", "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return {v["variant"]: v for v in json.loads(r.stdout)["variants"]}


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> tuple[Path, Path, int, dict]:
    """The AR example before and after moving OCR to the cloud, and `archkit diff --format json` of the two."""
    tmp = tmp_path_factory.mktemp("diff")
    old, new = _ar_copy(tmp / "old", cloud=False), _ar_copy(tmp / "new", cloud=True)
    code, out = _diff(str(old), str(new), "--format", "json")
    return old, new, code, json.loads(out)


def test_moving_ocr_to_the_cloud_reports_the_move_its_deltas_and_new_findings(moved):
    old, new, code, d = moved
    assert code == 1
    assert d["schema"] == "archkit.diff/1" and d["changed"] is True and d["worse"] is True
    assert d["elements"] == {"added": [], "removed": [], "changed": [
        {"type": "placement", "id": "ocr", "fields": [{"field": "node", "old": "phone", "new": "cloud"}]}]}

    # the deltas are the analyses' own figures, new minus old
    before, after = _analyze(old), _analyze(new)
    moves = {(m["variant"], m["quality"], m["subject"]): m for m in d["moves"]}
    latency = moves[("all-on-phone", "latency", "flow overlay")]
    want = after["all-on-phone"]["latency"]["flows"][0]["total"]["typical"] - \
        before["all-on-phone"]["latency"]["flows"][0]["total"]["typical"]
    assert latency["delta"]["value"] == pytest.approx(want) and want > 0.05
    assert latency["delta"]["unit"] == "s" and latency["delta"]["text"].startswith("+")
    assert latency["old"]["text"] == before["all-on-phone"]["latency"]["flows"][0]["total"]["text"]
    cost = moves[("all-on-phone", "cost", "monthly total")]
    assert cost["delta"]["value"] == pytest.approx(after["all-on-phone"]["cost"]["total"]["typical"]
                                                   - before["all-on-phone"]["cost"]["total"]["typical"])
    assert cost["delta"]["value"] > 0 and cost["delta"]["unit"] == "USD/month"
    # offline and privacy verdicts got worse; variants that already had OCR in the cloud did not move
    assert moves[("all-on-phone", "offline", "flow overlay")]["direction"] == "worse"
    assert moves[("all-on-phone", "privacy", "connector frame_selector->ocr")]["new"]["verdict"] == "at risk"
    assert not any(m["variant"] in ("ocr-in-cloud", "all-in-cloud") for m in d["moves"])

    new_rules = {f["rule"] for f in d["lint"]["new"]}
    assert {"offline-operation", "privacy-locality"} <= new_rules
    assert all("all-on-phone" in f["placements"] for f in d["lint"]["new"] if f["rule"] == "privacy-locality")
    assert "metered-model-distribution" in {f["rule"] for f in d["lint"]["fixed"]}  # OCR no longer shipped to phones
    assert any(r.startswith("new lint error offline-operation") for r in d["worse_reasons"])


def test_moved_model_in_text_and_markdown(moved):
    old, new, _, _ = moved
    code, text = _diff(str(old), str(new))
    assert code == 1
    flat = " ".join(text.split())
    assert "worse:" in flat and "placement" in flat and "phone → cloud" in flat and "New lint findings" in flat
    code, md = _diff(str(old), str(new), "--format", "markdown")
    assert code == 1
    assert md.startswith("# archkit diff: AR translation glasses\n")
    assert "| changed | placement | ocr | node | phone → cloud |" in md
    assert "| all-on-phone | latency | flow overlay |" in md and "## New lint findings" in md
    assert "✖ worse" in md and len(md) < 65_536


def test_identical_models_report_no_change(tmp_path):
    model = _ar_copy(tmp_path / "a", cloud=False)
    code, out = _diff(str(model), str(model), "--format", "json")
    d = json.loads(out)
    assert code == 0
    assert d["changed"] is False and d["worse"] is False and d["moves"] == [] and d["worse_reasons"] == []
    assert d["elements"] == {"added": [], "removed": [], "changed": []}
    assert d["lint"] == {"new": [], "fixed": [], "changed": []}
    code, out = _diff(str(model), str(model))
    assert code == 0 and "no change" in out


# ----------------------------------------------------------------------------------------------
# against a git revision: a small model that takes a figure from a sibling module

MODEL = '''from archkit import Component, Flow, Link, Model, Node, System
from sizes import INFERENCE

with System("tagging", users=1000) as system:
    with Node("phone", kind="mobile", memory="4 GB", per_user=1):
        ui = Component("ui", kind="ui", processing_time="2 ms", memory="20 MB")
    with Node("cloud", kind="cloud", cost_per_hour="0.40 USD/h", memory="16 GB", cpu_cores=4):
        tagger = Model("tagger", task="tagging", size="40 MB", memory="200 MB", inference_time={"cloud": INFERENCE})
    Link("phone", "cloud", medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="1 USD/GB")
    call = (ui >> tagger).set(request_size="300 kB", response_size="1 kB", rate="0.1 /s")
    Flow("tag", steps=[call], latency_budget="800 ms")
'''


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    (repo / "design").mkdir(parents=True)
    (repo / "design" / "system.py").write_text(MODEL)
    (repo / "design" / "sizes.py").write_text('INFERENCE = "20..60 ms"\n')
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    return repo


def test_against_a_revision_reads_the_imported_module_as_it_was(repo, monkeypatch):
    (repo / "design" / "sizes.py").write_text('INFERENCE = "900..1500 ms"\n')  # only the sibling module changes
    status = _git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)
    code, out = _diff("design/system.py", "--against", "HEAD", "--format", "json")
    d = json.loads(out)
    assert code == 1, out
    assert d["old"]["source"] == "HEAD:design/system.py"
    changed = {(e["type"], e["id"]): e["fields"] for e in d["elements"]["changed"]}
    assert changed[("component", "tagger")] == [
        {"field": "model.inference_time.cloud", "old": "20..60 ms", "new": "900..1500 ms"}]
    latency = next(m for m in d["moves"] if m["quality"] == "latency")
    assert (latency["old"]["verdict"], latency["new"]["verdict"], latency["direction"]) == ("meets", "violates", "worse")
    assert latency["delta"]["value"] > 0.8
    assert any(f["rule"] == "latency-budget" and f["where"].startswith("design/system.py") for f in d["lint"]["new"])
    # the work tree, the index and HEAD are untouched, and nothing is left behind
    assert _git(repo, "status", "--porcelain") == status
    assert {p.name for p in (repo / "design").iterdir()} - {"__pycache__"} == {"sizes.py", "system.py"}

    # the same model at the same revision: no change
    (repo / "design" / "sizes.py").write_text('INFERENCE = "20..60 ms"\n')
    code, out = _diff("design/system.py", "--against", "HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["changed"] is False


def test_an_old_model_that_does_not_load_names_the_revision_and_line(repo, monkeypatch):
    (repo / "design" / "system.py").write_text(MODEL.replace('kind="ui", ', 'kind="ui", colour=1, '))
    _git(repo, "commit", "-qam", "broken")
    (repo / "design" / "system.py").write_text(MODEL)
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(app, ["diff", "design/system.py", "--against", "HEAD"], catch_exceptions=False)
    assert r.exit_code == 1
    assert "HEAD:design/system.py:6" in r.stderr and "colour" in r.stderr and "archkit-ref-" not in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--against", "no-such-branch"], "'no-such-branch' is not a commit of the repository"),
    (["--against", "--upload-pack=touch x"], "names starting with '-' are refused"),
    (["other.py"], None),
])
def test_usage_errors(repo, monkeypatch, args, message):
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(app, ["diff", "design/system.py", *args], catch_exceptions=False)
    assert r.exit_code == 2
    if message:
        assert message in " ".join(r.stderr.split())
    assert not (repo / "x").exists()


def test_against_needs_a_git_work_tree(tmp_path):
    (tmp_path / "system.py").write_text(MODEL)
    (tmp_path / "sizes.py").write_text('INFERENCE = "20..60 ms"\n')
    r = CliRunner().invoke(app, ["diff", str(tmp_path / "system.py"), "--against", "HEAD"], catch_exceptions=False)
    assert r.exit_code == 2 and "is not inside a git work tree" in " ".join(r.stderr.split())
    r = CliRunner().invoke(app, ["diff", str(tmp_path / "system.py")], catch_exceptions=False)
    assert r.exit_code == 2 and "give two models" in " ".join(r.stderr.split())


def test_hostile_names_stay_text_in_the_markdown(tmp_path):
    source = Path(__file__).parent / "data" / "hostile.py"
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    shutil.copy(source, old)
    text = source.read_text()
    assert text.count('name=f"App {EVIL}"') == 1
    new.write_text(text.replace('name=f"App {EVIL}"', 'name=f"Shop app {EVIL}"')
                   .replace('"on-device", {"ranker": "phone"}', '"on-device", {"ranker": "cloud"}'))
    code, md = _diff(str(old), str(new), "--format", "markdown")
    assert code in (0, 1)
    assert "<script" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "| changed | component | app | name |" in md
    code, out = _diff(str(old), str(new), "--format", "json")
    fields = {(e["id"], f["field"]): f for e in json.loads(out)["elements"]["changed"] for f in e["fields"]}
    assert fields[("app", "name")]["new"].startswith("Shop app <script>")  # JSON keeps the text as it is
