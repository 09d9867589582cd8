"""Review section: every quality analysis for every variant, summarised side by side.

The full figures are in the section's data (the JSON form of :mod:`archkit.analysis._report`);
the terminal shows one row per variant: latency verdict per flow, worst link, monthly cost,
offline behaviour, resource fit and capacity, and then the inputs still missing.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from .._escape import terminal, visible
from . import ReviewContext, Section, Status


def section(ctx: ReviewContext) -> Section:
    from ..analysis import analyze_all, missing_inputs, variant_verdicts, verdict_text

    s = ctx.system
    options = ctx.analysis_options()
    report = analyze_all(s, ctx.scenarios, options)
    data = report.to_dict()
    flows = [f.id for f in s.flows]
    t = Table(title="Analyses per variant (details: archkit analyze MODEL --all-variants)", title_justify="left")
    t.add_column("variant")
    for f in flows:
        t.add_column(f"latency {terminal(f)}")
    for col in ("links", "cost / month", "offline", "resources", "capacity"):
        t.add_column(col)
    bad: list[str] = []
    risky: list[str] = []
    lines: list[str] = []
    for vr in report.variants:
        name = vr.variant or "base"
        cells: list[Text] = []
        for fl in vr.latency.flows:
            cell = verdict_text(fl.verdict)
            cell.append(f"\n{visible(fl.total.text())}", style="dim")
            cells.append(cell)
        verdicts = variant_verdicts(vr)  # each column: the things that declare a requirement for it
        link_v, off_v, res_v, cap_v = verdicts.links, verdicts.offline, verdicts.resources, verdicts.capacity
        cost = Text(visible(vr.cost.total.text()), style="" if vr.cost.total.known else "magenta")
        t.add_row(
            Text(visible(name)),
            *cells,
            verdict_text(link_v),
            cost,
            verdict_text(off_v),
            verdict_text(res_v),
            verdict_text(cap_v),
        )
        if not verdicts.feasible:
            bad.append(name)
        elif "at risk" in (verdicts.latency, link_v, off_v, res_v, cap_v):
            risky.append(name)
        lines.append(f"{name}: " + ", ".join(f"{fl.flow} {fl.verdict}" for fl in vr.latency.flows))
    miss = missing_inputs(data)
    status: Status = "error" if bad else ("warning" if risky or miss else "ok")
    summary = (
        f"{len(report.variants)} variant(s) analysed; "
        + (f"violations in: {', '.join(bad)}; " if bad else "")
        + (f"at risk: {', '.join(risky)}; " if risky else "")
        + f"{len(miss)} input(s) missing. Latency: "
        + " | ".join(lines)
        + f". Costs and loads {options.basis(s)}."
    )
    t.caption, t.caption_justify = terminal(options.basis(s)), "left"
    renderables: list = [t]
    if miss:
        m = Table(title="Inputs still missing", title_justify="left")
        m.add_column("what to declare")
        for x in miss:
            m.add_row(Text(visible(x)))
        renderables.append(m)
    return Section("analyses", "Analyses", status, summary, data, renderables)
