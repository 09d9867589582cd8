"""Review section: a model card and FactSheet for every model, with the service levels of the base placement."""

from __future__ import annotations

from . import ReviewContext, Section


def section(ctx: ReviewContext) -> Section:
    """Build every model's card (Markdown in the Hugging Face format is kept for ``cards/ID.md``)."""
    from ..cards import model_cards
    from ._notebook import card_markdown

    cards = model_cards(ctx.system)
    if not cards:
        return Section("cards", "Model cards", "info", "No model components: no model cards.", {"cards": []})
    items = []
    for card in cards:
        items.append(dict(card.to_dict(), markdown=card_markdown(card), file=f"{card.component}.md"))
    gaps = sum(len(c.undeclared) for c in cards)
    complete = [c.component for c in cards if c.complete]
    summary = f"{len(cards)} model card(s) with FactSheets; complete: {', '.join(complete) or 'none'}" + (
        f"; {gaps} section(s) undeclared (see lint: model-documentation)." if gaps else "."
    )
    return Section("cards", "Model cards", "ok" if not gaps else "info", summary, {"cards": items})
