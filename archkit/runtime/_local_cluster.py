"""A Ray cluster of several nodes on this machine, on loopback, for trying the multi-node mapping.

``--no-emulate-links`` maps each declared node to the Ray custom resource ``node:<id>``, so a
cluster whose machines advertise those resources runs every replica where its node stands for.
:func:`start_local_cluster` starts such a cluster on one machine: a head and one Ray node per
entry of ``nodes``, each advertising its resources, all on 127.0.0.1 (the single-machine
setting Ray uses for a local head, see :mod:`archkit.runtime._cluster`), with token
authentication. Ray's own ``ray start`` refuses to add nodes to a single-machine head, so the
nodes are started by :class:`ray.cluster_utils.Cluster` in a process of their own, in a session of
its own: :func:`stop_local_cluster` ends that session and everything started in it, as
``archkit undeploy`` does for a local head.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._cluster import DeployError, _write_token, ray_env, stop_local_head

__all__ = ["start_local_cluster", "stop_local_cluster"]

_SCRIPT = r"""
import json, sys
from ray.cluster_utils import Cluster
spec = json.loads(sys.argv[1])
first, *rest = spec["nodes"]
cluster = Cluster(initialize_head=True, head_node_args={
    "num_cpus": first["cpus"], "resources": first["resources"], "include_dashboard": False,
    "temp_dir": spec["temp_dir"]})
for node in rest:
    cluster.add_node(num_cpus=node["cpus"], resources=node["resources"])
cluster.wait_for_nodes()
print(json.dumps({"address": cluster.address}), flush=True)
sys.stdin.read()  # until the parent closes it or ends this session
cluster.shutdown()
"""


def start_local_cluster(nodes: list[dict[str, Any]], timeout: float = 240.0) -> dict[str, Any]:
    """Start a head and further Ray nodes on this machine; return the cluster's record.

    Args:
        nodes: one entry per Ray node, the head first: ``{"cpus": float, "resources": {name: amount}}``.
        timeout: seconds to wait for every node.

    Returns:
        ``address`` (GCS, 127.0.0.1:port), ``pid`` (the session), ``temp_dir``, ``auth`` ("token")
        and ``token_path``; :func:`archkit.runtime._cluster.ray_env` of it is the environment a
        command needs to connect.

    Raises:
        DeployError: the cluster did not come up in time.
    """
    temp_dir = tempfile.mkdtemp(prefix="akcluster-", dir="/tmp")
    record: dict[str, Any] = {"temp_dir": temp_dir, "auth": "token"}
    record["token_path"] = str(_write_token(temp_dir))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    env.update(ray_env(record))
    scratch = Path(temp_dir) / "tmp"
    scratch.mkdir(mode=0o700)
    (scratch / "ray").mkdir()  # Ray writes the cluster's address there
    env["TMPDIR"] = str(scratch)
    env.setdefault("RAY_worker_niceness", "0")
    spec = {
        "nodes": [{"cpus": float(n.get("cpus", 1)), "resources": dict(n.get("resources", {}))} for n in nodes],
        "temp_dir": str(Path(temp_dir) / "ray"),
    }
    log = open(Path(temp_dir) / "cluster.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, json.dumps(spec)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
        env=env,
    )
    record["pid"] = proc.pid
    record["process"] = proc
    deadline = time.monotonic() + timeout
    import selectors

    with selectors.DefaultSelector() as sel:
        assert proc.stdout is not None
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=1.0):
                line = proc.stdout.readline()
                if not line:  # the script ended (or failed) without an address
                    break
                record["address"] = json.loads(line)["address"]
                return record
            if proc.poll() is not None:
                break
    text = (Path(temp_dir) / "cluster.log").read_text(errors="replace")[-2000:]
    stop_local_cluster(record)
    raise DeployError(f"the local cluster of {len(nodes)} nodes did not start within {timeout:.0f} s:\n{text}")


def stop_local_cluster(record: dict[str, Any]) -> int:
    """End every process of a cluster from :func:`start_local_cluster` and remove its folder."""
    proc = record.get("process")
    ended = stop_local_head({"pid": record["pid"], "temp_dir": record["temp_dir"]})
    if proc is not None:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - killed above
            pass
    return ended
