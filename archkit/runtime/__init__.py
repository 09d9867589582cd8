"""Run a declared system on Ray Serve: plan, deploy, inspect, load-test, take down.

The planning parts (:mod:`._plan`, :mod:`._links`, :mod:`._serve_config`) need no Ray; the rest
imports Ray only when called (``pip install 'archkit[serve]'``).

* :func:`build_plan` - model -> :class:`DeploymentPlan` (applications per node, deployments, links)
* :func:`deploy`, :func:`status`, :func:`undeploy` - run a variant, report on it, remove it
* :func:`serve_config_yaml` - the plan as a Serve config file for ``serve deploy`` / KubeRay, and
  :func:`write_model_package` - the model's folder as the zip that config ships to the cluster
* :func:`run_load` - closed-loop HTTP load with latency percentiles and per-step timings
* :class:`BadInput`, :class:`LinkDown` - errors implementations and links raise
* :class:`EdgeLimits`, :func:`edge_env` - the HTTP edge's limits, and the environment of a Ray
  head whose Serve proxy enforces them
* :func:`verify` (-> :class:`VerifyResult` of :class:`Drift`), :func:`verify_sarif` - what runs
  against the model; :func:`compare_load` (-> :class:`FlowCheck`) - a load run against the
  latency analysis; :func:`calibrate` (-> :class:`Calibration`) - measured component times written
  into a copy of the model
* :func:`start_local_cluster`, :func:`stop_local_cluster` - a Ray cluster of several nodes on this
  machine, on loopback, for trying the multi-node mapping
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
    "write_model_package",
    "run_load",
    "read_inputs",
    "find_deployment",
    "plan_for",
    "model_file",
    "verify",
    "verify_sarif",
    "VerifyResult",
    "Drift",
    "compare_load",
    "FlowCheck",
    "calibrate",
    "Calibration",
    "start_local_cluster",
    "stop_local_cluster",
]

_LAZY = {
    "verify": ("_verify", "verify"),
    "verify_sarif": ("_verify", "to_sarif"),
    "VerifyResult": ("_verify", "VerifyResult"),
    "Drift": ("_verify", "Drift"),
    "compare_load": ("_measured", "compare_load"),
    "FlowCheck": ("_measured", "FlowCheck"),
    "calibrate": ("_calibrate", "calibrate"),
    "Calibration": ("_calibrate", "Calibration"),
    "start_local_cluster": ("_local_cluster", "start_local_cluster"),
    "stop_local_cluster": ("_local_cluster", "stop_local_cluster"),
}


def __getattr__(name: str) -> Any:
    # the deploy and load-test functions import Ray and httpx only when they are first used
    if name in ("deploy", "status", "undeploy", "find_deployment", "plan_for", "model_file"):
        from . import _deploy

        return getattr(_deploy, name)
    if name in ("serve_config_yaml", "write_model_package"):
        from . import _serve_config

        return getattr(_serve_config, name)
    if name in ("run_load", "read_inputs"):
        from . import _loadgen

        return getattr(_loadgen, name)
    if name in _LAZY:
        module, attr = _LAZY[name]
        if module == "_verify":
            from . import _verify as found
        elif module == "_measured":
            from . import _measured as found  # type: ignore[no-redef]
        elif module == "_calibrate":
            from . import _calibrate as found  # type: ignore[no-redef]
        else:
            from . import _local_cluster as found  # type: ignore[no-redef]
        return getattr(found, attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
