"""Review section: the diagrams of the system (every view), written to the review's folder if it has one.

With ``options["figures"]`` the section also keeps each view's SVG (for the HTML report); with
``options["memo"]`` (a :class:`~._memo.FigureMemo`) a view whose DOT text was drawn before is not drawn again.
Without an output folder nothing is written: the section lists what would be drawn, with the size
of each view's DOT text so that an unreadably large diagram shows up in the review.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from .._words import count
from . import ReviewContext, Section, Status
from ._memo import content_key


def section(ctx: ReviewContext) -> Section:
    from ..errors import ArchkitError
    from ..views import build_view, render_all, view_specs

    s = ctx.system
    specs = view_specs(s)
    rows: list[dict[str, Any]] = []
    figures: dict[str, str] = {}
    memo = ctx.options.get("memo")
    for spec in specs:
        view = build_view(s, spec)
        dot = view.dot()
        if ctx.options.get("figures"):
            try:
                figures[spec] = view.svg() if memo is None else memo.get_or_make(content_key("view", dot), view.svg)
            except ArchkitError:
                pass  # reported below when the files are drawn; the report shows the view as missing
        rows.append(
            {
                "view": spec,
                "title": view.title,
                "dot_bytes": len(dot.encode("utf-8")),
                "boxes": sum(not b.anchor for b in view.boxes),
                "legend_rows": len(view.legend),
            }
        )
    written: list[dict[str, Any]] = []
    status: Status = "ok"
    if ctx.out_dir is not None:
        try:
            drawn = render_all(s, str(ctx.out_dir), formats=("svg", "png"))
            written = [{"view": f.spec, "path": f.path, "format": f.format, "bytes": f.bytes} for f in drawn]
            summary = f"{count(len(specs), 'view')} drawn into {ctx.out_dir} ({count(len(written), 'file')})."
        except ArchkitError as exc:
            status = "warning"
            summary = f"{count(len(specs), 'view')} built, but drawing them failed: {exc}"
    else:
        summary = (
            f"{count(len(specs), 'view')} would be drawn (give an output folder to write them): "
            + ", ".join(specs)
            + "."
        )
    t = Table(title="Diagrams")
    for col in ("view", "boxes", "DOT bytes", "file"):
        t.add_column(col)
    for r in rows:
        paths = ", ".join(w["path"] for w in written if w["view"] == r["view"]) or "-"
        t.add_row(r["view"], str(r["boxes"]), str(r["dot_bytes"]), paths)
    return Section("diagrams", "Diagrams", status, summary, {"views": rows, "written": written}, [t], figures)
