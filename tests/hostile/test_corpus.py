"""The hostile corpus through every command: no traceback, no hang, no markup injected, nothing half-written.

Each crafted file (tests/hostile/corpus.py) goes through validate, show, analyze, compare, lint,
render (svg, mermaid, icons for a few), export (structurizr, calm, json) and review, in worker
processes that are replaced when a file takes longer than :data:`PER_FILE_LIMIT` seconds (a hang).

* a file archkit must refuse gives exit 1 or 2 from every command, with a message naming the
  file, and writes nothing;
* a valid model's hostile names come out of every output as text: SVG as XML with no script,
  event attribute or script link, Structurizr line by line, Mermaid statement by statement
  (and through mermaid-cli when it can be installed), terminal text without control sequences,
  JSON as one document without NaN.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import checks
from .corpus import CASES, REFUSED, Case
from .worker import commands as _commands

ALL = [label for label, _, _ in _commands("m", Path("."))]

ROOT = Path(__file__).resolve().parents[2]
PER_FILE_LIMIT = 90.0  # seconds for all commands on one file; a typical file takes well under 5
WORKERS = max(1, min(4, (os.cpu_count() or 2)))
# the models whose Mermaid diagrams mermaid-cli reads (every case's text is checked statement by statement)
MERMAID_CLI = {"inject-mermaid-break", "inject-mermaid-entities", "inject-mermaid-markdown", "inject-html-script",
               "inject-html-attr", "inject-line-separators", "inject-bidi", "inject-dsl"}
# a few models also go through the icon style, compare and the whole review (slower: a second each)
EVERYTHING = {"inject-html-script", "inject-dot-html-label", "inject-backslashes", "inject-ansi-clear",
              "inject-rich-bold", "extremes-valid", "tag-python-apply", "py-os-exit"}


class _Worker:
    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.hostile.worker", str(write_fd)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     pass_fds=(write_fd,), env=env, text=True, start_new_session=True)
        os.close(write_fd)
        self.reply = os.fdopen(read_fd, "rb")
        self.buffer = b""
        self.task: dict | None = None
        self.started = 0.0

    def send(self, task: dict) -> None:
        self.task = task
        self.started = time.monotonic()
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(task) + "\n")
        self.proc.stdin.flush()

    def poll(self) -> dict | None:
        chunk = os.read(self.reply.fileno(), 1 << 20)
        if not chunk:
            raise EOFError
        self.buffer += chunk
        if b"\n" not in self.buffer:
            return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        self.task = None
        return json.loads(line)

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, 9)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.reply.close()


def _materialise(case: Case, folder: Path) -> Path:
    path = folder / case.filename
    if case.name == "directory-like":
        path.mkdir()
    elif case.name == "too-large":
        with open(path, "wb") as fh:  # sparse: 65 MiB of nothing on disk
            fh.write(b"# big\n")
            fh.truncate(65 * 2**20)
    else:
        path.write_bytes(case.data)
    return path


def _commands_for(case: Case) -> list[str] | None:
    """The commands a file goes through (None: the worker's default set, for valid models)."""
    if case.commands:
        return list(case.commands)
    if case.name in EVERYTHING:
        return ALL
    return None if case.valid else list(REFUSED)


def _run_all(cases: list[Case], folder: Path) -> dict[str, dict]:
    todo = []
    for case in cases:
        path = _materialise(case, folder / "models")
        todo.append({"name": case.name, "path": str(path), "out": str(folder / "out" / case.name),
                     "env": case.env,
                     "commands": _commands_for(case)})
    results: dict[str, dict] = {}
    workers: list[_Worker] = []
    try:
        workers = [_Worker() for _ in range(min(WORKERS, len(todo)))]
        pending = list(todo)
        while pending or any(w.task is not None for w in workers):
            for i, w in enumerate(workers):
                if w.task is None and pending:
                    w.send(pending.pop(0))
            busy = {w.reply.fileno(): w for w in workers if w.task is not None}
            ready, _, _ = select.select(list(busy), [], [], 1.0)
            for fd in ready:
                w = busy[fd]
                task = w.task
                try:
                    result = w.poll()
                except EOFError:  # the worker died: the file ended the process
                    results[task["name"]] = {"name": task["name"], "results": [], "died": True}
                    workers[workers.index(w)] = _replace(w)
                    continue
                if result is not None:
                    result["seconds"] = time.monotonic() - w.started
                    results[result["name"]] = result
            for i, w in enumerate(workers):
                if w.task is not None and time.monotonic() - w.started > PER_FILE_LIMIT:
                    results[w.task["name"]] = {"name": w.task["name"], "results": [], "hang": True}
                    workers[i] = _replace(w)
    finally:
        for w in workers:
            w.kill()
    return results


def _replace(worker: _Worker) -> _Worker:
    worker.kill()
    return _Worker()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "models").mkdir()
    return _run_all(CASES, folder)


def _findings(case: Case, outcome: dict) -> list[str]:
    if outcome.get("hang"):
        return [f"no answer within {PER_FILE_LIMIT:g} s (a hang)"]
    if outcome.get("died"):
        return ["the process ended while reading this file"]
    if outcome.get("harness"):
        return ["harness failure:\n" + outcome["harness"]]
    found: list[str] = []
    shown: dict[str, list[str]] = {"svg": [], "mermaid": []}
    for r in outcome["results"]:
        label = r["label"]
        if r["traceback"]:
            found.append(f"{label}: traceback:\n{r['traceback'][-1500:]}")
            continue
        if r["leftovers"]:
            found.append(f"{label}: temporary files left: {r['leftovers']}")
        found += checks.terminal(r["stderr"], f"{label} stderr")
        if not label.endswith(("-json", "sarif")):
            found += checks.terminal(r["stdout"], f"{label} stdout")
        if case.valid:
            found += _valid_findings(case, r, shown)
        else:
            if r["exit_code"] not in (1, 2):
                found.append(f"{label}: exit {r['exit_code']} for a file that must be refused")
            message = r["stderr"] + r["stdout"]
            if case.filename not in message:
                found.append(f"{label}: the message does not name the file: {message[:200]!r}")
            if r["written"]:
                found.append(f"{label}: wrote {r['written']} although it failed")
    if case.valid:
        for family, texts in shown.items():  # every value is shown by some view of each format
            found += checks.missing(case.values, " ".join(texts), f"{family} views")
    return found


def _valid_findings(case: Case, r: dict, shown: dict[str, list[str]]) -> list[str]:
    label = r["label"]
    found: list[str] = []
    if r["exit_code"] not in (0, 1):
        return [f"{label}: exit {r['exit_code']} for a valid model: {(r['stderr'] or r['stdout'])[-400:]}"]
    if label in ("validate-json", "analyze-json", "export-json"):
        found += checks.json_document(r["stdout"], label)
    if label in ("validate", "show") and r["exit_code"] != 0:
        found.append(f"{label}: exit {r['exit_code']} for a valid model")
    title = case.values[:1]  # the system's name is in every view's title
    for path in r["written"]:
        data = Path(path).read_bytes()
        name = f"{label}:{Path(path).name}"
        if path.endswith(".svg"):
            more, text = checks.svg(data, name=name)
            found += more + checks.missing(title, text, name)
            shown["svg"].append(text)
        elif path.endswith(".mmd"):
            more, text = checks.mermaid(data.decode("utf-8"), name=name)
            found += more + checks.missing(title, text, name)
            shown["mermaid"].append(text)
        elif path.endswith(".dsl"):
            found += checks.structurizr(data.decode("utf-8"), case.values, name=name)
        elif path.endswith((".json", ".sarif")):
            found += checks.json_document(data.decode("utf-8"), name)
    if label.startswith(("render", "export-structurizr", "export-calm", "lint-sarif")) and not r["written"]:
        found.append(f"{label}: wrote nothing for a valid model")
    return found


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 80
    assert sum(c.valid for c in CASES) >= 20
    assert {c.filename.rsplit(".", 1)[-1] for c in CASES} >= {"yaml", "json", "py"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case: Case, corpus: dict[str, dict]) -> None:
    outcome = corpus[case.name]
    found = _findings(case, outcome)
    assert not found, f"{case.name} ({case.filename}):\n" + "\n".join(found)


def test_mermaid_cli_reads_the_diagrams(corpus: dict[str, dict], tmp_path: Path) -> None:
    """Deployment and flow diagrams of the models whose names attack Mermaid most, through mermaid-cli in one
    browser (about a second each; skips only without npm or Chromium)."""
    from tests.views._mermaid_cli import render_markdown

    diagrams: list[tuple[Case, Path]] = []
    for case in CASES:
        if case.name not in MERMAID_CLI:
            continue
        for r in corpus[case.name]["results"]:
            if r["label"] == "render-mermaid":
                diagrams += [(case, Path(p)) for p in r["written"] if p.endswith(("/deployment.mmd", "/flow-tag.mmd"))]
    assert diagrams
    svgs = render_markdown([p.read_text(encoding="utf-8") for _, p in diagrams], tmp_path)
    found: list[str] = []
    shown: dict[str, list[str]] = {}
    for (case, path), svg in zip(diagrams, svgs):
        more, text = checks.svg(svg, foreign_ok=True, name=f"{case.name}:{path.name}")
        text = text.replace("\u2039", "<").replace("\uff06", "&")  # the title's angle brackets (mermaid_title)
        found += more + checks.missing(case.values[:1], text, f"{case.name}:{path.name}")
        shown.setdefault(case.name, []).append(text)
    for case in CASES:
        if case.name in shown:
            found += checks.missing(case.values, " ".join(shown[case.name]), case.name)
    assert len(shown) == len(MERMAID_CLI)
    assert not found, "\n".join(found)
