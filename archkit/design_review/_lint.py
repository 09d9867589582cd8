"""Review section: lint findings (anti-patterns and deployment-fit checks) and the patterns in use."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from .._escape import terminal
from .._words import count
from ..errors import ArchkitError
from . import ReviewContext, Section, Status


def lint_status(summary: dict[str, int]) -> Status:
    """The status of a lint result: its most severe open finding, or ok."""
    return "error" if summary["error"] else "warning" if summary["warning"] else "info" if summary["info"] else "ok"


def section(ctx: ReviewContext) -> Section:
    """Lint the system with the configuration next to its source, and list the patterns it uses."""
    from ..catalog import LintConfig, default_catalog, detect, find_config, lint, load_config

    cat = default_catalog()
    src = Path(ctx.source.split(":", 1)[0]) if ctx.source and not ctx.source.startswith("<") else None
    try:
        cfg = load_config(find_config(src.parent)) if src is not None and src.exists() else LintConfig()
    except ArchkitError as exc:
        return Section("lint", "Lint", "error", f"lint configuration is invalid: {exc}")
    result = lint(ctx.system, ctx.source, config=cfg, catalog=cat)
    patterns = [d for d in detect(ctx.system, cat, kinds=["pattern"]) if d.status == "found"]
    s = result.summary()
    worst = lint_status(s)
    used = sorted({d.entry_id for d in patterns})
    summary = (
        f"{count(s['error'], 'error')}, {count(s['warning'], 'warning')}, {count(s['info'], 'info')} from "
        f"{count(len(result.rules), 'rule')} over {count(len(ctx.system.variants) + 1, 'placement')}; "
        f"{s['suppressed']} suppressed, {s['unknown']} undecided. Patterns in use: "
        f"{', '.join(used) if used else 'none recognised'}."
    )
    table = Table(title="Lint findings")
    for col in ("severity", "rule", "where", "placements", "finding"):
        table.add_column(col)
    for f in result.open:
        loc = f.location
        table.add_row(
            f.severity,
            f.rule,
            terminal(f"{loc.file}:{loc.line}") if loc is not None else "-",
            ", ".join(f.placements),
            terminal(f.message),
        )
    data = result.to_dict()
    data["patterns"] = [{"id": d.entry_id, "message": d.message, "placements": d.placements} for d in patterns]
    return Section("lint", "Lint", worst, summary, data, [table] if result.open else [])
