"""Quantitative deployment-fit checks, computed by the analyses in :mod:`archkit.analysis`.

Each check turns an analysis verdict into hits: "violates"/"over" (even the best case misses) is a
finding at the entry's severity (error); "at risk" (only the worst case misses) is a finding at
warning; "unknown" is an undecided hit that names what to declare.
"""

from __future__ import annotations

from typing import Any, Iterator

from .._context import Context
from .._registry import Hit, detector


def _analysis(ctx: Context) -> Any:
    """The analysis package, imported when a check first needs it (keeps ``import archkit`` light).

    Returns None when this installation has no :mod:`archkit.analysis`; the checks then report undecided.
    """
    try:
        import archkit.analysis as analysis
    except ImportError:
        return None
    return analysis


def _no_analysis(ctx: Context, what: str) -> Hit:
    return ctx.unknown([ctx.system], f"{what} needs archkit.analysis, which this installation lacks")


def _missing(estimate: Any) -> str:
    return "; ".join(list(estimate.missing)[:3]) or "declare the missing figures"


@detector("latency-budget")
def latency_budget(ctx: Context) -> Iterator[Hit]:
    """Flows whose end-to-end latency exceeds their budget (the latency analysis)."""
    flows = [f for f in ctx.system.flows if f.latency_budget is not None]
    if not flows:
        return
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the latency check")
        return
    for f in flows:
        res = an.flow_latency(ctx.analysis, f.id)
        if res.verdict == "violates":
            yield ctx.found(
                [f], f"flow '{f.id}' takes {res.total.text()}, over its budget of {res.budget}{_why_slow(res)}"
            )
        elif res.verdict == "at risk":
            yield ctx.found(
                [f],
                f"flow '{f.id}' takes {res.total.text()}; the worst case is "
                f"over its budget of {res.budget}{_why_slow(res)}",
                severity="warning",
            )
        elif res.verdict == "unknown":
            yield ctx.unknown([f], f"latency of flow '{f.id}' is unknown: {_missing(res.total)}")


def _saturated(res: Any) -> list[Any]:
    """Steps whose target's queue is at or over capacity in the worst case (the latency analysis)."""
    return [
        st
        for st in res.steps
        if st.queueing is not None and st.queueing.utilisation.known and (st.queueing.utilisation.worst or 0) >= 1
    ]


def _slowest(res: Any) -> Any:
    known = [st for st in res.steps if st.total.known]
    return max(known, key=lambda st: st.total.typical or 0.0) if known else None


def _why_slow(res: Any) -> str:
    """The figure behind a latency verdict: saturated components first, else the slowest step (named in
    the message only: the finding's elements, and so its fingerprint, stay the flow)."""
    full = _saturated(res)
    if full:
        return "; " + "; ".join(
            f"'{st.target}' is saturated (utilisation {st.queueing.utilisation.text()} with "
            f"{st.queueing.servers} server{'s' if st.queueing.servers != 1 else ''})"
            for st in full
        )
    st = _slowest(res)
    return f"; the slowest step is '{st.connector}' ({st.total.text()})" if st is not None else ""


@detector("link-capacity")
def link_capacity(ctx: Context) -> Iterator[Hit]:
    """Links that carry more than their bandwidth in some direction (the link-load analysis)."""
    if not ctx.system.links:
        return
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the link capacity check")
        return
    for d in an.link_load(ctx.analysis).links:
        lk = next(x for x in ctx.system.links if x.id == d.link)
        elements: list[Any] = [lk]
        if d.breaking_connector is not None:
            elements.append(ctx.connectors[d.breaking_connector])
        what = f"link '{d.link}' ({d.medium}) {d.from_node} -> {d.to_node}"
        use = f"utilisation {d.utilisation.text()}" if d.utilisation.known else "utilisation unknown"
        by = f", first over at '{d.breaking_connector}'" if d.breaking_connector else ""
        if d.verdict == "violates":
            yield ctx.found(elements, f"{what} must carry {d.load.text()} but has {d.bandwidth.text()} ({use}{by})")
        elif d.verdict == "at risk":
            yield ctx.found(
                elements,
                f"{what} may need {d.load.text()} against {d.bandwidth.text()} in the worst case ({use}{by})",
                severity="warning",
            )
        elif d.verdict == "unknown" and (d.load.inputs or d.bandwidth.known):
            # silent while neither the traffic nor the link's capacity is declared: nothing to weigh yet
            yield ctx.unknown(
                [lk], f"load on {what} is unknown: {_missing(d.load if not d.load.known else d.bandwidth)}"
            )


@detector("resource-fit")
def resource_fit(ctx: Context) -> Iterator[Hit]:
    """Nodes that cannot hold the components placed on them (the resource analysis)."""
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the resource check")
        return
    for n in an.resources(ctx.analysis).nodes:
        node = ctx.nodes.get(n.node)
        if node is None:
            continue
        comps = [ctx.components[c] for c in n.components if c in ctx.components]
        for check in n.checks:
            what = f"{check.resource} on '{n.node}' ({n.scope})"
            if check.verdict == "over":
                yield ctx.found([node, *comps[:3]], f"{what}: needs {check.need_text}, has {check.have.text()}")
            elif check.verdict == "at risk":
                yield ctx.found(
                    [node, *comps[:3]],
                    f"{what}: needs up to {check.need.text()}, has {check.have.text()}",
                    severity="warning",
                )
            elif (
                check.verdict == "unknown"
                and check.resource == "memory"
                and (
                    node.memory is not None
                    or any(c.memory is not None or (c.model is not None and c.model.memory is not None) for c in comps)
                )
            ):
                # silent while neither the node's memory nor any component's is declared
                yield ctx.unknown(
                    [node], f"{what} is unknown: {_missing(check.need if not check.need.known else check.have)}"
                )


@detector("capacity")
def capacity_plan(ctx: Context) -> Iterator[Hit]:
    """Components, fleets and flows short of capacity (the capacity analysis)."""
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the capacity check")
        return
    plan = an.capacity(ctx.system, ctx.variant)
    for c in plan.components:
        if c.verdict not in ("under", "at risk") or c.declared is None:
            continue
        comp = ctx.components[c.component]
        has = f"{c.declared:,} replica{'s' if c.declared != 1 else ''}"
        if c.verdict == "under":
            yield ctx.found([comp], f"'{c.component}' on '{c.node}' has {has}, needs {c.replicas_needed.text()}")
        elif c.verdict == "at risk":
            yield ctx.found(
                [comp],
                f"'{c.component}' on '{c.node}' has {has}, needs up to {c.replicas_needed.text()}",
                severity="warning",
            )
    for n in plan.nodes:
        node = ctx.nodes.get(n.node)
        if node is not None and n.verdict in ("under", "at risk"):
            yield ctx.found(
                [node], f"fleet '{n.node}' {n.summary}", severity=None if n.verdict == "under" else "warning"
            )
    for f in plan.flows:
        flow = next(x for x in ctx.system.flows if x.id == f.flow)
        what = f"flow '{f.flow}' is asked for {f.demand.text()} ({f.scope}), its ceiling is {f.ceiling.text()}" + (
            f" (bottleneck '{f.bottleneck}')" if f.bottleneck else ""
        )
        if f.verdict == "over":
            yield ctx.found([flow], what)
        elif f.verdict == "at risk":
            yield ctx.found([flow], what + "; only the worst case is over", severity="warning")


MONTHLY_LIMIT_USD = 1000.0
"""Model distribution over metered links costing more than this per month (all devices together) is a finding."""
DEVICE_LIMIT_USD = 0.10
"""... or more than this per device and month (what one user's data plan pays for updates)."""
DELTA_SHARE = 0.1
"""Assumed size of a delta update against the full model, for the alternatives the finding offers."""


def _usd(v: float) -> str:
    return f"{v:,.2f} USD"


@detector("metered-model-distribution")
def metered_model_distribution(ctx: Context) -> Iterator[Hit]:
    """Shipping new model versions over metered links costs more than a limit per month or per device
    (the updates analysis: size x devices x updates per month x price of the links on the way)."""
    if not any(e.purpose == "model_artifact" for e in ctx.system.connectors):
        return
    an = _analysis(ctx)
    if an is None:
        yield _no_analysis(ctx, "the model distribution check")
        return
    from archkit.analysis import link_price

    links = {lk.id: lk for lk in ctx.system.links}
    for u in an.updates(ctx.analysis).models:
        if u.channel is None or not u.route:
            continue
        prices = [(links[r], link_price(links[r])) for r in u.route]
        metered = [lk for lk, p in prices if p is not None and (not p.known or (p.worst or 0) > 0)]
        if not metered:
            continue
        m = ctx.components[u.model]
        if not u.monthly_cost.known or not u.copies.known:
            yield ctx.unknown(
                [m, *metered],
                f"the monthly cost of shipping '{m.id}' over metered link "
                f"{', '.join(repr(lk.id) for lk in metered)} is unknown: {_missing(u.monthly_cost if not u.monthly_cost.known else u.copies)}",
            )
            continue
        cost, copies = u.monthly_cost, u.copies
        per_device = cost.per(copies, "USD/month")
        over_best = (cost.best or 0) > MONTHLY_LIMIT_USD or (per_device.best or 0) > DEVICE_LIMIT_USD
        over_worst = (cost.worst or 0) > MONTHLY_LIMIT_USD or (per_device.worst or 0) > DEVICE_LIMIT_USD
        if not over_worst:
            continue
        c_typ, d_typ = cost.typical or 0.0, per_device.typical or 0.0
        via = ", ".join(f"'{lk.id}' ({lk.medium})" for lk in metered)
        info = m.model
        what = f"{info.size} every {info.update_period}" if info is not None else "its artifact"
        devices = f"{copies.typical:,.0f} device{'s' if copies.typical != 1 else ''}"
        yield ctx.found(
            [m, ctx.connectors[u.channel], *metered],
            f"shipping model '{m.id}' ({what}) to {devices} over {via} costs {cost.text()}, "
            f"{per_device.text()} per device (limits {_usd(MONTHLY_LIMIT_USD)} a month, "
            f"{_usd(DEVICE_LIMIT_USD)} per device)",
            severity=None if over_best else "warning",
            fix=f"Cheaper ways to update '{m.id}': delta updates (at {DELTA_SHARE:.0%} of the model about "
            f"{_usd(c_typ * DELTA_SHARE)} a month), downloads on Wi-Fi only (no metered cost; declare the "
            f"artifact route over an unmetered link), or a longer update_period (four times as long: about "
            f"{_usd(c_typ / 4)} a month, {_usd(d_typ / 4)} per device).",
        )
