"""Writing the review's documents into a folder: ``index.html``, ``review.md`` and the model cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..model import System
    from . import Review

__all__ = ["ReportFiles", "write_report"]


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote."""

    html: Path
    markdown: Path
    cards: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON form: the paths as strings."""
        return {"html": str(self.html), "markdown": str(self.markdown), "cards": [str(p) for p in self.cards]}


def write_report(review: "Review", system: "System", out_dir: str | Path) -> ReportFiles:
    """Write the HTML report, the Markdown report and one Markdown model card per model.

    Each file is written whole or not at all (a temporary file, then a rename). The review should
    have been run with ``options={"figures": True}`` so that the HTML shows the diagrams.
    """
    from ..io import write_atomic
    from ..views import GraphvizError, build_view
    from ._markdown import to_markdown
    from ._page import to_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    card_files: dict[str, str] = {}
    written_cards: list[Path] = []
    cards = next((s for s in review.sections if s.id == "cards"), None)
    if cards is not None:
        for c in cards.data.get("cards", []):
            name = f"cards/{c['file']}"
            write_atomic(out / name, c["markdown"])
            card_files[c["component"]] = name
            written_cards.append(out / name)
    try:
        mermaid = build_view(system, "deployment").mermaid()
    except GraphvizError:  # pragma: no cover - Mermaid text needs no graphviz; kept for symmetry
        mermaid = None
    html_path, md_path = out / "index.html", out / "review.md"
    write_atomic(html_path, to_html(review))
    write_atomic(md_path, to_markdown(review, cards=card_files, mermaid=mermaid))
    return ReportFiles(html_path, md_path, written_cards)
