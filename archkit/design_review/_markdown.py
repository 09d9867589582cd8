"""The design review as GitHub-flavoured Markdown, fit to be posted as a pull-request comment.

A summary of every part with its verdicts, the deployment view as a Mermaid diagram, the
per-variant verdicts, the trade-offs and the recommendation, the lint findings; details (per-step
breakdowns, charts, every diagram, the deployment plan) are linked out to the HTML report
(``index.html#anchor``) and the model cards (``cards/ID.md``). The text stays under GitHub's comment
limit of 65,536 characters (:data:`LIMIT`): when it would not, the longest tables are cut and the
rest linked out.

The template (``templates/review.md.j2``) escapes every value it prints with
:func:`archkit._escape.markdown`; only text the report builds itself (badges, links, the Mermaid
diagram, whose labels the Mermaid backend escaped) is passed through as :class:`Raw`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._escape import markdown as _markdown
from ._page import SYMBOLS, badge_class, page_parts

if TYPE_CHECKING:  # pragma: no cover
    from . import Review

__all__ = ["to_markdown", "render_markdown", "LIMIT", "Raw"]


class Raw(str):
    """Markdown written by the report itself (already safe), which the template passes through unchanged."""


def markdown_text(value: object) -> str:
    """Every value the template prints: model text through :func:`archkit._escape.markdown`, Raw unchanged."""
    if isinstance(value, Raw):
        return value
    return _markdown("" if value is None else str(value))


LIMIT = 65_536
"""GitHub's limit on the length of a comment, in characters."""

_ROW_LIMITS = (None, 40, 15, 5, 0)


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    from ._page import _environment as html_environment

    loader = html_environment().loader
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=markdown_text,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(raw=Raw, badge=_badge, link=_link)
    return env


def render_markdown(template: str, **context: Any) -> str:
    """Render a Markdown template of the review (every printed value escaped for Markdown)."""
    return _environment().get_template(template).render(**context)


def _badge(verdict: str) -> Raw:
    return Raw(f"{SYMBOLS[badge_class(verdict)]} {markdown_text(verdict)}")


def _link(href: str, text: str) -> Raw:
    return Raw(f"[{markdown_text(text)}]({href})")


def to_markdown(
    review: "Review", *, report: str = "index.html", cards: dict[str, str] | None = None, mermaid: str | None = None
) -> str:
    """The review as Markdown of at most :data:`LIMIT` characters.

    Args:
        review: a finished review.
        report: path of the HTML report relative to the Markdown file, for the links out.
        cards: path of each model card file by component id, relative to the Markdown file.
        mermaid: Mermaid text of the deployment view (None: no diagram).
    """
    parts = page_parts(review, charts=False)
    ctx = _context(review, parts, report, cards or {}, mermaid)
    text = ""
    for limit in _ROW_LIMITS:
        text = _environment().get_template("review.md.j2").render(**_cut(ctx, limit))
        if len(text) < LIMIT:
            return text
    return text[: LIMIT - 200] + f"\n\n(cut to fit a comment; the whole review: [{report}]({report}))\n"


def _cut(ctx: dict[str, Any], limit: int | None) -> dict[str, Any]:
    if limit is None:
        return ctx
    out = dict(ctx)
    if ctx["lint"]:
        rows = ctx["lint"]["rows"]
        out["lint"] = dict(ctx["lint"], rows=rows[:limit], more=len(rows) - min(limit, len(rows)))
    if ctx["alternatives"]:
        out["alternatives"] = dict(ctx["alternatives"], rows=ctx["alternatives"]["rows"][: max(limit, 5)])
    out["missing"] = ctx["missing"][:limit]
    if limit == 0:
        out["mermaid"] = None
    return out


def _context(
    review: "Review", parts: dict[str, Any], report: str, cards: dict[str, str], mermaid: str | None
) -> dict[str, Any]:
    from ._page import _verdicts

    sections = parts["sections"]
    href = {t["title"]: f"{report}#{t['id']}" for t in parts["toc"] if t["level"] == 1}
    ctx: dict[str, Any] = {"review": parts["review"], "mermaid": mermaid, "parts": []}
    part_ids = {
        "overview": parts["overview"],
        "analyses": parts["analyses"],
        "alternatives": parts["alternatives"],
        "lint": parts["lint"],
        "cards": parts["cards"],
        "diagrams": parts["diagrams"],
        "deployment": parts["deployment"],
    }
    for s in review.sections:
        p = part_ids.get(s.id)
        ctx["parts"].append(
            {"title": s.title, "status": s.status, "summary": s.summary, "href": f"{report}#{p['id']}" if p else report}
        )
    ctx["analyses"] = None
    if parts["analyses"]:
        data = sections["analyses"].data
        flows = [f["flow"] for f in (data["variants"][0]["latency"]["flows"] if data.get("variants") else [])]
        rows = []
        for v in data.get("variants", []):
            verdicts = {q["quality"]: q for q in _verdicts(v)}
            rows.append(
                {
                    "name": v["variant"] or "base",
                    "latency": [
                        {"verdict": f["verdict"], "text": f["total"].get("text", "unknown")}
                        for f in v["latency"]["flows"]
                    ],
                    "links": verdicts["link load"]["verdict"] if "link load" in verdicts else "ok",
                    "cost": v["cost"]["total"].get("text", "unknown"),
                    "offline": v["verdicts"]["offline"],
                    "resources": verdicts["resources"]["verdict"],
                    "capacity": verdicts["capacity"]["verdict"],
                    "privacy": verdicts["privacy"]["verdict"],
                }
            )
        ctx["analyses"] = {"flows": flows, "rows": rows, "href": f"{report}#{parts['analyses']['id']}"}
    ctx["alternatives"] = None
    if parts["alternatives"]:
        alt = parts["alternatives"]
        exp = alt["exp"]
        keys = (
            list(
                dict.fromkeys(
                    [r["key"] for r in exp.get("requirements", [])] + [o["key"] for o in exp.get("objectives", [])]
                )
            )
            or exp.get("criteria", [])[:3]
        )
        rows = [
            {
                "name": r["name"],
                "placement": ", ".join(f"{c} on {n}" for c, n in r["placement"].items()),
                "text": r["text"],
                "status": r["status"],
            }
            for r in alt["rows"]
        ]
        ctx["alternatives"] = {
            "summary": alt["s"].summary,
            "columns": [k for k in keys if k in exp.get("criteria", [])],
            "rows": rows,
            "justification": exp.get("justification", ""),
        }
    ctx["lint"] = None
    if parts["lint"]:
        d = sections["lint"].data
        rows = [
            {
                "severity": f["severity"],
                "rule": f["rule"],
                "where": f"{f['location']['file']}:{f['location']['line']}" if f.get("location") else "-",
                "placements": ", ".join(f["placements"]),
                "message": f["message"],
            }
            for f in d.get("findings", [])
        ]
        ctx["lint"] = {
            "summary": sections["lint"].summary,
            "rows": rows,
            "more": 0,
            "href": f"{report}#{parts['lint']['id']}",
        }
    ctx["cards"] = []
    if parts["cards"]:
        for c in parts["cards"]["entries"]:
            ctx["cards"].append(
                {
                    "title": c["title"],
                    "summary": c["summary"],
                    "href": cards.get(c["component"], f"{report}#{c['anchor']}"),
                }
            )
    ctx["missing"] = [m["what"] for m in (parts["assumptions"] or {}).get("missing", [])]
    del href
    return ctx
