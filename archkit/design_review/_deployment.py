"""Review section: what ``archkit deploy`` would run where, per variant, and its Serve config.

For each variant the section plans the deployment (see :mod:`archkit.runtime._plan`) with the
declared sizes, as on a cluster (nodes as Ray resources ``node:<id>``), so the result does not
depend on the machine the review runs on. It lists one Serve application per node, the
deployments with their components, replicas and CPUs, and each call that crosses links with the
link time the model predicts for it. With an output folder, the Serve config of each variant is
written there as ``serve-<variant>.yaml``.

Status: error when a variant cannot be deployed as declared; warning when a call's route is cut by
a link that is down (the call would fail); info when flow steps are skipped for lack of an
implementation; ok otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from .._escape import terminal
from ..errors import ArchkitError
from . import ReviewContext, Section, Status


def _model_path(source: str) -> str | None:
    path = Path(source.split(":")[0]) if source and not Path(source).exists() else Path(source or "")
    return str(path.resolve()) if source and path.exists() else None


def section(ctx: ReviewContext) -> Section:
    """Plan every variant's deployment and summarise it."""
    from ..runtime import build_plan, serve_config_yaml

    system = ctx.system
    model_path = _model_path(ctx.source)
    if not system.flows or not any(c.implementation for c in system.components):
        return Section(
            "deployment",
            "Deployment",
            "info",
            "Nothing to deploy: no flow, or no component names an implementation ('module:Class').",
            {"variants": []},
        )
    rows: list[dict[str, Any]] = []
    table = Table(title="Deployment per variant (Ray Serve, one application per node)")
    for col in ("variant", "node", "deployments: components x replicas @ CPUs", "calls across links"):
        table.add_column(col)
    status: Status = "ok"
    for variant in ctx.scenarios:
        name = variant or "(base)"
        try:
            plan = build_plan(system, variant, emulate_links=False, model_path=model_path)
        except ArchkitError as exc:
            status = "error"
            rows.append({"variant": variant, "error": str(exc)})
            table.add_row(name, "[red]cannot deploy[/]", terminal(str(exc)), "")
            continue
        crossings: list[dict[str, Any]] = []
        for spec in plan.deployments:
            for call in spec.calls:
                if call.crossing is None:
                    continue
                crossings.append(
                    {
                        "connector": call.connector,
                        "links": [h.link for h in call.crossing.hops],
                        "down": call.crossing.down,
                        "expected_ms": call.crossing.expected_ms,
                    }
                )
        if any(c["down"] for c in crossings):
            status = "warning" if status == "ok" or status == "info" else status
        elif plan.skipped and status == "ok":
            status = "info"
        config = serve_config_yaml(plan, model_path or ctx.source)
        if ctx.out_dir is not None:
            ctx.out_dir.mkdir(parents=True, exist_ok=True)
            (ctx.out_dir / f"serve-{variant or 'base'}.yaml").write_text(config)
        for index, app in enumerate(plan.apps):
            deps = []
            for dep_name in app.deployments:
                spec = plan.deployment(dep_name)
                scaling = spec.autoscaling or {}
                replicas = (
                    spec.num_replicas
                    if spec.num_replicas is not None
                    else f"{scaling['min_replicas']}..{scaling['max_replicas']}"
                )
                deps.append(f"{dep_name}: {'+'.join(c.id for c in spec.components)} x{replicas} @{spec.num_cpus:g}")
            calls = [
                f"{c['connector']} via {'+'.join(c['links'])}"
                + (
                    f" [red](down: {', '.join(c['down'])})[/]"
                    if c["down"]
                    else f" ~{c['expected_ms']:g} ms"
                    if c["expected_ms"] is not None
                    else " (time unknown)"
                )
                for c in crossings
                if c["connector"] and index == 0
            ]
            table.add_row(name if index == 0 else "", app.node, "\n".join(deps), "\n".join(calls))
        rows.append(
            {
                "variant": variant,
                "endpoint": plan.endpoint,
                "apps": [a.model_dump(mode="json") for a in plan.apps],
                "deployments": [d.model_dump(mode="json") for d in plan.deployments],
                "crossings": crossings,
                "skipped": plan.skipped,
                "serve_config": config,
            }
        )
    deployable = sum(1 for r in rows if "error" not in r)
    summary = (
        f"{deployable} of {len(rows)} placements can be deployed with 'archkit deploy'; each runs one "
        f"Serve application per node, the flow's entry as an HTTP ingress."
    )
    return Section("deployment", "Deployment", status, summary, {"variants": rows}, [table])
