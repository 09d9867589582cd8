"""Hulten's five places intelligence can live, as named presets with their qualitative trade-offs.

The ratings restate the trade-off matrix of G. Hulten, *Building Intelligent Systems* (Apress
2018), ch. 13 "Where Intelligence Lives", as summarised in C. Kaestner's lecture "Deploying a
Model" (CMU 17-445/645): the offline, execution-latency, update and operating-cost columns for
static and client-side intelligence are Hulten's; the rest is our reading of both sources.
They are shown *beside* the computed numbers, never instead of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import System

__all__ = ["Preset", "PRESETS", "DIMENSIONS", "infer_preset"]

DIMENSIONS = (
    "offline use",
    "inference latency",
    "model updates",
    "operating cost",
    "telemetry",
    "model (IP) protection",
    "privacy",
)


@dataclass(frozen=True)
class Preset:
    """One of Hulten's placements: what it is and how it tends to rate on each dimension."""

    name: str
    title: str
    summary: str
    ratings: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "title": self.title, "summary": self.summary, "ratings": dict(self.ratings)}


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "static",
            "Static intelligence in the product",
            "The model ships inside the product and changes only with a new release.",
            {
                "offline use": "better: works offline",
                "inference latency": "better: local execution",
                "model updates": "worse: needs a new release",
                "operating cost": "better: cheap to operate",
                "telemetry": "worse: none to learn from",
                "model (IP) protection": "worse: model on the device",
                "privacy": "better: inputs stay on the device",
            },
        ),
        Preset(
            "client_side",
            "Client-side intelligence",
            "The model runs on the user's device and is updated separately from the product.",
            {
                "offline use": "better: works offline",
                "inference latency": "better: local, varies with the device",
                "model updates": "worse: slow, copies out of sync",
                "operating cost": "neutral: distribution grows with update rate and users",
                "telemetry": "partial: delayed and buffered",
                "model (IP) protection": "worse: model on the device",
                "privacy": "better: inputs stay on the device",
            },
        ),
        Preset(
            "server_centric",
            "Server-centric intelligence",
            "The model runs on servers and every prediction is a remote call.",
            {
                "offline use": "worse: no offline use",
                "inference latency": "worse: a network round trip per call",
                "model updates": "better: easy to update and experiment",
                "operating cost": "worse: grows with usage",
                "telemetry": "better: sees every input and output",
                "model (IP) protection": "better: model stays home",
                "privacy": "worse: inputs leave the device",
            },
        ),
        Preset(
            "backend_cached",
            "Back-end cached intelligence",
            "Common predictions are computed on the back end ahead of time and looked up.",
            {
                "offline use": "partial: covered inputs only",
                "inference latency": "better for covered inputs",
                "model updates": "worse: recompute and redistribute",
                "operating cost": "neutral: grows with update rate, saves bandwidth",
                "telemetry": "partial",
                "model (IP) protection": "better: no model shipped",
                "privacy": "neutral: better when the table is on the device",
            },
        ),
        Preset(
            "hybrid",
            "Hybrid",
            "Part of the intelligence on the device, part on the server.",
            {
                "offline use": "partial: the local part works",
                "inference latency": "mixed: fast when local, slower when escalated",
                "model updates": "neutral: server part easy, device part slow",
                "operating cost": "neutral: split",
                "telemetry": "partial",
                "model (IP) protection": "partial",
                "privacy": "partial",
            },
        ),
    )
}


def infer_preset(system: System, placement: dict[str, str]) -> str | None:
    """Which of Hulten's placements a placement of the models amounts to, or None without models.

    Every model on a user's device: client-side (static when no model has an update channel);
    every model on a fleet node: server-centric; some of each: hybrid. (Back-end caching is a
    design of its own and is only ever declared.)
    """
    user = {n.id for n in system.nodes if n.user_device}
    models = [c.id for c in system.components if c.kind == "model" or c.model is not None]
    if not models:
        return None
    local = [m for m in models if placement.get(m) in user]
    if len(local) == len(models):
        channels = {e.target for e in system.connectors if e.purpose == "model_artifact"}
        return "client_side" if any(m in channels for m in models) else "static"
    if not local:
        return "server_centric"
    return "hybrid"
