"""`archkit analyze`: every quality analysis of a model, for one variant or all of them."""

from __future__ import annotations

from typing import Optional

import typer
from rich.rule import Rule

from ..errors import UsageError
from ..model import MAX_COUNT
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    check_variant,
    emit_json,
    fail,
    finite,
    load_model,
    stdout,
    terminal,
)

_BAD = {"violates", "over", "under"}


def violations(data: dict) -> list[str]:
    """Paths of the results whose verdict is a violation (violates, over, under), from the JSON form."""
    found: list[str] = []

    def walk(x: object, path: str) -> None:
        if isinstance(x, dict):
            for key in ("verdict", "offline_verdict"):
                v = x.get(key)
                if isinstance(v, str) and v in _BAD:
                    found.append(path)
            for k, v in x.items():
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")

    walk(data, "")
    return found


def analyze_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help="Analyse this variant (default: the base placement)."),
    all_variants: bool = typer.Option(False, "--all-variants", "-a", help="Analyse every declared variant."),
    users: Optional[int] = typer.Option(None, "--users", min=1, max=MAX_COUNT, help="Number of users (default: the model's)."),
    usage_hours: Optional[float] = typer.Option(
        None, "--usage-hours", min=0.0, max=24.0, callback=finite,
        help="Hours of use per user per day for traffic volumes (default: the model's usage_hours_per_day, else 24)."),
    target_utilisation: float = typer.Option(0.7, "--target-utilisation", min=0.01, max=1.0, callback=finite,
                                             help="Utilisation capacity planning aims for."),
    breakdown: bool = typer.Option(True, "--breakdown/--no-breakdown", help="Show the latency breakdown per step."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json (docs/analyses.md)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any result violates its requirement."),
) -> None:
    """Latency, link load, cost, offline/availability, updates, resource fit, capacity and privacy of a model."""
    from ..analysis import Options, analyze_all

    if variant is not None and all_variants:
        fail(UsageError("give either --variant or --all-variants, not both"), format)
    system = load_model(model, format)
    check_variant(system, variant, format)
    opts = Options(users=users, usage_hours_per_day=usage_hours, target_utilisation=target_utilisation)
    names: list[str | None] = (list(system.variant_names) or [None]) if all_variants else [variant]
    report = analyze_all(system, names, opts)
    data = report.to_dict()
    if format == Format.json:
        emit_json(data)
    else:
        from ..analysis import variant_tables

        con = stdout()
        for vr in report.variants:
            con.print(Rule(f"[bold]{terminal(report.system)}[/] - variant "
                           f"[cyan]{terminal(vr.variant or 'base placement')}[/]", align="left"))
            for r in variant_tables(vr, breakdown=breakdown):
                con.print(r)
        con.print(Rule("Assumptions", align="left"))
        for k, v in report.assumptions.items():
            con.print(f"[dim]{terminal(str(k))}:[/] {terminal(str(v))}", highlight=False)
    if strict and violations(data):
        raise typer.Exit(EXIT_PROBLEMS)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_cmd)
