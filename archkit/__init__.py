"""archkit: architecture as code for ML-enabled systems.

Declare a system in Python (or YAML/JSON), check it, analyse its qualities, compare design
alternatives, lint it against a catalog of ML patterns, render views of it and deploy it.

The public face is small: the DSL names, :func:`load`, :func:`validate`, the error types and the
model classes under :mod:`archkit.model`.
"""

from __future__ import annotations

from . import model
from .dsl import Component, Connector, Flag, Flow, Link, Model, Node, System, Variant, connect, current_system
from .errors import ArchkitError, LoadError, MissingDependencyError, Problem, UsageError, ValidationError
from .io import json_schema, load, loads, save, to_json, to_yaml
from .model.quantity import Quantity
from .validate import check, validate

__version__ = "0.1.0"

__all__ = [
    "System",
    "Node",
    "Component",
    "Model",
    "Link",
    "Connector",
    "Flow",
    "Flag",
    "Variant",
    "connect",
    "current_system",
    "load",
    "loads",
    "save",
    "to_yaml",
    "to_json",
    "json_schema",
    "check",
    "validate",
    "Quantity",
    "model",
    "ArchkitError",
    "ValidationError",
    "LoadError",
    "UsageError",
    "MissingDependencyError",
    "Problem",
    "__version__",
]
