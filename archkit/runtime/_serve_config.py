"""Write a deployment plan as a Ray Serve config file (``serve deploy``, KubeRay ``serveConfigV2``).

Each node's application is built on the cluster by :func:`archkit.runtime._serve_app.build_node_app`
from the model file, so the file holds the model's path, not a copy of it: the cluster must have
archkit (``pip install 'archkit[serve]'``) and the model's folder (a shared path, or a
``working_dir`` in ``runtime_env``). Deployment sizes are written out as well so that they can be
tuned in the file; Serve applies the file's values over the code's.
"""

from __future__ import annotations

from typing import Any

from ._plan import DeploymentPlan, deployment_options

__all__ = ["serve_config", "serve_config_yaml"]


def serve_config(plan: DeploymentPlan, model_path: str, *, host: str = "127.0.0.1", port: int = 8000,
                 working_dir: str | None = None) -> dict[str, Any]:
    """The Serve config (a dict in ``ServeDeploySchema`` form) that deploys ``plan``.

    Args:
        plan: the plan, from :func:`archkit.runtime._plan.build_plan`.
        model_path: path of the model file as the cluster sees it.
        host: address the HTTP proxy binds; loopback unless asked otherwise.
        port: port of the HTTP proxy.
        working_dir: a folder or URI to ship to the cluster as ``runtime_env.working_dir``.
    """
    apps = []
    for app in plan.apps:
        args: dict[str, Any] = {"model": model_path, "node": app.node, "flow": plan.flow,
                                "emulate_links": plan.emulate_links, "emulate_devices": plan.emulate_devices}
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

    header = (
        f"# Ray Serve config for '{plan.system}'"
        + (f", variant '{plan.variant}'" if plan.variant else ", base placement")
        + f", flow '{plan.flow}'.\n"
        "# Written by archkit serve-config. Deploy with: serve deploy <this file> -a http://127.0.0.1:8265\n"
        "# or paste it under spec.serveConfigV2 of a KubeRay RayService.\n"
    )
    return header + yaml.safe_dump(serve_config(plan, model_path, **kwargs), sort_keys=False)
