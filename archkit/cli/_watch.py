"""`archkit watch`: a live preview of the HTML report, rebuilt on every saved change."""

from __future__ import annotations

from typing import Optional

import typer

from .._limits import MAX_COUNT
from ._common import MODEL_HELP, fail, stdout


def watch_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    port: int = typer.Option(
        8000, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 to serve the preview on (0: any free port)."
    ),
    users: Optional[int] = typer.Option(
        None, "--users", min=1, max=MAX_COUNT, help="Users for cost and capacity (default: the model's)."
    ),
    open_browser: bool = typer.Option(False, "--open", help="Open the preview in the default browser."),
) -> None:
    """Serve the HTML report on 127.0.0.1 and rebuild it whenever the model (or a module it imports) is saved.

    The page reloads itself after each rebuild; while the model has problems it lists them with their
    file and line instead of the report. Ctrl-C stops.
    """
    from .._escape import terminal
    from ..design_review import Build, LivePreview, serve, watch_files
    from ..errors import ArchkitError, UsageError
    from ..io import os_error_text

    con = stdout()
    preview = LivePreview(model, users=users)
    try:
        server = serve(preview, port)
    except OSError as exc:
        fail(
            UsageError(
                f"cannot serve on 127.0.0.1:{port}: {os_error_text(exc)}; choose another --port (0 picks a free one)"
            )
        )
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def report(build: Build) -> None:
        if build.status == "ok":
            parts = ", ".join(f"{k} {v:.2f} s" for k, v in build.stages.items())
            con.print(
                f"v{build.version}: rebuilt in {build.seconds:.2f} s ({parts}; {build.drawn} figure(s) drawn; "
                f"{build.cpu_seconds:.2f} s of processor time)",
                highlight=False,
            )
        else:
            con.print(f"v{build.version}: {terminal(build.message)} (shown in the page)", highlight=False)

    try:
        with con.status("building the first report..."):
            report(preview.build())
        con.print(f"serving {url} (Ctrl-C to stop); watching {len(preview.files)} file(s)", highlight=False)
        stdout_flush()
        if open_browser:
            import webbrowser

            webbrowser.open(url)

        def rebuilt(build: Build) -> None:
            report(build)
            stdout_flush()

        watch_files(preview, on_build=rebuilt)
    except ArchkitError as exc:
        fail(exc)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


def stdout_flush() -> None:
    import sys

    sys.stdout.flush()
