"""A diff for people: rich renderables for the terminal, Markdown for a pull-request comment.

Both read only the :class:`~._diff.ModelDiff`; model text goes through the terminal's and
Markdown's escaping (:mod:`archkit._escape`).
"""

from __future__ import annotations

from typing import Any

from ._diff import ModelDiff, Move, value_text

__all__ = ["diff_renderables", "diff_markdown", "diff_headline"]

_MAX_ROWS = 200  # rows per Markdown table before the rest is left to the JSON form
_ARROW = {"worse": "\u2716 worse", "better": "\u2714 better", None: ""}


def diff_headline(d: ModelDiff) -> str:
    """One line: no change, changed, or which verdicts got worse."""
    if not d.has_changes:
        return "no change: the two models and everything archkit says about them are the same"
    if d.worse:
        n = len(d.worse_reasons)
        return f"worse: {n} verdict{'s' if n != 1 else ''} got worse"
    return "changed: no verdict got worse"


def _side(m: Move, which: str) -> str:
    f = m.old if which == "old" else m.new
    if f is None:
        return "absent"
    return f"{f.verdict}: {f.text}" if f.verdict else f.text


def _element_rows(d: ModelDiff) -> list[tuple[str, str, str, str, str]]:
    """(change, type, id, field, old -> new) per element change."""
    rows = [("added", e.type, e.id, "", "") for e in d.added]
    rows += [("removed", e.type, e.id, "", "") for e in d.removed]
    for e in d.changed:
        for f in e.fields:
            rows.append(("changed", e.type, e.id, f.field, f"{value_text(f.old)} \u2192 {value_text(f.new)}"))
    return rows


def diff_renderables(d: ModelDiff) -> list[Any]:
    """The diff as rich renderables (headline, elements, moves, alternatives, lint)."""
    from rich.table import Table
    from rich.text import Text

    from .._escape import visible

    def cell(x: Any) -> Text:
        return Text(visible("" if x is None else str(x)))

    style = "red" if d.worse else "green" if d.has_changes else "dim"
    out: list[Any] = [
        Text(f"{visible(str(d.old['source']))} \u2192 {visible(str(d.new['source']))}", style="bold"),
        Text(diff_headline(d), style=f"bold {style}"),
    ]
    if not d.has_changes:
        return out
    rows = _element_rows(d)
    if rows:
        t = Table(title="Elements", title_justify="left")
        for col in ("change", "type", "id", "field", "old \u2192 new"):
            t.add_column(col)
        for r in rows:
            t.add_row(*[cell(x) for x in r])
        out.append(t)
    if d.variants_added or d.variants_removed:
        out.append(
            Text(
                visible(
                    f"variants added: {', '.join(d.variants_added) or 'none'}; "
                    f"removed: {', '.join(d.variants_removed) or 'none'} (not compared)"
                )
            )
        )
    if d.moves:
        t = Table(title="What moved, per variant", title_justify="left")
        for col in ("variant", "quality", "subject", "old", "new", "delta", ""):
            t.add_column(col)
        for m in d.moves:
            t.add_row(
                cell(m.variant),
                cell(m.quality),
                cell(m.subject),
                cell(_side(m, "old")),
                cell(_side(m, "new")),
                cell(m.delta_text or ""),
                Text(_ARROW[m.direction], style="red" if m.direction == "worse" else "green"),
            )
        out.append(t)
    rec = d.recommended
    if rec.get("changed") or d.alternatives:
        t = Table(title="Alternatives", title_justify="left")
        for col in ("alternative", "status", "criteria that moved", ""):
            t.add_column(col)
        for a in d.alternatives:
            moved = "; ".join(f"{c.field}: {value_text(c.old)} \u2192 {value_text(c.new)}" for c in a.criteria)
            t.add_row(
                cell(a.name),
                cell(f"{a.old_status or 'absent'} \u2192 {a.new_status or 'absent'}"),
                cell(moved),
                Text(_ARROW[a.direction], style="red" if a.direction == "worse" else "green"),
            )
        out.append(t)
        out.append(Text(visible(_recommendation(rec))))
    for title, items in (
        ("New lint findings", d.lint_new),
        ("Fixed lint findings", d.lint_fixed),
        ("Lint findings that changed", d.lint_changed),
    ):
        if items:
            t = Table(title=title, title_justify="left")
            for col in ("severity", "rule", "where", "finding", "placements"):
                t.add_column(col)
            for f in items:
                t.add_row(
                    cell(f["severity"]),
                    cell(f["rule"]),
                    cell(f["where"] or "-"),
                    cell(f["message"]),
                    cell(lint_note(f)),
                )
            out.append(t)
    if d.worse:
        out.append(Text("Worse:", style="bold red"))
        out += [Text(visible(f"  - {r}")) for r in d.worse_reasons]
    return out


def lint_note(f: dict[str, Any]) -> str:
    """The placements of a finding, and for a changed one what it was before."""
    parts = [", ".join(f.get("placements", []))]
    old = f.get("old") or {}
    if "severity" in old:
        parts.append(f"was {old['severity']}")
    if "message" in old:
        parts.append(f"was: {old['message']}")
    return "; ".join(parts)


def _recommendation(rec: dict[str, Any]) -> str:
    if not rec.get("changed"):
        return f"recommendation unchanged: {rec.get('new') or 'none'}"
    return f"recommendation changed: {rec.get('old') or 'none'} \u2192 {rec.get('new') or 'none'}"


def diff_markdown(d: ModelDiff) -> str:
    """The diff as GitHub-flavoured Markdown for a pull-request comment (tables cut at 200 rows)."""
    from ._markdown import LIMIT, render_markdown

    moves = [
        {
            "variant": m.variant,
            "quality": m.quality,
            "subject": m.subject,
            "old": _side(m, "old"),
            "new": _side(m, "new"),
            "delta": m.delta_text or "",
            "direction": m.direction,
            "verdict": shown.verdict if (shown := m.new or m.old) else None,
        }
        for m in d.moves
    ]
    elements = _element_rows(d)
    alternatives = [
        {
            "name": a.name,
            "old": a.old_status or "absent",
            "new": a.new_status or "absent",
            "criteria": "; ".join(f"{c.field}: {value_text(c.old)} \u2192 {value_text(c.new)}" for c in a.criteria),
            "direction": a.direction,
        }
        for a in d.alternatives
    ]

    def cut(rows: list[Any]) -> tuple[list[Any], int]:
        return rows[:_MAX_ROWS], max(0, len(rows) - _MAX_ROWS)

    text = render_markdown(
        "diff.md.j2",
        d=d.to_dict(),
        headline=diff_headline(d),
        elements=cut(elements),
        moves=cut(moves),
        alternatives=cut(alternatives),
        recommendation=_recommendation(d.recommended),
        lint=[
            (title, *cut([dict(f, note=lint_note(f)) for f in items]))
            for title, items in (
                ("New lint findings", d.lint_new),
                ("Fixed lint findings", d.lint_fixed),
                ("Lint findings that changed", d.lint_changed),
            )
            if items
        ],
    )
    if len(text) >= LIMIT:
        text = text[: LIMIT - 200] + "\n\n(cut to fit a comment; the whole diff: archkit diff --format json)\n"
    return text
