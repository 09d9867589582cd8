"""`archkit review`: the design review of a system, section by section."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.panel import Panel
from rich.rule import Rule

from .._escape import terminal
from ..errors import UsageError
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    emit_json,
    fail,
    load_model,
    output_folder,
    peak_share_option,
    stdout,
    usage_hours_option,
    users_option,
)

if TYPE_CHECKING:
    from ..design_review import ReportFiles, Review
    from ..model import System

_STYLE = {"ok": "green", "info": "blue", "warning": "yellow", "error": "red", "skipped": "dim"}


def review_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    users: Optional[int] = users_option(),
    usage_hours: Optional[float] = usage_hours_option(),
    peak_share: Optional[float] = peak_share_option(),
    out: Optional[Path] = typer.Option(
        None,
        "--out",
        "-o",
        help="Folder to write the report into: index.html (self-contained), review.md (for a pull request), "
        "model cards, diagrams and Serve configs.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any section reports an error."),
) -> None:
    """The design review: validate, then every analysis, comparison, lint and diagram of the system."""
    from ..design_review import review

    system = load_model(model, format)
    if out is not None:
        output_folder(out, format, model)
    con = stdout()
    options = {"figures": out is not None}
    files = None
    if format == Format.text:
        with con.status("reviewing...") as status:
            result = review(
                system,
                model,
                users=users,
                usage_hours=usage_hours,
                peak_share=peak_share,
                out_dir=out,
                options=options,
                progress=lambda name: status.update(f"reviewing: {name}"),
            )
            if out is not None:
                status.update("writing the report...")
                files = _write(result, system, out, format)
    else:
        result = review(
            system, model, users=users, usage_hours=usage_hours, peak_share=peak_share, out_dir=out, options=options
        )
        if out is not None:
            files = _write(result, system, out, format)
    if format == Format.json:
        emit_json(dict(result.to_dict(), report=files.to_dict() if files is not None else None))
    else:
        con.print(Panel.fit(f"[bold]Design review[/]: {terminal(result.system)}\n[dim]{terminal(model)}[/]"))
        for s in result.sections:
            style = _STYLE[s.status]
            con.print(Rule(f"[bold]{terminal(s.title)}[/] [{style}]{s.status.upper()}[/]", align="left"))
            con.print(terminal(s.summary), highlight=False)
            for r in s.renderables:
                con.print(r)
        style = _STYLE[result.status]
        con.print(Rule(f"overall: [{style}]{result.status.upper()}[/]", align="left"))
        if files is not None:
            con.print(f"report: {terminal(str(files.html))} (also {terminal(str(files.markdown))})", highlight=False)
    if strict and result.status == "error":
        raise typer.Exit(EXIT_PROBLEMS)


def _write(result: Review, system: System, out: Path, format: Format) -> ReportFiles:
    from ..design_review import write_report
    from ..errors import ArchkitError

    try:
        return write_report(result, system, out)
    except ArchkitError as exc:
        fail(exc, format)
    except OSError as exc:
        from ..io import os_error_text

        fail(UsageError(f"cannot write the report into '{out}': {os_error_text(exc)}"), format)
