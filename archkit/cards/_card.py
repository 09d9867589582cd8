"""Building a model card from a system (metadata + analyses); its JSON form.

Rendering a card (Markdown in the Hugging Face format, HTML) belongs to the review:
:func:`archkit.design_review.card_markdown` and :func:`archkit.design_review.card_html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..model import System
from . import FACTSHEET_QUESTIONS, MITCHELL_SECTIONS, undeclared

__all__ = ["ModelCard", "build_card", "SCHEMA"]

SCHEMA = "archkit.card/1"


@dataclass
class ModelCard:
    """One model's card: Mitchell sections, FactSheet answers, inference interface and service levels."""

    component: str
    title: str
    variant: str | None
    summary: str
    metadata: dict[str, Any]
    sections: list[dict[str, Any]]
    factsheet: list[dict[str, Any]]
    interface: dict[str, Any]
    undeclared: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every section and question is declared."""
        return not self.undeclared

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (schema ``archkit.card/1``, docs/review.md)."""
        return {
            "schema": SCHEMA,
            "component": self.component,
            "title": self.title,
            "variant": self.variant,
            "summary": self.summary,
            "metadata": self.metadata,
            "sections": self.sections,
            "factsheet": self.factsheet,
            "interface": self.interface,
            "undeclared": self.undeclared,
            "complete": self.complete,
        }


def _lines(values: Any) -> list[str]:
    from ..model import DataField

    if values is None or values == "" or values == [] or values == {}:
        return []
    if isinstance(values, list):
        return [_data_field(v) if isinstance(v, DataField) else str(v) for v in values]
    if isinstance(values, dict):
        return [f"{k}: {v}" for k, v in values.items()]
    return [str(values)]


def _data_field(f: Any) -> str:
    kind = ", ".join(x for x in (f.type, f.unit) if x)
    return f"{f.name} ({kind})" + (f": {f.meaning}" if f.meaning else "")


def _field_lines(c: Any, fields: tuple[str, ...]) -> list[str]:
    out = []
    for f in fields:
        value = getattr(c, f.split(".", 1)[1]) if f.startswith("component.") else getattr(c.model, f)
        label = f.split(".")[-1].replace("_", " ")
        for line in _lines(value):
            out.append(f"{label}: {line}" if not isinstance(value, list) or len(fields) > 1 else line)
    return out


def _service_levels(system: System, component: str, variant: str | None) -> list[dict[str, str]]:
    from ..analysis import analyze

    vr = analyze(system, variant).to_dict()
    out: list[dict[str, str]] = []
    node = system.placement_for(variant).get(component)
    out.append({"what": "placement", "value": f"on '{node}' ({variant or 'base placement'})"})
    for f in vr["latency"]["flows"]:
        if any(step["target"] == component or step["source"] == component for step in f["steps"]):
            budget = f" against a budget of {f['budget']}" if f.get("budget") else ""
            out.append(
                {
                    "what": f"latency of flow '{f['flow']}'",
                    "value": f"{f['total'].get('text', 'unknown')} ({f['verdict']}{budget})",
                }
            )
            step = next(s for s in f["steps"] if s["target"] == component or s["source"] == component)
            out.append(
                {
                    "what": f"time in this model per call ('{f['flow']}')",
                    "value": step["processing"].get("text", "unknown"),
                }
            )
    for f in vr["capacity"]["flows"]:
        if f.get("bottleneck") == component:
            out.append(
                {
                    "what": f"throughput ceiling of flow '{f['flow']}' ({f['scope']})",
                    "value": f["ceiling"].get("text", "unknown"),
                }
            )
    for c in vr["capacity"]["components"]:
        if c["component"] == component:
            out.append({"what": "replicas needed at peak", "value": c["replicas_needed"].get("text", "unknown")})
    for n in vr["resources"]["nodes"]:
        for check in n.get("checks", []):
            if check.get("resource") == "memory" and component in n.get("components", []):
                out.append(
                    {
                        "what": f"memory on '{n['node']}' ({n['scope']})",
                        "value": f"{check['verdict']}: needs {check['need'].get('text', 'unknown')}, "
                        f"has {check['have'].get('text', 'unknown')}",
                    }
                )
    for m in vr["updates"]["models"]:
        if m["model"] == component:
            out.append({"what": "update period", "value": m["update_period"].get("text", "unknown")})
            out.append({"what": "staleness (release to running)", "value": m["staleness"].get("text", "unknown")})
            out.append({"what": "update distribution cost", "value": m["monthly_cost"].get("text", "unknown")})
    return out


def build_card(system: System, component: str, variant: str | None = None) -> ModelCard:
    """Build the card of one model component.

    Raises:
        UsageError: no such component, or it is not a model.
    """
    ids = [c.id for c in system.components if c.kind == "model"]
    c = next((x for x in system.components if x.id == component), None)
    if c is None or c.kind != "model":
        raise UsageError(
            f"'{component}' is not a model component of '{system.name}'; models: {', '.join(ids) or 'none declared'}"
        )
    if variant is not None and variant not in system.variant_names:
        raise UsageError(f"unknown variant '{variant}'; declared: {', '.join(system.variant_names) or 'none'}")
    if c.model is None:
        from ..model import ModelInfo

        m = ModelInfo()
        c = c.model_copy(update={"model": m})
    else:
        m = c.model
    missing = undeclared(c)
    gaps = {(u.part, u.section): u for u in missing}
    sections = []
    for sid, title, fields in MITCHELL_SECTIONS:
        u = gaps.get(("model card", title))
        sections.append(
            {
                "id": sid,
                "title": title,
                "lines": [] if u else _field_lines(c, fields),
                "undeclared": u.declare(c.id) if u else None,
            }
        )
    factsheet = []
    for qid, question, fields in FACTSHEET_QUESTIONS:
        u = gaps.get(("FactSheet", question))
        factsheet.append(
            {
                "id": qid,
                "question": question,
                "answer": [] if u else _field_lines(c, fields),
                "undeclared": u.declare(c.id) if u else None,
            }
        )
    interface = {
        "inputs": [f.model_dump(exclude_none=True) for f in m.inputs],
        "outputs": [f.model_dump(exclude_none=True) for f in m.outputs],
        "service_levels": _service_levels(system, c.id, variant),
    }
    metadata: dict[str, Any] = {"model_name": c.label, "tags": ["archkit", f"system:{system.name}"]}
    if m.license:
        metadata["license"] = m.license
    if m.framework:
        metadata["library_name"] = m.framework
    if m.task:
        metadata["tags"].append(m.task)
    metadata["archkit"] = {
        "component": c.id,
        "system": system.name,
        "variant": variant,
        "version": c.version,
        "owner": c.owner,
    }
    summary = f"{m.task or 'model'}; " + (
        "every section declared" if not missing else f"{len(missing)} section(s) undeclared"
    )
    return ModelCard(
        c.id,
        f"Model card: {c.label}",
        variant,
        summary,
        metadata,
        sections,
        factsheet,
        interface,
        [{"part": u.part, "section": u.section, "fix": u.declare(c.id)} for u in missing],
    )
