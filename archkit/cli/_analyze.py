"""`archkit analyze`: every quality analysis of a model, for one variant or all of them."""

from __future__ import annotations

from typing import Optional

import typer
from rich.rule import Rule

from ..errors import UsageError
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    analysis_options,
    check_variant,
    emit_json,
    fail,
    finite,
    load_model,
    peak_share_option,
    stdout,
    terminal,
    usage_hours_option,
    users_option,
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
    variant: Optional[str] = typer.Option(
        None, "--variant", "-v", help="Analyse this variant (default: the base placement)."
    ),
    all_variants: bool = typer.Option(False, "--all-variants", "-a", help="Analyse every declared variant."),
    users: Optional[int] = users_option(),
    usage_hours: Optional[float] = usage_hours_option(),
    peak_share: Optional[float] = peak_share_option(),
    target_utilisation: float = typer.Option(
        0.7, "--target-utilisation", min=0.01, max=1.0, callback=finite, help="Utilisation capacity planning aims for."
    ),
    breakdown: bool = typer.Option(True, "--breakdown/--no-breakdown", help="Show the latency breakdown per step."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json (docs/analyses.md)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any result violates its requirement."),
) -> None:
    """Latency, link load, cost, offline/availability, updates, resource fit, capacity and privacy of a model."""
    from ..analysis import analyze_all, every_placement

    if variant is not None and all_variants:
        fail(UsageError("give either --variant or --all-variants, not both"), format)
    system = load_model(model, format)
    check_variant(system, variant, format)
    opts = analysis_options(users, usage_hours, peak_share, target_utilisation=target_utilisation)
    names: list[str | None] = every_placement(system) if all_variants else [variant]
    report = analyze_all(system, names, opts)
    data = report.to_dict()
    if format == Format.json:
        emit_json(data)
    else:
        from ..analysis import variant_tables

        con = stdout()
        for vr in report.variants:
            con.print(
                Rule(
                    f"[bold]{terminal(report.system)}[/] - variant [cyan]{terminal(vr.variant or 'base placement')}[/]",
                    align="left",
                )
            )
            for r in variant_tables(vr, breakdown=breakdown, basis=opts.basis(system)):
                con.print(r)
        con.print(Rule("Assumptions", align="left"))
        for k, v in report.assumptions.items():
            con.print(f"[dim]{terminal(str(k))}:[/] {terminal(str(v))}", highlight=False)
    if strict and violations(data):
        raise typer.Exit(EXIT_PROBLEMS)
