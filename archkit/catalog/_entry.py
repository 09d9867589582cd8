"""Catalog entries: the typed form of a ``patterns/*.md`` file and its parser.

An entry file is Markdown with a YAML front matter block::

    ---
    id: two-phase-prediction
    name: Two-phase prediction
    kind: pattern
    ...
    ---
    # Two-phase prediction
    Free text.

The front matter is validated by :class:`Entry` (unknown keys are rejected); every problem in a file
is reported at once as a :class:`CatalogError`.
"""

from __future__ import annotations

import re
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ArchkitError

__all__ = [
    "QUALITIES",
    "CatalogError",
    "CatalogProblem",
    "Effect",
    "Effects",
    "Entry",
    "EntryKind",
    "Severity",
    "parse_entry",
]

EntryKind = Literal["pattern", "anti-pattern", "check"]
Severity = Literal["info", "warning", "error"]
Effect = Literal["better", "worse", "neutral"]

QUALITIES: tuple[str, ...] = (
    "latency",
    "throughput",
    "cost",
    "availability",
    "updatability",
    "privacy",
    "telemetry",
    "operability",
)

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def severity_rank(severity: str) -> int:
    """Order severities: info < warning < error."""
    return _SEVERITY_RANK[severity]


class CatalogProblem(BaseModel):
    """One problem found in a catalog entry file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str = Field(description="Where the entry came from (file name or plugin name).")
    key: str = Field(description="Front-matter key path that is wrong ('' for the file as a whole).")
    message: str = Field(description="What is wrong and how to fix it.")

    def __str__(self) -> str:
        where = f"{self.origin}: {self.key}" if self.key else self.origin
        return f"{where}: {self.message}"


class CatalogError(ArchkitError):
    """A catalog entry (or several) could not be read; ``problems`` lists every problem found."""

    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Effects(BaseModel):
    """How applying a pattern (or having an anti-pattern) changes each quality attribute."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency: Effect = Field(description="Response/inference latency; 'better' means lower latency.")
    throughput: Effect = Field(description="Requests or records processed per unit time; scalability.")
    cost: Effect = Field(description="Operating cost; 'better' means cheaper.")
    availability: Effect = Field(description="Availability, including operation while offline.")
    updatability: Effect = Field(description="How easily and quickly models can be updated or experimented with.")
    privacy: Effect = Field(description="Privacy and data locality.")
    telemetry: Effect = Field(description="Opportunities to observe inputs, outputs and outcomes.")
    operability: Effect = Field(description="Operability, maintainability and debuggability.")


class Entry(BaseModel):
    """A pattern, anti-pattern or deployment-fit check of the catalog."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable kebab-case identifier; also the lint rule id for anti-patterns and checks.")
    name: str = Field(min_length=1, description="Human-readable name.")
    kind: EntryKind = Field(description="pattern, anti-pattern or check.")
    category: str = Field(min_length=1, description="Grouping such as serving, placement, composition, deployment-fit.")
    aliases: tuple[str, ...] = Field(default=(), description="Other names the entry is known by.")
    sources: tuple[str, ...] = Field(min_length=1, description="Citations for the entry.")
    problem: str = Field(min_length=1, description="The problem the pattern solves or the anti-pattern causes.")
    solution: str = Field(min_length=1, description="The solution, or for anti-patterns the remedy.")
    effects: Effects = Field(description="Effect on each quality attribute.")
    related: tuple[str, ...] = Field(default=(), description="Ids of related entries.")
    severity: Severity | None = Field(
        default=None, description="Default severity of findings (anti-patterns and checks only)."
    )
    fix: str | None = Field(default=None, description="How to remove a finding (anti-patterns and checks only).")
    template: str | None = Field(
        default=None, description="Name of the function in archkit.catalog.templates that builds this pattern."
    )
    body: str = Field(default="", description="Markdown body after the front matter.")
    origin: str = Field(default="", description="File or plugin the entry was read from.")

    @field_validator("id")
    @classmethod
    def _kebab(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(f"id {value!r} must be kebab-case (lowercase letters, digits, single dashes)")
        return value

    @property
    def is_rule(self) -> bool:
        """True for anti-patterns and checks, which lint reports as findings."""
        return self.kind != "pattern"


def _split_front_matter(text: str) -> tuple[str, str] | None:
    if not text.startswith("---"):
        return None
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None


def parse_entry(text: str, origin: str) -> Entry:
    """Parse one entry file.

    Args:
        text: The Markdown text with YAML front matter.
        origin: File name or plugin name, used in messages.

    Returns:
        The validated entry.

    Raises:
        CatalogError: With every problem found in the file.
    """
    split = _split_front_matter(text)
    if split is None:
        raise CatalogError(
            [
                CatalogProblem(
                    origin=origin,
                    key="",
                    message="no front matter: the file must start with a '---' line, YAML, and a closing '---' line",
                )
            ]
        )
    front, body = split
    try:
        data = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CatalogError(
            [CatalogProblem(origin=origin, key="", message=f"front matter is not valid YAML: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise CatalogError(
            [CatalogProblem(origin=origin, key="", message="front matter must be a YAML mapping of keys to values")]
        )
    for reserved in ("body", "origin"):
        if reserved in data:
            raise CatalogError(
                [
                    CatalogProblem(
                        origin=origin,
                        key=reserved,
                        message=f"'{reserved}' is filled in by the loader; remove it from the front matter",
                    )
                ]
            )
    try:
        entry = Entry.model_validate({**data, "body": body.strip(), "origin": origin})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = f"unknown key; allowed keys are: {', '.join(k for k in Entry.model_fields if k not in ('body', 'origin'))}"
            elif err["type"] == "missing":
                message = "required key is missing"
            problems.append(CatalogProblem(origin=origin, key=key, message=message))
        raise CatalogError(problems) from None
    problems = []
    if entry.is_rule:
        if entry.severity is None:
            problems.append(
                CatalogProblem(
                    origin=origin, key="severity", message=f"a {entry.kind} needs a severity (info, warning or error)"
                )
            )
        if not entry.fix:
            problems.append(
                CatalogProblem(
                    origin=origin, key="fix", message=f"a {entry.kind} needs a fix saying how to remove a finding"
                )
            )
    elif entry.severity is not None or entry.fix is not None:
        problems.append(
            CatalogProblem(origin=origin, key="severity", message="only anti-patterns and checks take severity and fix")
        )
    if entry.id in entry.related:
        problems.append(CatalogProblem(origin=origin, key="related", message="an entry cannot be related to itself"))
    if problems:
        raise CatalogError(problems)
    return entry
