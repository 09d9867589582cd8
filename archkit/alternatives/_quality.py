"""The quality vector of one alternative, read from the full analyses (:mod:`archkit.analysis`).

Keys, in order (flows in declaration order)::

    latency(F)       worst-case end-to-end latency of flow F, s           (flow_latency total, worst)
    typical_latency(F)  its typical value, s                              (flow_latency total, typical)
    offline(F)       1 if flow F works with every intermittent link down  (availability works_offline)
    utilisation      highest worst-case utilisation of any link direction that is up (links)
    cost             worst-case monthly operating cost, USD/month        (cost total, worst)
    update_cost      worst-case monthly cost of distributing model updates, USD/month (updates)
    personal_data    connectors carrying personal data off the user's devices (privacy exits that
                     are personal and leave the user's devices)
    model_on_device  1 if a model lives on a user's device (the artifact is shipped: IP exposure)

An unknown value (a missing input) is NaN; its "declare ..." messages are kept. An alternative is
*infeasible* when it violates what the model declares, as the analyses judge it
(:func:`archkit.analysis.variant_verdicts`, the definition analyze, lint and the review use too):
a flow over its latency budget even in the best case, a flow that must work offline and cannot,
a link over its bandwidth, a node that cannot hold what is placed on it, a component or fleet
short of capacity (a fixed fleet of ``count`` nodes, or one that scales up to ``count``), a flow
asked for more than its ceiling - besides any requirement it fails.

This module is the reference: :mod:`archkit.alternatives._vector` computes the same vector for many
alternatives at once and is tested against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import System, Variant
from ._spec import METRICS, metric_key

__all__ = ["quality_keys", "Quality", "probe_system", "quality_of", "quantise", "PROBE_VARIANT"]

#: Name of the variant a probe system carries (it holds the links taken as down).
PROBE_VARIANT = "__explore__"


def quality_keys(system: System) -> list[str]:
    """The keys of the quality vector of a system, in order."""
    flows = [f.id for f in system.flows]
    return (
        [metric_key("latency", f) for f in flows]
        + [metric_key("typical_latency", f) for f in flows]
        + [metric_key("offline", f) for f in flows]
        + ["utilisation", "cost", "update_cost", "personal_data", "model_on_device"]
    )


def key_metric(key: str) -> tuple[str, str | None]:
    """'latency(overlay)' -> ('latency', 'overlay'); 'cost' -> ('cost', None)."""
    if "(" in key:
        name, rest = key.split("(", 1)
        return name, rest[:-1]
    return key, None


def better_sign(key: str) -> float:
    """+1 when lower is better for this key, -1 when higher is."""
    return 1.0 if METRICS[key_metric(key)[0]].better == "lower" else -1.0


def quantise(x: np.ndarray) -> np.ndarray:
    """Round to 12 significant digits, so that sums taken in a different order compare equal."""
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    if ok.any():
        v = x[ok]
        e = np.floor(np.log10(np.abs(v)))
        s = 10.0 ** (11 - e)
        out[ok] = np.round(v * s) / s
    return out


@dataclass
class Quality:
    """The quality vector of one alternative, why values are unknown, and whether it is feasible."""

    values: dict[str, float]
    missing: dict[str, list[str]] = field(default_factory=dict)
    infeasible: list[str] = field(default_factory=list)

    def vector(self, keys: list[str]) -> np.ndarray:
        """The values in key order."""
        return np.array([self.values[k] for k in keys], dtype=np.float64)


def probe_system(system: System, placement: dict[str, str], links_down: frozenset[str] | set[str]) -> System:
    """A copy of ``system`` whose base placement is ``placement``, with one variant holding the links down.

    Analyses are then run for variant :data:`PROBE_VARIANT`.
    """
    v = Variant(name=PROBE_VARIANT, description=None, links_down=sorted(links_down), preset=None)
    return system.model_copy(update={"placement": dict(placement), "variants": [v]})


def _worst(e: Any) -> float:
    if not e.known:
        return math.nan
    return float(e.worst)


def quality_of(
    system: System,
    placement: dict[str, str],
    links_down: frozenset[str] | set[str] = frozenset(),
    options: Any = None,
    report: Any = None,
) -> Quality:
    """The quality vector of one placement from the full analysis report (the reference).

    Args:
        system: the validated system.
        placement: component id -> node id of the alternative.
        links_down: links taken as down in it.
        options: :class:`archkit.analysis.Options` (default: the defaults).
        report: a :class:`archkit.analysis.VariantReport` already computed for exactly this placement.
    """
    from ..analysis import Estimate, Options, analyze

    opts = options or Options()
    if report is None:
        report = analyze(probe_system(system, placement, links_down), PROBE_VARIANT, opts)
    vals: dict[str, float] = {}
    missing: dict[str, list[str]] = {}
    for f in report.latency.flows:
        k = metric_key("latency", f.flow)
        vals[k] = _worst(f.total)
        if not f.total.known:
            missing[k] = list(f.total.missing)
        k2 = metric_key("typical_latency", f.flow)
        vals[k2] = float(f.total.typical) if f.total.known else math.nan
        if not f.total.known:
            missing[k2] = list(f.total.missing)
    for f in report.availability.flows:
        k = metric_key("offline", f.flow)
        vals[k] = math.nan if f.works_offline is None else float(f.works_offline)
        if f.works_offline is None:
            missing[k] = ["place every component of the flow"]
    peak = 0.0
    miss: list[str] = []
    for d in report.links.links:
        if d.verdict == "down":
            continue
        if not d.utilisation.known:
            miss.extend(d.utilisation.missing)
            continue
        peak = max(peak, float(d.utilisation.worst))
    vals["utilisation"] = math.nan if miss else peak
    if miss:
        missing["utilisation"] = list(dict.fromkeys(miss))
    vals["cost"] = _worst(report.cost.total)
    if not report.cost.total.known:
        missing["cost"] = list(report.cost.total.missing)
    upd = Estimate.total((m.monthly_cost for m in report.updates.models), "USD/month", keep_inputs=False)
    vals["update_cost"] = _worst(upd)
    if not upd.known:
        missing["update_cost"] = list(upd.missing)
    vals["personal_data"] = float(len({e.connector for e in report.privacy.exits if e.personal and e.leaves_user}))
    user_nodes = {n.id for n in system.nodes if n.user_device}
    vals["model_on_device"] = float(
        any(placement.get(c.id) in user_nodes for c in system.components if c.kind == "model" or c.model is not None)
    )
    from ..analysis import variant_verdicts

    # infeasible: what the model declares is violated, the one definition every command uses
    return Quality(vals, missing, list(variant_verdicts(report).violations))
