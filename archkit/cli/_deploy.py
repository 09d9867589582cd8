"""Deployment commands: deploy, status, undeploy, serve-config, load (see docs/deploy.md)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .._words import count
from ..errors import ArchkitError, UsageError
from ._common import (
    EXIT_PROBLEMS,
    MODEL_HELP,
    Format,
    check_variant,
    counting,
    emit_json,
    fail,
    finite,
    load_model,
    stdout,
    terminal,
    write_output,
)


class RayAuth(str, Enum):
    """Authentication of a local Ray head."""

    token = "token"
    disabled = "disabled"


class Edge(str, Enum):
    """The HTTP edge of a local Ray head."""

    haproxy = "haproxy"
    proxy = "proxy"


VARIANT_HELP = "Variant to deploy (its placement and links that are down); the base placement if omitted."
FLOW_HELP = "Flow to serve over HTTP; the first declared flow if omitted."


def _apps_table(record: dict) -> Table:
    table = Table(title="Serve applications", title_justify="left")
    for col in ("application", "node", "route", "deployments", "status"):
        table.add_column(col)
    for app in record["apps"]:
        deps = app["deployments"]
        names = ", ".join(d["name"] if isinstance(d, dict) else d for d in deps)
        table.add_row(app["name"], app["node"], app["route_prefix"], names, app.get("status", "RUNNING"))
    return table


def deploy_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help=VARIANT_HELP),
    flow: Optional[str] = typer.Option(None, "--flow", help=FLOW_HELP),
    address: Optional[str] = typer.Option(
        None, "--address", help="Ray to use: 'auto' or ray://HOST:PORT; a local head is started if omitted."
    ),
    no_emulate_links: bool = typer.Option(
        False,
        "--no-emulate-links",
        help="Do not delay calls across nodes; map nodes to Ray resources 'node:<id>' instead (a real cluster).",
    ),
    no_emulate_devices: bool = typer.Option(
        False,
        "--no-emulate-devices",
        help="Run components at this machine's speed instead of padding each to the time declared for its node "
        "(padding is on with link emulation).",
    ),
    http_port: Optional[int] = typer.Option(None, "--http-port", help="Port of Serve's HTTP proxy (default 8000)."),
    timeout: float = typer.Option(
        300.0, "--timeout", min=1, callback=finite, help="Seconds to wait for the applications to run."
    ),
    ray_auth: RayAuth = typer.Option(
        RayAuth.token,
        "--ray-auth",
        help="Authentication of the local Ray head archkit starts: token (a fresh token only archkit's "
        "commands know) or disabled.",
    ),
    edge: Optional[Edge] = typer.Option(
        None,
        "--edge",
        help="HTTP edge of the local Ray head archkit starts: haproxy (HAProxy in front of the ingress "
        "replicas; the default when haproxy is installed) or proxy (Serve's own HTTP proxy).",
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Run a variant on Ray Serve: one application per node, HTTP ingress on 127.0.0.1."""
    from ..runtime import deploy

    system = load_model(model, format)
    check_variant(system, variant, format)
    try:
        record = deploy(
            model,
            variant,
            flow=flow,
            address=address,
            emulate_links=not no_emulate_links,
            emulate_devices=False if no_emulate_devices else None,
            http_port=http_port,
            timeout=timeout,
            ray_auth=ray_auth.value,
            edge_mode=edge.value if edge is not None else None,
        )
    except ArchkitError as exc:
        fail(exc, format, model)
    if format == Format.json:
        emit_json({k: v for k, v in record.items() if k != "plan"})
        return
    con = stdout()
    con.print(
        f"[green]deployed[/] '{record['system']}' variant {record['variant'] or '(base)'}: "
        f"POST images to [bold]{record['url']}[/]",
        highlight=False,
    )
    con.print(_apps_table(record))
    for note in record["plan"]["notes"] + record["plan"]["skipped"]:
        con.print(f"[dim]note:[/] {note}", highlight=False)


def status_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Show where a model is deployed and whether its applications run (exit 1 if not deployed or unhealthy)."""
    from ..runtime import status

    load_model(model, format)
    try:
        report = status(model)
    except ArchkitError as exc:
        fail(exc, format, model)
    if format == Format.json:
        emit_json(report)
    elif not report["deployed"]:
        stdout().print(f"'{report['system']}' is not deployed", highlight=False)
    else:
        con = stdout()
        state = "[green]healthy[/]" if report["healthy"] else "[red]not healthy[/]"
        con.print(
            f"'{report['system']}' variant {report['variant'] or '(base)'}: {state}; endpoint {report['url']}",
            highlight=False,
        )
        if report.get("error"):
            con.print(f"[red]{report['error']}[/]", highlight=False)
        con.print(_apps_table(report))
        seen = report.get("exposure")
        if seen is not None:
            exposed = seen["exposed"]
            where = (
                "[green]all on loopback[/]"
                if not exposed
                else "[red]reachable from the network: "
                + ", ".join(f"{row['process']} on {row['address']}:{row['port']}" for row in exposed)
                + "[/]"
            )
            con.print(f"listening sockets of the Ray head: {len(seen['listening'])}, {where}", highlight=False)
    if not report["deployed"] or not report.get("healthy"):
        raise typer.Exit(EXIT_PROBLEMS)


def undeploy_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Remove a model's applications (and the local Ray head archkit started, if nothing else runs on it)."""
    from ..runtime import undeploy

    load_model(model, format)
    try:
        result = undeploy(model)
    except ArchkitError as exc:
        fail(exc, format, model)
    if format == Format.json:
        emit_json(result)
        return
    if not result["was_deployed"]:
        stdout().print(f"'{result['system']}' was not deployed; nothing to remove", highlight=False)
        return
    extra = " and stopped the local Ray head" if result["stopped_head"] else ""
    stdout().print(f"removed {', '.join(result['removed']) or 'no applications'}{extra}", highlight=False)


def serve_config_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    variant: Optional[str] = typer.Option(None, "--variant", "-v", help=VARIANT_HELP),
    flow: Optional[str] = typer.Option(None, "--flow", help=FLOW_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write; stdout if omitted."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address the HTTP proxy binds."),
    port: int = typer.Option(8000, "--port", help="Port of the HTTP proxy."),
    no_emulate_links: bool = typer.Option(
        False, "--no-emulate-links", help="Map nodes to Ray resources 'node:<id>' instead of emulating links."
    ),
    no_emulate_devices: bool = typer.Option(
        False, "--no-emulate-devices", help="Do not pad components to the time declared for their node."
    ),
    cpus: Optional[float] = typer.Option(
        None, "--cpus", min=0.1, callback=finite, help="CPUs to fit into when emulating (default: this machine's)."
    ),
    package: Optional[Path] = typer.Option(
        None,
        "--package",
        help="Zip to write the model's folder into; the config ships it as runtime_env.working_dir "
        "(default with -o: the output's name with .zip).",
    ),
    package_uri: Optional[str] = typer.Option(
        None,
        "--package-uri",
        help="Where the cluster fetches the package (https://, s3://, gs://, file://; default: file:// of "
        "the written zip).",
    ),
) -> None:
    """Write the Serve config file (for `serve deploy` or a KubeRay RayService) of a variant.

    With -o (or --package) the model's folder is written as a zip package next to it and the config
    names the model relative to that package, so it runs on machines that never saw this one's files.
    """
    from ..runtime import model_file, plan_for, serve_config_yaml, write_model_package

    system = load_model(model)
    check_variant(system, variant)
    try:
        plan = plan_for(
            model,
            variant,
            flow,
            emulate_links=not no_emulate_links,
            cpus=cpus,
            emulate_devices=False if no_emulate_devices else None,
        )
    except ArchkitError as exc:
        fail(exc, Format.text, model)
    path = model_file(model)
    if package is None and output is not None and path is not None:
        package = output.with_suffix(".zip")
    if package_uri is not None and package is None:
        fail(
            UsageError(
                "--package-uri names where the package is fetched from; give -o or --package to write it "
                "(a module:attr model needs no package: it is imported on the cluster)"
            ),
            Format.text,
        )
    working_dir = None
    model_arg = path or model
    if package is not None and path is not None:
        try:
            model_arg = write_model_package(model, package)
        except OSError as exc:
            from ..io import os_error_text

            fail(UsageError(f"cannot write '{package}': {os_error_text(exc)}"), Format.text, model)
        working_dir = package_uri or package.resolve().as_uri()
    text = serve_config_yaml(plan, model_arg, host=host, port=port, working_dir=working_dir)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_output(output, text, Format.text, model)
        shipped = f", model shipped in {terminal(str(package))}" if working_dir else ""
        stdout().print(
            f"wrote {terminal(str(output))} ({count(len(plan.apps), 'application')}{shipped})", highlight=False
        )


def load_cmd(
    target: str = typer.Argument(..., help="A deployed model (as for deploy) or the flow's URL."),
    requests: int = typer.Option(100, "--requests", "-n", help="Requests to send in all."),
    concurrency: int = typer.Option(1, "--concurrency", "-c", help="Clients sending at the same time."),
    images: Optional[Path] = typer.Option(None, "--images", help="Folder of input files, sent round robin."),
    time_limit: float = typer.Option(
        300.0, "--time-limit", min=0.1, callback=finite, help="Stop after this many seconds."
    ),
    retries: int = typer.Option(
        0,
        "--retries",
        min=0,
        help="Send a request again after a 503, up to this many times, after the wait the answer asks for.",
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Load-test a deployed flow: throughput, p50/p95/p99 latency and per-step timings."""
    from ..errors import UsageError
    from ..runtime import find_deployment, read_inputs, run_load

    try:
        if target.startswith(("http://", "https://")):
            url = target
        else:
            load_model(target, format)
            record = find_deployment(target)
            if record is None:
                raise UsageError(f"{target} is not deployed; run 'archkit deploy {target}' first or give a URL")
            url = record["url"]
        if images is None:
            raise UsageError("give --images DIR with the files to send (e.g. PNG or JPEG images)")
        inputs = read_inputs(images)
        with counting(f"POST {url}", requests, show=format != Format.json) as advance:
            report = run_load(
                url,
                inputs,
                requests=requests,
                concurrency=concurrency,
                time_limit=time_limit,
                retries=retries,
                progress=advance,
            )
    except ArchkitError as exc:
        fail(exc, format, target)
    if format == Format.json:
        emit_json(report)
    else:
        _print_load(report)
    if report["ok"] < report["requests"]:
        raise typer.Exit(EXIT_PROBLEMS)


def _print_load(report: dict) -> None:
    con = stdout()
    lat = report["latency_ms"]
    table = Table(title=f"{report['requests']} requests, concurrency {report['concurrency']}", title_justify="left")
    for col in ("throughput req/s", "p50 ms", "p95 ms", "p99 ms", "mean ms", "statuses"):
        table.add_column(col, justify="right")
    table.add_row(
        str(report["throughput_rps"]),
        str(lat["p50"]),
        str(lat["p95"]),
        str(lat["p99"]),
        str(lat["mean"]),
        ", ".join(f"{k}: {v}" for k, v in report["statuses"].items()),
    )
    con.print(table)
    if report["retried"]:
        con.print(
            f"{report['retried']} retries after 503; first tries: "
            + ", ".join(f"{k}: {v}" for k, v in report["first_try"].items())
            + f"; longest time without an answer: {report['max_gap_ms']} ms",
            highlight=False,
        )
    if report["steps_p50_ms"]:
        steps = Table(title="median time per step (ms)", title_justify="left")
        steps.add_column("step")
        steps.add_column("p50 ms", justify="right")
        for step, ms in report["steps_p50_ms"].items():
            steps.add_row(step, str(ms))
        con.print(steps)
    for err in report["errors"]:
        con.print(f"[red]{err}[/]", highlight=False)
