"""archkit's results shown as HTML in notebooks, without the result types knowing about the review.

An analysis report, a comparison or exploration, a lint result and a model card display as the
HTML report's own sections (charts included). Those types live in layers below the review, so
they cannot render themselves; instead :func:`install`, run when ``archkit`` is imported, tells a
running IPython shell how to show them *by type name*: nothing is imported until an object is
displayed, and then the review layer renders it (:func:`archkit.design_review.notebook_html`).
Outside IPython this does nothing.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["install", "DISPLAYED"]

DISPLAYED: tuple[tuple[str, str], ...] = (
    ("archkit.analysis._report", "Report"),
    ("archkit.analysis._report", "VariantReport"),
    ("archkit.alternatives._result", "Exploration"),
    ("archkit.catalog._lint", "LintResult"),
    ("archkit.cards._card", "ModelCard"),
)
"""(module, class) of every result that displays as HTML in a notebook (a test checks each resolves)."""


def install() -> bool:
    """Register the HTML display of archkit's results with the running IPython shell, if any.

    Returns:
        whether a shell was found.
    """
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if get is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    formatter = shell.display_formatter.formatters["text/html"]
    for module, name in DISPLAYED:
        formatter.for_type_by_name(module, name, _html)
    return True


def _html(obj: Any) -> str:
    from .design_review import notebook_html

    return notebook_html(obj)
