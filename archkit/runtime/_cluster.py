"""Find, start and stop the Ray instance a deployment runs on, and remember it between commands.

``archkit deploy`` without ``--address`` starts a local Ray head sized to the machine (``ray start
--head`` in a session of its own, loopback ports chosen free, dashboard off) and records it in
a state folder (``$ARCHKIT_STATE_DIR``, default ``~/.cache/archkit/deploy``). Later commands
(``status``, ``load``, ``undeploy``) read that record. ``undeploy`` stops a head that archkit
started by ending the processes of its session and their children (never every Ray process on
the host, as ``ray stop`` would) and removes its temp folder, which is also the ``TMPDIR`` of
its processes: nothing they write to temporary files outlives the head.

Network exposure: a local head is one machine, so every process it starts listens on loopback
only. Ray resolves a node address of 127.0.0.1 to the machine's external address unless it runs
as a single-machine instance (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, the setting Ray uses on
desktops); archkit sets that for the head, so the GCS, the raylet and object manager, the
workers, the dashboard process and its agents, the client server and Serve's proxy and replicas
all bind 127.0.0.1 (one server inside each replica needs a nudge, see
:mod:`archkit.runtime._loopback`). :func:`listening_sockets` lists what the processes of a head
listen on. Once the head runs, archkit ends the two processes of it that a local head never
uses: the client server and the dashboard's head process (see ``_UNUSED``).

Authentication: a local head runs with Ray's token authentication (``RAY_AUTH_MODE=token``).
archkit writes a fresh random token (256 bits) to ``auth_token`` in the head's temp folder (mode
0600, removed with the head) and passes it to the head and to every archkit command that connects
(``RAY_AUTH_TOKEN_PATH``). ``archkit deploy --ray-auth disabled`` starts a head without it. For a
cluster given with ``--address``, the caller's own ``RAY_AUTH_*`` settings apply.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ArchkitError, UsageError

__all__ = [
    "DeployError",
    "state_dir",
    "free_port",
    "AUTH_MODES",
    "LocalHead",
    "Listener",
    "head_processes",
    "listening_sockets",
    "ray_env",
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


#: Ray authentication modes a local head may run with: ``token`` (the default) or ``disabled``.
AUTH_MODES = ("token", "disabled")

#: Environment of a local head's processes: a single-machine Ray instance, whose servers bind
#: the node address 127.0.0.1 instead of resolving it to the machine's external address, and
#: archkit's marker that makes its replicas keep Serve's own gRPC server on loopback (see
#: :mod:`archkit.runtime._loopback`).
_LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "ARCHKIT_LOOPBACK": "1"}


class LocalHead(dict):
    """Record of a Ray head started by archkit.

    Keys: ``address`` (GCS, 127.0.0.1:port), ``pid`` (= session id), ``temp_dir``, ``cpus``,
    ``auth`` (one of :data:`AUTH_MODES`), ``token_path`` (the token file, when ``auth`` is token)
    and ``routes_file`` (the HTTP edge's capacity per route prefix).
    """


def ray_env(head: dict[str, Any]) -> dict[str, str]:
    """Environment variables with which a process reaches (or is) the local head ``head``."""
    env = dict(_LOOPBACK_ENV)
    if head.get("auth", "disabled") == "token":
        env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(head["token_path"]))
    else:
        env["RAY_AUTH_MODE"] = "disabled"
    return env


def _write_token(folder: str) -> Path:
    path = Path(folder) / "auth_token"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path


def start_local_head(
    cpus: int | None = None,
    resources: dict[str, float] | None = None,
    timeout: float = 60.0,
    auth: str = "token",
    env: dict[str, str] | None = None,
) -> LocalHead:
    """Start a Ray head on this machine, listening on loopback only, and wait until it accepts connections.

    Args:
        cpus: CPUs Ray may schedule; defaults to ``os.cpu_count()``.
        resources: custom resources the head advertises (e.g. ``{"node:cloud": 1000}``).
        timeout: seconds to wait for the head.
        auth: ``"token"`` (a fresh token only archkit's commands know) or ``"disabled"``.
        env: further environment of the head's processes (the HTTP edge's settings, say).

    Raises:
        UsageError: an unknown ``auth`` mode.
        DeployError: the head did not come up in time.
    """
    if auth not in AUTH_MODES:
        raise UsageError(f"unknown Ray authentication mode {auth!r}; use one of: {', '.join(AUTH_MODES)}")
    gcs_port = free_port()
    temp_dir = tempfile.mkdtemp(prefix="akray-", dir="/tmp")
    count = int(cpus or os.cpu_count() or 1)
    cmd = _ray_command() + [
        "start",
        "--head",
        f"--port={gcs_port}",
        f"--num-cpus={count}",
        "--include-dashboard=false",
        "--disable-usage-stats",
        "--node-ip-address=127.0.0.1",
        f"--temp-dir={temp_dir}",
        f"--dashboard-agent-listen-port={free_port()}",
        f"--ray-client-server-port={free_port()}",
        # one machine, reached by its GCS address: no autoscaler monitor and no log forwarding
        # (replica logs stay in the temp folder) - about 160 MB of resident memory saved
        "--no-monitor",
        "--include-log-monitor=false",
    ]
    if resources:
        cmd.append("--resources=" + json.dumps(resources, sort_keys=True))
    head = LocalHead(
        address=f"127.0.0.1:{gcs_port}",
        temp_dir=temp_dir,
        cpus=count,
        auth=auth,
        routes_file=str(Path(temp_dir) / "edge-routes.json"),
    )
    if auth == "token":
        head["token_path"] = str(_write_token(temp_dir))
    log = open(Path(temp_dir) / "archkit-ray-start.log", "wb")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    environ.update(env or {})
    environ.update(ray_env(head))
    # whatever the head's processes put in temporary files stays in its folder and goes with it
    scratch = Path(temp_dir) / "tmp"
    scratch.mkdir(mode=0o700)
    environ["TMPDIR"] = str(scratch)
    environ["ARCHKIT_EDGE_ROUTES"] = head["routes_file"]  # read by the HTTP edge (see _edge.py)
    # Ray starts workers at nice 15; serving replicas must not yield to every other job on the host
    environ.setdefault("RAY_worker_niceness", "0")
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=environ
    )
    head["pid"] = proc.pid
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
            except OSError:
                time.sleep(0.2)
                continue
            _end_unused(head)
            return head
        time.sleep(0.2)
    stop_local_head(head)
    raise DeployError(f"the Ray head did not accept connections on port {gcs_port} within {timeout:.0f} s")


#: Processes ``ray start --head`` always starts that a local head never uses, by a word of their
#: command line: the Ray client server (archkit connects by the GCS address, never ``ray://``)
#: and the dashboard's head process (the dashboard is off; it would serve only the job
#: submission API). Ending them saves about 220 MB of resident memory; nothing restarts them.
_UNUSED = ("ray.util.client.server", "/ray/dashboard/dashboard.py")


def _end_unused(head: dict[str, Any]) -> list[int]:
    """End the head's processes listed in ``_UNUSED``; return their ids."""
    ended = []
    for pid in _session_members(int(head["pid"])):
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:4]
        except OSError:
            continue
        if any(mark.encode() in word for word in words for mark in _UNUSED):
            try:
                os.kill(pid, signal.SIGTERM)
                ended.append(pid)
            except ProcessLookupError:
                pass
    return ended


def _process_table() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent pid, session id, state)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # fields after the command name, which is in parentheses and may hold spaces
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 3:
            table[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def _session_members(sid: int) -> list[int]:
    return sorted(pid for pid, (_, session, _) in _process_table().items() if session == sid)


def head_processes(head: dict[str, Any]) -> list[int]:
    """Processes of a head started by :func:`start_local_head`: its sessions and all their descendants.

    The head's own session, the further ``sessions`` recorded with it (the HTTP edge's keeper),
    and every descendant: a replica may start helpers in sessions of their own (the example's
    Apertium pipeline does).
    """
    table = _process_table()
    sessions = {int(head["pid"]), *(int(s) for s in head.get("sessions", ()))}
    found = {pid for pid, (_, session, _) in table.items() if session in sessions}
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    stack = list(found)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return sorted(pid for pid in found if table.get(pid, (0, 0, "Z"))[2] != "Z")


def stop_local_head(head: dict[str, Any], wait: float = 10.0) -> int:
    """End every process of a head started by :func:`start_local_head`; return how many were ended.

    Only the processes of the head's own session are signalled (by id), then its temp folder is
    removed.
    """
    sid = int(head["pid"])
    members = head_processes(head)
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
        if not head_processes(head):
            break
        time.sleep(0.1)
    shutil.rmtree(head.get("temp_dir") or "/nonexistent", ignore_errors=True)
    return len(members)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2 :].split()[0] == "Z"


def connect(address: str, env: dict[str, str] | None = None) -> None:
    """Connect this process to the Ray instance at ``address`` (quietly).

    Args:
        address: the GCS address (``host:port``), ``"auto"`` or ``ray://host:port``.
        env: environment to connect with, from :func:`ray_env` for a local head (its token);
            None keeps this process's own ``RAY_AUTH_*`` settings.
    """
    import ray

    if ray.is_initialized():
        return
    if env is not None:
        for key in [k for k in os.environ if k.startswith("RAY_AUTH_")]:
            del os.environ[key]
        os.environ.update(env)
        _reload_ray_settings(env)
    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False, namespace="archkit")
    except Exception as exc:  # Ray raises several types for an unreachable or refusing cluster
        raise DeployError(f"cannot connect to Ray at {address}: {_first_line(exc)}") from None


def _reload_ray_settings(env: dict[str, str]) -> None:
    """Make Ray read the settings in ``env`` again, though it was imported before they were set.

    Ray reads the single-machine switch once, on import (``ray_constants``), and caches the
    authentication settings and token; a process may reach several heads in turn.
    """
    from ray._private import ray_constants

    single = env.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
    if single is not None:
        ray_constants.ENABLE_RAY_CLUSTER = single not in ("0", "false", "False")
    try:
        from ray._raylet import AuthenticationTokenLoader, Config  # type: ignore[attr-defined]
    except ImportError:  # a Ray without token authentication
        return
    Config.initialize("")
    AuthenticationTokenLoader.instance().reset_cache()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Listener(NamedTuple):
    """A listening socket: where it listens and which process holds it."""

    address: str
    port: int
    pid: int
    process: str

    @property
    def loopback(self) -> bool:
        """Whether only this machine can connect (127.0.0.0/8, ::1, or IPv4-mapped loopback)."""
        import ipaddress

        addr = ipaddress.ip_address(self.address)
        mapped = getattr(addr, "ipv4_mapped", None)
        return (mapped or addr).is_loopback


def _hex_address(text: str, family: int) -> str:
    raw = bytes.fromhex(text)
    if family == socket.AF_INET:
        return socket.inet_ntop(family, raw[::-1])
    # /proc prints an IPv6 address as four 32-bit words, each in host (little-endian) order
    return socket.inet_ntop(family, b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))


def listening_sockets(pids: list[int]) -> list[Listener]:
    """Every TCP socket in LISTEN state and every bound UDP socket held by one of ``pids``.

    Read from ``/proc/<pid>/fd`` (socket inodes) and ``/proc/net/{tcp,tcp6,udp,udp6}``, so it needs
    no tool and sees what ``ss -ltnup`` sees. Sorted by port.
    """
    owners: dict[str, int] = {}
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[target[8:-1]] = pid
    found = []
    for table, family in (
        ("tcp", socket.AF_INET),
        ("tcp6", socket.AF_INET6),
        ("udp", socket.AF_INET),
        ("udp6", socket.AF_INET6),
    ):
        try:
            rows = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            # TCP state 0A is LISTEN; a UDP socket that is bound but not connected shows 07
            if inode not in owners or state != ("0A" if table.startswith("tcp") else "07"):
                continue
            host, port = local.rsplit(":", 1)
            pid = owners[inode]
            try:
                name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            except OSError:
                name = "?"
            found.append(Listener(_hex_address(host, family), int(port, 16), pid, Path(name).name or name))
    return sorted(set(found), key=lambda item: (item.port, item.address, item.pid))
