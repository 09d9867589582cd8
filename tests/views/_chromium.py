"""A small driver for headless Chromium over the DevTools pipe, for browser tests of HTML/SVG output.

Chromium is started with ``--remote-debugging-pipe``: it reads DevTools commands (JSON, each ended
by a NUL byte) from file descriptor 3 and writes answers and events to descriptor 4. That needs no
network port and no extra Python package. Every wait is bounded by a deadline, and :meth:`close`
always ends the browser process (and its children, which share its process group).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Chromium", "BrowserError", "find_chromium"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


class BrowserError(RuntimeError):
    """The browser did not answer in time, died, or reported an error."""


def find_chromium() -> str | None:
    """The path of the Chromium binary, or None when it is not installed."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless Chromium with one page, driven over the DevTools pipe.

    Use as a context manager; the browser and its profile directory are removed on exit.
    """

    def __init__(self, binary: str, width: int = 1600, height: int = 1200, timeout: float = 20.0) -> None:
        """Start the browser and attach to a blank page of ``width`` x ``height`` CSS pixels."""
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="archkit-chromium-")
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        cmd_r, self._cmd_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        # Park the child's ends above the low descriptors, so that moving them to 3 and 4 cannot clobber each other.
        high_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(resp_w, fcntl.F_DUPFD_CLOEXEC, 10)

        def child_fds() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        try:
            self._proc = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={width},{height}",
                 "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=child_fds, close_fds=False, start_new_session=True,
            )
        finally:
            for fd in (cmd_r, resp_w, high_r, high_w):
                os.close(fd)
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable")
            self.send("Runtime.enable")
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        except BaseException:
            self.close()
            raise

    # -- page -------------------------------------------------------------------------------------
    def open(self, path: Path) -> None:
        """Load a local file and wait for its load event."""
        self._events.clear()
        result = self.send("Page.navigate", {"url": path.resolve().as_uri()})
        if result.get("errorText"):
            raise BrowserError(f"cannot load {path}: {result['errorText']}")
        self._wait_event("Page.loadEventFired")

    def open_url(self, url: str) -> None:
        """Load a URL (e.g. a page served on 127.0.0.1) and wait for its load event."""
        self._events.clear()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"cannot load {url}: {result['errorText']}")
        self._wait_event("Page.loadEventFired")

    def take_events(self, *methods: str) -> list[dict[str, Any]]:
        """Remove and return the events received so far whose method is one of ``methods``."""
        taken = [e for e in self._events if e["method"] in methods]
        self._events = [e for e in self._events if e["method"] not in methods]
        return taken

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page (awaiting a promise) and return its JSON value."""
        result = self.send("Runtime.evaluate",
                           {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """A PNG of the whole page (not only the viewport)."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.send("Page.captureScreenshot",
                         {"format": "png", "clip": clip, "captureBeyondViewport": True})["data"]
        return base64.b64decode(data)

    def events(self, method: str, settle: float = 0.3) -> list[dict[str, Any]]:
        """The events of one kind received so far (after reading what arrives within ``settle`` s)."""
        deadline = time.monotonic() + settle
        while True:
            ready, _, _ = select.select([self._resp_r], [], [], max(0.0, deadline - time.monotonic()))
            if not ready and b"\0" not in self._buffer:
                break
            reply = self._read(time.monotonic() + self.timeout, method)
            if "method" in reply:
                self._events.append(reply)
        return [e for e in self._events if e["method"] == method]

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a command to the page and return its result."""
        return self._call(method, params, session=self._session)

    # -- lifetime ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Ask the browser to quit, kill its process group if it lingers, remove the profile."""
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            try:
                self._write({"id": -1, "method": "Browser.close"})
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # helpers (zygote, renderer) share the group
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        for fd in ("_cmd_w", "_resp_r"):
            if hasattr(self, fd):
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                delattr(self, fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def leftover(self, wait: float = 5.0) -> list[int]:
        """Ids of live processes still in the browser's process group (after :meth:`close`: none).

        Exited children that nobody has reaped yet (zombies) do not count: they no longer run.
        """
        group = self._proc.pid
        deadline = time.monotonic() + wait
        while True:
            alive = []
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, ...
                if int(fields[2]) == group and fields[0] not in ("Z", "X"):
                    alive.append(int(entry.name))
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.1)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol ---------------------------------------------------------------------------------
    def _write(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._cmd_w, data):]

    def _call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _wait_event(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self._events:
                if event["method"] == method:
                    self._events.remove(event)
                    return event
            reply = self._read(deadline, method)
            if "method" in reply:
                self._events.append(reply)

    def _read(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer to {waiting_for} within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._resp_r], [], [], left)
            if ready:
                chunk = os.read(self._resp_r, 1 << 16)
                if not chunk:
                    raise BrowserError(f"the browser exited (code {self._proc.poll()}) while waiting for {waiting_for}")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)
