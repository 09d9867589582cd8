"""archkit's results as the report's own HTML sections: in notebooks, and the model cards' Markdown and HTML.

:func:`notebook_html` renders an analysis report (:class:`~archkit.analysis.Report` or one
:class:`~archkit.analysis.VariantReport`), a comparison or exploration
(:class:`~archkit.alternatives.Exploration`), a lint result (:class:`~archkit.catalog.LintResult`) or a
model card (:class:`~archkit.cards.ModelCard`; the list is ``archkit._display.DISPLAYED``) with the templates and charts of the HTML report, read
from the object's documented JSON form. IPython shows it for these types: ``archkit/_display.py``
registers the formatter by type name when archkit is imported in a running IPython shell, so the
lower layers never import this one.

The page's stylesheet applies only inside the output (every rule is scoped to ``.archkit-report``),
and the ids inside an output start with a prefix taken from its content, so two outputs in one
notebook do not share anchors or SVG ids unless they show the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["notebook_html", "card_markdown", "card_html", "scoped_css"]

SCOPE = ".archkit-report"


def card_markdown(card: Any) -> str:
    """A model card in the Hugging Face format: a YAML metadata block, then Markdown."""
    try:
        from huggingface_hub import ModelCardData
    except ImportError:
        raise MissingDependencyError("huggingface_hub", "report", "model cards in the Hugging Face format") from None
    from ._markdown import render_markdown

    data = ModelCardData(**card.metadata)
    return "---\n" + data.to_yaml() + "\n---\n" + render_markdown("card.md.j2", card=card.to_dict())


def card_html(card: Any) -> str:
    """A model card as an HTML fragment (the report's card section)."""
    from ._page import render_template

    return render_template("card.html.j2", card=card.to_dict())


def notebook_html(obj: Any) -> str:
    """The HTML a notebook shows for one of archkit's results (see :data:`DISPLAYED`).

    Raises:
        TypeError: the object is not one of them.
    """
    from . import Review, Section
    from ._lint import lint_status
    from ._memo import content_key
    from ._page import page_parts, render_template

    kind = type(obj).__name__
    if kind == "ModelCard":
        return _wrap(card_html(obj))
    data = obj.to_dict()
    if kind == "VariantReport":
        sections = [_analyses({"variants": [data], "system": None}, "1 variant analysed")]
        name = data["variant"] or "base"
    elif kind == "Report":
        sections = [_analyses(data, f"{len(data['variants'])} variant(s) of '{data['system']}' analysed")]
        name = data["system"]
    elif kind == "Exploration":
        rec = (data.get("recommended") or {}).get("name")
        summary = (
            f"{data['feasible']} of {data['size']} alternatives feasible, {data['pareto_count']} "
            f"Pareto-optimal; recommended: {rec}."
            if rec
            else f"None of the {data['size']} alternatives meets every requirement."
        )
        sections = [Section("alternatives", "Alternatives", "ok" if rec else "warning", summary, data)]
        name = data["system"]
    elif kind == "LintResult":
        s = data["summary"]
        worst = lint_status(s)
        summary = (
            f"{s['error']} errors, {s['warning']} warnings, {s['info']} infos; {s['suppressed']} suppressed, "
            f"{s['unknown']} undecided."
        )
        sections = [Section("lint", "Lint", worst, summary, dict(data, patterns=data.get("patterns", [])))]
        name = data.get("system") or "lint"
    else:
        raise TypeError(f"archkit has no notebook display for {kind}")
    parts = page_parts(Review(str(name), "<notebook>", sections), id_prefix="ak" + content_key(data)[:8] + "-")
    return _wrap(render_template("notebook_sections.html.j2", **parts))


def _analyses(data: dict[str, Any], what: str) -> Any:
    from . import Section
    from ._page import _variant_status

    statuses = [_variant_status(v) for v in data["variants"]]
    worst = "error" if "error" in statuses else "warning" if "warning" in statuses else "ok"
    bad = [v["variant"] or "base" for v, st in zip(data["variants"], statuses) if st == "error"]
    summary = what + (f"; violations in: {', '.join(bad)}." if bad else ".")
    return Section("analyses", "Analyses", worst, summary, data)  # type: ignore[arg-type]


def _wrap(body: str) -> str:
    from ._page import render_template

    return render_template("notebook.html.j2", css=_notebook_css(), body=body)


@lru_cache(maxsize=1)
def _notebook_css() -> str:
    from ._page import _environment

    source, _, _ = _environment().loader.get_source(_environment(), "style.css")
    return scoped_css(source, SCOPE)


def scoped_css(css: str, scope: str) -> str:
    """The same stylesheet with every rule applying only inside ``scope`` (``:root``, ``html`` and
    ``body`` become the scope itself); ``@media`` blocks are scoped inside."""
    out: list[str] = []
    i = 0
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    while i < len(css):
        brace = css.find("{", i)
        if brace < 0:
            break
        head = css[i:brace].strip()
        depth, j = 1, brace + 1
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[brace + 1 : j - 1]
        if head.startswith("@media"):
            out.append(f"{head} {{\n{scoped_css(body, scope)}\n}}")
        elif head.startswith("@"):
            out.append(f"{head} {{{body}}}")
        else:
            selectors = []
            for sel in head.split(","):
                sel = sel.strip()
                if sel in (":root", "html", "body"):
                    selectors.append(scope)
                elif sel.startswith(("body ", "html ")):
                    selectors.append(f"{scope} {sel.split(' ', 1)[1]}")
                else:
                    selectors.append(f"{scope} {sel}")
            out.append(f"{', '.join(selectors)} {{{body}}}")
        i = j
    return "\n".join(out)
