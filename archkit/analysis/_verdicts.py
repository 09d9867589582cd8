"""What the verdicts of one variant add up to: the verdict of each quality, and what makes it infeasible.

Every summary (a row per variant in the review, the report's JSON, compare and explore, lint) reads
these, so a quality never speaks with the voice of something that declares nothing about it::

    latency     worst verdict of the flows with a latency budget       ("no budget" when none has one)
    offline     worst offline verdict of the flows that must work       ("not required" when none must)
                offline
    links       worst verdict of the link directions                    ("ok" without links)
    resources   worst verdict of the nodes
    capacity    worst verdict of the components, the fleets (nodes needed against the most a fleet
                may have) and the flows

Verdicts go from best to worst as in :data:`VERDICT_ORDER`. A variant is infeasible when some quality is
violated: a flow over its budget even in the best case ("violates"), a flow that must work
offline and cannot, a link over its bandwidth, a node whose resources do not fit ("over"), a
component or a fleet short of capacity ("under": "fleet 'cloud' needs 1,073 nodes, at most 20"). "at risk" (only the worst case misses) and
"unknown" (a figure is missing) are not infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["VERDICT_ORDER", "VIOLATIONS", "worst_verdict", "VariantVerdicts", "variant_verdicts"]

VERDICT_ORDER: tuple[str, ...] = (
    "meets",
    "ok",
    "fits",
    "planned",
    "not required",
    "no budget",
    "no rate",
    "unknown",
    "at risk",
    "down",
    "violates",
    "over",
    "under",
)
"""Verdicts from best to worst."""

VIOLATIONS: frozenset[str] = frozenset({"violates", "over", "under"})
"""Verdicts that make a variant infeasible."""


def worst_verdict(verdicts: Iterable[str], none: str = "ok") -> str:
    """The worst of some verdicts (``none`` when there are none)."""
    return max(verdicts, key=lambda v: VERDICT_ORDER.index(v) if v in VERDICT_ORDER else 0, default=none)


@dataclass(frozen=True)
class VariantVerdicts:
    """The verdict of each quality of one variant, and the violations that make it infeasible."""

    latency: str
    offline: str
    links: str
    resources: str
    capacity: str
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """True when nothing is violated."""
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "latency": self.latency,
            "offline": self.offline,
            "links": self.links,
            "resources": self.resources,
            "capacity": self.capacity,
            "feasible": self.feasible,
            "violations": list(self.violations),
        }


def variant_verdicts(report: Any) -> VariantVerdicts:
    """The verdicts of a :class:`archkit.analysis.VariantReport` (see the module docstring)."""
    budgeted = [f for f in report.latency.flows if f.budget is not None]
    required = [f for f in report.availability.flows if f.offline_required]
    why: list[str] = []
    for f in budgeted:
        if f.verdict in VIOLATIONS:
            why.append(f"flow '{f.flow}' takes {f.total.text()}, over its budget of {f.budget}")
    for fa in required:
        if fa.offline_verdict in VIOLATIONS:
            breaks = "; ".join(fa.offline_breaks[:2])
            why.append(f"flow '{fa.flow}' must work offline but does not" + (f" ({breaks})" if breaks else ""))
    for d in report.links.links:
        if d.verdict in VIOLATIONS:
            why.append(
                f"link '{d.link}' {d.from_node} -> {d.to_node} must carry {d.load.text()}, has {d.bandwidth.text()}"
            )
    for n in report.resources.nodes:
        for chk in n.checks:
            if chk.verdict in VIOLATIONS:
                why.append(f"{chk.resource} on '{n.node}' ({n.scope}): needs {chk.need_text}, has {chk.have.text()}")
    for c in report.capacity.components:
        if c.verdict in VIOLATIONS:
            why.append(f"'{c.component}' on '{c.node}' needs {c.replicas_needed.text()}, has {c.declared}")
    for nc in report.capacity.nodes:
        if nc.verdict in VIOLATIONS:
            why.append(f"fleet '{nc.node}' {nc.summary}")
    for fc in report.capacity.flows:
        if fc.verdict in VIOLATIONS:
            why.append(f"flow '{fc.flow}' is asked for {fc.demand.text()}, over its ceiling of {fc.ceiling.text()}")
    return VariantVerdicts(
        latency=worst_verdict((f.verdict for f in budgeted), none="no budget"),
        offline=worst_verdict((f.offline_verdict for f in required), none="not required"),
        links=worst_verdict(d.verdict for d in report.links.links),
        resources=worst_verdict(n.verdict for n in report.resources.nodes),
        capacity=worst_verdict(
            [c.verdict for c in report.capacity.components]
            + [n.verdict for n in report.capacity.nodes]
            + [f.verdict for f in report.capacity.flows]
        ),
        violations=tuple(why),
    )
