"""The pattern catalog: one page per entry of patterns/, with its detector, template and examples."""

from __future__ import annotations

import inspect
import textwrap
from typing import TYPE_CHECKING

from . import Section
from .text import cell, table

if TYPE_CHECKING:
    from .gallery import Examples

KINDS = (("pattern", "Patterns"), ("anti-pattern", "Anti-patterns"), ("check", "Deployment-fit checks"))


def _code(obj: object) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(obj))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""
    return f"```python\n{source.rstrip()}\n```\n"


def entry_page(entry, detector, template, used_by: list[tuple[str, str, list[str]]]) -> str:
    """The page of one catalog entry."""
    out = [f"# {cell(entry.name)}\n",
           f"`{entry.id}` - {entry.kind}, {entry.category}"
           + (f", default severity **{entry.severity}**" if entry.severity else "") + "\n"]
    if entry.aliases:
        out.append(f"Also known as: {', '.join(cell(a) for a in entry.aliases)}.\n")
    out.append(f"**Problem.** {cell(entry.problem)}\n\n**Solution.** {cell(entry.solution)}\n")
    if entry.fix:
        out.append(f"**Fix.** {cell(entry.fix)}\n")
    effects = entry.effects.model_dump() if hasattr(entry.effects, "model_dump") else dict(entry.effects)
    out.append("## Effects on qualities\n\n" + table(
        ["quality", "effect"], [[cell(q), cell(v)] for q, v in effects.items() if v is not None]))
    if entry.body and entry.body.strip():
        out.append("## How archkit recognises it\n\n" + entry.body.strip() + "\n")
    out.append("## Detector\n")
    if detector is not None:
        doc = inspect.getdoc(detector) or ""
        out.append(f"`{detector.__module__}.{detector.__name__}`: {cell(doc)}\n\n"
                   f"??? note \"Source of the detector\"\n\n" + textwrap.indent(_code(detector), "    ") + "\n")
    else:
        out.append("No detector is registered for this entry.\n")
    out.append("## Template\n")
    if template is not None:
        sig = f"{template.__name__}{inspect.signature(template)}"
        out.append(f"`archkit.catalog.templates.{cell(sig)}`\n\n{cell(inspect.getdoc(template) or '')}\n")
    else:
        out.append("No template builds this entry.\n")
    out.append("## In the examples\n")
    if used_by:
        rows = [[f"[{cell(title)}](../gallery/{name}.md)", cell(", ".join(placements))] for name, title, placements in used_by]
        out.append(table(["example", "placements"], rows))
    else:
        out.append("None of the examples shows it.\n")
    if entry.related:
        out.append("## Related\n\n" + "".join(f"* [{r}]({r}.md)\n" for r in entry.related))
    out.append("## Sources\n\n" + "".join(f"* {cell(s)}\n" for s in entry.sources))
    return "\n".join(out)


def section(examples: "Examples") -> Section:
    from archkit.catalog import default_catalog
    from archkit.catalog import templates as tmod

    catalog = default_catalog()
    entries = sorted(catalog.entries.values(), key=lambda e: (e.kind, e.category, e.id))
    usage = examples.catalog_usage()
    s = Section("Pattern catalog", "catalog/index.md")
    index = ["# Pattern catalog\n",
             "Every entry of archkit's catalog, generated from the files in `patterns/`, the detectors "
             "registered for them and the examples that show them. `archkit patterns list` prints the same "
             "entries; [the catalog guide](../patterns.md) explains entries, detectors and templates.\n"]
    for kind, title in KINDS:
        group = [e for e in entries if e.kind == kind]
        if not group:
            continue
        index.append(f"## {title}\n")
        rows = []
        for e in group:
            rows.append([f"[`{e.id}`]({e.id}.md)", cell(e.name), cell(e.category),
                         cell(", ".join(t for _, t, _ in usage.get(e.id, [])))])
            template = getattr(tmod, e.template) if e.template and hasattr(tmod, e.template) else None
            s.pages[f"catalog/{e.id}.md"] = entry_page(e, catalog.detector(e.id), template, usage.get(e.id, []))
            s.nav.append({e.name: f"catalog/{e.id}.md"})
        index.append(table(["id", "name", "category", "in the examples"], rows))
    s.pages["catalog/index.md"] = "\n".join(index)
    return s
