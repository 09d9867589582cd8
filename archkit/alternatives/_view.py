"""Rich renderables of an exploration (used by `archkit compare`/`explore` and the review)."""

from __future__ import annotations

from typing import Any

from rich.panel import Panel
from rich.table import Table

from .._escape import terminal as t_
from ._presets import DIMENSIONS, PRESETS
from ._quality import key_metric
from ._spec import format_metric

__all__ = ["renderables"]


def _fmt(key: str, v: Any) -> str:
    x = float("nan") if v is None else (float("inf") if v == "inf" else float(v))
    return format_metric(key_metric(key)[0], x)


def _status(r: Any) -> str:
    if not r.feasible:
        return "[red]infeasible[/]"
    if r.pareto:
        return "[green]Pareto[/]"
    return "[yellow]dominated[/]"


def _budget(system: Any, key: str) -> str:
    if key.startswith("latency("):
        f = system.flow(key[len("latency(") : -1])
        if f.latency_budget is not None:
            return f" [dim](budget {t_(str(f.latency_budget))})[/]"
    return ""


def renderables(exp: Any, system: Any) -> list[Any]:
    """Rich renderables of an exploration: trade-off table, dominance, infeasibility, presets, recommendation."""
    out: list[Any] = []
    head = (
        f"[bold]{t_(exp.system)}[/]: {exp.size:,} alternatives "
        f"({'declared variants' if exp.mode == 'compare' else 'generated placements'}), "
        f"{exp.feasible:,} feasible, {exp.pareto_count:,} Pareto-optimal"
    )
    evaluated = exp.stats.get("evaluated", exp.size)
    if evaluated < exp.size:
        head += (
            f"\n{evaluated:,} evaluated: the bound skipped the rest (nothing feasible or nothing on the front there)"
        )
    if exp.requirements:
        head += "\nrequirements: " + "; ".join(t_(r.text) for r in exp.requirements)
    if exp.objectives:
        head += "\nobjectives: " + "; ".join(f"{o.sense} {t_(o.key)}" for o in exp.objectives)
    for x in exp.exclusions:
        head += f"\nleft out: {t_(x['component'])} on {t_(x['node'])} ({t_(x['reason'])})"
    out.append(Panel.fit(head))
    rows = list(exp.rows)
    if exp.mode == "compare":
        rows += exp.dominated + exp.infeasible
    elif exp.recommended is None:
        rows += exp.infeasible[:3]
    keys = [k for k in exp.keys if k in exp.criteria]
    rec = exp.recommended.index if exp.recommended else None
    title = (
        "Trade-offs"
        if exp.mode == "compare"
        else (f"Trade-offs of the Pareto-optimal alternatives, best first ({len(exp.rows)} of {exp.pareto_count:,})")
    )
    # one column per alternative, one row per quality: fits a terminal for a handful of alternatives
    for part in range(0, max(len(rows), 1), 6):
        chunk = rows[part : part + 6]
        t = Table(title=title if part == 0 else None, show_lines=False)
        t.add_column("")
        for n, r in enumerate(chunk, start=part + 1):
            label = r.name if exp.mode == "compare" else f"#{n}"
            head = f"[bold]{t_(label)}[/]" + (" [green](recommended)[/]" if r.index == rec else "")
            t.add_column(head, justify="right")
        placed = list(dict.fromkeys(c for r in chunk for c in r.placement))
        for c in placed:
            t.add_row(f"[cyan]{t_(c)}[/] on", *[t_(r.placement.get(c, "")) for r in chunk])
        t.add_row("preset", *[t_((r.preset or "").replace("_", "-")) for r in chunk], end_section=True)
        for k in keys:
            cells = []
            for r in chunk:
                txt = t_(r.text(k))
                if any(f.startswith(q.text + ":") for q in exp.requirements if q.key == k for f in r.failed):
                    txt = f"[red]{txt}[/]"
                cells.append(txt)
            t.add_row(t_(k) + _budget(system, k), *cells)
        t.add_row("status", *[_status(r) for r in chunk], end_section=True)
        out.append(t)
    if exp.unknown:
        out.append(
            "[dim]unknown for every alternative (left out): "
            + "; ".join(f"{t_(k)}: {t_(', '.join(v[:2]))}" for k, v in exp.unknown.items())
            + "[/]"
        )
    if exp.dominated:
        lines = []
        for r in exp.dominated:
            if r.dominated is None:
                continue
            d = r.dominated
            better = t_(
                ", ".join(
                    f"{k} ({format_metric(key_metric(k)[0], d.by_values[k])} vs {r.text(k)})" for k in d.better_on
                )
            )
            lines.append(
                f"[yellow]{t_(r.name)}[/] is dominated by [green]{t_(d.by)}[/]: better on {better}, "
                "no worse on the rest"
            )
        if lines:
            title = "Dominated" + ("" if exp.mode == "compare" else f" (best {len(lines)} shown)")
            out.append(Panel("\n".join(lines), title=title, title_align="left"))
    if exp.infeasible:
        lines = [f"[red]{t_(r.name)}[/]: " + t_("; ".join(r.failed)) for r in exp.infeasible]
        if exp.mode != "compare":
            lines = (
                [f"{t_(k)}: {v:,} alternatives" for k, v in exp.infeasible_reasons.items()]
                + ["closest:"]
                + [f"  {x}" for x in lines[:5]]
            )
        out.append(Panel("\n".join(lines), title="Infeasible", title_align="left"))
    if exp.relaxed:
        front = [x["name"] for x in exp.relaxed if x["pareto"]]
        lines = ["Pareto-optimal if the requirements are set aside: " + t_(", ".join(front))]
        for x in exp.relaxed:
            d = x["dominated_by"]
            if d:
                better = t_(
                    ", ".join(
                        f"{k} ({_fmt(k, d['by_values'][k])} vs {_fmt(k, d['values'][k])})" for k in d["better_on"]
                    )
                )
                lines.append(f"[yellow]{t_(x['name'])}[/] is dominated by [green]{t_(d['by'])}[/]: better on {better}")
        out.append(Panel("\n".join(lines), title="Ignoring the requirements", title_align="left"))
    if exp.presets:
        pt = Table(title="Hulten's placements: qualitative trade-offs, beside the numbers above")
        pt.add_column("")
        for p in exp.presets:
            pt.add_column(PRESETS[p].title)
        for dim in DIMENSIONS:
            pt.add_row(dim, *[PRESETS[p].ratings[dim] for p in exp.presets])
        out.append(pt)
    style = "green" if exp.recommended else "red"
    out.append(Panel(t_(exp.justification), title="Recommendation", title_align="left", border_style=style))
    return out
