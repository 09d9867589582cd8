"""The design review: every check and analysis of a system, assembled into one report.

A review is a list of sections. Each section is built by its own module (the ids, in report
order, are :data:`SECTIONS`), from a :class:`ReviewContext`, into a :class:`Section` with a status, a short
summary, a JSON form and rich renderables for the terminal. A section whose optional dependency
is missing is reported as skipped, with the install hint.

Around the review: :func:`write_report` writes it as an HTML page and Markdown (``_page``,
``_markdown``, ``_charts``); :func:`diff_models` reviews a change between two versions
(``_diff``, read from the reviews' JSON forms; ``_loading`` reads a version at a git revision);
:class:`LivePreview`, :func:`serve` and :func:`watch_files` are ``archkit watch`` (``_watch``);
:func:`notebook_html` shows results in notebooks and renders model cards (``_notebook``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from ..errors import MissingDependencyError
from ..model import System
from ._diff import ModelDiff, diff_models, diff_reviews
from ._diff_render import diff_markdown, diff_renderables
from ._loading import Checkout, Loaded, checkout, load_fresh
from ._markdown import render_markdown
from ._memo import FigureMemo
from ._notebook import card_html, card_markdown, notebook_html
from ._page import render_template
from ._watch import Build, LivePreview, serve, watch_files
from ._write import ReportFiles, write_report

__all__ = [
    "ReviewContext",
    "Section",
    "Review",
    "SECTIONS",
    "review",
    "ReportFiles",
    "write_report",
    "render_markdown",
    "render_template",
    "ModelDiff",
    "diff_models",
    "diff_reviews",
    "diff_markdown",
    "diff_renderables",
    "card_markdown",
    "card_html",
    "notebook_html",
    "Checkout",
    "Loaded",
    "checkout",
    "load_fresh",
    "FigureMemo",
    "Build",
    "LivePreview",
    "serve",
    "watch_files",
]

Status = Literal["ok", "info", "warning", "error", "skipped"]

# The section ids, in report order; each has a module _<id>.py that defines section(ctx) -> Section.
SECTIONS: list[str] = ["overview", "analyses", "alternatives", "lint", "cards", "diagrams", "deployment"]


@dataclass
class ReviewContext:
    """What every section gets: the system, where it came from and the review's options."""

    system: System
    source: str = "<model>"
    users: int | None = None
    out_dir: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    usage_hours: float | None = None
    peak_share: float | None = None

    def analysis_options(self) -> Any:
        """The :class:`archkit.analysis.Options` every section analyses with (users, usage hours, peak share)."""
        from ..analysis import Options

        users = self.users if self.users != self.system.users else None  # None: the model's own, said so
        return Options(users=users, usage_hours_per_day=self.usage_hours, peak_active_share=self.peak_share)

    @property
    def scenarios(self) -> list[str | None]:
        """The placements to review: every declared variant, and the base placement unless a variant is it."""
        from ..analysis import every_placement

        return every_placement(self.system)


@dataclass
class Section:
    """One part of the review."""

    id: str
    title: str
    status: Status
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    renderables: list[Any] = field(default_factory=list, repr=False)
    figures: dict[str, str] = field(default_factory=dict, repr=False)
    """Drawings (SVG documents) by name, when the review was asked for them (``options["figures"]``);
    not part of the JSON form."""

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a section."""
        return {"id": self.id, "title": self.title, "status": self.status, "summary": self.summary, "data": self.data}


@dataclass
class Review:
    """A finished review: the system's name, its source and the sections."""

    system: str
    source: str
    sections: list[Section]

    @property
    def status(self) -> Status:
        """The worst status of any section (error > warning > info/ok)."""
        order = ["ok", "skipped", "info", "warning", "error"]
        worst = "ok"
        for s in self.sections:
            if order.index(s.status) > order.index(worst):
                worst = s.status
        return worst  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a review (see docs/cli.md)."""
        return {
            "system": self.system,
            "source": self.source,
            "status": self.status,
            "sections": [s.to_dict() for s in self.sections],
        }


def review(
    system: System,
    source: str = "<model>",
    *,
    users: int | None = None,
    usage_hours: float | None = None,
    peak_share: float | None = None,
    out_dir: Path | None = None,
    only: list[str] | None = None,
    options: dict[str, Any] | None = None,
    progress: Any = None,
) -> Review:
    """Run every review section over a system.

    Args:
        system: a validated system.
        source: where it came from, for the report.
        users: number of users for cost and capacity (default: the system's ``users``).
        usage_hours: hours of use per user per day (default: the system's ``usage_hours_per_day``, else 24).
        peak_share: fraction of the users active at once at peak (default: the system's
            ``peak_active_share``, else every user).
        out_dir: folder for files a section writes (diagrams); None writes nothing.
        only: section ids to run (default: all).
        progress: optional callable(section_module) called before each section runs.
    """
    ctx = ReviewContext(
        system, source, users if users is not None else system.users, out_dir, options or {}, usage_hours, peak_share
    )
    sections: list[Section] = []
    builders = _section_builders()
    for short in SECTIONS:
        if only and short not in only:
            continue
        if progress is not None:
            progress(short)
        try:
            sections.append(builders[short](ctx))
        except MissingDependencyError as exc:
            sections.append(Section(short, short.replace("_", " ").title(), "skipped", str(exc)))
    return Review(system.name, source, sections)


def _section_builders() -> dict[str, Callable[[ReviewContext], Section]]:
    """The function that builds each section, by id (imported here: the section modules import this one)."""
    from . import _alternatives, _analyses, _cards, _deployment, _diagrams, _lint, _overview

    return {
        "overview": _overview.section,
        "analyses": _analyses.section,
        "alternatives": _alternatives.section,
        "lint": _lint.section,
        "cards": _cards.section,
        "diagrams": _diagrams.section,
        "deployment": _deployment.section,
    }
