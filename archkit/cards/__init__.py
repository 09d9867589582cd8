"""Model cards and FactSheets of the models in a system, from their declared metadata and the analyses.

A model card (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019) has nine sections;
a FactSheet (Arnold et al., "FactSheets: Increasing trust in AI services through supplier's
declarations of conformity", IBM J. Res. Dev. 2019) answers a supplier's questions about an AI
service. :data:`MITCHELL_SECTIONS` and :data:`FACTSHEET_QUESTIONS` say which
:class:`~archkit.model.ModelInfo` fields feed each; :func:`undeclared` lists what a model leaves
out (the ``model-documentation`` lint check uses it). :func:`model_card` builds a card with the
inference interface and the service levels the analyses give for a placement, with a JSON form;
the review renders it as Markdown in the Hugging Face model card format (YAML metadata +
Markdown) and as HTML (:func:`archkit.design_review.card_markdown`, ``card_html``; a card shows
itself as HTML in a notebook).

This package sits between the analyses and the catalog (the ``model-documentation`` check reads
:func:`undeclared`); it imports nothing heavy, and the analyses load when a card is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Component, System
    from ._card import ModelCard

__all__ = [
    "MITCHELL_SECTIONS",
    "FACTSHEET_QUESTIONS",
    "Undeclared",
    "undeclared",
    "model_card",
    "model_cards",
    "ModelCard",
]

# (id, title, ModelInfo fields that feed it; Component fields are prefixed "component.")
MITCHELL_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("model-details", "Model details", ("task", "architecture", "component.owner", "component.version", "license")),
    ("intended-use", "Intended use", ("intended_use", "out_of_scope_use")),
    ("factors", "Factors", ("factors",)),
    ("metrics", "Metrics", ("metrics",)),
    ("evaluation-data", "Evaluation data", ("evaluation_data",)),
    ("training-data", "Training data", ("training_data",)),
    ("quantitative-analyses", "Quantitative analyses", ("accuracy",)),
    ("ethical-considerations", "Ethical considerations", ("ethical_considerations",)),
    ("caveats-and-recommendations", "Caveats and recommendations", ("limitations", "recommendations")),
)
"""Mitchell et al.'s nine model card sections, in their order, with the fields each needs."""

FACTSHEET_QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("purpose", "What is the purpose of the model?", ("intended_use",)),
    ("domain", "What domain is it meant for?", ("domain",)),
    ("data", "What data was it trained and tested on?", ("training_data", "evaluation_data")),
    ("model", "What kind of model is it?", ("task", "architecture", "framework")),
    ("inputs-outputs", "What are its inputs and outputs?", ("inputs", "outputs")),
    ("performance", "How well does it perform?", ("accuracy", "metrics")),
    ("safety", "Is it safe and fair to use, and where not?", ("ethical_considerations", "out_of_scope_use")),
    ("robustness", "How robust is it to shifted or adversarial input?", ("robustness",)),
    ("test-conditions", "Under which conditions was it tested?", ("test_conditions",)),
    ("contacts", "Whom to contact?", ("contact", "component.owner")),
)
"""Arnold et al.'s FactSheet questions, with the fields that answer each."""


@dataclass(frozen=True)
class Undeclared:
    """A card section or FactSheet question a model leaves unanswered, and the fields to declare."""

    part: str  # "model card" or "FactSheet"
    section: str
    fields: tuple[str, ...]

    def declare(self, component: str) -> str:
        """The fix: which fields to declare on which component."""
        names = [f.replace("component.", "") if f.startswith("component.") else f"model.{f}" for f in self.fields]
        return f"declare {' or '.join(names)} on '{component}'"


def _value(component: "Component", field: str) -> Any:
    if field.startswith("component."):
        return getattr(component, field.split(".", 1)[1])
    return getattr(component.model, field) if component.model is not None else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def undeclared(component: "Component") -> list[Undeclared]:
    """The model card sections and FactSheet questions a model's metadata leaves empty (all fields empty)."""
    out = []
    for part, table in (("model card", MITCHELL_SECTIONS), ("FactSheet", FACTSHEET_QUESTIONS)):
        for _id, title, fields in table:
            if all(_empty(_value(component, f)) for f in fields):
                out.append(Undeclared(part, title, fields))
    return out


def model_card(system: "System", component: str, variant: str | None = None) -> "ModelCard":
    """The model card and FactSheet of one model, with its service levels in a placement (None: the base one)."""
    from ._card import build_card

    return build_card(system, component, variant)


def model_cards(system: "System", variant: str | None = None) -> list["ModelCard"]:
    """The cards of every model component, in declaration order."""
    from ._card import build_card

    return [build_card(system, c.id, variant) for c in system.components if c.kind == "model"]


def __getattr__(name: str) -> Any:
    if name == "ModelCard":
        from ._card import ModelCard

        return ModelCard
    raise AttributeError(name)
