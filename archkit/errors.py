"""Errors archkit raises for mistakes in a model, a file or a command, and the problems they carry.

Hierarchy (every exception archkit raises on purpose is an :class:`ArchkitError`; the module of
each class is given where it is not this one; tests/test_errors.py checks this drawing against
the code)::

    ArchkitError                  base of everything archkit raises on purpose
    ├── ValidationError           the model has problems; .problems lists every one of them
    ├── LoadError                 a file or module could not be read as a model; .problems says why
    ├── UsageError                a command or function was called wrongly (bad option, unknown variant)
    │   └── SpecError             archkit.alternatives: a requirement or objective that cannot be read
    ├── MissingDependencyError    an optional extra is not installed; says what to pip install (an ImportError)
    ├── QuantityError             archkit.model: a quantity that cannot be read (a ValueError)
    ├── UnitSyntaxError           archkit.model: a unit that is not well formed (a ValueError)
    ├── UnknownUnitError          archkit.model: a unit archkit does not know (a ValueError)
    ├── CatalogError              archkit.catalog: a catalog entry (patterns/*.md) that is not valid
    ├── GraphvizError             archkit.views: graphviz could not draw a view
    │   └── GraphvizTimeout       archkit.views: graphviz did not finish within the time limit
    ├── DeployError               archkit.runtime: a deployment could not be started, found or removed
    ├── BadInput                  archkit.runtime: raised by an implementation for a client's bad request (4xx)
    └── LinkDown                  archkit.runtime: a call needs a link that is down (a ConnectionError)

Warnings (``warnings.warn``; they never stop a run): ``PluginWarning`` (archkit.catalog: a
catalog plugin failed to load and is skipped), ``DetectorCrashWarning`` (archkit.catalog: a
detector raised; its rule reports undecided), ``ModelOutputWarning`` (archkit.io: a Python model
file printed while loading).

Each problem is a :class:`Problem` with a stable code (``AK101``), a short name
(``duplicate-id``), a message, a hint that names the fix, a location (DSL file:line, or the
file and key path in YAML/JSON with the YAML line) and, in its JSON form, the ``url`` of its row
in docs/errors.md. Codes are listed in :data:`CODES` and in docs/errors.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = [
    "CODES",
    "ERRORS_DOC",
    "Location",
    "Problem",
    "ArchkitError",
    "ValidationError",
    "LoadError",
    "UsageError",
    "MissingDependencyError",
]

CODES: dict[str, str] = {
    # reading files (AK0xx)
    "AK001": "file-not-found",
    "AK002": "unsafe-content",
    "AK003": "syntax-error",
    "AK004": "too-large",
    "AK005": "too-deep",
    "AK006": "not-text",
    "AK007": "not-a-model",
    "AK008": "model-code-error",
    "AK009": "no-system",
    # fields (AK10x)
    "AK100": "invalid-value",
    "AK101": "duplicate-id",
    "AK102": "dangling-reference",
    "AK103": "unknown-kind",
    "AK104": "wrong-unit",
    "AK105": "min-greater-than-max",
    "AK106": "negative-value",
    "AK107": "unknown-field",
    "AK108": "missing-field",
    # structure (AK11x-AK13x)
    "AK110": "no-route",
    "AK111": "self-connector",
    "AK120": "flow-does-not-chain",
    "AK121": "sync-call-cycle",
    "AK122": "empty-flow",
    "AK130": "bad-placement",
}
_NAME_TO_CODE = {v: k for k, v in CODES.items()}

ERRORS_DOC = "docs/errors.md"
"""Where each problem code is explained; a problem's ``url`` is this with the code as fragment."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was declared: a file and line, and for data files the key path inside it."""

    file: str | None = None
    line: int | None = None
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.path:
            parts.append(_key_path(self.path))
        return " ".join(parts) if parts else "<unknown>"

    def with_path(self, *more: str | int) -> "Location":
        """The same location, with a longer key path."""
        return Location(self.file, self.line, self.path + tuple(more))


def _key_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with where it is and how to fix it."""

    code: str
    message: str
    hint: str = ""
    location: Location | None = None
    element: str | None = None
    severity: str = "error"
    related: tuple[Location, ...] = field(default=())

    @property
    def name(self) -> str:
        """Short stable name of the code, e.g. 'duplicate-id'."""
        return CODES.get(self.code, "problem")

    @classmethod
    def of(
        cls,
        name: str,
        message: str,
        hint: str = "",
        location: Location | None = None,
        element: str | None = None,
        related: Iterable[Location] = (),
    ) -> "Problem":
        """Build a problem from its short name ('duplicate-id')."""
        return cls(_NAME_TO_CODE[name], message, hint, location, element, "error", tuple(related))

    @property
    def url(self) -> str:
        """Where the code is explained: ``docs/errors.md#ak101``."""
        return f"{ERRORS_DOC}#{self.code.lower()}"

    def format(self) -> str:
        """One or two lines for people: 'where: CODE name: message' and the hint."""
        where = str(self.location) if self.location is not None else "<model>"
        text = f"{where}: {self.code} {self.name}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a problem (see docs/cli.md)."""
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "url": self.url,
            "element": self.element,
            "location": None if loc is None else {"file": loc.file, "line": loc.line, "path": [p for p in loc.path]},
        }


def _sort_key(p: Problem) -> tuple:
    loc = p.location or Location()
    return (loc.file or "", loc.line or 0, tuple(str(x) for x in loc.path), p.code, p.message)


class ArchkitError(Exception):
    """Base of the errors archkit raises on purpose; never a bug, always something to fix."""


class _ProblemsError(ArchkitError):
    """An error made of one or more problems, all reported at once."""

    headline = "problems found"

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: list[Problem] = sorted(problems, key=_sort_key)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one block each, under a headline with the count."""
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        lines = [f"{head}{n} {self.headline if n != 1 else self.headline.replace('problems', 'problem')}"]
        lines += [p.format() for p in self.problems]
        return "\n".join(lines)


class ValidationError(_ProblemsError):
    """The model is not valid; ``problems`` holds every problem found, each with location and hint."""

    headline = "problems found in the model"


class LoadError(_ProblemsError):
    """A file or module could not be read as a model; ``problems`` says why and where."""

    headline = "problems reading the model"


class UsageError(ArchkitError):
    """A command or function was used wrongly, e.g. an unknown variant name or option value."""


class MissingDependencyError(ArchkitError, ImportError):
    """An optional part of archkit needs a package that is not installed; the message says what to install."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed; "
            f"install it with: pip install 'archkit[{extra}]'"
        )
