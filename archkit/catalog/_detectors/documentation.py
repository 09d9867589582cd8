"""Documentation checks: do the models declare what their model cards and FactSheets need."""

from __future__ import annotations

from typing import Iterator

from ...cards import undeclared
from .._context import Context
from .._registry import Hit, detector


@detector("model-documentation", per_placement=False)
def model_documentation(ctx: Context) -> Iterator[Hit]:
    """Accuracy figures without their evaluation data; every other empty card section is undecided."""
    for m in ctx.models():
        info = m.model
        if info is not None and info.accuracy and not info.evaluation_data:
            yield ctx.found(
                [m],
                f"'{m.id}' states accuracy figures ({', '.join(info.accuracy)}) but not the data they "
                f"were measured on; declare model.evaluation_data on '{m.id}'",
            )
        gaps = [u for u in undeclared(m) if not (u.fields == ("evaluation_data",) and info and info.accuracy)]
        names = dict.fromkeys(f if f.startswith("component.") else f"model.{f}" for u in gaps for f in u.fields[:1])
        if names:
            yield ctx.unknown(
                [m],
                f"declare {', '.join(n.replace('component.', '') for n in names)} on '{m.id}' "
                f"({len(gaps)} model card and FactSheet sections are empty)",
            )
