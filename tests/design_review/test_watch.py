"""`archkit watch`: a real server process, real file edits, the page served over HTTP (and reloaded in Chromium)."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.views._chromium import Chromium, find_chromium

MODEL = '''from archkit import Component, Flow, Link, Model, Node, System
from sizes import INFERENCE

with System("tagging", description="DESCRIPTION", users=1000) as system:
    with Node("phone", kind="mobile", memory="4 GB", per_user=1):
        ui = Component("ui", kind="ui", processing_time="2 ms", memory="20 MB")
    with Node("cloud", kind="cloud", cost_per_hour="0.40 USD/h", memory="16 GB", cpu_cores=4):
        tagger = Model("tagger", task="tagging", size="40 MB", memory="200 MB", inference_time={"cloud": INFERENCE})
    Link("phone", "cloud", medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="1 USD/GB")
    call = (ui >> tagger).set(request_size="30 kB", response_size="1 kB", rate="0.1 /s")
    Flow("tag", steps=[call], latency_budget="800 ms")
'''
WAIT = 60.0  # seconds any one step may take on a loaded machine
START = 180.0  # seconds to start: imports, then the first build draws every chart and diagram


class Watch:
    """`archkit watch --port 0` on a model folder, in its own process group."""

    def __init__(self, model: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", "from archkit.cli import main; main()", "watch",
                                      str(model), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=model.parent, start_new_session=True, env=dict(os.environ, COLUMNS="200"))
        self.output = ""
        self._pending = b""
        try:
            line = self._line_with("serving http://127.0.0.1:", START)
        except BaseException:  # never leave the server running when it did not start in time
            self.stop()
            raise
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)  # type: ignore[union-attr]

    def _line_with(self, text: str, wait: float) -> str:
        # Read the pipe's bytes as they come and split lines here: a buffered readline() may take two
        # lines from the pipe at once and leave the second in its buffer, where select() cannot see it.
        deadline = time.monotonic() + wait
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            while b"\n" in self._pending:
                raw, self._pending = self._pending.split(b"\n", 1)
                line = raw.decode("utf-8", "replace") + "\n"
                self.output += line
                if text in line:
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], min(0.5, left))
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:  # the server exited
                    break
                self._pending += chunk
        code = self.proc.poll()
        self.output += self._pending.decode("utf-8", "replace")
        self._pending = b""
        if code is not None and self.proc.stdout is not None:
            self.output += self.proc.stdout.read().decode("utf-8", "replace")
        raise AssertionError(f"no line with {text!r} within {wait} s (exit code {code}); output:\n{self.output}")

    def get(self, path: str = "", host: str | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path.lstrip("/"))
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def version(self) -> dict:
        return json.loads(self.get("version")[1])

    def edit(self, path: Path, text: str) -> tuple[float, dict]:
        """Save a file and wait for the next version; returns the delay from the save to it being served."""
        before = self.version()["version"]
        start = time.monotonic()
        path.write_text(text)
        while time.monotonic() - start < WAIT:
            now = self.version()
            if now["version"] != before:
                return time.monotonic() - start, now
            time.sleep(0.02)
        raise AssertionError(f"no new version within {WAIT} s after saving {path.name}; output:\n{self.output}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.output += self._pending.decode("utf-8", "replace")
        self._pending = b""
        if self.proc.stdout is not None:
            self.output += self.proc.stdout.read().decode("utf-8", "replace")
            self.proc.stdout.close()
        return self.proc.returncode


@pytest.fixture
def model(tmp_path) -> Path:
    (tmp_path / "sizes.py").write_text('INFERENCE = "20..60 ms"\n')
    path = tmp_path / "system.py"
    path.write_text(MODEL)
    return path


def test_watch_serves_each_saved_version_and_the_problems_of_a_broken_one(model):
    watch = Watch(model)
    try:
        status, page = watch.get()
        assert status == 200 and "DESCRIPTION" in page and "Design review: tagging" in page
        assert watch.version() == {"version": 1, "status": "ok"}
        # a new report after the model file is saved
        delay, now = watch.edit(model, MODEL.replace("DESCRIPTION", "SECOND"))
        print(f"\nnew report served {delay:.2f} s after saving the model file")
        assert now == {"version": 2, "status": "ok"}
        page = watch.get()[1]
        assert "SECOND" in page and "DESCRIPTION" not in page
        assert "violates" not in page
        # ... and after a module the model imports is saved: the latency now breaks its budget
        delay, now = watch.edit(model.parent / "sizes.py", 'INFERENCE = "900..1500 ms"\n')
        print(f"new report served {delay:.2f} s after saving the imported module")
        page = watch.get()[1]
        assert now["status"] == "ok" and "violates" in page and "900..1500 ms" in page
        # a broken model: the page lists the problem with its file and line, not the last report
        delay, now = watch.edit(model, MODEL.replace('kind="ui", ', 'kind="ui", colour=1, '))
        print(f"problem page served {delay:.2f} s after saving a broken model")
        assert now["status"] == "problems"
        status, page = watch.get()
        assert status == 200 and "system.py:6" in page and "colour" in page and "AK107" in page
        assert "Design review: tagging" not in page and "hint:" in page
        # a syntax error, then the fix: the report is back
        watch.edit(model, MODEL.replace("with System(", "with System((", 1))
        assert "syntax" in watch.get()[1].lower() and "system.py:4" in watch.get()[1]
        _, now = watch.edit(model, MODEL)
        assert now["status"] == "ok" and "DESCRIPTION" in watch.get()[1]
        # only loopback names are answered (DNS rebinding), nothing else is served
        assert watch.get(host="attacker.example:80")[0] == 403
        assert watch.get("etc/passwd")[0] == 404
    finally:
        code = watch.stop()
    assert code == 0, watch.output
    assert "v2: rebuilt in" in watch.output and "problem(s) in the model (shown in the page)" in watch.output


@pytest.mark.browser
def test_the_page_reloads_itself_in_the_browser(model):
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed")
    watch = Watch(model)
    try:
        with Chromium(binary, width=1200, height=900) as browser:
            browser.send("Page.navigate", {"url": watch.url})
            _wait_for(browser, "document.body.innerText.includes('DESCRIPTION')")
            start = time.monotonic()
            model.write_text(MODEL.replace("DESCRIPTION", "RELOADED"))
            _wait_for(browser, "document.body.innerText.includes('RELOADED')")
            print(f"\nthe browser shows the new report {time.monotonic() - start:.2f} s after the save")
            model.write_text(MODEL.replace('kind="ui", ', 'kind="ui", colour=1, '))
            _wait_for(browser, "document.body.innerText.includes('system.py:6')")
            assert not browser.events("Runtime.exceptionThrown")
            errors = [e for e in browser.events("Runtime.consoleAPICalled") if e["params"]["type"] == "error"]
            assert not errors
    finally:
        watch.stop()


def _wait_for(browser: Chromium, condition: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if browser.evaluate(condition):
                return
        except Exception:  # the page is between two loads
            pass
        time.sleep(0.1)
    raise AssertionError(f"the page never satisfied {condition} within {WAIT} s")
