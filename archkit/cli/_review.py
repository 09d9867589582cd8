"""`archkit review`: the design review of a system, section by section."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.panel import Panel
from rich.rule import Rule

from ._common import EXIT_PROBLEMS, MODEL_HELP, Format, emit_json, load_model, stdout

_STYLE = {"ok": "green", "info": "blue", "warning": "yellow", "error": "red", "skipped": "dim"}


def review_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    users: Optional[int] = typer.Option(None, "--users", min=1, help="Users for cost and capacity (default: the model's)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the files the review writes (diagrams)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any section reports an error."),
) -> None:
    """The design review: validate, then every analysis, comparison, lint and diagram of the system."""
    from ..design_review import review

    system = load_model(model, format)
    con = stdout()
    if format == Format.text:
        with con.status("reviewing...") as status:
            result = review(system, model, users=users, out_dir=out,
                            progress=lambda name: status.update(f"reviewing: {name}"))
    else:
        result = review(system, model, users=users, out_dir=out)
    if format == Format.json:
        emit_json(result.to_dict())
    else:
        con.print(Panel.fit(f"[bold]Design review[/]: {result.system}\n[dim]{model}[/]"))
        for s in result.sections:
            style = _STYLE[s.status]
            con.print(Rule(f"[bold]{s.title}[/] [{style}]{s.status.upper()}[/]", align="left"))
            con.print(s.summary, highlight=False)
            for r in s.renderables:
                con.print(r)
        style = _STYLE[result.status]
        con.print(Rule(f"overall: [{style}]{result.status.upper()}[/]", align="left"))
    if strict and result.status == "error":
        raise typer.Exit(EXIT_PROBLEMS)


def register(app: typer.Typer) -> None:
    app.command("review")(review_cmd)
