"""Rich tables of analysis results, shared by ``archkit analyze`` and the review's analyses section.

Presentation only: every number comes from the typed results; verdicts are coloured (green good,
yellow at risk, red bad, magenta unknown).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from .._escape import terminal, visible
from ._common import Estimate
from ._report import VariantReport, missing_inputs

__all__ = ["verdict_text", "estimate_text", "variant_tables", "VERDICT_STYLES"]

VERDICT_STYLES: dict[str, str] = {
    "meets": "green",
    "ok": "green",
    "fits": "green",
    "planned": "cyan",
    "at risk": "yellow",
    "violates": "bold red",
    "over": "bold red",
    "under": "bold red",
    "unknown": "magenta",
    "no budget": "dim",
    "not required": "dim",
    "no rate": "dim",
    "down": "dim",
}


def verdict_text(v: str) -> Text:
    """A verdict, coloured."""
    return Text(visible(v), style=VERDICT_STYLES.get(v, ""))


def estimate_text(e: Estimate) -> Text:
    """An estimate's text; unknown ones in magenta."""
    return Text(visible(e.text()), style="" if e.known else "magenta")


class _Table(Table):
    """A table whose text cells are model text: shown as written, never read as markup."""

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        super().add_row(*(Text(visible(c)) if isinstance(c, str) else c for c in cells), **kwargs)


def _table(title: str, *cols: str) -> Table:
    t = _Table(title=terminal(title), title_justify="left", show_lines=False, expand=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def variant_tables(vr: VariantReport, breakdown: bool = True, basis: str | None = None) -> list[Any]:
    """The tables of one variant's report, in report order.

    ``basis`` (:meth:`Options.basis`) is printed under the cost table: users, usage hours, peak share, month.
    """
    out: list[Any] = []
    # latency
    t = _table("Latency per flow", "flow", "budget", "best .. worst (typical)", "verdict", "notes")
    for f in vr.latency.flows:
        notes = "; ".join(list(f.total.missing) + f.caveats)
        t.add_row(f.flow, f.budget or "-", estimate_text(f.total), verdict_text(f.verdict), notes)
    out.append(t)
    if breakdown:
        for f in vr.latency.flows:
            b = _table(
                f"  breakdown of '{f.flow}'",
                "step",
                "nodes",
                "route",
                "link latency",
                "transfer",
                "processing",
                "queueing (M/M/c)",
                "step total",
            )
            for s in f.steps:
                q = s.queueing
                qtext = estimate_text(q.wait) if q is not None else Text("-")
                if q is not None and q.servers is not None:
                    qtext.append(f"  c={q.servers}", style="dim")
                b.add_row(
                    s.connector,
                    f"{s.source_node} -> {s.target_node}",
                    ", ".join(s.network.route) or "(same node)",
                    estimate_text(s.network.latency),
                    estimate_text(s.network.transfer),
                    estimate_text(s.processing),
                    qtext,
                    estimate_text(s.total),
                )
            out.append(b)
    # links
    t = _table(
        "Link load",
        "link",
        "direction",
        "load",
        "bandwidth",
        "utilisation",
        "verdict",
        "breaking connector",
        "connectors",
    )
    for d in vr.links.links:
        if d.verdict != "down" and d.load.known and d.load.worst == 0 and not d.shares:
            continue
        t.add_row(
            d.link,
            f"{d.from_node} -> {d.to_node}",
            estimate_text(d.load),
            estimate_text(d.bandwidth),
            estimate_text(d.utilisation),
            verdict_text(d.verdict),
            d.breaking_connector or "",
            str(len(d.shares)),
        )
    out.append(t)
    # cost
    t = _table(
        f"Monthly cost ({f'{vr.cost.users:,}' if vr.cost.users is not None else '?'} users)",
        "category",
        "item",
        "USD / month",
        "detail",
    )
    for item in vr.cost.items:
        t.add_row(
            item.category,
            item.item,
            estimate_text(item.monthly),
            item.detail if item.monthly.known else "; ".join(item.monthly.missing),
        )
    t.add_row(Text("total", style="bold"), "", estimate_text(vr.cost.total), "")
    t.add_row(Text("per user", style="bold"), "", estimate_text(vr.cost.per_user), "")
    if basis:
        t.caption, t.caption_justify = terminal(basis), "left"
    out.append(t)
    # availability
    t = _table(
        "Offline and availability",
        "flow",
        "offline required",
        "works offline",
        "verdict",
        "breaks offline",
        "single points of failure",
        "availability",
    )
    for fa in vr.availability.flows:
        spof = ", ".join(f"{x['kind']} {x.get(x['kind'], '')} ({x['why']})" for x in fa.single_points_of_failure)
        t.add_row(
            fa.flow,
            "yes" if fa.offline_required else "no",
            {True: "yes", False: "no", None: "?"}[fa.works_offline],
            verdict_text(fa.offline_verdict),
            "; ".join(fa.offline_breaks),
            spof,
            estimate_text(fa.availability),
        )
    out.append(t)
    # updates
    t = _table(
        "Model updates", "model", "node", "copies", "per rollout", "per day", "rollout time", "staleness", "USD / month"
    )
    for m in vr.updates.models:
        t.add_row(
            m.model,
            m.node or "-",
            estimate_text(m.copies),
            estimate_text(m.bytes_per_rollout),
            estimate_text(m.bytes_per_day),
            estimate_text(m.rollout_time),
            estimate_text(m.staleness),
            estimate_text(m.monthly_cost),
        )
    out.append(t)
    # resources
    t = _table("Resource fit", "node", "scope", "resource", "need", "have", "verdict")
    for n in vr.resources.nodes:
        for k, chk in enumerate(n.checks):
            t.add_row(
                n.node if k == 0 else "",
                n.scope if k == 0 else "",
                chk.resource,
                Text(visible(chk.need_text), style="" if chk.need.known else "magenta"),
                estimate_text(chk.have),
                verdict_text(chk.verdict),
            )
        if n.battery_hours is not None:
            t.add_row(
                "",
                "",
                "battery",
                Text("energy/h ") + estimate_text(n.energy_per_hour or Estimate.zero("J")),
                Text("lasts ") + estimate_text(n.battery_hours),
                "",
            )
    out.append(t)
    # capacity
    t = _table(
        "Capacity plan (server-side components)",
        "component",
        "node",
        "arrival rate",
        "processing",
        "busy servers",
        "replicas needed",
        "declared",
        "verdict",
    )
    for c in vr.capacity.components:
        t.add_row(
            c.component,
            c.node,
            estimate_text(c.arrival_rate),
            estimate_text(c.processing),
            estimate_text(c.offered_load),
            estimate_text(c.replicas_needed),
            "-" if c.declared is None else str(c.declared),
            verdict_text(c.verdict),
        )
    out.append(t)
    if vr.capacity.nodes:
        t = _table(
            "Fleet size (nodes needed against the most each fleet may have)",
            "node",
            "declared",
            "cores needed",
            "nodes needed",
            "verdict",
        )
        for nc in vr.capacity.nodes:
            size = f"{nc.min_count}..{nc.count}" if nc.min_count is not None else str(nc.count)
            t.add_row(
                nc.node, size, estimate_text(nc.cores_needed), estimate_text(nc.nodes_needed), verdict_text(nc.verdict)
            )
        out.append(t)
    t = _table("Flow throughput ceilings", "flow", "scope", "ceiling", "bottleneck", "demand", "verdict")
    for fc in vr.capacity.flows:
        t.add_row(
            fc.flow,
            fc.scope,
            estimate_text(fc.ceiling),
            fc.bottleneck or "",
            estimate_text(fc.demand),
            verdict_text(fc.verdict),
        )
    out.append(t)
    # privacy
    t = _table(
        "Data leaving user devices",
        "connector",
        "purpose",
        "from -> to",
        "route",
        "sensitivity",
        "leaves the user's devices",
        "encrypted",
    )
    for e in vr.privacy.exits:
        sens = Text(
            e.sensitivity or "unknown",
            style="red" if e.personal and e.leaves_user else ("magenta" if e.sensitivity is None else ""),
        )
        if e.sensitivity_from.endswith("(inherited)"):
            sens.append(" (inherited)", style="dim")
        way = f"{e.source_node} -> {e.target_node}" + (" (response)" if e.leg == "response" else "")
        t.add_row(
            e.connector,
            e.purpose,
            way,
            ", ".join(e.route),
            sens,
            Text("yes", style="yellow") if e.leaves_user else Text("no"),
            {True: "yes", False: "no", None: "?"}[e.encrypted],
        )
    out.append(t)
    t = _table("Telemetry", "connector", "per device per day", "all devices per day", "USD / month")
    for x in vr.privacy.telemetry:
        t.add_row(
            x.connector,
            estimate_text(x.bytes_per_device_per_day),
            estimate_text(x.bytes_per_day),
            estimate_text(x.monthly_cost),
        )
    t.add_row(
        Text("total", style="bold"),
        "",
        estimate_text(vr.privacy.telemetry_per_day),
        estimate_text(vr.privacy.telemetry_monthly_cost),
    )
    out.append(t)
    miss = missing_inputs(vr.to_dict())
    if miss:
        t = _table("Missing inputs (declare these to make the unknown results known)", "#", "what to declare")
        for num, what in enumerate(miss, 1):
            t.add_row(str(num), what)
        out.append(t)
    return out
