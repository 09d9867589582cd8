"""Exports of a model to other tools and formats: Structurizr DSL, FINOS CALM, Mermaid, JSON, YAML.

:func:`export` is the one entry point (``archkit export`` calls it):

* ``structurizr`` - a Structurizr DSL workspace (model, a deployment environment per variant, views);
* ``calm`` - a FINOS CALM 1.1 architecture document (nodes, relationships incl. deployed-in, flows);
* ``mermaid`` - the deployment view as a Mermaid flowchart;
* ``json`` / ``yaml`` - archkit's own canonical model file.
"""

from __future__ import annotations

from ..errors import UsageError
from ..model import System
from ._calm import calm_json, to_calm
from ._structurizr import to_structurizr

__all__ = ["export", "EXPORT_FORMATS", "to_calm", "calm_json", "to_structurizr"]

EXPORT_FORMATS = ("structurizr", "calm", "mermaid", "json", "yaml")


def export(system: System, to: str, variant: str | None = None) -> str:
    """The model as text in another format (see the module docstring).

    Args:
        system: a validated model.
        to: structurizr, calm, mermaid, json or yaml.
        variant: the placement for calm and mermaid (None: base); structurizr has every variant anyway.

    Raises:
        UsageError: an unknown format or variant.
    """
    if variant is not None and variant != "base" and variant not in system.variant_names:
        raise UsageError(f"unknown variant '{variant}'; declared: {', '.join(system.variant_names) or 'none'}")
    v = None if variant == "base" else variant
    if to == "structurizr":
        return to_structurizr(system)
    if to == "calm":
        return calm_json(system, v)
    if to == "mermaid":
        from ..views import deployment_view

        return deployment_view(system, v).mermaid()
    if to in ("json", "yaml"):
        from ..io import to_json, to_yaml

        return to_json(system) if to == "json" else to_yaml(system)
    raise UsageError(f"unknown export format '{to}'; use one of: {', '.join(EXPORT_FORMATS)}")
