"""The review of a change: what differs between two versions of a model, and what that moved.

:func:`diff_reviews` compares two reviews through their documented JSON forms (the analyses'
``archkit.analysis/1``, the alternatives' ``archkit.alternatives/1``, the lint result) and the two
models' canonical data (:func:`archkit.io.to_data`). Every figure it shows was computed by an
analysis; the only arithmetic here is the difference of two such figures (the delta), printed
with the analyses' own number format. :func:`diff_models` runs the reviews first.

A change is *worse* (``archkit diff`` exits 1) when a verdict moved to a worse tone (the report's
badges: good < at risk < bad, an unknown verdict counts as good when it was the old one and is
never worse when it is the new one), when a new flow, link or data exit arrives with an at-risk or
bad verdict, when personal data newly leaves the user's devices, when an alternative stops being
feasible or the recommendation disappears, and when lint finds something new of severity warning
or error (a finding counts once per placement it holds for). Figures that moved without changing their verdict are reported, not judged.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal

from ._page import badge_class

if TYPE_CHECKING:  # pragma: no cover
    from ..model import System

__all__ = ["SCHEMA", "ModelDiff", "Move", "ElementChange", "diff_reviews", "diff_models", "REVIEW_PARTS"]

SCHEMA = "archkit.diff/1"

REVIEW_PARTS = ["analyses", "alternatives", "lint"]
"""The review sections a diff compares."""

Direction = Literal["worse", "better"]

# collections of the model's canonical data, the key that names an element, and its type
_COLLECTIONS = (
    ("components", "id", "component"),
    ("connectors", "id", "connector"),
    ("nodes", "id", "node"),
    ("links", "id", "link"),
    ("flows", "id", "flow"),
    ("flags", "id", "flag"),
    ("variants", "name", "variant"),
)
_TONE_RANK = {"good": 0, "neutral": 0, "risk": 1, "bad": 2}
_LOWER_IS_BETTER = {
    "latency": True,
    "link": True,
    "cost": True,
    "offline": False,
    "capacity": None,
    "resources": None,
    "privacy": None,
}


# ----------------------------------------------------------------------------------------------
# result types


@dataclass(frozen=True)
class FieldChange:
    """One field of an element, old and new (None: not declared, i.e. the default)."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ElementChange:
    """An element that was added, removed or changed; ``type`` is component, connector, node, link,
    flow, flag, variant, placement (a component's node in the base placement) or system."""

    type: str
    id: str
    fields: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "id": self.id}
        if self.fields:
            out["fields"] = [f.to_dict() for f in self.fields]
        return out


@dataclass(frozen=True)
class Figure:
    """One side of a move: the verdict (None: the quality has none, e.g. cost), its text and value."""

    verdict: str | None
    text: str
    value: float | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "text": self.text, "value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class Move:
    """A verdict or figure of one quality of one variant that differs between the two versions.

    ``old`` or ``new`` is None when the subject (a flow, a link direction, a node...) exists on one
    side only. ``delta`` is new minus old of the typical values when both are known, in ``unit``.
    """

    variant: str
    quality: str
    subject: str
    old: Figure | None
    new: Figure | None
    delta: float | None = None
    delta_text: str | None = None
    direction: Direction | None = None

    def to_dict(self) -> dict[str, Any]:
        shown = self.new or self.old
        return {
            "variant": self.variant,
            "quality": self.quality,
            "subject": self.subject,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
            "delta": None
            if self.delta is None or shown is None
            else {"value": self.delta, "unit": shown.unit, "text": self.delta_text},
            "direction": self.direction,
        }


@dataclass(frozen=True)
class AlternativeChange:
    """An alternative (a declared variant or generated placement) whose status or criteria moved."""

    name: str
    old_status: str | None
    new_status: str | None
    criteria: tuple[FieldChange, ...] = ()
    direction: Direction | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "criteria": [{"key": c.field, "old": c.old, "new": c.new} for c in self.criteria],
            "direction": self.direction,
        }


@dataclass
class ModelDiff:
    """The review of a change (JSON form: :meth:`to_dict`, schema ``archkit.diff/1``, docs/review.md)."""

    old: dict[str, Any]
    new: dict[str, Any]
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    variants_added: list[str] = field(default_factory=list)
    variants_removed: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    recommended: dict[str, Any] = field(default_factory=dict)
    alternatives: list[AlternativeChange] = field(default_factory=list)
    lint_new: list[dict[str, Any]] = field(default_factory=list)
    lint_fixed: list[dict[str, Any]] = field(default_factory=list)
    lint_changed: list[dict[str, Any]] = field(default_factory=list)
    worse_reasons: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Whether anything differs: an element, a figure, an alternative or a lint finding."""
        return bool(
            self.added
            or self.removed
            or self.changed
            or self.variants_added
            or self.variants_removed
            or self.moves
            or self.recommended.get("changed")
            or self.alternatives
            or self.lint_new
            or self.lint_fixed
            or self.lint_changed
        )

    @property
    def worse(self) -> bool:
        """Whether a verdict got worse (the reasons are in :attr:`worse_reasons`)."""
        return bool(self.worse_reasons)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (schema ``archkit.diff/1``)."""
        return {
            "schema": SCHEMA,
            "old": self.old,
            "new": self.new,
            "changed": self.has_changes,
            "worse": self.worse,
            "worse_reasons": list(self.worse_reasons),
            "elements": {
                "added": [e.to_dict() for e in self.added],
                "removed": [e.to_dict() for e in self.removed],
                "changed": [e.to_dict() for e in self.changed],
            },
            "variants": {"added": list(self.variants_added), "removed": list(self.variants_removed)},
            "moves": [m.to_dict() for m in self.moves],
            "alternatives": {
                "recommended": dict(self.recommended),
                "changed": [a.to_dict() for a in self.alternatives],
            },
            "lint": {"new": list(self.lint_new), "fixed": list(self.lint_fixed), "changed": list(self.lint_changed)},
        }


# ----------------------------------------------------------------------------------------------
# entry points


def diff_models(
    old: "System",
    new: "System",
    *,
    old_source: str = "<old>",
    new_source: str = "<new>",
    users: int | None = None,
    progress: Callable[[str], Any] | None = None,
    relabel: dict[str, str] | None = None,
) -> ModelDiff:
    """Review both versions of a model and compare the reviews.

    Args:
        old: the model before the change.
        new: the model after the change.
        old_source: where the old model came from (shown in the report; its lint configuration
            is looked up next to it).
        new_source: where the new model came from.
        users: users for cost and capacity (default: each model's own ``users``).
        progress: optional callable told what is being done ("reviewing the old model", ...).
        relabel: path prefixes to rewrite in the old review's text (a temporary copy of a git
            revision is shown as ``REF:path``).
    """
    from ..io import to_data
    from . import review

    reviews = []
    for what, system, source in (("old", old, old_source), ("new", new, new_source)):
        if progress is not None:
            progress(f"reviewing the {what} model")
        reviews.append(review(system, source, users=users, only=REVIEW_PARTS).to_dict())
    old_review = _relabel(reviews[0], relabel or {})
    return diff_reviews(old_review, reviews[1], to_data(old), to_data(new))


def diff_reviews(
    old_review: dict[str, Any], new_review: dict[str, Any], old_model: dict[str, Any], new_model: dict[str, Any]
) -> ModelDiff:
    """Compare two reviews (their JSON forms) and the two models' canonical data.

    Args:
        old_review: ``Review.to_dict()`` of the old model (sections analyses, alternatives, lint).
        new_review: the same for the new model.
        old_model: :func:`archkit.io.to_data` of the old model.
        new_model: the same for the new model.
    """
    d = ModelDiff(
        old={"source": old_review.get("source"), "system": old_review.get("system")},
        new={"source": new_review.get("source"), "system": new_review.get("system")},
    )
    d.added, d.removed, d.changed = _element_changes(old_model, new_model)
    old_s, new_s = _sections(old_review), _sections(new_review)
    _analysis_moves(d, old_s.get("analyses", {}), new_s.get("analyses", {}))
    _alternative_changes(d, old_s.get("alternatives", {}), new_s.get("alternatives", {}))
    _lint_changes(d, old_s.get("lint", {}), new_s.get("lint", {}))
    return d


def _sections(review_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s.get("data") or {} for s in review_json.get("sections", [])}


def _relabel(data: Any, prefixes: dict[str, str]) -> Any:
    """The same JSON data with every string starting with a prefix rewritten to its label."""
    if not prefixes:
        return data
    if isinstance(data, dict):
        return {k: _relabel(v, prefixes) for k, v in data.items()}
    if isinstance(data, list):
        return [_relabel(v, prefixes) for v in data]
    if isinstance(data, str):
        for prefix, label in prefixes.items():
            if prefix in data:
                data = data.replace(prefix, label)
    return data


# ----------------------------------------------------------------------------------------------
# elements


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted keys; lists and scalars are values."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def _field_changes(old: dict[str, Any], new: dict[str, Any], skip: Iterable[str] = ()) -> tuple[FieldChange, ...]:
    a, b = _flatten(old), _flatten(new)
    keys = [k for k in dict.fromkeys([*a, *b]) if k not in skip]
    return tuple(FieldChange(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k))


def _element_changes(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[ElementChange], list[ElementChange], list[ElementChange]]:
    added: list[ElementChange] = []
    removed: list[ElementChange] = []
    changed: list[ElementChange] = []
    handled = {"placement"}
    for key, id_field, kind in _COLLECTIONS:
        handled.add(key)
        a = {str(e.get(id_field)): e for e in old.get(key) or []}
        b = {str(e.get(id_field)): e for e in new.get(key) or []}
        added += [ElementChange(kind, i) for i in b if i not in a]
        removed += [ElementChange(kind, i) for i in a if i not in b]
        for i in a:
            if i in b:
                fields = _field_changes(a[i], b[i], skip=[id_field])
                if fields:
                    changed.append(ElementChange(kind, i, fields))
    old_place, new_place = old.get("placement") or {}, new.get("placement") or {}
    old_ids = {c.get("id") for c in old.get("components") or []}
    new_ids = {c.get("id") for c in new.get("components") or []}
    for comp in dict.fromkeys([*old_place, *new_place]):
        if comp in old_ids and comp in new_ids and old_place.get(comp) != new_place.get(comp):
            changed.append(
                ElementChange("placement", comp, (FieldChange("node", old_place.get(comp), new_place.get(comp)),))
            )
    system_fields = _field_changes(
        {k: v for k, v in old.items() if k not in handled}, {k: v for k, v in new.items() if k not in handled}
    )
    if system_fields:
        changed.insert(0, ElementChange("system", str(new.get("name", old.get("name", ""))), system_fields))
    return added, removed, changed


# ----------------------------------------------------------------------------------------------
# analyses


def _estimate(e: dict[str, Any] | None, verdict: str | None, text: str | None = None) -> Figure:
    if not e:
        return Figure(verdict, text or "unknown")
    value = e.get("typical")
    known = bool(e.get("known")) and isinstance(value, (int, float)) and math.isfinite(value)
    number = float(value) if known and value is not None else None
    return Figure(verdict, text if text is not None else e.get("text", "unknown"), number, e.get("unit"))


def _figures(v: dict[str, Any]) -> dict[tuple[str, str], Figure]:
    """Every judged figure of one variant's analyses (JSON form), by (quality, subject)."""
    out: dict[tuple[str, str], Figure] = {}
    for f in v.get("latency", {}).get("flows", []):
        out[("latency", f"flow {f['flow']}")] = _estimate(f.get("total"), f.get("verdict"))
    for d in v.get("links", {}).get("links", []):
        u = d.get("utilisation") or {}
        out[("link", f"{d['link']} {d['from']}\u2192{d['to']}")] = _estimate(
            u, d.get("verdict"), f"{u.get('text', 'unknown')} of {(d.get('bandwidth') or {}).get('text', '?')}"
        )
    total = v.get("cost", {}).get("total")
    if total is not None:
        out[("cost", "monthly total")] = _estimate(total, None)
    for f in v.get("availability", {}).get("flows", []):
        breaks = f.get("offline_breaks") or []
        text = (
            "works offline"
            if f.get("works_offline")
            else ("breaks: " + "; ".join(breaks) if breaks else "needs a link")
        )
        out[("offline", f"flow {f['flow']}")] = Figure(f.get("offline_verdict"), text)
    for n in v.get("resources", {}).get("nodes", []):
        checks = ", ".join(f"{c.get('resource')} {c.get('verdict')}" for c in n.get("checks", []))
        out[("resources", f"node {n['node']}")] = Figure(n.get("verdict"), checks or n.get("verdict", "unknown"))
    for c in v.get("capacity", {}).get("components", []):
        out[("capacity", f"component {c['component']}")] = _estimate(
            c.get("replicas_needed"),
            c.get("verdict"),
            f"needs {(c.get('replicas_needed') or {}).get('text', 'unknown')} on {c.get('node')}",
        )
    for f in v.get("capacity", {}).get("flows", []):
        out[("capacity", f"flow {f['flow']}")] = _estimate(
            f.get("ceiling"), f.get("verdict"), f"ceiling {(f.get('ceiling') or {}).get('text', 'unknown')}"
        )
    for x in v.get("privacy", {}).get("data_leaving_devices", []):
        if x.get("personal") and x.get("leaves_user_devices"):
            out[("privacy", f"connector {x['connector']}")] = Figure(
                "at risk",
                f"personal data leaves the user's devices ({x.get('source_node')} \u2192 {x.get('target_node')})",
            )
    return out


_STAYS = Figure("ok", "no personal data leaves the user's devices")


def _rank(verdict: str | None) -> int:
    return _TONE_RANK[badge_class(verdict)] if verdict else 0


def _delta_text(delta: float, unit: str | None) -> str:
    from ..analysis import format_value

    if unit == "ratio":
        return f"{delta * 100:+.1f} points"
    text = format_value(abs(delta), unit or "")
    return ("+" if delta > 0 else "-" if delta < 0 else "\u00b1") + text


def _analysis_moves(d: ModelDiff, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_v = {v["variant"] or "base": v for v in old.get("variants", [])}
    new_v = {v["variant"] or "base": v for v in new.get("variants", [])}
    d.variants_added = [n for n in new_v if n not in old_v]
    d.variants_removed = [n for n in old_v if n not in new_v]
    for name in [n for n in new_v if n in old_v]:
        a, b = _figures(old_v[name]), _figures(new_v[name])
        for key in dict.fromkeys([*a, *b]):
            quality, subject = key
            x, y = a.get(key), b.get(key)
            if quality == "privacy":
                x, y = x or _STAYS, y or _STAYS
            if x == y:
                continue
            direction: Direction | None = None
            if x is not None and y is not None:
                if _rank(y.verdict) > _rank(x.verdict):
                    direction = "worse"
                elif _rank(y.verdict) < _rank(x.verdict) and badge_class(y.verdict or "") != "neutral":
                    direction = "better"
            elif y is not None and _rank(y.verdict) > 0:
                direction = "worse"
            delta = delta_text = None
            if x is not None and y is not None and x.value is not None and y.value is not None and x.unit == y.unit:
                delta = y.value - x.value
                delta_text = _delta_text(delta, y.unit)
                if x.text == y.text and x.verdict == y.verdict:
                    continue  # the same figure as printed: a rounding difference only
            d.moves.append(Move(name, quality, subject, x, y, delta, delta_text, direction))
            if direction == "worse" and y is not None:
                was = f"{x.verdict or x.text}" if x is not None else "absent"
                d.worse_reasons.append(f"{quality} of {subject} in {name}: {was} -> {y.verdict} ({y.text})")


# ----------------------------------------------------------------------------------------------
# alternatives


def _alternative_status(row: dict[str, Any], recommended: str | None) -> str:
    if row["name"] == recommended:
        return "recommended"
    if not row.get("feasible"):
        return "infeasible"
    return "Pareto" if row.get("pareto") else "dominated"


def _alternative_changes(d: ModelDiff, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_rec = (old.get("recommended") or {}).get("name")
    new_rec = (new.get("recommended") or {}).get("name")
    d.recommended = {
        "old": old_rec,
        "new": new_rec,
        "changed": old_rec != new_rec,
        "old_justification": old.get("justification"),
        "new_justification": new.get("justification"),
    }
    if old_rec is not None and new_rec is None:
        d.worse_reasons.append(f"no alternative is recommended any more (was {old_rec})")

    def rows(exp: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {r["name"]: r for key in ("alternatives", "dominated", "infeasible") for r in exp.get(key, [])}

    a, b = rows(old), rows(new)
    for name in dict.fromkeys([*a, *b]):
        x, y = a.get(name), b.get(name)
        xs = _alternative_status(x, old_rec) if x else None
        ys = _alternative_status(y, new_rec) if y else None
        criteria = _field_changes((x or {}).get("text", {}), (y or {}).get("text", {}))
        if xs == ys and not criteria:
            continue
        direction: Direction | None = None
        if x and y and x.get("feasible") and not y.get("feasible"):
            direction = "worse"
            d.worse_reasons.append(f"alternative {name} is no longer feasible: {'; '.join(y.get('failed', []))}")
        elif x and y and not x.get("feasible") and y.get("feasible"):
            direction = "better"
        d.alternatives.append(AlternativeChange(name, xs, ys, criteria, direction))


# ----------------------------------------------------------------------------------------------
# lint

_GATING = ("error", "warning")


def _finding(f: dict[str, Any]) -> dict[str, Any]:
    loc = f.get("location") or {}
    where = f"{loc.get('file')}:{loc.get('line')}" if loc.get("file") and loc.get("line") else loc.get("file")
    return {
        "rule": f.get("rule"),
        "severity": f.get("severity"),
        "message": f.get("message"),
        "fix": f.get("fix"),
        "where": where,
        "placements": list(f.get("placements", [])),
        "fingerprint": f.get("fingerprint"),
    }


def _by_placement(lint: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Open findings by (fingerprint, placement): one finding may hold several placements, and
    findings of several placements may share a fingerprint with different messages."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for f in lint.get("findings", []):
        if f.get("status", "open") != "open":
            continue
        for p in f.get("placements") or ["base"]:
            out[(f["fingerprint"], p)] = f
    return out


def _grouped(
    pairs: list[tuple[tuple[str, str], dict[str, Any]]], old: dict[tuple[str, str], dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Findings again, each with only the placements in ``pairs``, in first-seen order."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (fp, placement), f in pairs:
        finding = (fp, f.get("severity"), f.get("message"), tuple(f.get("placements", [])))
        entry = groups.setdefault(finding, dict(_finding(f), placements=[]))
        entry["placements"].append(placement)
        if old is not None:
            was = old[(fp, placement)]
            entry.setdefault("old", {k: was.get(k) for k in ("severity", "message") if was.get(k) != f.get(k)})
    return list(groups.values())


def _lint_changes(d: ModelDiff, old: dict[str, Any], new: dict[str, Any]) -> None:
    a, b = _by_placement(old), _by_placement(new)
    d.lint_new = _grouped([(k, f) for k, f in b.items() if k not in a])
    d.lint_fixed = _grouped([(k, f) for k, f in a.items() if k not in b])
    d.lint_changed = _grouped(
        [(k, f) for k, f in b.items() if k in a and any(a[k].get(n) != f.get(n) for n in ("severity", "message"))], a
    )
    for f in d.lint_new:
        if f["severity"] in _GATING:
            d.worse_reasons.append(
                f"new lint {f['severity']} {f['rule']} in {', '.join(f['placements'])}: {f['message']}"
            )
    for f in d.lint_changed:
        if f["severity"] in _GATING and f["old"].get("severity", f["severity"]) not in _GATING:
            d.worse_reasons.append(
                f"lint {f['rule']} is now a {f['severity']} in {', '.join(f['placements'])}: {f['message']}"
            )


def value_text(value: Any) -> str:
    """A field's value for people: text as it is, other values as compact JSON, None as 'not declared'."""
    if value is None:
        return "not declared"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
