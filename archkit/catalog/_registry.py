"""The detector registry: plain Python functions registered by catalog entry id.

A detector looks at one placement of a system through a :class:`~archkit.catalog._context.Context`
and yields :class:`Hit` objects: ``ctx.found(...)`` when the (anti-)pattern is present,
``ctx.unknown(...)`` when it cannot tell because an attribute is not declared. Nothing is
evaluated from strings; a detector is registered with the :func:`detector` decorator::

    from archkit.catalog import detector

    @detector("my-pattern")
    def my_pattern(ctx):
        for m in ctx.models():
            if m.properties.get("fancy"):
                yield ctx.found([ctx.ref(m)], f"model '{m.id}' is fancy")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ._context import Context

__all__ = ["ElementRef", "ELEMENT_TYPES", "Hit", "DetectorFn", "Registry", "detector", "BUILTIN"]

ElementType = Literal["component", "connector", "node", "link", "flow", "flag", "system"]
ELEMENT_TYPES: tuple[str, ...] = ("component", "connector", "node", "link", "flow", "flag", "system")


@dataclass(frozen=True, order=True, slots=True)
class ElementRef:
    """A typed reference to one element of a system, e.g. ``component:ocr``."""

    type: ElementType
    id: str

    def __str__(self) -> str:
        return f"{self.type}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> "ElementRef":
        """Read ``type:id``; a bare id is taken as a component."""
        kind, sep, ident = text.partition(":")
        if sep and kind in ELEMENT_TYPES:
            return cls(kind, ident)  # type: ignore[arg-type]
        return cls("component", text)


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of a detector: the entry was found at some elements, or could not be decided.

    The first element is the one the result is about (findings point at its declaration); ``fix``
    says how to remove this finding on that element (else the entry's general fix applies).
    """

    status: Literal["found", "unknown"]
    elements: tuple[ElementRef, ...]
    message: str
    severity: str | None = field(default=None)
    fix: str | None = field(default=None)


DetectorFn = Callable[["Context"], Iterable[Hit]]


class Registry:
    """Detectors by entry id. Registering an id twice is an error (so plugins cannot shadow silently)."""

    def __init__(self) -> None:
        self._detectors: dict[str, DetectorFn] = {}
        self._per_placement: dict[str, bool] = {}

    def register(
        self, entry_id: str, fn: DetectorFn, *, per_placement: bool = True, replace: bool = False
    ) -> DetectorFn:
        """Register ``fn`` as the detector of ``entry_id``.

        Args:
            entry_id: The catalog entry's id.
            fn: The detector.
            per_placement: Whether the result depends on where components are placed; if False the
                detector runs once and its hits hold for every placement.
            replace: Allow replacing an existing registration.
        """
        if entry_id in self._detectors and not replace:
            raise ValueError(f"a detector for '{entry_id}' is already registered")
        self._detectors[entry_id] = fn
        self._per_placement[entry_id] = per_placement
        return fn

    def per_placement(self, entry_id: str) -> bool:
        """Whether the detector must run for every placement."""
        return self._per_placement.get(entry_id, True)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._detectors

    def get(self, entry_id: str) -> DetectorFn:
        """The detector of an entry (KeyError if none)."""
        return self._detectors[entry_id]

    def ids(self) -> list[str]:
        """Registered entry ids, sorted."""
        return sorted(self._detectors)

    def copy(self) -> "Registry":
        """A registry with the same detectors, to which plugins can be added."""
        out = Registry()
        out._detectors = dict(self._detectors)
        out._per_placement = dict(self._per_placement)
        return out


BUILTIN = Registry()
"""The detectors shipped with archkit (filled when :mod:`archkit.catalog._detectors` is imported)."""


def detector(
    entry_id: str, registry: Registry | None = None, *, per_placement: bool = True
) -> Callable[[DetectorFn], DetectorFn]:
    """Decorator: register a function as the detector of the catalog entry ``entry_id``.

    Args:
        entry_id: The entry's stable id (its Markdown file name without ``.md``).
        registry: Where to register; defaults to the built-in registry. Plugins may pass their own.
        per_placement: False when the detector looks only at components and connectors, not at
            nodes, so one run covers every placement (faster). Default True (always correct).
    """

    def wrap(fn: DetectorFn) -> DetectorFn:
        return (registry or BUILTIN).register(entry_id, fn, per_placement=per_placement)

    return wrap
