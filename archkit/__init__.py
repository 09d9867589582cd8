"""archkit: architecture as code for ML-enabled systems.

Declare a system in Python (or YAML/JSON), check it, analyse its qualities, compare design
alternatives, lint it against a catalog of ML patterns, render views of it and deploy it.

The public face:

* the DSL: :class:`System`, :class:`Node`, :class:`Component`, :class:`Model`, :class:`Link`,
  :class:`Connector`, :class:`Flow`, :class:`Variant`, :func:`connect`, :func:`current_system`;
* the verbs: :func:`load`, :func:`validate`, :func:`analyze`, :func:`compare`, :func:`explore`,
  :func:`lint`, :func:`render`, :func:`review` (and :func:`loads`, :func:`save`, :func:`check`, ...);
* the errors (:mod:`archkit.errors`) and the typed model (:mod:`archkit.model`).

The parts behind the verbs are packages with their own public face: :mod:`archkit.io`,
:mod:`archkit.analysis`, :mod:`archkit.alternatives` (compare, explore), :mod:`archkit.catalog`
(lint), :mod:`archkit.views` (render), :mod:`archkit.export`, :mod:`archkit.design_review` (review),
:mod:`archkit.runtime` (deploy) and :mod:`archkit.cli`.

Every name is imported on first use (module ``__getattr__``), so ``import archkit`` and
``archkit --help`` load none of the heavy libraries (networkx, numpy, graphviz, Ray).
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._version import __version__

# public name -> the module (relative to this package) that defines it
_LAZY: dict[str, str] = {
    # the DSL
    "System": "._dsl",
    "Node": "._dsl",
    "Component": "._dsl",
    "Model": "._dsl",
    "Link": "._dsl",
    "Connector": "._dsl",
    "Flow": "._dsl",
    "Flag": "._dsl",
    "Variant": "._dsl",
    "connect": "._dsl",
    "current_system": "._dsl",
    # files
    "load": ".io",
    "loads": ".io",
    "save": ".io",
    "to_yaml": ".io",
    "to_json": ".io",
    "json_schema": ".io",
    # the verbs
    "validate": "._validate",
    "check": "._validate",
    "analyze": ".analysis",
    "compare": ".alternatives",
    "explore": ".alternatives",
    "lint": ".catalog",
    "render": ".views",
    "review": ".design_review",
    # values and errors
    "Quantity": ".model",
    "ArchkitError": ".errors",
    "ValidationError": ".errors",
    "LoadError": ".errors",
    "UsageError": ".errors",
    "MissingDependencyError": ".errors",
    "Problem": ".errors",
    "Location": ".errors",
}
_SUBMODULES = (
    "model",
    "errors",
    "io",
    "analysis",
    "catalog",
    "alternatives",
    "views",
    "export",
    "design_review",
    "runtime",
    "cli",
)

__all__ = [*_LAZY, *_SUBMODULES, "__version__"]

from . import _display  # noqa: E402

_display.install()  # in a notebook, results show as the report's HTML (see _display.py); elsewhere a no-op

if TYPE_CHECKING:
    from . import alternatives, analysis, catalog, cli, design_review, errors, export, io, model, runtime, views
    from ._dsl import Component, Connector, Flag, Flow, Link, Model, Node, System, Variant, connect, current_system
    from ._validate import check, validate
    from .alternatives import compare, explore
    from .analysis import analyze
    from .catalog import lint
    from .design_review import review
    from .errors import ArchkitError, LoadError, Location, MissingDependencyError, Problem, UsageError, ValidationError
    from .io import json_schema, load, loads, save, to_json, to_yaml
    from .model import Quantity
    from .views import render


def _module(name: str) -> ModuleType:
    """Import one of archkit's modules by its name in :data:`_LAZY` (plain imports, so tools see the layers).

    Absolute imports: ``from . import x`` would ask this module for ``x`` first and recurse.
    """
    if name == "._dsl":
        import archkit._dsl

        return archkit._dsl
    elif name == "._validate":
        import archkit._validate

        return archkit._validate
    elif name == ".model":
        import archkit.model

        return archkit.model
    elif name == ".errors":
        import archkit.errors

        return archkit.errors
    elif name == ".io":
        import archkit.io

        return archkit.io
    elif name == ".analysis":
        import archkit.analysis

        return archkit.analysis
    elif name == ".catalog":
        import archkit.catalog

        return archkit.catalog
    elif name == ".alternatives":
        import archkit.alternatives

        return archkit.alternatives
    elif name == ".views":
        import archkit.views

        return archkit.views
    elif name == ".export":
        import archkit.export

        return archkit.export
    elif name == ".design_review":
        import archkit.design_review

        return archkit.design_review
    elif name == ".runtime":
        import archkit.runtime

        return archkit.runtime
    elif name == ".cli":
        import archkit.cli

        return archkit.cli
    raise AttributeError(name)  # pragma: no cover - _LAZY and this list are kept together


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = _module("." + name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _system_svg(system: Any) -> str | None:
    from .views import notebook_svg

    return notebook_svg(system.build())


def _register_notebook_display() -> None:
    """In IPython and Jupyter, show a DSL System as its deployment view.

    Registered here, above every layer, by the DSL class's name: the DSL knows nothing of the
    views, and the views are imported only when a system is first displayed.
    """
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.display_formatter.formatters["image/svg+xml"].for_type_by_name("archkit._dsl", "System", _system_svg)


_register_notebook_display()
