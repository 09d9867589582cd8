"""Text output of a lint run for people, with rich: one block per finding, then a summary line."""

from __future__ import annotations

from rich.console import Console

from ..._escape import terminal
from ..._words import count
from .._lint import LintResult

__all__ = ["print_text", "SEVERITY_STYLE"]

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def print_text(result: LintResult, console: Console, *, show_unknown: bool = True) -> None:
    """Print findings as ``file:line: severity rule: message`` with placements and fix, then a summary."""
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {terminal(w)}", highlight=False)
    for f in result.open:
        loc = f.location
        where = f"{loc.file}:{loc.line}" if loc is not None and loc.line else (loc.file if loc else "<model>")
        style = SEVERITY_STYLE[f.severity]
        console.print(
            f"[cyan]{terminal(where or '<model>')}[/]: [{style}]{f.severity}[/] [magenta]{terminal(f.rule)}[/]: "
            f"{terminal(f.message)}",
            highlight=False,
        )
        others = ", ".join(str(e.ref) for e in f.elements)
        console.print(f"    [dim]elements:[/] {terminal(others)}", highlight=False)
        console.print(f"    [dim]placements:[/] {terminal(', '.join(f.placements))}", highlight=False)
        console.print(f"    [dim]fix:[/] {terminal(f.fix)}", highlight=False)
    if show_unknown and result.unknown:
        console.print(
            f"[bold]undecided[/] ({len(result.unknown)}): declare more to let these rules decide", highlight=False
        )
        for d in result.unknown:
            loc = d.location
            where = f"{loc.file}:{loc.line}" if loc is not None and loc.line else "<model>"
            console.print(
                f"  [cyan]{terminal(where)}[/]: [dim]{terminal(d.entry_id)}[/]: unknown: {terminal(d.message)}",
                highlight=False,
            )
    s = result.summary()
    verdict = "[red]FAIL[/]" if result.exit_code else "[green]ok[/]"
    console.print(
        f"{verdict}: {count(s['error'], 'error')}, {count(s['warning'], 'warning')}, "
        f"{count(s['info'], 'info')}; "
        f"{s['suppressed']} suppressed, {s['baselined']} baselined, {s['unknown']} undecided "
        f"(fail on {result.fail_on} and above)",
        highlight=False,
    )
