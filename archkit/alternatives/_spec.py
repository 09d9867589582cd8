"""Requirements and objectives for comparing alternatives, read from short text.

Grammar (no ``eval``; a small hand-written reader)::

    requirement := metric OP quantity          latency(overlay) <= 200 ms, cost <= 5000 USD/month
                 | [not] boolean_metric        offline(overlay), not model_on_device
    objective   := (minimize | maximize) metric     minimize cost, minimize latency(overlay)
    metric      := name [ "(" flow ")" ]
    OP          := <= | < | >= | > | ==

The metrics and their units are listed in :data:`METRICS`. A quantity is written as in the model
(``200 ms``, ``5000 USD/month``, ``80 %``); a bare number is read in the metric's
own unit. Every mistake is a :class:`SpecError` with a hint that names the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import UsageError
from ..model import QuantityError, parse_quantity, suggest

__all__ = [
    "MetricInfo",
    "METRICS",
    "SECONDS_PER_MONTH",
    "Requirement",
    "Objective",
    "SpecError",
    "parse_requirement",
    "parse_objective",
    "parse_metric",
    "metric_key",
]

#: Length of the month monthly figures are given over, in seconds: 730 h, as in :mod:`archkit.analysis`.
SECONDS_PER_MONTH = 730 * 3600.0


@dataclass(frozen=True)
class MetricInfo:
    """One entry of the quality vector: its name, whether it is per flow, its kind and unit."""

    name: str
    per_flow: bool
    kind: Literal["number", "boolean"]
    better: Literal["lower", "higher"]
    unit: str
    dimension: str | None  # quantity dimension a requirement's value is written in
    factor: float  # metric value = SI value of the quantity * factor
    description: str


METRICS: dict[str, MetricInfo] = {
    m.name: m
    for m in (
        MetricInfo(
            "latency", True, "number", "lower", "s", "duration", 1.0, "worst-case end-to-end latency of the flow"
        ),
        MetricInfo(
            "typical_latency",
            True,
            "number",
            "lower",
            "s",
            "duration",
            1.0,
            "typical end-to-end latency of the flow (declared typical values, else mid-range)",
        ),
        MetricInfo(
            "offline",
            True,
            "boolean",
            "higher",
            "",
            None,
            1.0,
            "whether the flow still works with every intermittent link down",
        ),
        MetricInfo(
            "utilisation",
            False,
            "number",
            "lower",
            "fraction",
            None,
            1.0,
            "peak utilisation of any link direction (worst case; 1.0 is full)",
        ),
        MetricInfo(
            "cost",
            False,
            "number",
            "lower",
            "USD/month",
            "money_per_time",
            SECONDS_PER_MONTH,
            "monthly operating cost (worst case)",
        ),
        MetricInfo(
            "update_cost",
            False,
            "number",
            "lower",
            "USD/month",
            "money_per_time",
            SECONDS_PER_MONTH,
            "monthly cost of distributing model updates",
        ),
        MetricInfo(
            "personal_data",
            False,
            "number",
            "lower",
            "connectors",
            None,
            1.0,
            "connectors that carry personal data off the user's devices",
        ),
        MetricInfo(
            "model_on_device",
            False,
            "boolean",
            "lower",
            "",
            None,
            1.0,
            "whether a model is shipped to user devices (its intellectual property is exposed)",
        ),
    )
}

_ALIASES = {
    "utilization": "utilisation",
    "link_utilisation": "utilisation",
    "link_utilization": "utilisation",
    "peak_link_utilisation": "utilisation",
    "peak_utilisation": "utilisation",
    "monthly_cost": "cost",
    "update_distribution_cost": "update_cost",
    "personal_data_leaving_devices": "personal_data",
    "privacy": "personal_data",
    "ip_exposure": "model_on_device",
    "model_shipped": "model_on_device",
    "works_offline": "offline",
}

_OPS = ("<=", ">=", "==", "<", ">")


class SpecError(UsageError):
    """A requirement or objective could not be read; the message says what and the hint how to fix it."""

    def __init__(self, text: str, message: str, hint: str) -> None:
        self.text = text
        self.hint = hint
        super().__init__(f"cannot read '{text}': {message}; {hint}")


def metric_key(name: str, flow: str | None) -> str:
    """The key of a metric in quality vectors and JSON, e.g. 'latency(overlay)' or 'cost'."""
    return f"{name}({flow})" if flow is not None else name


_METRIC_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(?:\(\s*([^()]*?)\s*\))?\s*$")


def parse_metric(text: str, flows: list[str] | None = None, *, whole: str | None = None) -> tuple[str, str | None]:
    """Read 'latency(overlay)' or 'cost' into (metric name, flow id or None), checking names and flows."""
    src = whole if whole is not None else text
    m = _METRIC_RE.match(text)
    if not m:
        raise SpecError(
            src,
            f"'{text.strip()}' is not a metric",
            "write a metric such as cost or latency(FLOW); metrics: " + ", ".join(METRICS),
        )
    raw, flow = m.group(1).strip().lower().replace(" ", "_").replace("-", "_"), m.group(2)
    name = _ALIASES.get(raw, raw)
    if name not in METRICS:
        close = suggest(raw, list(METRICS) + list(_ALIASES))
        hint = f"did you mean '{_ALIASES.get(close, close)}'?" if close else "metrics: " + ", ".join(METRICS)
        raise SpecError(src, f"unknown metric '{raw}'", hint)
    info = METRICS[name]
    if info.per_flow:
        if not flow:
            example = flows[0] if flows else "FLOW"
            raise SpecError(src, f"'{name}' is measured per flow", f"name the flow, e.g. {name}({example})")
        if flows is not None and flow not in flows:
            close = suggest(flow, flows)
            hint = f"did you mean '{close}'?" if close else f"flows: {', '.join(flows) or 'none declared'}"
            raise SpecError(src, f"unknown flow '{flow}'", hint)
    elif flow is not None:
        raise SpecError(src, f"'{name}' is not measured per flow", f"write just '{name}'")
    return name, (flow if info.per_flow else None)


@dataclass(frozen=True)
class Requirement:
    """A hard constraint on one metric: ``metric op value`` (booleans: value 1 for true, 0 for false)."""

    text: str
    metric: str
    flow: str | None
    op: str
    value: float

    @property
    def key(self) -> str:
        """The quality-vector key this requirement constrains."""
        return metric_key(self.metric, self.flow)

    def holds(self, x: float) -> bool:
        """Whether a metric value satisfies the requirement."""
        return _compare(x, self.op, self.value)

    def describe_value(self) -> str:
        """The threshold as people write it (e.g. '200 ms')."""
        return format_metric(self.metric, self.value)


@dataclass(frozen=True)
class Objective:
    """What to optimise: minimise or maximise one metric."""

    text: str
    sense: Literal["minimize", "maximize"]
    metric: str
    flow: str | None

    @property
    def key(self) -> str:
        """The quality-vector key this objective is about."""
        return metric_key(self.metric, self.flow)


def _compare(x: float, op: str, v: float) -> bool:
    if op == "<=":
        return x <= v
    if op == "<":
        return x < v
    if op == ">=":
        return x >= v
    if op == ">":
        return x > v
    return x == v


def format_metric(name: str, value: float) -> str:
    """A metric value in its display unit: '182 ms', '1,234 USD/month', '45 %', 'yes'."""
    info = METRICS[name]
    if value != value:  # NaN
        return "unknown"
    if value == float("inf"):
        return "unbounded"
    if info.kind == "boolean":
        return "yes" if value else "no"
    if name in ("latency", "typical_latency"):
        return f"{value * 1e3:,.1f} ms" if value < 10 else f"{value:,.1f} s"
    if name == "utilisation":
        return f"{value * 100:,.1f} %" if value >= 0.1 else f"{value * 100:.3g} %"
    if name in ("cost", "update_cost"):
        return f"{value:,.0f} USD/month" if value >= 100 else f"{value:,.2f} USD/month"
    if name == "personal_data":
        return f"{value:,.0f}"
    return f"{value:g} {info.unit}"


def _value(text: str, name: str, raw: str) -> float:
    info = METRICS[name]
    raw = raw.strip()
    if name == "utilisation":
        m = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(%?)", raw)
        if not m:
            raise SpecError(text, f"cannot read '{raw}' as a utilisation", "write a percentage or fraction, e.g. 80 %")
        v = float(m.group(1))
        return v / 100 if m.group(2) else v
    if re.fullmatch(r"[0-9]*\.?[0-9]+", raw):
        return float(raw)  # a bare number is in the metric's own unit
    if info.dimension is None:
        raise SpecError(text, f"cannot read '{raw}' as a number of {info.unit}", f"write e.g. '{_example(name)}'")
    assert info.dimension is not None
    dim, factor, unit_text = info.dimension, info.factor, raw
    m = re.fullmatch(r"(.*?)\s*/\s*(month|mo)", raw)
    if m and name not in ("latency", "typical_latency"):
        # 'X USD/month' is read as the amount X per month of the analyses (730 h)
        dim = "money" if info.dimension == "money_per_time" else "data"
        factor, unit_text = 1.0, m.group(1)
    try:
        q = parse_quantity(unit_text, dim)
    except QuantityError as exc:
        raise SpecError(
            text, exc.args[0] if exc.args else str(exc), f"write a value such as '{_example(name)}'"
        ) from None
    if q.is_range:
        raise SpecError(text, "a requirement needs one threshold, not a range", "write a single value")
    return q.hi * factor


def parse_requirement(text: str, flows: list[str] | None = None) -> Requirement:
    """Read one requirement, e.g. ``latency(overlay) <= 200 ms`` or ``offline(overlay)``.

    Args:
        text: the requirement as written.
        flows: flow ids of the system, to check flow names (None skips the check).

    Raises:
        SpecError: naming what could not be read and how to write it.
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError(str(text), "the requirement is empty", "write e.g. 'latency(FLOW) <= 200 ms'")
    s = text.strip()
    for op in _OPS:
        if op in s:
            left, right = s.split(op, 1)
            if any(o in right for o in _OPS):
                raise SpecError(text, "more than one comparison", "write one comparison per requirement")
            name, flow = parse_metric(left, flows, whole=text)
            info = METRICS[name]
            if info.kind == "boolean":
                raise SpecError(
                    text,
                    f"'{name}' is yes/no and is not compared with a number",
                    f"write '{metric_key(name, flow or ('FLOW' if info.per_flow else None))}' or "
                    f"'not {metric_key(name, flow or ('FLOW' if info.per_flow else None))}'",
                )
            if not right.strip():
                raise SpecError(text, "the value is missing", "write e.g. 'latency(FLOW) <= 200 ms'")
            return Requirement(text, name, flow, op, _value(text, name, right))
    if "=" in s or "!" in s:
        raise SpecError(text, "unknown comparison", "use one of <=, <, >=, >, ==")
    neg = False
    body = s
    if re.match(r"^(not|no)\s+", s, re.I):
        neg, body = True, re.sub(r"^(not|no)\s+", "", s, flags=re.I)
    name, flow = parse_metric(body, flows, whole=text)
    info = METRICS[name]
    if info.kind != "boolean":
        raise SpecError(
            text,
            f"'{name}' is a number and needs a comparison",
            f"write e.g. '{metric_key(name, flow)} <= {_example(name)}'",
        )
    return Requirement(text, name, flow, "==", 0.0 if neg else 1.0)


def _example(name: str) -> str:
    return {
        "latency": "200 ms",
        "typical_latency": "200 ms",
        "cost": "5000 USD/month",
        "update_cost": "100 USD/month",
        "personal_data": "0",
        "utilisation": "80 %",
    }.get(name, "1")


def parse_objective(text: str, flows: list[str] | None = None) -> Objective:
    """Read one objective, e.g. ``minimize cost`` or ``minimize latency(overlay)``.

    A bare metric (``cost``) means minimise it when lower is better, maximise when higher is.

    Raises:
        SpecError: naming what could not be read and how to write it.
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError(str(text), "the objective is empty", "write e.g. 'minimize cost'")
    m = re.match(r"^\s*(minimi[sz]e|maximi[sz]e|min|max)\s+(.*)$", text, re.I)
    if m:
        sense = "minimize" if m.group(1).lower().startswith("min") else "maximize"
        body = m.group(2)
    else:
        first = text.strip().split()[0].lower()
        if len(text.split()) > 1 and first not in METRICS and not first.startswith(tuple(METRICS)):
            close = suggest(first, ["minimize", "maximize"])
            raise SpecError(
                text,
                f"unknown word '{first}'",
                f"did you mean '{close}'?" if close else "start with 'minimize' or 'maximize'",
            )
        sense, body = None, text
    name, flow = parse_metric(body, flows, whole=text)
    if sense is None:
        sense = "minimize" if METRICS[name].better == "lower" else "maximize"
    return Objective(text, sense, name, flow)  # type: ignore[arg-type]
