"""`archkit card`: model cards and FactSheets of the models in a system."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ._common import MODEL_HELP, Format, check_variant, emit_json, fail, load_model


class CardFormat(str, Enum):
    """Output format of a card."""

    md = "md"
    html = "html"
    json = "json"


def card_cmd(
    model: str = typer.Argument(..., help=MODEL_HELP),
    component: Optional[str] = typer.Option(None, "--component", "-c", help="One model's id (default: every model)."),
    variant: Optional[str] = typer.Option(None, "--variant", help="Placement for the service levels (default: base)."),
    format: CardFormat = typer.Option(CardFormat.md, "--format", "-f", help="md (Hugging Face format), html or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder to write one file per card into."),
) -> None:
    """Model cards (Mitchell et al. 2019) and FactSheets (Arnold et al. 2019), with the service levels."""
    from ..cards import model_card, model_cards
    from ..design_review import card_html, card_markdown
    from ..errors import ArchkitError

    fmt = Format.json if format == CardFormat.json else Format.text
    system = load_model(model, fmt)
    check_variant(system, variant, fmt)
    try:
        cards = [model_card(system, component, variant)] if component else model_cards(system, variant)
        texts = [
            card_markdown(c) if format == CardFormat.md else card_html(c) if format == CardFormat.html else None
            for c in cards
        ]
    except ArchkitError as exc:
        fail(exc, fmt)
    if out is not None:
        from ..io import write_atomic

        for c, text in zip(cards, texts):
            import json

            body = text if text is not None else json.dumps(c.to_dict(), indent=2, ensure_ascii=False) + "\n"
            write_atomic(out / f"{c.component}.{format.value}", body)
        typer.echo(f"wrote {len(cards)} card(s) into {out}")
        return
    if format == CardFormat.json:
        emit_json([c.to_dict() for c in cards])
    else:
        typer.echo("\n".join(t or "" for t in texts))
