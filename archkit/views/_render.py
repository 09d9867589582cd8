"""Drawing a View: DOT through the graphviz ``dot`` program, Mermaid text, or the icon style."""

from __future__ import annotations

from ..errors import ArchkitError, UsageError
from ._graph import View

__all__ = ["FORMATS", "STYLES", "render_view", "run_dot", "GraphvizError", "GraphvizTimeout", "graphviz_timeout"]

FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
STYLES = ("plain", "icons")
ICON_FORMATS = ("svg", "png", "pdf", "dot")


class GraphvizError(ArchkitError):
    """The graphviz ``dot`` program is missing or failed."""


DEFAULT_TIMEOUT = 120.0  # seconds graphviz may take for one drawing (ARCHKIT_GRAPHVIZ_TIMEOUT overrides)


class GraphvizTimeout(GraphvizError):
    """Graphviz did not finish a drawing within the time limit (the process is ended)."""


def graphviz_timeout() -> float:
    """The time limit for one graphviz run: ARCHKIT_GRAPHVIZ_TIMEOUT seconds, else DEFAULT_TIMEOUT."""
    import math
    import os

    raw = os.environ.get("ARCHKIT_GRAPHVIZ_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if math.isfinite(value) and value > 0 else DEFAULT_TIMEOUT


def run_dot(dot: str, fmt: str, timeout: float | None = None) -> bytes:
    """Lay out DOT text with graphviz and return the drawing in ``fmt`` (svg, png or pdf).

    Raises:
        GraphvizError: when the ``dot`` program is not installed or rejects the input.
        GraphvizTimeout: when it takes longer than ``timeout`` seconds (default: :func:`graphviz_timeout`).
    """
    import shutil
    import subprocess

    limit = graphviz_timeout() if timeout is None else timeout
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(
            "rendering needs the graphviz 'dot' program, which is not on PATH; install it, "
            "e.g. 'apt-get install graphviz' (Debian/Ubuntu) or 'brew install graphviz'"
        )
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"], input=dot.encode("utf-8", "backslashreplace"), capture_output=True, timeout=limit
        )
    except subprocess.TimeoutExpired:  # subprocess.run has ended the process
        raise GraphvizTimeout(f"graphviz did not finish within {limit:g} s") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizError(f"graphviz could not draw the diagram: {err or f'exit status {done.returncode}'}")
    return done.stdout


def _timed_out(view: View, exc: GraphvizTimeout, layout: str | None) -> GraphvizTimeout:
    boxes = sum(not b.anchor for b in view.boxes)
    faster = "sfdp" if layout in (None, "dot", "fdp") else "dot"
    return GraphvizTimeout(
        f"{exc} drawing the '{view.name}' view ({boxes} boxes, {sum(not ln.invisible for ln in view.lines)} "
        f"lines) and was stopped; try a faster layout engine, e.g. --layout {faster} (sfdp scales to thousands "
        "of boxes), draw a smaller view (flow:NAME), or allow more time with ARCHKIT_GRAPHVIZ_TIMEOUT=SECONDS"
    )


def render_view(view: View, format: str = "svg", style: str = "plain", layout: str | None = None) -> bytes:
    """Draw a view in a format (svg, png, pdf, dot, mermaid), style (plain, icons) and graphviz layout engine.

    Raises:
        UsageError: unknown format, style or layout, or a format the style cannot make.
        GraphvizError: graphviz is missing or failed; GraphvizTimeout (naming the view) when it ran too long.
        MissingDependencyError: the icon style without the 'diagrams' extra.
    """
    from ._dot import LAYOUTS

    if format not in FORMATS:
        raise UsageError(f"unknown format '{format}'; use one of: {', '.join(FORMATS)}")
    if style not in STYLES:
        raise UsageError(f"unknown style '{style}'; use plain or icons")
    if layout is not None and layout not in LAYOUTS:
        raise UsageError(f"unknown layout engine '{layout}'; use one of: {', '.join(LAYOUTS)}")
    try:
        if style == "icons":
            if format not in ICON_FORMATS:
                raise UsageError(
                    f"the icons style draws {', '.join(ICON_FORMATS)}, not {format}; use --style plain for Mermaid"
                )
            from ._icons import render_icons

            return render_icons(view, format, layout)
        if format == "mermaid":
            return view.mermaid().encode("utf-8")
        dot = view.dot(layout)
        if format == "dot":
            return dot.encode("utf-8")
        return run_dot(dot, format)
    except GraphvizTimeout as exc:
        raise _timed_out(view, exc, layout) from None
