"""Find, start and stop the Ray instance a deployment runs on, and remember it between commands.

``archkit deploy`` without ``--address`` starts a local Ray head sized to the machine (``ray start
--head`` in a session of its own, loopback ports chosen free, dashboard off) and records it in
a state folder (``$ARCHKIT_STATE_DIR``, default ``~/.cache/archkit/deploy``). Later commands
(``status``, ``load``, ``undeploy``) read that record. ``undeploy`` stops a head that archkit
started by ending the processes of its session (never every Ray process on the host, as
``ray stop`` would).

Authentication: Ray may require a token (``RAY_AUTH_MODE=token``, token in ``~/.ray/auth_token``).
archkit passes the caller's ``RAY_AUTH_MODE`` on to the head it starts and uses the same setting
to connect, so both sides agree; set ``RAY_AUTH_MODE=token`` before ``archkit deploy`` to turn
token authentication on for a local head.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import ArchkitError

__all__ = [
    "DeployError",
    "state_dir",
    "free_port",
    "LocalHead",
    "start_local_head",
    "stop_local_head",
    "connect",
    "read_state",
    "write_state",
    "remove_state",
]


class DeployError(ArchkitError):
    """Ray could not be started or reached, or a deployment did not become ready."""


def state_dir() -> Path:
    """Folder where deployments and started Ray heads are recorded."""
    root = os.environ.get("ARCHKIT_STATE_DIR")
    folder = Path(root) if root else Path.home() / ".cache" / "archkit" / "deploy"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_state(name: str) -> dict[str, Any] | None:
    """The record stored under ``name``, or None."""
    path = state_dir() / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def write_state(name: str, data: dict[str, Any]) -> Path:
    """Store a record under ``name`` (sorted keys, so it diffs well)."""
    path = state_dir() / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def remove_state(name: str) -> None:
    """Forget the record stored under ``name``."""
    (state_dir() / f"{name}.json").unlink(missing_ok=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ray_command() -> list[str]:
    script = Path(sys.executable).parent / "ray"
    if script.exists():
        return [str(script)]
    found = shutil.which("ray")
    if found:
        return [found]
    raise DeployError("the 'ray' command is not installed: pip install 'archkit[serve]'")


class LocalHead(dict):
    """Record of a Ray head started by archkit: ``address``, ``pid`` (= session id), ``temp_dir``."""


def start_local_head(cpus: int | None = None, resources: dict[str, float] | None = None,
                     timeout: float = 60.0) -> LocalHead:
    """Start a Ray head on this machine and wait until it accepts connections.

    Args:
        cpus: CPUs Ray may schedule; defaults to ``os.cpu_count()``.
        resources: custom resources the head advertises (e.g. ``{"node:cloud": 1000}``).
        timeout: seconds to wait for the head.

    Raises:
        DeployError: the head did not come up in time.
    """
    gcs_port = free_port()
    temp_dir = tempfile.mkdtemp(prefix="akray-", dir="/tmp")
    count = int(cpus or os.cpu_count() or 1)
    cmd = _ray_command() + [
        "start", "--head", f"--port={gcs_port}", f"--num-cpus={count}",
        "--include-dashboard=false", "--disable-usage-stats", "--node-ip-address=127.0.0.1",
        f"--temp-dir={temp_dir}", f"--dashboard-agent-listen-port={free_port()}",
        f"--ray-client-server-port={free_port()}",
        # one machine, reached by its GCS address: no autoscaler monitor and no log forwarding
        # (replica logs stay in the temp folder) - about 160 MB of resident memory saved
        "--no-monitor", "--include-log-monitor=false",
    ]
    if resources:
        cmd.append("--resources=" + json.dumps(resources, sort_keys=True))
    log = open(Path(temp_dir) / "archkit-ray-start.log", "wb")
    env = dict(os.environ)
    # Ray starts workers at nice 15; serving replicas must not yield to every other job on the host
    env.setdefault("RAY_worker_niceness", "0")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    head = LocalHead(address=f"127.0.0.1:{gcs_port}", pid=proc.pid, temp_dir=temp_dir, cpus=count)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # `ray start` returns once the head's processes run; they stay in its session
        code = proc.poll()
        if code not in (None, 0):
            text = (Path(temp_dir) / "archkit-ray-start.log").read_text(errors="replace")[-2000:]
            stop_local_head(head)
            raise DeployError(f"'ray start' exited with code {code}:\n{text}")
        if code == 0:
            try:
                socket.create_connection(("127.0.0.1", gcs_port), timeout=0.5).close()
                return head
            except OSError:
                pass
        time.sleep(0.2)
    stop_local_head(head)
    raise DeployError(f"the Ray head did not accept connections on port {gcs_port} within {timeout:.0f} s")


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # fields after the command name, which is in parentheses and may hold spaces
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 3 and int(fields[3]) == sid:
            members.append(int(entry.name))
    return members


def stop_local_head(head: dict[str, Any], wait: float = 10.0) -> int:
    """End every process of a head started by :func:`start_local_head`; return how many were ended.

    Only the processes of the head's own session are signalled (by id), then its temp folder is
    removed.
    """
    sid = int(head["pid"])
    members = _session_members(sid)
    for pid in members:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.waitpid(sid, os.WNOHANG)
        except ChildProcessError:
            pass
        alive = [p for p in _session_members(sid) if not _is_zombie(p)]
        if not alive:
            break
        time.sleep(0.1)
    shutil.rmtree(head.get("temp_dir") or "/nonexistent", ignore_errors=True)
    return len(members)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2:].split()[0] == "Z"


def connect(address: str) -> None:
    """Connect this process to the Ray instance at ``address`` (quietly)."""
    import ray

    if ray.is_initialized():
        return
    try:
        ray.init(address=address, logging_level="ERROR", log_to_driver=False, namespace="archkit")
    except Exception as exc:  # Ray raises several types for an unreachable or refusing cluster
        raise DeployError(f"cannot connect to Ray at {address}: {exc}") from None
