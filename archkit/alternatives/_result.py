"""The result of comparing or exploring alternatives, and its documented JSON form (docs/alternatives.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ._presets import PRESETS
from ._quality import key_metric
from ._spec import Objective, Requirement, format_metric

__all__ = ["Row", "Dominance", "Exploration", "SCHEMA"]

SCHEMA = "archkit.alternatives/1"


def _num(v: float) -> float | str | None:
    if v != v:
        return None
    if math.isinf(v):
        return "inf"
    return v


@dataclass
class Dominance:
    """Why an alternative is not Pareto-optimal: who dominates it, better on what, equal on what."""

    by: str
    by_index: int
    better_on: list[str]
    equal_on: list[str]
    by_values: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "by": self.by,
            "by_index": self.by_index,
            "better_on": list(self.better_on),
            "equal_on": list(self.equal_on),
            "by_values": {k: _num(v) for k, v in self.by_values.items()},
        }


@dataclass
class Row:
    """One alternative with its quality vector and verdicts."""

    index: int
    name: str
    placement: dict[str, str]
    preset: str | None
    values: dict[str, float]
    feasible: bool
    failed: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
    pareto: bool = False
    dominated: Dominance | None = None
    description: str | None = None

    def text(self, key: str) -> str:
        """A value as people read it."""
        return format_metric(key_metric(key)[0], self.values[key])

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index,
            "name": self.name,
            "description": self.description,
            "placement": dict(self.placement),
            "preset": self.preset,
            "values": {k: _num(v) for k, v in self.values.items()},
            "text": {k: self.text(k) for k in self.values},
            "missing": {k: list(v) for k, v in self.missing.items()},
            "feasible": self.feasible,
            "failed": list(self.failed),
            "pareto": self.pareto,
            "dominated_by": self.dominated.to_dict() if self.dominated else None,
        }


@dataclass
class Exploration:
    """Alternatives compared: table rows, the Pareto front, dominance, infeasibility and a recommendation."""

    system: str
    mode: str  # "compare" (declared variants) or "explore" (a generated space)
    keys: list[str]
    criteria: list[str]
    unknown: dict[str, list[str]]
    requirements: list[Requirement]
    objectives: list[Objective]
    size: int
    feasible: int
    pareto_count: int
    rows: list[Row]
    dominated: list[Row]
    infeasible: list[Row]
    infeasible_reasons: dict[str, int]
    recommended: Row | None
    justification: str
    relaxed: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    exclusions: list[dict[str, str]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage; not in the JSON (not deterministic)

    @property
    def presets(self) -> list[str]:
        """Hulten presets of the rows shown, in first-seen order."""
        seen = dict.fromkeys(
            r.preset for r in self.rows + ([self.recommended] if self.recommended else []) if r is not None and r.preset
        )
        return [p for p in seen if p]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (schema 'archkit.alternatives/1', see docs/alternatives.md)."""
        return {
            "schema": SCHEMA,
            "system": self.system,
            "mode": self.mode,
            "keys": list(self.keys),
            "criteria": list(self.criteria),
            "unknown": {k: list(v) for k, v in self.unknown.items()},
            "requirements": [{"text": r.text, "key": r.key, "op": r.op, "value": r.value} for r in self.requirements],
            "objectives": [{"text": o.text, "key": o.key, "sense": o.sense} for o in self.objectives],
            "decisions": list(self.decisions),
            "exclusions": list(self.exclusions),
            "size": self.size,
            "feasible": self.feasible,
            "pareto_count": self.pareto_count,
            "alternatives": [r.to_dict() for r in self.rows],
            "dominated": [r.to_dict() for r in self.dominated],
            "infeasible": [r.to_dict() for r in self.infeasible],
            "infeasible_reasons": dict(self.infeasible_reasons),
            "recommended": self.recommended.to_dict() if self.recommended else None,
            "justification": self.justification,
            "ignoring_requirements": list(self.relaxed),
            "presets": [PRESETS[p].to_dict() for p in self.presets],
            "stats": dict(self.stats),
        }
