"""Drawing a View: DOT through the graphviz ``dot`` program, Mermaid text, or the icon style."""

from __future__ import annotations

from ..errors import ArchkitError, UsageError
from ._graph import View

__all__ = ["FORMATS", "STYLES", "render_view", "run_dot", "GraphvizError"]

FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
STYLES = ("plain", "icons")
ICON_FORMATS = ("svg", "png", "pdf", "dot")


class GraphvizError(ArchkitError):
    """The graphviz ``dot`` program is missing or failed."""


def run_dot(dot: str, fmt: str) -> bytes:
    """Lay out DOT text with graphviz and return the drawing in ``fmt`` (svg, png or pdf).

    Raises:
        GraphvizError: when the ``dot`` program is not installed or rejects the input.
    """
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, dot.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizError("rendering needs the graphviz 'dot' program, which is not on PATH; install it, "
                            "e.g. 'apt-get install graphviz' (Debian/Ubuntu) or 'brew install graphviz'") from None
    except graphviz.CalledProcessError as exc:
        err = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise GraphvizError(f"graphviz could not draw the diagram: {err or exc}") from None


def render_view(view: View, format: str = "svg", style: str = "plain") -> bytes:
    """Draw a view in a format (svg, png, pdf, dot, mermaid) and style (plain, icons).

    Raises:
        UsageError: unknown format or style, or a format the style cannot make.
        GraphvizError: graphviz is missing or failed.
        MissingDependencyError: the icon style without the 'diagrams' extra.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format '{format}'; use one of: {', '.join(FORMATS)}")
    if style not in STYLES:
        raise UsageError(f"unknown style '{style}'; use plain or icons")
    if style == "icons":
        if format not in ICON_FORMATS:
            raise UsageError(f"the icons style draws {', '.join(ICON_FORMATS)}, not {format}; "
                             "use --style plain for Mermaid")
        from ._icons import render_icons

        return render_icons(view, format)
    if format == "mermaid":
        return view.mermaid().encode("utf-8")
    dot = view.dot()
    if format == "dot":
        return dot.encode("utf-8")
    return run_dot(dot, format)
