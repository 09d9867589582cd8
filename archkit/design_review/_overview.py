"""Review section: what the system is, where everything is placed, the variants and flows."""

from __future__ import annotations

from rich.table import Table
from rich.tree import Tree

from .._escape import terminal
from .._words import count
from . import ReviewContext, Section


def section(ctx: ReviewContext) -> Section:
    s = ctx.system
    counts = {
        "components": len(s.components),
        "connectors": len(s.connectors),
        "nodes": len(s.nodes),
        "links": len(s.links),
        "variants": len(s.variants),
        "flows": len(s.flows),
    }
    models = [c for c in s.components if c.kind == "model"]
    unplaced = [c.id for c in s.components if c.id not in s.placement]
    summary = (
        f"'{s.name}' is valid: {count(counts['components'], 'component')} "
        f"({count(len(models), 'model')}) on {count(counts['nodes'], 'node')}, "
        f"{count(counts['connectors'], 'connector')}, {count(counts['links'], 'link')}, "
        f"{count(counts['flows'], 'flow')}, {count(counts['variants'], 'variant')}."
    )
    tree = Tree(f"[bold]{terminal(s.name)}[/] - base placement")
    for n in s.nodes:
        b = tree.add(f"[cyan]{terminal(n.label)}[/] [dim]({n.kind})[/]")
        for c in s.components:
            if s.placement.get(c.id) == n.id:
                b.add(f"{terminal(c.label)} [dim]{c.kind}[/]")
    t = Table(title="Variants: where each model lives")
    t.add_column("variant")
    for m in models:
        t.add_column(terminal(m.label))
    t.add_column("preset")
    rows = []
    for v in s.variants:
        pl = s.placement_for(v.name)
        t.add_row(v.name, *[pl.get(m.id, "-") for m in models], v.preset or "")
        rows.append(
            {
                "variant": v.name,
                "placement": {m.id: pl.get(m.id) for m in models},
                "preset": v.preset,
                "links_down": v.links_down,
                "description": v.description,
            }
        )
    renderables = [tree] + ([t] if s.variants else [])
    data = {
        "name": s.name,
        "description": s.description,
        "version": s.version,
        "users": ctx.users,
        "counts": counts,
        "models": [m.id for m in models],
        "unplaced": unplaced,
        "variants": rows,
        "flows": [
            {
                "id": f.id,
                "name": f.label,
                "latency_budget": f.latency_budget and str(f.latency_budget),
                "offline": f.offline,
            }
            for f in s.flows
        ],
        "requirements": s.requirements,
        "objectives": s.objectives,
    }
    return Section("overview", "Overview", "ok", summary, data, renderables)
