"""Small helpers the designs share, so that each design shows only what its source is about.

The sources describe what matters for their point and leave the rest open; the suite fills the
rest in the way a careful team would (documented models, telemetry), so that a design shows the
one problem it is about. Designs that are about documentation or telemetry do not use these.
"""

from __future__ import annotations

from typing import Any

from archkit import Component, Model, connect

__all__ = ["documented", "logs", "sink"]


def documented(id: str, task: str, owner: str, **fields: Any) -> Model:
    """A model with owner, version and intended use declared (what its users need to know)."""
    fields.setdefault("version", "1.0")
    fields.setdefault("intended_use", task)
    return Model(id, task=task, owner=owner, **fields)


def sink(id: str = "telemetry", **fields: Any) -> Component:
    """A telemetry collector."""
    return Component(id, kind="telemetry", **fields)


def logs(source: Any, target: Any, **fields: Any) -> Any:
    """``source`` sends telemetry about its predictions (inputs, outputs, timings) to ``target``."""
    return connect(source, target, "async_message", purpose="telemetry", **fields)
