"""`archkit compare` and `archkit explore`: trade-off tables, the Pareto front and a recommendation."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.console import Console

from ..errors import ArchkitError
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    analysis_options,
    emit_json,
    fail,
    load_model,
    peak_share_option,
    stderr,
    stdout,
    usage_hours_option,
    users_option,
)

REQUIRE_HELP = (
    "A hard constraint, e.g. 'latency(overlay) <= 200 ms', 'offline(overlay)', 'cost <= 5000 USD/month', "
    "'not model_on_device'. Repeat for more; the model's own requirements apply too."
)
MINIMIZE_HELP = "An objective to minimise, e.g. 'cost' or 'latency(overlay)'. Repeat for tie-breaks, in order."
MAXIMIZE_HELP = "An objective to maximise, e.g. 'offline(overlay)'."


def _emit(exp: Any, system: Any, format: Format) -> None:
    if format == Format.json:
        emit_json(exp.to_dict())
    else:
        con = stdout()
        from ..alternatives import renderables

        for r in renderables(exp, system):
            con.print(r)
    if exp.recommended is None:
        raise typer.Exit(EXIT_PROBLEMS)


def _split(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def compare_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variants: Optional[str] = typer.Option(None, "--variants", help="Comma-separated variant names (default: all)."),
    require: list[str] = typer.Option([], "--require", "-r", help=REQUIRE_HELP),
    minimize: list[str] = typer.Option([], "--minimize", help=MINIMIZE_HELP),
    maximize: list[str] = typer.Option([], "--maximize", help=MAXIMIZE_HELP),
    ignore_model: bool = typer.Option(
        False, "--ignore-model-requirements", help="Apply only the requirements and objectives given here."
    ),
    users: Optional[int] = users_option(),
    usage_hours: Optional[float] = usage_hours_option(),
    peak_share: Optional[float] = peak_share_option(),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Compare the declared variants: trade-off table, Pareto set, dominance and a justified recommendation.

    Exit 1 when no variant meets every requirement.
    """
    from ..alternatives import compare

    system = load_model(model, format)
    objectives = [f"minimize {m}" for m in minimize] + [f"maximize {m}" for m in maximize]
    try:
        exp = compare(
            system,
            _split([variants]) if variants else None,
            require,
            objectives,
            options=analysis_options(users, usage_hours, peak_share),
            use_model=not ignore_model,
        )
    except ArchkitError as exc:
        fail(exc, format, model)
    _emit(exp, system, format)


def explore_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    vary: list[str] = typer.Option(
        ..., "--vary", "-v", help="COMPONENT=node1,node2,... (repeat; 'a+b=n1,n2' keeps a and b together)."
    ),
    together: list[str] = typer.Option([], "--together", help="Comma-separated components that must share a node."),
    from_variant: Optional[str] = typer.Option(None, "--from-variant", help="Start from this variant's placement."),
    require: list[str] = typer.Option([], "--require", "-r", help=REQUIRE_HELP),
    minimize: list[str] = typer.Option([], "--minimize", help=MINIMIZE_HELP),
    maximize: list[str] = typer.Option([], "--maximize", help=MAXIMIZE_HELP),
    ignore_model: bool = typer.Option(
        False, "--ignore-model-requirements", help="Apply only the requirements and objectives given here."
    ),
    limit: int = typer.Option(15, "--limit", min=1, help="How many alternatives of each kind to list."),
    prune: bool = typer.Option(
        False,
        "--prune",
        help="Skip blocks of placements that provably hold nothing feasible or nothing on the Pareto front "
        "(the same front; counts are of the placements evaluated). For spaces of millions.",
    ),
    users: Optional[int] = users_option(),
    usage_hours: Optional[float] = usage_hours_option(),
    peak_share: Optional[float] = peak_share_option(),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Explore every placement of the varied components: exact Pareto front and a justified recommendation.

    Exit 1 when no alternative meets every requirement.
    """
    from ..alternatives import explore, parse_vary

    system = load_model(model, format)
    objectives = [f"minimize {m}" for m in minimize] + [f"maximize {m}" for m in maximize]
    try:
        spec = parse_vary(vary)
        groups = [_split([g]) for g in together]

        def run(progress: Any = None) -> Any:
            return explore(
                system,
                spec,
                require,
                objectives,
                together=groups,
                base_variant=from_variant,
                options=analysis_options(users, usage_hours, peak_share),
                use_model=not ignore_model,
                limit=limit,
                progress=progress,
                prune=prune,
            )

        exp = _with_progress(run) if format == Format.text else run()
    except ArchkitError as exc:
        fail(exc, format, model)
    _emit(exp, system, format)


def _with_progress(run: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    con: Console = stderr()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=True,
        disable=not con.is_terminal,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "building tables" if stage == "tables" else "evaluating alternatives"
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done)

        return run(progress)


__all__ = ["compare_cmd", "explore_cmd"]
