"""Commands that hold a running system against its model: verify, calibrate (see docs/deploy.md)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from ..errors import ArchkitError
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    cells,
    counting,
    emit_json,
    fail,
    load_model,
    stdout,
    terminal,
    write_output,
)


class VerifyFormat(str, Enum):
    """Output format of ``archkit verify``."""

    text = "text"
    json = "json"
    sarif = "sarif"


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:+.1f} %"


def _print_drift(result: Any) -> None:
    con = stdout()
    where = f"variant {result.variant}" if result.variant else "the base placement"
    checks = sum(result.checked.values())
    if not result.findings:
        con.print(
            f"[green]no drift[/]: '{terminal(result.system)}' runs as the model declares for {terminal(where)}, "
            f"flow {terminal(result.flow)} ({checks} checks)",
            highlight=False,
        )
    else:
        con.print(
            f"[red]drift[/]: {len(result.findings)} difference(s) between what runs and the model "
            f"({terminal(where)}, {checks} checks)",
            highlight=False,
        )
        table = Table(title="drift", title_justify="left")
        for col in ("rule", "application", "deployment", "element", "difference"):
            table.add_column(col)
        for f in result.findings:
            table.add_row(*cells(f.rule, f.app, f.deployment or "-", f"{f.element[0]} {f.element[1]}", f.message))
        con.print(table)
        fixes = list(dict.fromkeys(f.fix for f in result.findings))
        for fix in fixes:
            con.print(f"[dim]fix:[/] {terminal(fix)}", highlight=False)
    if result.placements:
        table = Table(title="replicas and the Ray nodes they run on", title_justify="left")
        for col in ("deployment", "replica", "declared node", "Ray node", "advertises", ""):
            table.add_column(col)
        for p in result.placements:
            table.add_row(
                *cells(
                    p.deployment,
                    p.replica,
                    p.node,
                    p.ray_node,
                    ", ".join(p.ray_node_resources) or "-",
                    "ok" if p.ok else "WRONG NODE",
                )
            )
        con.print(table)
    for note in result.notes:
        con.print(f"[dim]note:[/] {terminal(note)}", highlight=False)


def _print_load(check: Any) -> None:
    con = stdout()
    load = check.load
    table = Table(
        title=f"flow {check.flow}: predicted against measured ({load.get('ok')} of {load.get('requests')} "
        f"requests answered, concurrency {load.get('concurrency')})",
        title_justify="left",
    )
    for col, justify in (
        ("step", "left"),
        ("predicted ms", "right"),
        (f"{check.point} ms", "right"),
        ("queueing ms", "right"),
        ("measured p50", "right"),
        ("p95", "right"),
        ("error", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]

    def row(name: str, predicted: dict[str, Any], queueing: Any, p50: Any, p95: Any, error: Any) -> None:
        span = f"{predicted['best_ms']:.1f}..{predicted['worst_ms']:.1f}" if predicted.get("known") else "unknown"
        table.add_row(
            *cells(name, span, _ms(predicted.get(f"{check.point}_ms")), _ms(queueing), _ms(p50), _ms(p95), _pct(error))
        )

    for step in check.steps:
        row(
            step.connector, step.predicted, step.queueing_ms, step.measured_p50_ms, step.measured_p95_ms, step.error_pct
        )
    row(
        f"flow {check.flow} (end to end)",
        check.predicted,
        None,
        check.measured_p50_ms,
        check.measured_p95_ms,
        check.error_pct,
    )
    con.print(table)
    for err in load.get("errors") or []:
        con.print(f"[red]{terminal(err)}[/]", highlight=False)


def verify_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variant: Optional[str] = typer.Option(
        None, "--variant", "-v", help="Variant to hold the running system against; the deployed one if omitted."
    ),
    flow: Optional[str] = typer.Option(None, "--flow", help="Flow served; the deployed one if omitted."),
    address: Optional[str] = typer.Option(
        None, "--address", help="Ray to read: 'auto' or HOST:PORT; where the deployment was recorded if omitted."
    ),
    load: int = typer.Option(
        0, "--load", min=0, help="Also send N requests to the flow and set the measured latency beside the prediction."
    ),
    concurrency: int = typer.Option(1, "--concurrency", "-c", min=1, help="Clients sending at the same time (--load)."),
    images: Optional[Path] = typer.Option(None, "--images", help="Folder of input files, sent round robin (--load)."),
    time_limit: float = typer.Option(300.0, "--time-limit", help="Stop the load after this many seconds."),
    max_error: Optional[float] = typer.Option(
        None,
        "--max-error",
        min=0.0,
        help="With --load: exit 1 when the flow's measured p50 is further than this many percent from the prediction.",
    ),
    format: VerifyFormat = typer.Option(VerifyFormat.text, "--format", "-f", help="text, json or sarif."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the json/sarif report to this file."),
) -> None:
    """Compare what runs on Ray Serve with the model (drift), and with --load the measured latency with the
    predicted one. Exit 1 on drift, on failed requests or beyond --max-error."""
    from ..errors import UsageError
    from ..runtime import verify, verify_sarif

    fmt = Format.json if format != VerifyFormat.text else Format.text
    system = load_model(model, fmt)
    check = None
    try:
        if load and images is None:
            raise UsageError("--load needs --images DIR with the files to send (e.g. PNG or JPEG images)")
        result = verify(model, variant, flow=flow, address=address)
        if load:
            check = _load_check(system, model, result, images, load, concurrency, time_limit, fmt)  # type: ignore[arg-type]
    except ArchkitError as exc:
        fail(exc, fmt, model)
    if format == VerifyFormat.sarif:
        text = verify_sarif(result)
    elif format == VerifyFormat.json:
        import json

        from .._escape import json_safe

        doc = result.to_dict()
        doc["load"] = check.to_dict() if check is not None else None
        text = json_safe(json.dumps(doc, indent=2, ensure_ascii=False, default=str)) + "\n"
    else:
        text = None
    if text is not None:
        if output is not None:
            write_output(output, text, fmt, model)
        else:
            typer.echo(text, nl=False)
    else:
        _print_drift(result)
        if check is not None:
            _print_load(check)
    failed = check is not None and check.load.get("ok", 0) < check.load.get("requests", 0)
    beyond = (
        check is not None and max_error is not None and (check.error_pct is None or abs(check.error_pct) > max_error)
    )
    if result.drift or failed or beyond:
        raise typer.Exit(EXIT_PROBLEMS)


def _load_check(
    system: Any, model: str, result: Any, images: Path, requests: int, concurrency: int, time_limit: float, fmt: Format
) -> Any:
    from ..runtime import compare_load, find_deployment, read_inputs, run_load

    record = find_deployment(model)
    if record is None:
        from ..errors import UsageError

        raise UsageError(f"{model} is not deployed here; --load sends requests to a deployment archkit recorded")
    inputs = read_inputs(images)
    with counting(f"POST {record['url']}", requests, show=fmt != Format.json, transient=True) as advance:
        report = run_load(
            record["url"], inputs, requests=requests, concurrency=concurrency, time_limit=time_limit, progress=advance
        )
    return compare_load(system, result.variant, result.flow, report)


def calibrate_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="The calibrated copy of the model (.yaml or .json)."),
    images: Path = typer.Option(..., "--images", help="Folder of input files for the flow's entry, used round robin."),
    node_kind: str = typer.Option(
        "cloud", "--node-kind", help="Kind of node this machine stands for; the measured times are written for it."
    ),
    flow: Optional[str] = typer.Option(None, "--flow", help="Flow to run; the first declared flow if omitted."),
    variant: Optional[str] = typer.Option(
        None, "--variant", "-v", help="Placement whose deployments are run (how components are grouped)."
    ),
    requests: int = typer.Option(50, "--requests", "-n", min=1, help="Requests measured (after the warm-up)."),
    warmup: int = typer.Option(3, "--warmup", min=0, help="Requests sent first and not counted."),
    time_limit: float = typer.Option(120.0, "--time-limit", help="Stop measuring after this many seconds."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Measure the implemented components on this machine (p5/p50/p95) and write them into a copy of the model."""
    from ..io import to_json, to_yaml
    from ..runtime import calibrate, model_file, read_inputs
    from ._common import check_variant

    system = load_model(model, format)
    check_variant(system, variant, format)
    suffix = output.suffix.lower()
    try:
        if suffix not in (".yaml", ".yml", ".json"):
            from ..errors import UsageError

            raise UsageError(f"cannot tell the format of '{output}': name it .yaml, .yml or .json")
        inputs = read_inputs(images)
        kwargs: dict[str, Any] = dict(
            model_path=model_file(model),
            variant=variant,
            flow=flow,
            node_kind=node_kind,
            requests=requests,
            warmup=warmup,
            time_limit=time_limit,
        )
        with counting("measuring", requests, show=format != Format.json, transient=True) as advance:
            result = calibrate(system, inputs, progress=advance, **kwargs)
    except ArchkitError as exc:
        fail(exc, format, model)
    write_output(output, to_json(result.system) if suffix == ".json" else to_yaml(result.system), format, model)
    if format == Format.json:
        emit_json({**result.to_dict(), "output": str(output)})
        return
    con = stdout()
    table = Table(
        title=f"processing times on this machine (node kind '{terminal(node_kind)}'), "
        f"{result.requests} requests of flow {terminal(result.flow)}",
        title_justify="left",
    )
    for col in ("component", "p5 ms", "p50 ms", "p95 ms", "written", "declared before / kept"):
        table.add_column(col, justify="right" if col.endswith("ms") else "left")
    for c in result.components:
        if c.measured:
            written = ", ".join(f"{c.field}[{k}]" for k in c.keys)
            table.add_row(*cells(c.component, _ms(c.p5_ms), _ms(c.p50_ms), _ms(c.p95_ms), written, c.declared or "-"))
        else:
            table.add_row(
                *cells(
                    c.component, "-", "-", "-", "kept as declared", f"{c.declared or 'nothing declared'} ({c.reason})"
                )
            )
    con.print(table)
    if result.failed:
        con.print(f"[red]{result.failed} request(s) failed[/]", highlight=False)
        for err in result.errors:
            con.print(f"[red]{terminal(err)}[/]", highlight=False)
    con.print(f"wrote {terminal(str(output))}", highlight=False)
