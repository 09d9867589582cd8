"""Run a declared system on Ray Serve: plan, deploy, inspect, load-test, take down.

The planning parts (:mod:`.plan`, :mod:`.links`, :mod:`.serve_config`) need no Ray; the rest
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
from .plan import DeploymentPlan, build_plan
from .protocol import BadInput, LinkDown

__all__ = [
    "BadInput",
    "LinkDown",
    "DeploymentPlan",
    "EdgeLimits",
    "edge_env",
    "build_plan",
    "deploy",
    "status",
    "undeploy",
    "serve_config_yaml",
    "run_load",
]

_LAZY = {
    "deploy": ".deploy",
    "status": ".deploy",
    "undeploy": ".deploy",
    "serve_config_yaml": ".serve_config",
    "run_load": ".loadgen",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
