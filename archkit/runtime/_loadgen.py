"""A closed-loop HTTP load generator for a deployed flow (``archkit load``).

``concurrency`` clients each send one request, wait for the answer, and send the next, until
``requests`` answers have come back or ``time_limit`` seconds have passed. Inputs are the given
files, used round robin; the content type follows the file extension. The report gives
throughput (answers per second of wall time), latency percentiles over successful answers,
status counts, and the median of each step's time from the answers' ``timings``.

With ``retries`` a client sends a request again after a 503, as a well-behaved client does:
after the ``retry_after_ms`` of the answer's JSON (archkit's edge and ingress send it), else
after its ``Retry-After`` header, else 100 ms. Latency then counts from the first try to the
answer; ``statuses`` holds the final answers, ``first_try`` the first ones, and ``max_gap_ms``
the longest time the run went without a successful answer (the stall a fault causes).

Percentiles use the nearest-rank method on the sorted latencies.
"""

from __future__ import annotations

import asyncio
import math
import mimetypes
import statistics
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["LoadInput", "percentile", "run_load", "read_inputs"]

_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
    ".txt": "text/plain",
}


class LoadInput(tuple):
    """One request body and its content type."""

    def __new__(cls, body: bytes, content_type: str) -> "LoadInput":
        return super().__new__(cls, (body, content_type))

    @property
    def body(self) -> bytes:
        return self[0]

    @property
    def content_type(self) -> str:
        return self[1]


def read_inputs(folder: str | Path) -> list[LoadInput]:
    """Every regular file in ``folder`` (sorted by name) as a request body."""
    root = Path(folder)
    if not root.is_dir():
        from ..errors import UsageError

        raise UsageError(f"--images {folder!r} is not a folder; give a folder of input files")
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_file()):
        ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        out.append(LoadInput(path.read_bytes(), ctype))
    if not out:
        from ..errors import UsageError

        raise UsageError(f"folder {folder!r} holds no files to send")
    return out


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile ``q`` (0-100) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _retry_delay(response: Any) -> float:
    """Seconds to wait before sending a request again after a 503."""
    try:
        hint = response.json().get("retry_after_ms")
        if isinstance(hint, (int, float)) and hint >= 0:
            return min(float(hint), 60_000.0) / 1000
    except (ValueError, AttributeError):
        pass
    header = response.headers.get("retry-after", "")
    return min(float(header), 60.0) if header.isdigit() else 0.1


def _require_httpx() -> None:
    """The load generator's HTTP client is an optional extra: say how to install it, not a traceback."""
    try:
        import httpx  # noqa: F401
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError("httpx", "serve", "archkit load (the load generator)") from None


async def _run(
    url: str,
    inputs: list[LoadInput],
    requests: int,
    concurrency: int,
    time_limit: float,
    timeout: float,
    progress: Callable[[int], None] | None,
    retries: int = 0,
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    first_try: dict[str, int] = {}
    answered_at: list[float] = []
    retried = 0
    steps: dict[str, list[float]] = {}
    errors: list[str] = []
    next_index = 0
    deadline = time.monotonic() + time_limit
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:

        async def worker() -> None:
            nonlocal next_index, retried
            while next_index < requests and time.monotonic() < deadline:
                index = next_index
                next_index += 1
                item = inputs[index % len(inputs)]
                start = time.perf_counter()
                try:
                    response = await client.post(url, content=item.body, headers={"content-type": item.content_type})
                    key = str(response.status_code)
                    first_try[key] = first_try.get(key, 0) + 1
                    for _ in range(retries):
                        if response.status_code != 503 or time.monotonic() >= deadline:
                            break
                        retried += 1
                        await asyncio.sleep(_retry_delay(response))
                        response = await client.post(
                            url, content=item.body, headers={"content-type": item.content_type}
                        )
                except httpx.HTTPError as exc:
                    statuses["error"] = statuses.get("error", 0) + 1
                    if len(errors) < 5:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                key = str(response.status_code)
                statuses[key] = statuses.get(key, 0) + 1
                if response.status_code == 200:
                    latencies.append(elapsed)
                    answered_at.append(time.perf_counter())
                    try:
                        for step, ms in (response.json().get("timings") or {}).items():
                            steps.setdefault(step, []).append(float(ms))
                    except ValueError:
                        pass
                elif len(errors) < 5:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                if progress is not None:
                    progress(1)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    done = sum(statuses.values())
    marks = [started, *sorted(answered_at)]
    gaps = [later - earlier for earlier, later in zip(marks, marks[1:])]
    return {
        "url": url,
        "requests": done,
        "concurrency": concurrency,
        "ok": len(latencies),
        "statuses": dict(sorted(statuses.items())),
        "first_try": dict(sorted(first_try.items())),
        "retried": retried,
        "max_gap_ms": _r(max(gaps) * 1000 if gaps else None),
        "wall_s": round(wall, 3),
        "throughput_rps": round(len(latencies) / wall, 2) if wall > 0 else None,
        "latency_ms": {
            "p50": _r(percentile(latencies, 50)),
            "p95": _r(percentile(latencies, 95)),
            "p99": _r(percentile(latencies, 99)),
            "mean": _r(statistics.fmean(latencies) if latencies else None),
        },
        "steps_p50_ms": {k: _r(statistics.median(v)) for k, v in steps.items()},
        "steps_p95_ms": {k: _r(percentile(v, 95)) for k, v in steps.items()},
        "errors": errors,
        "stopped_by_time_limit": done < requests,
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run_load(
    url: str,
    inputs: list[LoadInput],
    *,
    requests: int = 100,
    concurrency: int = 1,
    time_limit: float = 300.0,
    timeout: float = 60.0,
    retries: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Send ``requests`` POSTs to ``url`` from ``concurrency`` closed-loop clients; return the report.

    Args:
        url: the flow's endpoint.
        inputs: request bodies, used round robin.
        requests: how many requests to send in all (an upper bound).
        concurrency: clients sending at the same time.
        time_limit: stop sending after this many seconds, even if requests remain.
        timeout: seconds one request may take.
        retries: times a request is sent again after a 503 (see the module docstring).
        progress: called with 1 after each answer (for a progress bar).
    """
    if requests < 1 or concurrency < 1 or retries < 0:
        from ..errors import UsageError

        raise UsageError("--requests and --concurrency must be at least 1, --retries at least 0")
    _require_httpx()
    return asyncio.run(
        _run(url, inputs, requests, max(1, min(concurrency, requests)), time_limit, timeout, progress, retries)
    )
