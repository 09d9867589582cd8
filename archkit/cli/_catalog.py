"""`archkit patterns ...` and `archkit lint`: the pattern catalog and the anti-pattern linter."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from .._words import count
from ..errors import ArchkitError, UsageError
from ._common import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    MODEL_HELP,
    App,
    Format,
    cells,
    emit_json,
    fail,
    load_model,
    stderr,
    stdout,
    terminal,
    write_output,
)

patterns_app = App(help="The catalog of ML architecture patterns, anti-patterns and checks.", no_args_is_help=True)


class Kind(str, Enum):
    """Entry kinds."""

    pattern = "pattern"
    anti_pattern = "anti-pattern"
    check = "check"


class LintFormat(str, Enum):
    """Output formats of lint."""

    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class Level(str, Enum):
    """Severities."""

    info = "info"
    warning = "warning"
    error = "error"


def _catalog():
    from ..catalog import CatalogError, default_catalog

    try:
        return default_catalog()
    except CatalogError as exc:  # a broken built-in entry: name each file and key
        con = stderr()
        con.print(f"[bold red]the pattern catalog has {count(len(exc.problems), 'problem')}[/]", highlight=False)
        for p in exc.problems:
            con.print(f"  {terminal(str(p))}", highlight=False)
        raise typer.Exit(EXIT_PROBLEMS) from None


def entry_dict(e) -> dict:
    """The JSON form of a catalog entry (docs/patterns.md)."""
    return e.model_dump(mode="json", exclude={"origin"}) | {"origin": e.origin}


def list_cmd(
    kind: Optional[List[Kind]] = typer.Option(None, "--kind", "-k", help="Only entries of this kind (repeatable)."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """List the catalog's entries: id, kind, category and name."""
    cat = _catalog()
    entries = cat.select([k.value for k in kind] if kind else None)
    if format == Format.json:
        counts = {k: sum(1 for e in entries if e.kind == k) for k in ("pattern", "anti-pattern", "check")}
        emit_json(
            {
                "count": len(entries),
                "counts": counts,
                "plugins": cat.plugins,
                "entries": [{k: v for k, v in entry_dict(e).items() if k != "body"} for e in entries],
            }
        )
        return
    t = Table(title=f"archkit catalog: {len(entries)} entries")
    for col in ("id", "kind", "category", "severity", "name"):
        t.add_column(col)
    for e in entries:
        t.add_row(*cells(e.id, e.kind, e.category, e.severity or "", e.name))
    stdout().print(t)


def show_cmd(
    entry_id: str = typer.Argument(..., metavar="ID", help="Entry id, e.g. two-phase-prediction."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Show one entry: problem, solution, effects on qualities, related entries, sources."""
    cat = _catalog()
    if entry_id not in cat.entries:
        from ..model import suggest

        close = suggest(entry_id, list(cat.entries))
        fail(
            UsageError(
                f"no catalog entry '{entry_id}'"
                + (f"; did you mean '{close}'?" if close else "; see `archkit patterns list`")
            ),
            format,
        )
    e = cat.get(entry_id)
    if format == Format.json:
        emit_json(entry_dict(e))
        return
    con = stdout()
    con.print(
        f"[bold]{terminal(e.name)}[/] [dim]({terminal(e.id)}, {e.kind}, {terminal(e.category)}"
        + (f", severity {e.severity}" if e.severity else "")
        + ")[/]",
        highlight=False,
    )
    if e.aliases:
        con.print(f"[dim]also known as:[/] {terminal(', '.join(e.aliases))}", highlight=False)
    con.print(f"[bold]Problem.[/] {terminal(e.problem)}", highlight=False)
    con.print(f"[bold]Solution.[/] {terminal(e.solution)}", highlight=False)
    if e.fix:
        con.print(f"[bold]Fix.[/] {terminal(e.fix)}", highlight=False)
    t = Table(title="Effects on qualities")
    t.add_column("quality")
    t.add_column("effect")
    style = {"better": "green", "worse": "red", "neutral": "dim"}
    for q, v in e.effects.model_dump().items():
        t.add_row(q, f"[{style[v]}]{v}[/]")
    con.print(t)
    if e.related:
        con.print(f"[bold]Related:[/] {terminal(', '.join(e.related))}", highlight=False)
    if e.template:
        con.print(f"[bold]Template:[/] archkit.catalog.templates.{terminal(e.template)}", highlight=False)
    con.print("[bold]Sources:[/]")
    for s in e.sources:
        con.print(f"  - {terminal(s)}", highlight=False)
    con.print(terminal(_reflow(e.body)), highlight=False)


def _reflow(markdown: str) -> str:
    """Join the hard-wrapped lines of each plain paragraph, so the terminal wraps it at its width."""
    out = []
    for para in markdown.split("\n\n"):
        lines = para.splitlines()
        plain = lines and not any(ln.lstrip().startswith(("#", "|", "- ", "* ", "```")) for ln in lines)
        out.append(" ".join(ln.strip() for ln in lines) if plain else para)
    return "\n\n".join(out)


def detect_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    kind: Optional[List[Kind]] = typer.Option(
        None, "--kind", "-k", help="Only entries of this kind (default: pattern)."
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """List the patterns the design uses, where (elements, DSL lines) and in which placements."""
    from ..catalog import detect

    system = load_model(model, format)
    cat = _catalog()
    kinds = [k.value for k in kind] if kind else ["pattern"]
    dets = detect(system, cat, kinds=kinds)
    if format == Format.json:
        emit_json(
            {
                "source": model,
                "system": system.name,
                "kinds": kinds,
                "detections": [
                    {
                        "id": d.entry_id,
                        "name": cat.get(d.entry_id).name,
                        "status": d.status,
                        "message": d.message,
                        "placements": d.placements,
                        "location": ({"file": d.location.file, "line": d.location.line} if d.location else None),
                        "elements": [x.to_dict() for x in d.elements],
                    }
                    for d in dets
                ],
            }
        )
        return
    con = stdout()
    found = [d for d in dets if d.status == "found"]
    t = Table(title=f"{terminal(system.name)}: {len({d.entry_id for d in found})} patterns found")
    for col in ("pattern", "where", "placements", "what"):
        t.add_column(col)
    for d in found:
        loc = d.location
        t.add_row(*cells(d.entry_id, f"{loc.file}:{loc.line}" if loc else "-", ", ".join(d.placements), d.message))
    con.print(t)
    unknown = [d for d in dets if d.status == "unknown"]
    if unknown:
        con.print(f"[bold]undecided[/] ({len(unknown)}):")
        for d in unknown:
            con.print(f"  {terminal(d.entry_id)}: unknown: {terminal(d.message)}", highlight=False)


def lint_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: LintFormat = typer.Option(LintFormat.text, "--format", "-f", help="text, json, sarif or junit."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings not in this baseline file."),
    write_baseline: Optional[Path] = typer.Option(
        None, "--write-baseline", help="Write the current findings as a baseline and exit 0."
    ),
    fail_on: Optional[Level] = typer.Option(
        None, "--fail-on", help="Lowest severity that fails (default: config, else warning)."
    ),
    config: Optional[Path] = typer.Option(
        None,
        "--config",
        help="Lint configuration (default: nearest archkit.toml or pyproject.toml with [tool.archkit]).",
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of stdout."
    ),
    variant: Optional[List[str]] = typer.Option(
        None, "--variant", "-v", help="Only this placement: 'base' or a variant name (repeatable; default all)."
    ),
) -> None:
    """Lint a model for ML anti-patterns and deployment-fit problems (exit 1 on findings at or above --fail-on)."""
    from ..catalog import find_config, lint, load_config, print_text, read_baseline, to_json, to_junit, to_sarif
    from ..catalog import write_baseline as write_bl

    as_json = Format.json if format != LintFormat.text else Format.text
    try:
        cfg_path = config if config is not None else find_config(_model_dir(model))
        if config is not None and not config.exists():
            raise UsageError(f"lint configuration '{config}' does not exist")
        cfg = load_config(cfg_path)
        fingerprints = read_baseline(baseline) if baseline is not None else None
    except ArchkitError as exc:
        fail(exc, as_json)
    system = load_model(model, as_json)
    try:
        result = lint(
            system,
            model,
            config=cfg,
            baseline=fingerprints,
            baseline_source=str(baseline) if baseline is not None else None,
            fail_on=fail_on.value if fail_on is not None else None,
            catalog=_catalog(),
            placements=variant or None,
        )
    except ArchkitError as exc:
        fail(exc, as_json)
    if write_baseline is not None:
        from ..io import os_error_text

        try:
            n = write_bl(result, write_baseline)
        except OSError as exc:
            fail(UsageError(f"cannot write baseline '{write_baseline}': {os_error_text(exc)}"), as_json, model)
        stdout().print(f"wrote {count(n, 'finding')} to baseline {terminal(str(write_baseline))}", highlight=False)
        raise typer.Exit(0)
    if format == LintFormat.text and output is None:
        print_text(result, stdout())
    else:
        text = {LintFormat.json: to_json, LintFormat.sarif: to_sarif, LintFormat.junit: to_junit}.get(format)
        if text is None:  # text into a file
            from io import StringIO

            from rich.console import Console

            buf = StringIO()
            print_text(result, Console(file=buf, width=120, no_color=True, highlight=False, emoji=False))
            body = buf.getvalue()
        else:
            body = text(result)
        if output is not None:
            write_output(output, body, as_json, model)
        else:
            typer.echo(body, nl=False)
    if result.exit_code:
        raise typer.Exit(EXIT_PROBLEMS)


def _model_dir(spec: str) -> Path:
    path = Path(spec.split(":", 1)[0]) if not Path(spec).exists() else Path(spec)
    return path.parent if path.suffix else Path.cwd()


patterns_app.command("list")(list_cmd)
patterns_app.command("show")(show_cmd)
patterns_app.command("detect")(detect_cmd)


__all__ = ["patterns_app", "lint_cmd", "EXIT_USAGE"]
