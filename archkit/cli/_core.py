"""Core commands: validate, show, convert, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .._words import count
from ..errors import ArchkitError, UsageError
from ._common import MODEL_HELP, Format, cells, check_variant, emit_json, fail, load_model, stdout, terminal


def summary_counts(system) -> dict[str, int]:
    """Element counts of a system, as reported by validate and review."""
    return {
        "components": len(system.components),
        "connectors": len(system.connectors),
        "nodes": len(system.nodes),
        "links": len(system.links),
        "variants": len(system.variants),
        "flows": len(system.flows),
    }


def validate_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Check a model and list every problem with its location, code and hint (exit 1 if any)."""
    system = load_model(model, format)
    counts = summary_counts(system)
    if format == Format.json:
        emit_json({"ok": True, "source": model, "system": system.name, "counts": counts, "problems": []})
        return
    parts = ", ".join(count(v, k[:-1]) for k, v in counts.items())
    stdout().print(f"[green]valid[/]: {terminal(model)}: '{terminal(system.name)}' ({parts})", highlight=False)


def _q(x) -> str:
    return "-" if x is None else str(x)


def show_data(system, variant: str | None) -> dict:
    """The JSON form of `archkit show`: nodes with their components, unplaced components, connectors, links."""
    placement = system.placement_for(variant)
    nodes = []
    for n in system.nodes:
        nodes.append(
            {
                "id": n.id,
                "kind": n.kind,
                "name": n.label,
                "components": [c.id for c in system.components if placement.get(c.id) == n.id],
            }
        )
    return {
        "system": system.name,
        "variant": variant,
        "nodes": nodes,
        "unplaced": [c.id for c in system.components if c.id not in placement],
        "connectors": [
            {
                "id": c.id,
                "source": c.source,
                "target": c.target,
                "kind": c.kind,
                "purpose": c.purpose,
                "request_size": c.request_size and str(c.request_size),
                "rate": c.rate and str(c.rate),
            }
            for c in system.connectors
        ],
        "links": [
            {
                "id": lk.id,
                "ends": list(lk.ends),
                "medium": lk.medium,
                "bandwidth": lk.bandwidth and str(lk.bandwidth),
                "latency": lk.latency and str(lk.latency),
                "intermittent": lk.intermittent,
            }
            for lk in system.links
        ],
        "variants": [{"name": v.name, "placement": v.placement, "description": v.description} for v in system.variants],
        "flows": [
            {"id": f.id, "steps": f.steps, "latency_budget": f.latency_budget and str(f.latency_budget)}
            for f in system.flows
        ],
    }


def show_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help="Show this variant's placement."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Draw a model: nodes with their components as a tree, connectors and links as tables."""
    from rich.table import Table
    from rich.tree import Tree

    system = load_model(model, format)
    check_variant(system, variant, format)
    data = show_data(system, variant)
    if format == Format.json:
        emit_json(data)
        return
    con = stdout()
    comps = {c.id: c for c in system.components}
    title = f"[bold]{terminal(system.name)}[/]" + (f"  [dim](variant {terminal(variant)})[/]" if variant else "")
    tree = Tree(title)
    for n in data["nodes"]:
        node = system.node(n["id"])
        extra = ", ".join(
            x
            for x in (
                node.memory and f"{node.memory} RAM",
                node.cpu_cores and f"{node.cpu_cores:g} cores",
                node.cost_per_hour and str(node.cost_per_hour),
            )
            if x
        )
        branch = tree.add(
            f"[bold cyan]{terminal(n['name'])}[/] "
            f"[dim]({terminal(n['kind'])}{'; ' + terminal(extra) if extra else ''})[/]"
        )
        for cid in n["components"]:
            c = comps[cid]
            branch.add(
                f"{terminal(c.label)} [dim]{terminal(c.kind)}[/]"
                + (f" [magenta]{terminal(c.model.task)}[/]" if c.model and c.model.task else "")
            )
    if data["unplaced"]:
        branch = tree.add("[bold yellow]not placed[/]")
        for cid in data["unplaced"]:
            branch.add(f"{terminal(comps[cid].label)} [dim]{terminal(comps[cid].kind)}[/]")
    con.print(tree)
    t = Table(title="Connectors", show_lines=False)
    for col in ("id", "from", "to", "kind", "purpose", "request", "rate"):
        t.add_column(col)
    for e in system.connectors:
        t.add_row(*cells(e.id, e.source, e.target, e.kind, e.purpose, _q(e.request_size), _q(e.rate)))
    con.print(t)
    t = Table(title="Links")
    for col in ("id", "between", "medium", "bandwidth", "latency", "cost", "intermittent"):
        t.add_column(col)
    for lk in system.links:
        t.add_row(
            *cells(
                lk.id,
                f"{lk.ends[0]} - {lk.ends[1]}",
                lk.medium,
                _q(lk.bandwidth),
                _q(lk.latency),
                _q(lk.cost_per_gb),
                "yes" if lk.intermittent else "no",
            )
        )
    con.print(t)
    if system.variants:
        t = Table(title="Variants")
        for col in ("name", "moves", "description"):
            t.add_column(col)
        for v in system.variants:
            moves = ", ".join(f"{k} -> {n}" for k, n in v.placement.items()) or "(base placement)"
            if v.links_down:
                moves += f"; down: {', '.join(v.links_down)}"
            t.add_row(*cells(v.name, moves, v.description or ""))
        con.print(t)
    if system.flows:
        t = Table(title="Flows")
        for col in ("id", "steps", "rate", "budget", "offline"):
            t.add_column(col)
        for f in system.flows:
            t.add_row(
                *cells(f.id, " | ".join(f.steps), _q(f.rate), _q(f.latency_budget), "required" if f.offline else "-")
            )
        con.print(t)


def convert_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="File to write: .yaml, .yml or .json."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Report as text or json."),
) -> None:
    """Convert a model to canonical YAML or JSON (the same model always gives the same bytes)."""
    from ..io import save

    system = load_model(model, format)
    try:
        save(system, output)
    except ArchkitError as exc:
        fail(exc, format, model)
    except OSError as exc:
        from ..io import os_error_text

        fail(UsageError(f"cannot write '{output}': {os_error_text(exc)}"), format, model)
    if format == Format.json:
        emit_json({"ok": True, "source": model, "written": str(output)})
    else:
        stdout().print(f"wrote {terminal(str(output))}", highlight=False)


def schema_cmd() -> None:
    """Print the JSON Schema of model files (for editor completion and validation of YAML models)."""
    from ..io import json_schema

    emit_json(json_schema())


__all__ = ["show_data", "summary_counts", "json"]
