"""HAProxy as the HTTP edge of a local head: requests go straight to the flow's ingress replicas.

Serve's HTTP proxy is a Python process on the path of every request: it parses the request,
hands it to a replica by a Ray call and copies the answer back, which costs milliseconds and a
good share of a small machine's CPU. In this mode archkit starts the head with Serve's direct
ingress (``RAY_SERVE_ENABLE_DIRECT_INGRESS=1``: each ingress replica runs its own HTTP server on
127.0.0.1, on a port from 30000 on) and puts Debian's HAProxy in front, on the public port:

* each flow's route prefix is a backend whose servers are its ingress replicas, at most
  ``max_ongoing`` requests each (HAProxy queues the rest);
* a request is admitted only when its route holds fewer than ``max_queued`` waiting requests;
  beyond that HAProxy itself answers 503 with ``Retry-After`` and a JSON body with
  ``retry_after_ms``, in microseconds, without touching Python;
* a body must arrive whole within ``body_timeout_s`` (408), and is buffered before any replica
  sees it (``option http-buffer-request``), so slow clients cost nothing but a connection;
* a request whose replica refuses the connection or dies before answering is sent to another
  replica (``retry-on conn-failure empty-response``, ``option redispatch``: the flow is a pure
  function of its input, so sending it again is harmless). A refused connection marks the
  replica down at once (``observe layer4``, see ``_WATCH``): otherwise, while the keeper has not
  yet noticed the death, HAProxy sends a retry back to the dead replica whenever the live ones
  hold ``max_ongoing`` requests each, and once the retries are spent the client's connection is
  closed without an answer. With no replica up (the flow's only ingress replica died, or none
  has started yet) the route's backup server, Serve's own proxy, takes its requests: Serve's
  router holds them until the replacement replica runs (or answers 503), so even the requests
  that were on the dead replica get an answer;
* everything else (other routes, ``/-/healthz``) goes to Serve's own proxy on an internal port.

A small keeper process (:func:`main`, ``python -m archkit.runtime._haproxy``) runs HAProxy in
master-worker mode and keeps it current. Every half second it reads the routes file that
``archkit deploy`` writes (route prefix -> application, ingress deployment, limits; see
:func:`archkit.runtime._edge.write_routes`) and finds the head's ingress replica processes and
the ports they listen on (from ``/proc``, no Ray connection). A new set of routes means a new
configuration and a graceful reload (only when something is deployed or removed). Replicas that
come and go (a replica replaced after a fault) never cause a reload, which would close idle
keep-alive connections under the clients' feet: each backend has a fixed set of server slots,
and the keeper points a slot at a new replica's port, or takes a gone replica's slot out of
service, through HAProxy's admin socket (a Unix socket in the head's folder). It writes
``edge-state.json`` (route prefix -> ports in service) so ``archkit deploy`` can wait until the
edge knows the replicas. HAProxy listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "EdgeRoute",
    "Slots",
    "admin",
    "render_config",
    "haproxy_binary",
    "start_keeper",
    "wait_for_routes",
    "DIRECT_INGRESS_ENV",
    "RETRY_AFTER_MS",
    "SLOTS",
    "main",
]

#: Environment of a head whose ingress replicas serve HTTP themselves, on 127.0.0.1, from these ports.
DIRECT_INGRESS_ENV = {
    "RAY_SERVE_ENABLE_DIRECT_INGRESS": "1",
    "RAY_SERVE_DIRECT_INGRESS_MIN_HTTP_PORT": "30000",
    "RAY_SERVE_DIRECT_INGRESS_MAX_HTTP_PORT": "31000",
}
_PORTS = range(30000, 31000)
#: Seconds between two looks at the replicas.
_PERIOD_S = 0.5
#: The retry hint HAProxy's own 503s carry: a few of the example's answers.
RETRY_AFTER_MS = 250


#: Set to "1" in the head's environment to have HAProxy log every request (troubleshooting).
LOG_ENV = "ARCHKIT_EDGE_LOG"
#: Server slots per route: more than the replicas of one ingress on one machine.
SLOTS = 16
#: Attempts after the first for a request whose replica refused the connection or closed it
#: before answering: enough that one spent on a dead replica (which marks it down, see _WATCH)
#: still leaves one for the replicas that live.
RETRIES = 4
#: How the edge watches each replica: a refused connection takes it out of the choice at once
#: (the keeper notices a dead replica only on its next look, up to half a second later, and
#: meanwhile a retry would land on it again whenever the other replicas are full); a TCP check
#: every 2 s brings it back, and so does the keeper when it points the slot at a new replica.
_WATCH = "check inter 2s fall 1 rise 1 observe layer4 error-limit 1 on-error mark-down"


class EdgeRoute(NamedTuple):
    """One flow's route at the edge: its prefix, fixed replica ports (if any) and its limits.

    The keeper gives no ports: it fills the route's server slots at run time instead.
    """

    prefix: str
    ports: tuple[int, ...]
    max_ongoing: int
    max_queued: int | None


def haproxy_binary() -> str | None:
    """The ``haproxy`` program (Debian package ``haproxy``), or None when it is not installed."""
    import shutil

    return shutil.which("haproxy")


def _quote(text: str) -> str:
    """A string argument for HAProxy's configuration (double-quoted, specials escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("%", "%%") + '"'


def _answer(status: int, message: str, retry: bool = False) -> str:
    body: dict[str, Any] = {"error": message}
    if retry:
        body["retry_after_ms"] = RETRY_AFTER_MS
    line = f"status {status} content-type application/json string {_quote(json.dumps(body))}"
    if retry:
        line += f" hdr retry-after {max(1, -(-RETRY_AFTER_MS // 1000))}"
    return line


def render_config(
    routes: list[EdgeRoute],
    *,
    host: str = "127.0.0.1",
    port: int,
    fallback_port: int,
    socket_path: str,
    body_timeout_s: float,
    response_timeout_s: float,
    max_body_bytes: int,
    max_pending: int,
    access_log: bool = False,
) -> str:
    """HAProxy's configuration for the edge (deterministic: same routes, same text).

    Args:
        routes: the flows' routes, longest prefix first.
        host: the address HAProxy binds (loopback).
        port: the public port.
        fallback_port: Serve's own proxy, for every other path.
        socket_path: HAProxy's admin socket (Unix).
        body_timeout_s: time for a whole request to arrive (408 beyond).
        response_timeout_s: time for a replica to answer (504 beyond).
        max_body_bytes: largest body (413 beyond, from ``Content-Length``).
        max_pending: connections HAProxy holds at once.
        access_log: log every request to HAProxy's standard error (``haproxy.log`` in the head's
            folder), for troubleshooting; off by default (a line per request costs time).
    """

    def seconds(value: float) -> str:
        return f"{max(1, int(round(value * 1000)))}ms"

    too_large = _answer(413, f"request body is larger than the {max_body_bytes} bytes this service accepts")
    lines = [
        "global",
        f"    maxconn {max_pending}",
        "    nbthread 1",
        f"    stats socket {socket_path} mode 600 level admin",
        "    tune.bufsize 65536",
        *(["    log stderr format iso local0 info"] if access_log else []),
        "defaults",
        "    mode http",
        *(["    log global", "    option httplog"] if access_log else []),
        "    option http-buffer-request",
        "    option redispatch 1",
        f"    retries {RETRIES}",
        "    retry-on conn-failure empty-response",
        "    timeout connect 1s",
        f"    timeout client {seconds(response_timeout_s)}",
        f"    timeout http-request {seconds(body_timeout_s)}",
        "    timeout http-keep-alive 5s",
        f"    timeout server {seconds(response_timeout_s)}",
        f"    timeout queue {seconds(response_timeout_s)}",
        f"    http-error {_answer(408, f'the request did not arrive within {body_timeout_s:g} s')}",
        f"    http-error {_answer(503, 'no replica can take the request now; retry shortly', retry=True)}",
        f"    http-error {_answer(504, f'no answer within {response_timeout_s:g} s')}",
        "frontend edge",
        f"    bind {host}:{port}",
        f"    http-request return {too_large} if {{ req.hdr_val(content-length) gt {max_body_bytes} }}",
    ]
    for index, route in enumerate(routes):
        name, acl = f"flow{index}", f"is_flow{index}"
        prefix = route.prefix.rstrip("/") or "/"
        lines.append(f"    acl {acl} path {_quote(prefix)}")
        lines.append(f"    acl {acl} path_beg {_quote(prefix.rstrip('/') + '/')}")
        if route.max_queued is not None:
            full = _answer(503, f"{prefix} is working on all the requests it can hold; retry shortly", retry=True)
            lines.append(f"    http-request return {full} if {acl} {{ queue({name}) ge {route.max_queued} }}")
        lines.append(f"    use_backend {name} if {acl}")
    lines += ["    default_backend serve", "backend serve", f"    server proxy 127.0.0.1:{fallback_port}"]
    for index, route in enumerate(routes):
        lines += [f"backend flow{index}", "    balance leastconn"]
        for replica_port in route.ports:
            lines.append(f"    server r{replica_port} 127.0.0.1:{replica_port} maxconn {route.max_ongoing} {_WATCH}")
        # slots the keeper points at replicas at run time (out of service until then)
        lines.append(f"    server-template s 1-{SLOTS} 127.0.0.1:1 maxconn {route.max_ongoing} {_WATCH} disabled")
        # with every replica down (the only one died), Serve's proxy holds requests for the replacement
        lines.append(f"    server proxy 127.0.0.1:{fallback_port} backup")
    return "\n".join(lines) + "\n"


# -- the keeper -------------------------------------------------------------------------------------
class _Replicas:
    """The running replicas of the wanted ingress deployments: pid -> route prefix.

    Looked up twice a second on a machine that may run many other processes, so each process's
    session is read once (when its pid first appears); only the head's own processes are read
    again each time (a Ray worker takes a replica's name when it becomes one, and a dead one
    may linger as a zombie).
    """

    def __init__(self) -> None:
        self.sessions: dict[int, int | None] = {}

    def _session(self, pid: int) -> int | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat[stat.rfind(")") + 2 :].split()
        return int(fields[3]) if len(fields) > 3 else None

    def __call__(self, session: int, wanted: dict[tuple[str, str], str]) -> dict[int, str]:
        import os

        pids = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        self.sessions = {pid: self.sessions[pid] if pid in self.sessions else self._session(pid) for pid in pids}
        by_pid: dict[int, str] = {}
        for pid in sorted(pid for pid, sid in self.sessions.items() if sid == session):
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                name = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            except (OSError, IndexError):
                continue
            if state != "Z" and name.startswith("ray::ServeReplica:"):
                app, _, deployment = name.removeprefix("ray::ServeReplica:").rpartition(":")
                prefix = wanted.get((app, deployment))
                if prefix is not None:
                    by_pid[pid] = prefix
        return by_pid


def _replica_ports(by_pid: dict[int, str]) -> dict[int, list[int]]:
    """Ports (in the direct-ingress range, on loopback) each of the given replicas listens on."""
    from ._cluster import listening_sockets

    out: dict[int, list[int]] = {pid: [] for pid in by_pid}
    for sock in listening_sockets(sorted(by_pid)):
        if sock.port in _PORTS and sock.loopback:
            out[sock.pid].append(sock.port)
    return {pid: sorted(set(ports)) for pid, ports in out.items()}


class _Ports:
    """Ports of the wanted ingress replicas by route prefix, reading their sockets again only when something changed.

    A replica keeps its port for its whole life, so the sockets (the expensive part: ``/proc/net``
    grows with every connection) are read when the replicas or the routes change, or while some
    replica has no port yet (one that is still starting: its process is there before its HTTP
    server, and a route served by its other replicas must still get it).
    """

    def __init__(self) -> None:
        self.seen: tuple[Any, ...] = ()
        self.by_pid: dict[int, list[int]] = {}
        self.replicas = _Replicas()

    def __call__(self, session: int, wanted: dict[tuple[str, str], str]) -> dict[str, list[int]]:
        by_pid = self.replicas(session, wanted)
        seen = (sorted(by_pid.items()), sorted(wanted.items()))
        if seen != self.seen or not all(self.by_pid.get(pid) for pid in by_pid):
            self.by_pid = _replica_ports(by_pid)
            self.seen = seen
        out: dict[str, list[int]] = {prefix: [] for prefix in wanted.values()}
        for pid, prefix in by_pid.items():
            out[prefix].extend(self.by_pid.get(pid, ()))
        return {prefix: sorted(set(ports)) for prefix, ports in out.items()}


def admin(socket_path: str, commands: list[str], timeout: float = 2.0) -> str:
    """Send commands to HAProxy's admin socket in one exchange; return its answer."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(socket_path)
        sock.sendall((";".join(commands) + "\n").encode())
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


class Slots:
    """Which replica port each server slot of each backend points at, kept in step with HAProxy."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path
        self.held: dict[str, dict[int, int]] = {}  # backend -> slot -> port

    def restarted(self) -> None:
        """HAProxy was (re)started: every slot is out of service again."""
        self.held = {}

    def apply(self, backend: str, ports: set[int]) -> set[int]:
        """Put exactly ``ports`` in service in ``backend``; return the ports in service afterwards."""
        held = self.held.setdefault(backend, {})
        commands = []
        for slot, port in sorted(held.items()):
            if port not in ports:
                commands.append(f"set server {backend}/s{slot} state maint")
                del held[slot]
        free = [slot for slot in range(1, SLOTS + 1) if slot not in held]
        for port in sorted(ports - set(held.values()))[: len(free)]:
            slot = free.pop(0)
            commands += [  # a slot a dead replica left marked down serves the new one at once
                f"set server {backend}/s{slot} addr 127.0.0.1 port {port}",
                f"set server {backend}/s{slot} health up",
                f"set server {backend}/s{slot} state ready",
            ]
            held[slot] = port
        if commands:
            answer = admin(self.socket_path, commands)
            if "No such" in answer or "Require" in answer or "denied" in answer.lower():
                self.held.pop(backend, None)
                raise RuntimeError(f"HAProxy refused {commands}: {answer.strip()}")
        return set(held.values())


def main(argv: list[str] | None = None) -> int:
    """Run HAProxy and keep it current (see the module docstring)."""
    import argparse

    from ._edge import EdgeLimits, read_routes

    parser = argparse.ArgumentParser(description="archkit's HAProxy edge keeper")
    parser.add_argument("--folder", required=True, help="the head's folder (routes file, config, socket)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fallback-port", type=int, required=True)
    parser.add_argument("--session", type=int, required=True, help="session id of the head's processes")
    parser.add_argument("--limits", default="{}", help="EdgeLimits as JSON")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    limits = EdgeLimits(**json.loads(args.limits))
    config, state = folder / "haproxy.cfg", folder / "edge-state.json"
    socket_path = str(folder / "haproxy.sock")
    routes_file = str(folder / "edge-routes.json")
    binary = haproxy_binary() or "haproxy"
    proc: subprocess.Popen[bytes] | None = None
    slots = Slots(socket_path)
    find_ports = _Ports()
    current, reported = "", ""
    stop = False

    def ending(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ending)
    while not stop:
        routes = read_routes(routes_file)
        ordered = sorted(routes.items(), key=lambda item: (-len(item[0]), item[0]))
        text = render_config(
            [
                EdgeRoute(prefix, (), int(entry.get("max_ongoing") or 1), entry.get("max_queued"))
                for prefix, entry in ordered
            ],
            host=args.host,
            port=args.port,
            fallback_port=args.fallback_port,
            socket_path=socket_path,
            body_timeout_s=limits.body_timeout_s,
            response_timeout_s=limits.response_timeout_s,
            max_body_bytes=limits.max_body_bytes,
            max_pending=limits.max_pending,
            access_log=os.environ.get(LOG_ENV) == "1",
        )
        if text != current or proc is None or proc.poll() is not None:
            proc = _run_haproxy(binary, config, text, proc, folder)
            if proc is not None:
                current = text
                slots.restarted()
        wanted = {(entry.get("app", ""), entry.get("ingress", "")): prefix for prefix, entry in routes.items()}
        ports = find_ports(args.session, wanted)
        serving: dict[str, list[int]] = {}
        for index, (prefix, _) in enumerate(ordered):
            try:
                serving[prefix] = sorted(slots.apply(f"flow{index}", set(ports.get(prefix, ()))))
            except (OSError, RuntimeError) as exc:  # HAProxy is (re)starting: next time
                sys.stderr.write(f"archkit edge: {exc}\n")
                serving[prefix] = []
        text_state = json.dumps(serving, sort_keys=True)
        if text_state != reported:
            state.with_suffix(".new").write_text(text_state)
            os.replace(state.with_suffix(".new"), state)
            reported = text_state
        time.sleep(_PERIOD_S)
    if proc is not None and proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


def _run_haproxy(
    binary: str, config: Path, text: str, proc: subprocess.Popen[bytes] | None, folder: Path
) -> subprocess.Popen[bytes] | None:
    """Check ``text`` and start HAProxy with it, or reload the running one; None when it is refused."""
    aside = config.with_suffix(".new")
    aside.write_text(text)
    checked = subprocess.run([binary, "-c", "-q", "-f", str(aside)], capture_output=True, text=True)
    if checked.returncode != 0:
        sys.stderr.write(f"archkit edge: HAProxy refused the configuration: {checked.stderr[-2000:]}\n")
        return None
    os.replace(aside, config)
    sock = folder / "haproxy.sock"
    before = sock.stat().st_ino if sock.exists() else None
    if proc is None or proc.poll() is not None:
        proc = subprocess.Popen(
            [binary, "-W", "-db", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "haproxy.log", "ab"),
        )
    else:
        proc.send_signal(signal.SIGUSR2)  # graceful reload: the master re-reads the file
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the (new) worker's admin socket is there
        if sock.exists() and sock.stat().st_ino != before:
            break
        time.sleep(0.05)
    return proc


def start_keeper(
    head: dict[str, Any], port: int, fallback_port: int, limits: dict[str, Any], host: str = "127.0.0.1"
) -> int:
    """Start the keeper (and through it HAProxy) for a local head; return its pid.

    It runs in a session of its own, whose id the caller records in the head's ``sessions`` so
    that it is listed and ended with the head (see :func:`archkit.runtime._cluster.head_processes`).
    """
    folder = Path(head["temp_dir"])
    cmd = [
        sys.executable,
        "-m",
        "archkit.runtime._haproxy",
        "--folder",
        str(folder),
        "--host",
        host,
        "--port",
        str(port),
        "--fallback-port",
        str(fallback_port),
        "--session",
        str(head["pid"]),
        "--limits",
        json.dumps(limits),
    ]
    log = open(folder / "edge-keeper.log", "ab")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc.pid


def wait_for_routes(head: dict[str, Any], replicas: dict[str, int], timeout: float) -> dict[str, list[int]]:
    """Wait until the edge sends every route to as many replicas as given (at least one); return the ports.

    Args:
        replicas: route prefix -> replicas of its ingress the edge must know before it counts as ready.

    Raises:
        TimeoutError: some route has fewer replicas at the edge after ``timeout`` seconds.
    """
    state = Path(head["temp_dir"]) / "edge-state.json"
    deadline = time.monotonic() + timeout
    seen: dict[str, list[int]] = {}
    wanted = {prefix: max(1, count) for prefix, count in replicas.items()}
    while time.monotonic() < deadline:
        try:
            seen = json.loads(state.read_text())
        except (OSError, ValueError):
            seen = {}
        if all(len(seen.get(prefix, ())) >= count for prefix, count in wanted.items()):
            return seen
        time.sleep(0.1)
    missing = [
        f"{prefix} ({len(seen.get(prefix, ()))} of {count})"
        for prefix, count in wanted.items()
        if len(seen.get(prefix, ())) < count
    ]
    raise TimeoutError(f"the HTTP edge did not find every replica of {', '.join(missing)} within {timeout:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
