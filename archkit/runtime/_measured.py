"""Measured against predicted: a load run of the deployed flow set beside the latency analysis.

For the deployed flow, the prediction is the latency analysis of the deployed variant
(:func:`archkit.analysis.latency`): the flow's total and each step's total (network +
processing + queueing), as best .. typical .. worst, with the typical network, processing and
queueing parts of each step. The measurement is a closed-loop load run
(:func:`~._loadgen.run_load`): the flow's latency as the client sees it (p50, p95) and each
step's own time as the replicas report it (the ``step <connector>`` timings, see
:mod:`archkit.runtime._runner`).

``error %`` is ``(measured p50 - predicted typical) / predicted typical x 100``; ``in range``
says whether the measured p50 lies within best .. worst. What the prediction holds and the run
may not: queueing at the declared user load (a run at low concurrency waits little; the
``queueing`` column shows the predicted share), and what the model leaves out (HTTP, Serve's
proxy, the entry component's own work), which only the flow's measured total contains
(``outside_steps_ms`` estimates it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._runner import STEP

__all__ = ["StepCheck", "FlowCheck", "compare_load", "error_pct"]


def error_pct(measured: float | None, predicted: float | None) -> float | None:
    """``(measured - predicted) / predicted`` in percent; None when either is missing or predicted is 0."""
    if measured is None or predicted is None or predicted == 0:
        return None
    return round((measured - predicted) / predicted * 100, 1)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 3)


def _predicted(estimate: Any) -> dict[str, Any]:
    if not estimate.known:
        return {"known": False, "missing": list(estimate.missing)}
    return {
        "known": True,
        "best_ms": _ms(estimate.best),
        "typical_ms": _ms(estimate.typical),
        "worst_ms": _ms(estimate.worst),
    }


@dataclass(frozen=True)
class StepCheck:
    """One step of the flow: predicted and measured."""

    connector: str
    source: str
    target: str
    predicted: dict[str, Any]
    network_ms: float | None
    processing_ms: float | None
    queueing_ms: float | None
    measured_p50_ms: float | None
    measured_p95_ms: float | None

    @property
    def error_pct(self) -> float | None:
        """Measured p50 against the predicted typical value, in percent."""
        return error_pct(self.measured_p50_ms, self.predicted.get("typical_ms"))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "connector": self.connector,
            "source": self.source,
            "target": self.target,
            "predicted": dict(self.predicted),
            "network_ms": self.network_ms,
            "processing_ms": self.processing_ms,
            "queueing_ms": self.queueing_ms,
            "measured": {"p50_ms": self.measured_p50_ms, "p95_ms": self.measured_p95_ms},
            "error_pct": self.error_pct,
        }


@dataclass(frozen=True)
class FlowCheck:
    """The deployed flow under load: predicted and measured, in total and step by step."""

    flow: str
    variant: str | None
    point: str
    predicted: dict[str, Any]
    measured_p50_ms: float | None
    measured_p95_ms: float | None
    steps: list[StepCheck]
    load: dict[str, Any] = field(default_factory=dict)

    @property
    def error_pct(self) -> float | None:
        """Measured p50 of the flow against its predicted value at the point (typical), in percent."""
        return error_pct(self.measured_p50_ms, self.predicted.get(f"{self.point}_ms"))

    @property
    def outside_steps_ms(self) -> float | None:
        """What the client waited beyond the flow's steps (HTTP, the proxy, the ingress and the entry's own
        work, which the model leaves out): measured p50 minus the sum of the steps' p50 (a difference
        of medians, so a guide rather than an exact split)."""
        parts = [s.measured_p50_ms for s in self.steps]
        if self.measured_p50_ms is None or any(p is None for p in parts):
            return None
        return round(self.measured_p50_ms - sum(p for p in parts if p is not None), 1)

    @property
    def in_range(self) -> bool | None:
        """Whether the measured p50 lies within the predicted best .. worst."""
        if self.measured_p50_ms is None or not self.predicted.get("known"):
            return None
        return bool(self.predicted["best_ms"] <= self.measured_p50_ms <= self.predicted["worst_ms"])

    def to_dict(self) -> dict[str, Any]:
        """JSON form (documented in docs/deploy.md)."""
        return {
            "flow": self.flow,
            "variant": self.variant,
            "point": self.point,
            "predicted": dict(self.predicted),
            "measured": {"p50_ms": self.measured_p50_ms, "p95_ms": self.measured_p95_ms},
            "error_pct": self.error_pct,
            "in_range": self.in_range,
            "outside_steps_ms": self.outside_steps_ms,
            "steps": [s.to_dict() for s in self.steps],
            "load": {
                k: self.load.get(k)
                for k in (
                    "url",
                    "requests",
                    "concurrency",
                    "ok",
                    "statuses",
                    "wall_s",
                    "throughput_rps",
                    "latency_ms",
                    "errors",
                )
            },
        }


def compare_load(
    system: Any, variant: str | None, flow: str, report: dict[str, Any], point: str = "typical"
) -> FlowCheck:
    """Set a load report (:func:`~._loadgen.run_load`) of a deployed flow beside the latency analysis.

    Args:
        system: the model.
        variant: the deployed variant.
        flow: the deployed flow's id.
        report: the load run's report.
        point: the point of the predicted range the error is taken against.
    """
    from ..analysis import latency

    result = latency(system, variant)
    found = [f for f in result.flows if f.flow == flow]
    if not found:
        raise KeyError(flow)
    analysed = found[0]
    p50 = report.get("steps_p50_ms") or {}
    p95 = report.get("steps_p95_ms") or {}
    steps = []
    for step in analysed.steps:
        key = STEP + step.connector
        wait = step.queueing.wait if step.queueing is not None and step.queueing.wait.known else None
        network, processing = step.network.total, step.processing
        steps.append(
            StepCheck(
                step.connector,
                step.source,
                step.target,
                _predicted(step.total),
                _ms(network.typical) if network.known else None,
                _ms(processing.typical) if processing.known else None,
                None if wait is None else _ms(wait.typical),
                p50.get(key),
                p95.get(key),
            )
        )
    lat = report.get("latency_ms") or {}
    return FlowCheck(flow, variant, point, _predicted(analysed.total), lat.get("p50"), lat.get("p95"), steps, report)
