"""Write a deployment plan as a Ray Serve config file (``serve deploy``, KubeRay ``serveConfigV2``).

Each node's application is built on the cluster by :func:`archkit.runtime._serve_app.build_node_app`
from the model file, so the file names the model, not a copy of it. For a config that runs on
another machine, the folder holding the model file is written as a zip package
(:func:`write_model_package`); the config ships it as ``runtime_env.working_dir`` (a URI the cluster
can fetch: https, s3, gs or file) and names the model by its path inside it, which Ray resolves
against the unpacked folder. The cluster needs archkit (``pip install 'archkit[serve]'``) and
whatever the model's implementations import. Deployment sizes are written out as well so that they
can be tuned in the file; Serve applies the file's values over the code's.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from ._plan import DeploymentPlan, deployment_options

__all__ = ["serve_config", "serve_config_yaml", "write_model_package"]

_LEFT_OUT = {"__pycache__", ".git", ".venv", "venv", "node_modules", ".mypy_cache", ".pytest_cache", ".hypothesis"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no build time: the same folder gives the same bytes


def write_model_package(model_path: str, package: Path) -> str:
    """Write the folder that holds ``model_path`` to the zip ``package``; return the model's path inside it.

    The zip has one top-level folder (the model's folder), as Ray expects of a remote ``working_dir``;
    caches, version-control and virtualenv folders, hidden files and the package itself are left
    out. ``model_path`` may end in ``:variable``, which is kept.
    """
    file, colon, attr = model_path.partition(":") if not os.path.exists(model_path) else (model_path, "", "")
    folder = Path(file).resolve().parent
    target = package.resolve()
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in _LEFT_OUT and not d.startswith("."))
            for name in sorted(files):
                path = Path(root) / name
                if name.startswith(".") or name.endswith(".pyc") or path.resolve() in (target, tmp):
                    continue
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
    os.replace(tmp, target)
    return Path(file).resolve().relative_to(folder).as_posix() + colon + attr


def serve_config(
    plan: DeploymentPlan, model_path: str, *, host: str = "127.0.0.1", port: int = 8000, working_dir: str | None = None
) -> dict[str, Any]:
    """The Serve config (a dict in ``ServeDeploySchema`` form) that deploys ``plan``.

    Args:
        plan: the plan, from :func:`archkit.runtime._plan.build_plan`.
        model_path: the model file as the cluster sees it: relative to ``working_dir`` when one is
            given (see :func:`write_model_package`), else a path on the cluster's machines.
        host: address the HTTP proxy binds; loopback unless asked otherwise.
        port: port of the HTTP proxy.
        working_dir: the URI of the model's package (https, s3, gs, file), shipped to the cluster as
            ``runtime_env.working_dir``.
    """
    apps = []
    for app in plan.apps:
        args: dict[str, Any] = {
            "model": model_path,
            "node": app.node,
            "flow": plan.flow,
            "emulate_links": plan.emulate_links,
            "emulate_devices": plan.emulate_devices,
        }
        if plan.variant is not None:
            args["variant"] = plan.variant
        if plan.cpu_budget is not None:
            args["cpus"] = plan.cpu_budget
        deployments = []
        for name in app.deployments:
            options = deployment_options(plan.deployment(name))
            entry: dict[str, Any] = {"name": options.pop("name")}
            entry.update(options)
            deployments.append(entry)
        item: dict[str, Any] = {
            "name": app.name,
            "route_prefix": app.route_prefix,
            "import_path": "archkit.runtime._serve_app:build_node_app",
            "args": args,
            "deployments": deployments,
            "logging_config": {"log_level": "WARNING", "enable_access_log": False},
        }
        if working_dir:
            item["runtime_env"] = {"working_dir": working_dir}
        apps.append(item)
    return {
        "proxy_location": "EveryNode",
        "http_options": {"host": host, "port": port},
        "applications": apps,
    }


def serve_config_yaml(plan: DeploymentPlan, model_path: str, **kwargs: Any) -> str:
    """:func:`serve_config` as YAML text, with a header saying how to use it."""
    import yaml

    where = (
        f"# The model comes from the package at {kwargs['working_dir']} (its runtime_env.working_dir);\n"
        "# the cluster must be able to fetch that URI.\n"
        if kwargs.get("working_dir")
        else f"# The model is read from {model_path} on the cluster's machines; for a config that runs\n"
        "# elsewhere, write it with --package (and --package-uri) so that the model travels with it.\n"
    )
    header = (
        f"# Ray Serve config for '{plan.system}'"
        + (f", variant '{plan.variant}'" if plan.variant else ", base placement")
        + f", flow '{plan.flow}'.\n"
        "# Written by archkit serve-config. Deploy with: serve deploy <this file> -a http://127.0.0.1:8265\n"
        "# or paste it under spec.serveConfigV2 of a KubeRay RayService.\n" + where
    )
    return header + yaml.safe_dump(serve_config(plan, model_path, **kwargs), sort_keys=False)
