"""SVG drawings made ready to sit inline in an HTML page: no XML prolog, ids of their own, fluid width."""

from __future__ import annotations

import re

__all__ = ["inline_svg"]


def inline_svg(svg: str, prefix: str, title: str | None = None, css_class: str = "drawing") -> str:
    """The ``<svg>`` element of an SVG document, ready to be placed in HTML.

    Everything before the element (XML declaration, doctype, comments) is dropped; every ``id`` and
    every reference to one (``url(#..)``, ``href="#.."``) gets ``prefix``, so that several drawings can
    share a page; the fixed width and height go (the ``viewBox`` stays), so the page's CSS scales it.

    Args:
        svg: a whole SVG document (graphviz, matplotlib).
        prefix: unique per page, made of letters, digits and dashes.
        title: already-escaped text for an accessible ``<title>`` (None: keep the drawing's own).
        css_class: class of the ``<svg>`` element.
    """
    svg = svg[svg.find("<svg") :]
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    head_end = svg.find(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    head = head.replace("<svg", f'<svg class="{css_class}" role="img"', 1)
    if title is not None:
        head += f' aria-labelledby="{prefix}-title"'
        return head + f'><title id="{prefix}-title">{title}</title>' + svg[head_end + 1 :]
    return head + svg[head_end:]
