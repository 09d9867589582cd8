"""`archkit render`: draw a view of a model (or every view) as svg, png, pdf, dot or mermaid."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import ArchkitError, UsageError
from ._common import MODEL_HELP, Format, emit_json, fail, load_model, output_folder, stdout, terminal


class ImageFormat(str, Enum):
    """What `archkit render` writes."""

    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    mermaid = "mermaid"


class Style(str, Enum):
    """How boxes are drawn."""

    plain = "plain"
    icons = "icons"


def render_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    view: str = typer.Option("deployment", "--view", help="logical, deployment, dataflow, flow:NAME or compare:V1,V2."),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help="Placement to draw (default: the base one)."),
    style: Style = typer.Option(Style.plain, "--style", help="plain (graphviz) or icons (needs archkit[diagrams])."),
    image: Optional[ImageFormat] = typer.Option(
        None, "--format", "-f", help="svg, png, pdf, dot or mermaid (default: from the file suffix)."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (with --all: a folder)."),
    all_views: bool = typer.Option(
        False,
        "--all",
        help="Draw every view (logical, deployment, dataflow, each "
        "flow, each variant against the base) into the -o folder.",
    ),
    layout: Optional[str] = typer.Option(
        None,
        "--layout",
        help="Graphviz layout engine: dot (tiers left to right), or neato, fdp, sfdp (faster on "
        "large views), circo, twopi, osage. Default: dot, sfdp/fdp above 150 boxes.",
    ),
    report: Format = typer.Option(Format.text, "--report", help="How to report what was written: text or json."),
) -> None:
    """Draw a view of a model; every diagram carries a legend (see docs/views.md)."""
    from ..views import build_view, render_all

    system = load_model(model, report)
    try:
        if all_views:
            output_folder(output, report, model)
            formats = (image.value,) if image is not None else ("svg", "png")
            files = render_all(system, str(output), formats=formats, style=style.value, variant=variant, layout=layout)
            written: list[dict[str, Any]] = [
                {"view": f.spec, "path": f.path, "format": f.format, "bytes": f.bytes} for f in files
            ]
        else:
            fmt = image.value if image is not None else _format_from_suffix(output)
            data = build_view(system, view, variant).render(fmt, style.value, layout)
            from ..io import write_atomic

            write_atomic(output, data)
            written = [{"view": view, "path": str(output), "format": fmt, "bytes": len(data)}]
    except ArchkitError as exc:
        fail(exc, report, model)
    except OSError as exc:
        from ..io import os_error_text

        fail(UsageError(f"cannot write '{output}': {os_error_text(exc)}"), report, model)
    if report == Format.json:
        emit_json({"ok": True, "source": model, "written": written})
    else:
        con = stdout()
        for w in written:
            con.print(
                f"wrote {terminal(w['path'])} ({terminal(w['view'])}, {w['format']}, {w['bytes']} bytes)",
                highlight=False,
            )


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    known = {
        "svg": "svg",
        "png": "png",
        "pdf": "pdf",
        "dot": "dot",
        "gv": "dot",
        "mmd": "mermaid",
        "mermaid": "mermaid",
    }
    if suffix not in known:
        raise UsageError(f"cannot tell the format of '{path}'; give --format svg|png|pdf|dot|mermaid")
    return known[suffix]
