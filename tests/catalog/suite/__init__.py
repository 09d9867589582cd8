"""A labelled suite of designs from the ML-in-production literature, for measuring the catalog.

Every design is a function that declares a system inside a ``with System(...)`` block, registered
with :func:`design` together with its citation and what a reviewer expects of it, written as data:

* ``findings``: the lint findings the design should get, each as ``"rule@element"`` where the
  element (``type:id``, a bare id meaning a component) is the one the finding is about;
* ``patterns``: the main patterns the design uses, which ``patterns detect`` should name;
* ``absent``: patterns the design is easily mistaken for and does not use;
* ``system``: fields of the System itself, such as the number of users.

Labels come from what each design means in its source, not from what archkit reports. A design
without expected findings is a clean one: it should get no finding at all. :mod:`.score` runs the
suite and counts recall and precision per rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Design", "DESIGNS", "design", "COMPOSITION"]

COMPOSITION = frozenset({"cascade", "ensemble", "metamodel-stacking", "sequential-decomposition",
                         "retrieval-augmented-generation"})
"""Composition patterns: a design must not be said to use one it does not list."""


@dataclass(frozen=True)
class Design:
    """One labelled design."""

    id: str
    source: str
    declare: Callable[[], object]
    findings: tuple[tuple[str, str], ...]
    patterns: tuple[str, ...]
    absent: tuple[str, ...] = field(default=())
    system: tuple[tuple[str, object], ...] = field(default=())

    @property
    def clean(self) -> bool:
        """Whether no finding is expected."""
        return not self.findings


DESIGNS: list[Design] = []


def _expected(spec: str) -> tuple[str, str]:
    rule, _, element = spec.partition("@")
    if not element:
        raise ValueError(f"expected finding {spec!r} must read 'rule@element'")
    if ":" not in element:
        element = "component:" + element
    return rule, element


def design(id: str, *, source: str, findings: tuple[str, ...] | list[str] = (),
           patterns: tuple[str, ...] | list[str] = (), absent: tuple[str, ...] | list[str] = (),
           system: dict[str, object] | None = None) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register a design with its citation, expected findings and expected patterns; ``system``
    holds fields of the System itself (e.g. ``{"users": 100_000}``)."""

    def wrap(fn: Callable[[], object]) -> Callable[[], object]:
        if any(d.id == id for d in DESIGNS):
            raise ValueError(f"design {id!r} is registered twice")
        DESIGNS.append(Design(id, source, fn, tuple(_expected(f) for f in findings), tuple(patterns), tuple(absent),
                              tuple(sorted((system or {}).items()))))
        return fn

    return wrap


from . import hulten, lecture, literature, mercari, sculley  # noqa: E402,F401  (registers the designs)
