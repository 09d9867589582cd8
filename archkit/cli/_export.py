"""`archkit export`: the model in another tool's format (Structurizr DSL, CALM, Mermaid, JSON, YAML)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import ArchkitError, UsageError
from ._common import MODEL_HELP, Format, emit_json, fail, load_model, stdout, terminal


class Target(str, Enum):
    """Export formats."""

    structurizr = "structurizr"
    calm = "calm"
    mermaid = "mermaid"
    json = "json"
    yaml = "yaml"


def export_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    to: Target = typer.Option(..., "--to", help="structurizr, calm, mermaid, json or yaml."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help="Placement for calm and mermaid."),
    report: Format = typer.Option(Format.text, "--report", help="How to report what was written: text or json."),
) -> None:
    """Export a model so that other tools can read it (see docs/views.md)."""
    from ..export import export

    system = load_model(model, report)
    try:
        text = export(system, to.value, variant)
        if output is None:
            typer.echo(text, nl=False)
            return
        from ..io import write_atomic

        write_atomic(output, text)
    except ArchkitError as exc:
        fail(exc, report, model)
    except OSError as exc:
        from ..io import os_error_text

        fail(UsageError(f"cannot write '{output}': {os_error_text(exc)}"), report, model)
    if report == Format.json:
        emit_json({"ok": True, "source": model, "written": str(output), "to": to.value, "bytes": len(text)})
    else:
        stdout().print(f"wrote {terminal(str(output))} ({to.value})", highlight=False)
