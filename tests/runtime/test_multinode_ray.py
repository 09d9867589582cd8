"""The multi-node mapping on a real Ray cluster of three nodes on this machine (slow: marked ``ray``).

One Ray node per declared node of the example, each advertising ``node:<id>``; the example is
deployed with ``--no-emulate-links``. Every replica must run on the Ray node of its declared node,
``archkit verify`` must say so, and deploying another variant must move the moved component's replica.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("ray.serve")
httpx = pytest.importorskip("httpx")
from archkit.runtime._cluster import free_port, listening_sockets, head_processes, ray_env
from archkit.runtime._local_cluster import start_local_cluster, stop_local_cluster

from .conftest import EXAMPLE_MODEL

pytestmark = pytest.mark.ray
ar_signs = pytest.importorskip("ar_signs")
MODEL = str(EXAMPLE_MODEL)
NODES = ("glasses", "phone", "cloud")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    record = start_local_cluster([{"cpus": 1, "resources": {f"node:{n}": 100}} for n in NODES])
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    env.update(ray_env(record))
    env["ARCHKIT_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    try:
        yield {"record": record, "env": env, "port": free_port()}
    finally:
        stop_local_cluster(record)


def _cli(cluster, *args: str, timeout: float = 420) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", "from archkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout, env=cluster["env"])
    return done.returncode, done.stdout or done.stderr[-3000:]


def _deploy_and_verify(cluster, variant: str) -> tuple[dict, dict]:
    code, out = _cli(cluster, "deploy", MODEL, "--variant", variant, "--address", cluster["record"]["address"],
                     "--no-emulate-links", "--http-port", str(cluster["port"]), "--format", "json")
    assert code == 0, out
    record = json.loads(out)
    code, out = _cli(cluster, "verify", MODEL, "--format", "json")
    assert code == 0, out
    return record, json.loads(out)


def test_each_replica_runs_on_the_ray_node_of_its_declared_node_and_moves_with_its_component(cluster):
    record, report = _deploy_and_verify(cluster, "ocr-in-cloud")
    assert report["drift"] is False and not report["emulate_links"] and not report["emulate_devices"]
    assert report["checked"]["placement"] == 3
    where = {p["deployment"]: p for p in report["placements"]}
    assert {d: (p["node"], p["ray_node_resources"], p["ok"]) for d, p in where.items()} == {
        "ingress": ("glasses", ["node:glasses"], True), "ocr": ("cloud", ["node:cloud"], True),
        "translator": ("phone", ["node:phone"], True)}
    assert len({p["ray_node"] for p in where.values()}) == 3  # three Ray nodes, one per declared node
    answer = httpx.post(record["url"], content=ar_signs.sign_png("Solo efectivo"),
                        headers={"content-type": "image/png"}, timeout=120)
    assert answer.status_code == 200 and answer.json()["translation"] == "Only effective"

    _, moved = _deploy_and_verify(cluster, "all-on-phone")
    after = {p["deployment"]: p for p in moved["placements"]}
    assert after["ocr"]["node"] == "phone" and after["ocr"]["ray_node_resources"] == ["node:phone"]
    assert after["ocr"]["ray_node"] == where["translator"]["ray_node"] != where["ocr"]["ray_node"]
    assert after["ingress"]["ray_node"] == where["ingress"]["ray_node"]
    # everything the three nodes run listens on loopback only
    open_ports = [s for s in listening_sockets(head_processes(cluster["record"])) if not s.loopback]
    assert open_ports == []
