"""`archkit compare` and `archkit explore`: trade-off tables, the Pareto front and a recommendation."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from ..errors import ArchkitError
from ._common import EXIT_PROBLEMS, MODEL_HELP, Format, emit_json, fail, load_model, stderr, stdout

REQUIRE_HELP = ("A hard constraint, e.g. 'latency(overlay) <= 200 ms', 'offline(overlay)', 'cost <= 5000 USD/month', "
                "'not model_on_device'. Repeat for more; the model's own requirements apply too.")
MINIMIZE_HELP = "An objective to minimise, e.g. 'cost' or 'latency(overlay)'. Repeat for tie-breaks, in order."
MAXIMIZE_HELP = "An objective to maximise, e.g. 'offline(overlay)'."


def _options(users: int | None) -> Any:
    from ..analysis import Options

    return Options(users=users)


def _status(r: Any) -> str:
    if not r.feasible:
        return "[red]infeasible[/]"
    if r.pareto:
        return "[green]Pareto[/]"
    return "[yellow]dominated[/]"


def _budget(system: Any, key: str) -> str:
    if key.startswith("latency("):
        f = system.flow(key[len("latency("):-1])
        if f.latency_budget is not None:
            return f" [dim](budget {f.latency_budget})[/]"
    return ""


def render(exp: Any, system: Any) -> list[Any]:
    """Rich renderables of an exploration: trade-off table, dominance, infeasibility, presets, recommendation."""
    from ..explore import PRESETS
    from ..explore.presets import DIMENSIONS

    out: list[Any] = []
    head = (f"[bold]{exp.system}[/]: {exp.size:,} alternatives "
            f"({'declared variants' if exp.mode == 'compare' else 'generated placements'}), "
            f"{exp.feasible:,} feasible, {exp.pareto_count:,} Pareto-optimal")
    if exp.requirements:
        head += "\nrequirements: " + "; ".join(r.text for r in exp.requirements)
    if exp.objectives:
        head += "\nobjectives: " + "; ".join(f"{o.sense} {o.key}" for o in exp.objectives)
    out.append(Panel.fit(head))
    rows = list(exp.rows)
    if exp.mode == "compare":
        rows += exp.dominated + exp.infeasible
    elif exp.recommended is None:
        rows += exp.infeasible[:3]
    keys = [k for k in exp.keys if k in exp.criteria]
    rec = exp.recommended.index if exp.recommended else None
    title = "Trade-offs" if exp.mode == "compare" else (
        f"Trade-offs of the Pareto-optimal alternatives, best first ({len(exp.rows)} of {exp.pareto_count:,})")
    # one column per alternative, one row per quality: fits a terminal for a handful of alternatives
    for part in range(0, max(len(rows), 1), 6):
        chunk = rows[part:part + 6]
        t = Table(title=title if part == 0 else None, show_lines=False)
        t.add_column("")
        for r in chunk:
            head = f"[bold]{r.name}[/]" + (" [green](recommended)[/]" if r.index == rec else "")
            t.add_column(head, justify="right")
        placed = list(dict.fromkeys(c for r in chunk for c in r.placement))
        for c in placed:
            t.add_row(f"[cyan]{c}[/] on", *[r.placement.get(c, "") for r in chunk])
        t.add_row("preset", *[(r.preset or "").replace("_", "-") for r in chunk], end_section=True)
        for k in keys:
            cells = []
            for r in chunk:
                txt = r.text(k)
                if any(f.startswith(q.text + ":") for q in exp.requirements if q.key == k for f in r.failed):
                    txt = f"[red]{txt}[/]"
                cells.append(txt)
            t.add_row(k + _budget(system, k), *cells)
        t.add_row("status", *[_status(r) for r in chunk], end_section=True)
        out.append(t)
    if exp.unknown:
        out.append("[dim]unknown for every alternative (left out): "
                   + "; ".join(f"{k}: {', '.join(v[:2])}" for k, v in exp.unknown.items()) + "[/]")
    if exp.dominated:
        lines = []
        for r in exp.dominated:
            if r.dominated is None:
                continue
            d = r.dominated
            better = ", ".join(d.better_on)
            lines.append(f"[yellow]{r.name}[/] is dominated by [green]{d.by}[/]: better on {better}"
                         + (f"; equal on {', '.join(x for x in d.equal_on if x in exp.criteria)}"
                            if any(x in exp.criteria for x in d.equal_on) else ""))
        if lines:
            title = "Dominated" + ("" if exp.mode == "compare" else f" (best {len(lines)} shown)")
            out.append(Panel("\n".join(lines), title=title, title_align="left"))
    if exp.infeasible:
        lines = [f"[red]{r.name}[/]: " + "; ".join(r.failed) for r in exp.infeasible]
        if exp.mode != "compare":
            lines = [f"{k}: {v:,} alternatives" for k, v in exp.infeasible_reasons.items()] + ["closest:"] + \
                [f"  {x}" for x in lines[:5]]
        out.append(Panel("\n".join(lines), title="Infeasible", title_align="left"))
    if exp.presets:
        pt = Table(title="Hulten's placements: qualitative trade-offs, beside the numbers above")
        pt.add_column("")
        for p in exp.presets:
            pt.add_column(PRESETS[p].title)
        for dim in DIMENSIONS:
            pt.add_row(dim, *[PRESETS[p].ratings[dim] for p in exp.presets])
        out.append(pt)
    style = "green" if exp.recommended else "red"
    out.append(Panel(exp.justification, title="Recommendation", title_align="left", border_style=style))
    return out


def _emit(exp: Any, system: Any, format: Format) -> None:
    if format == Format.json:
        emit_json(exp.to_dict())
    else:
        con = stdout()
        for r in render(exp, system):
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
    ignore_model: bool = typer.Option(False, "--ignore-model-requirements",
                                      help="Apply only the requirements and objectives given here."),
    users: Optional[int] = typer.Option(None, "--users", min=1, help="Users for cost and capacity (default: the model's)."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Compare the declared variants: trade-off table, Pareto set, dominance and a justified recommendation.

    Exit 1 when no variant meets every requirement.
    """
    from ..explore import compare

    system = load_model(model, format)
    objectives = [f"minimize {m}" for m in minimize] + [f"maximize {m}" for m in maximize]
    try:
        exp = compare(system, _split([variants]) if variants else None, require, objectives,
                      options=_options(users), use_model=not ignore_model)
    except ArchkitError as exc:
        fail(exc, format, model)
    _emit(exp, system, format)


def explore_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    vary: list[str] = typer.Option(..., "--vary", "-v",
                                   help="COMPONENT=node1,node2,... (repeat; 'a+b=n1,n2' keeps a and b together)."),
    together: list[str] = typer.Option([], "--together", help="Comma-separated components that must share a node."),
    from_variant: Optional[str] = typer.Option(None, "--from-variant", help="Start from this variant's placement."),
    require: list[str] = typer.Option([], "--require", "-r", help=REQUIRE_HELP),
    minimize: list[str] = typer.Option([], "--minimize", help=MINIMIZE_HELP),
    maximize: list[str] = typer.Option([], "--maximize", help=MAXIMIZE_HELP),
    ignore_model: bool = typer.Option(False, "--ignore-model-requirements",
                                      help="Apply only the requirements and objectives given here."),
    limit: int = typer.Option(15, "--limit", min=1, help="How many alternatives of each kind to list."),
    users: Optional[int] = typer.Option(None, "--users", min=1, help="Users for cost and capacity (default: the model's)."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Explore every placement of the varied components: exact Pareto front and a justified recommendation.

    Exit 1 when no alternative meets every requirement.
    """
    from ..explore import explore, parse_vary

    system = load_model(model, format)
    objectives = [f"minimize {m}" for m in minimize] + [f"maximize {m}" for m in maximize]
    try:
        spec = parse_vary(vary)
        groups = [_split([g]) for g in together]
        if format == Format.text:
            exp = _with_progress(lambda p: explore(
                system, spec, require, objectives, together=groups, base_variant=from_variant,
                options=_options(users), use_model=not ignore_model, limit=limit, progress=p))
        else:
            exp = explore(system, spec, require, objectives, together=groups, base_variant=from_variant,
                          options=_options(users), use_model=not ignore_model, limit=limit)
    except ArchkitError as exc:
        fail(exc, format, model)
    _emit(exp, system, format)


def _with_progress(run: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    con: Console = stderr()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=con, transient=True, disable=not con.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "building tables" if stage == "tables" else "evaluating alternatives"
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done)

        return run(progress)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
    app.command("explore")(explore_cmd)


__all__ = ["register", "render", "compare_cmd", "explore_cmd", "Group"]
