"""Run a declared system on Ray Serve: plan, deploy, inspect, load-test, take down.

The planning parts (:mod:`._plan`, :mod:`._links`, :mod:`._serve_config`) need no Ray; the rest
imports Ray only when called (``pip install 'archkit[serve]'``).

* :func:`build_plan` - model -> :class:`DeploymentPlan` (applications per node, deployments, links)
* :func:`deploy`, :func:`status`, :func:`undeploy` - run a variant, report on it, remove it
* :func:`serve_config_yaml` - the plan as a Serve config file for ``serve deploy`` / KubeRay
* :func:`run_load` - closed-loop HTTP load with latency percentiles and per-step timings
* :class:`BadInput`, :class:`LinkDown` - errors implementations and links raise
* :class:`EdgeLimits`, :func:`edge_env` - the HTTP edge's limits, and the environment of a Ray
  head whose Serve proxy enforces them
"""

from __future__ import annotations

from typing import Any

from ._edge import EdgeLimits, edge_env
from ._plan import DeploymentPlan, build_plan
from ._protocol import DEFAULT_MAX_BODY_BYTES, BadInput, LinkDown

__all__ = [
    "BadInput",
    "LinkDown",
    "DEFAULT_MAX_BODY_BYTES",
    "DeploymentPlan",
    "EdgeLimits",
    "edge_env",
    "build_plan",
    "deploy",
    "status",
    "undeploy",
    "serve_config_yaml",
    "run_load",
    "read_inputs",
    "find_deployment",
    "plan_for",
    "model_file",
]



def __getattr__(name: str) -> Any:
    # the deploy and load-test functions import Ray and httpx only when they are first used
    if name in ("deploy", "status", "undeploy", "find_deployment", "plan_for", "model_file"):
        from . import _deploy

        return getattr(_deploy, name)
    if name == "serve_config_yaml":
        from ._serve_config import serve_config_yaml

        return serve_config_yaml
    if name in ("run_load", "read_inputs"):
        from . import _loadgen

        return getattr(_loadgen, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
