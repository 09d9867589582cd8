"""``archkit watch``: the HTML report, rebuilt whenever the model or a module it imports is saved.

A :class:`LivePreview` holds the current page. :meth:`LivePreview.build` loads the model afresh
(:func:`~._loading.load_fresh`: edited sibling modules are read again), validates and reviews it
and renders the page; a model with problems gives an error page that lists every problem with
its file, line and hint instead of the last good report. Figures whose inputs did not change are
taken from the preview's :class:`~._memo.FigureMemo`.

:func:`serve` answers on 127.0.0.1 only: ``/`` is the page, ``/version`` a small JSON document
(``{"version": n, "status": ...}``) that the page's script polls to reload itself when the number
changes. The script is the only one on the page and exists only here; the report written by
``archkit review`` has none. Requests naming another host (DNS rebinding) are refused.

:func:`watch_files` waits for saved changes with watchfiles and rebuilds in the calling thread
(the model's time limit needs the main thread).
"""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from ..errors import ArchkitError, MissingDependencyError
from ._loading import load_fresh, project_root
from ._memo import FigureMemo

__all__ = ["LivePreview", "Build", "serve", "watch_files", "LIVE_SCRIPT", "POLL_MS"]

POLL_MS = 250
"""How often the page asks whether a newer report exists, in milliseconds."""

LIVE_SCRIPT = """(function () {
  var version = %(version)d, delay = %(poll)d;
  function poll() {
    fetch("/version", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.version !== version) { location.reload(); } else { setTimeout(poll, delay); }
    }).catch(function () { setTimeout(poll, 4 * delay); });
  }
  setTimeout(poll, delay);
})();"""


@dataclass(frozen=True)
class Build:
    """The outcome of one rebuild: ok or the problems, how long it took, the files it read."""

    version: int
    status: str  # "ok", "problems" (the model), "failed" (archkit itself)
    seconds: float
    files: tuple[Path, ...]
    problems: int = 0
    message: str = ""
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent loading the model, reviewing it and rendering the page."""
    drawn: int = 0
    """Figures drawn in this build (the others came from the memo)."""
    cpu_seconds: float = 0.0
    """Processor time the build used (this process and the graphviz runs it waited for): what the build
    takes on an idle machine, whatever else runs."""
    stamps: dict[Path, tuple[int, int]] = field(default_factory=dict, repr=False)
    """Each file's modification time and size as the build read it."""

    def stale(self) -> bool:
        """Whether a file changed (or went) since the build read it."""
        return any(_stamp(f) != stamp for f, stamp in self.stamps.items())


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


@dataclass
class LivePreview:
    """The page of one model, rebuilt on demand; safe to read from the server's threads."""

    spec: str
    users: int | None = None
    memo: FigureMemo = field(default_factory=FigureMemo)
    root: Path | None = None
    version: int = 0
    page: bytes = b""
    last: Build | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.root is None:
            self.root = project_root(self.spec)

    @property
    def files(self) -> tuple[Path, ...]:
        """The files the last build read (the model first); at least the model file."""
        if self.last is not None and self.last.files:
            return self.last.files
        return (Path(self.spec.split(":", 1)[0]).resolve(),)

    def snapshot(self) -> tuple[int, bytes, str]:
        """The current version, page and status, read together."""
        with self._lock:
            return self.version, self.page, self.last.status if self.last else "building"

    def build(self, attempts: int = 3) -> Build:
        """Load, validate, review and render the model as its files are now; publish the page.

        A build during which a file was saved again (an editor writing in several steps) is not
        published: it runs again on the files as they are then, up to ``attempts`` times.
        """
        for _ in range(attempts - 1):
            page, build = self._make()
            if not build.stale():
                break
        else:
            page, build = self._make()
        with self._lock:
            self.version = build.version
            self.page = page.encode("utf-8", "surrogateescape")
            self.last = build
        return build

    def _make(self) -> tuple[str, Build]:
        from ..errors import LoadError, ValidationError
        from . import review
        from ._page import render_template, to_html

        start = time.perf_counter()
        cpu = _cpu()
        with self._lock:
            version = self.version + 1
        script = LIVE_SCRIPT % {"version": version, "poll": POLL_MS}
        files: tuple[Path, ...] = self.files
        problems = 0
        message = ""
        stages: dict[str, float] = {}
        misses = self.memo.misses
        stamps = {f: _stamp(f) for f in files}  # before reading: a save during the build makes it stale
        try:
            loaded = load_fresh(self.spec, self.root)
            files = loaded.files
            stages["load"] = time.perf_counter() - start
            result = review(loaded.system, self.spec, users=self.users, options={"figures": True, "memo": self.memo})
            stages["review"] = time.perf_counter() - start - stages["load"]
            page = to_html(result, live=script, memo=self.memo)
            stages["page"] = time.perf_counter() - start - stages["load"] - stages["review"]
            status = "ok"
        except (LoadError, ValidationError) as exc:
            files = getattr(exc, "files", None) or files
            problems = len(exc.problems)
            status = "problems"
            message = f"{problems} problem(s) in the model"
            page = render_template(
                "watch_error.html.j2",
                live=script,
                spec=self.spec,
                title=_headline(exc),
                problems=[_problem(p) for p in exc.problems],
                files=[str(f) for f in files],
                trace=None,
            )
        except MissingDependencyError:
            raise
        except (ArchkitError, Exception) as exc:  # a bug or an unreadable file: say so in the page, keep watching
            status = "failed"
            message = f"{type(exc).__name__}: {exc}"
            page = render_template(
                "watch_error.html.j2",
                live=script,
                spec=self.spec,
                title="archkit could not build the review",
                problems=[],
                files=[str(f) for f in files],
                trace="".join(traceback.format_exception(exc)),
            )
        stamps.update({f: _stamp(f) for f in files if f not in stamps})
        build = Build(
            version,
            status,
            time.perf_counter() - start,
            tuple(files),
            problems,
            message,
            stages,
            self.memo.misses - misses,
            _cpu() - cpu,
            stamps,
        )
        return page, build


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _headline(exc: ArchkitError) -> str:
    from ..errors import LoadError

    n = len(getattr(exc, "problems", []))
    what = "reading the model" if isinstance(exc, LoadError) else "in the model"
    return f"{n} problem{'s' if n != 1 else ''} {what}: the report waits until they are fixed"


def _problem(p: Any) -> dict[str, Any]:
    loc = p.location
    return {
        "code": p.code,
        "name": p.name,
        "message": p.message,
        "hint": p.hint,
        "element": p.element,
        "where": str(loc) if loc is not None else "<model>",
        "related": [str(r) for r in p.related],
    }


# ----------------------------------------------------------------------------------------------
# the server


class _Handler(BaseHTTPRequestHandler):
    preview: LivePreview
    server_version = "archkit-watch"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in ("127.0.0.1", "localhost"):
            self._send(HTTPStatus.FORBIDDEN, b"this preview answers on 127.0.0.1 only\n", "text/plain; charset=utf-8")
            return
        version, page, status = self.preview.snapshot()
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", version)
        elif path == "/version":
            body = json.dumps({"version": version, "status": status}).encode()
            self._send(HTTPStatus.OK, body, "application/json", version)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _send(self, code: HTTPStatus, body: bytes, kind: str, version: int | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if version is not None:
            self.send_header("X-Archkit-Version", str(version))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass  # the terminal shows rebuilds, not every poll


def serve(preview: LivePreview, port: int = 8000) -> ThreadingHTTPServer:
    """Serve a preview on 127.0.0.1:port (0: any free port) from a background thread.

    Returns the running server (``server.server_address`` has the port; ``shutdown()`` stops it).

    Raises:
        OSError: the port cannot be bound.
    """
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="archkit-watch-http", daemon=True).start()
    return server


# ----------------------------------------------------------------------------------------------
# watching files


def watch_files(
    preview: LivePreview,
    on_build: Callable[[Build], Any] | None = None,
    stop: threading.Event | None = None,
    debounce_ms: int = 50,
) -> None:
    """Rebuild the preview each time one of its files is saved, until ``stop`` is set.

    The folders of the files are watched (editors often save by replacing the file); changes to
    other files are ignored, except new or changed ``.py`` files while the model does not load
    (a module it needs may be about to appear).
    """
    try:
        import watchfiles
    except ImportError:
        raise MissingDependencyError("watchfiles", "report", "archkit watch") from None
    stop = stop or threading.Event()
    while not stop.is_set():
        wanted = {f.resolve() for f in preview.files}
        folders = sorted({f.parent for f in wanted if f.parent.exists()})
        if not folders:
            raise ArchkitError(f"nothing to watch: '{preview.spec}' is not in an existing folder")
        failed = preview.last is not None and preview.last.status != "ok"

        def relevant(_change: Any, path: str, wanted: set[Path] = wanted, failed: bool = failed) -> bool:
            p = Path(path)
            return p in wanted or p.resolve() in wanted or (failed and p.suffix == ".py")

        # Every quarter second without events the files are compared with what the last build read:
        # that catches a save made before the watcher started or while the watched set was changing.
        for changes in watchfiles.watch(
            *folders,
            watch_filter=relevant,
            debounce=debounce_ms,
            step=20,
            stop_event=stop,
            raise_interrupt=False,
            rust_timeout=250,
            yield_on_timeout=True,
        ):
            if not changes and not (preview.last is not None and preview.last.stale()):
                continue
            build = preview.build()
            if on_build is not None:
                on_build(build)
            if {f.resolve() for f in preview.files} != wanted or (build.status != "ok") != failed:
                break  # watch the new set of files (or stop watching every .py file)
        else:
            return
