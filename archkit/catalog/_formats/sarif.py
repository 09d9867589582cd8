"""SARIF 2.1.0 output, so code-scanning tools show lint findings at the DSL lines that declare them.

Mapping: each anti-pattern or check is a ``reportingDescriptor`` (rule) with its default level;
each finding is a ``result`` with the rule's index, a physical location (the model file and the
declaring line of the first involved element), logical locations for every involved element, a
``partialFingerprints`` entry ``archkitFingerprint/v1``, and for suppressed findings a
``suppressions`` entry (``inSource`` for model suppressions, ``external`` for configuration
ones) carrying the reason. When a baseline is used, results carry ``baselineState``.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from .._lint import Finding, LintResult

__all__ = ["to_sarif", "SARIF_SCHEMA", "SARIF_VERSION"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    return PurePath(path).as_posix()


def _result(f: Finding, index: int, with_baseline: bool) -> dict[str, Any]:
    loc = f.location
    location: dict[str, Any] = {}
    if loc is not None and loc.file:
        phys: dict[str, Any] = {"artifactLocation": {"uri": _uri(loc.file)}}
        if loc.line:
            phys["region"] = {"startLine": loc.line}
        location["physicalLocation"] = phys
    location["logicalLocations"] = [
        {"name": e.ref.id, "fullyQualifiedName": str(e.ref), "kind": e.ref.type} for e in f.elements
    ]
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message + (f" [placements: {', '.join(f.placements)}]" if f.placements else "")},
        "locations": [location],
        "partialFingerprints": {"archkitFingerprint/v1": f.fingerprint},
        "properties": {"placements": list(f.placements), "fix": f.fix},
    }
    related = []
    for i, e in enumerate(f.elements[1:], start=1):
        if e.location is not None and e.location.file and e.location.line:
            related.append(
                {
                    "id": i,
                    "message": {"text": f"{e.ref}"},
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(e.location.file)},
                        "region": {"startLine": e.location.line},
                    },
                }
            )
    if related:
        out["relatedLocations"] = related
    if f.suppression is not None:
        out["suppressions"] = [
            {
                "kind": "inSource" if f.suppression.source == "model" else "external",
                "justification": f.suppression.reason,
            }
        ]
    if with_baseline:
        out["baselineState"] = "unchanged" if f.status == "baselined" else "new"
    return out


def to_sarif(result: LintResult) -> str:
    """The SARIF 2.1.0 log of a lint run, as text (stable bytes for the same input)."""
    from ..._version import __version__

    rules = result.rules
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = []
    for r in rules:
        descriptors.append(
            {
                "id": r.id,
                "name": "".join(part.capitalize() for part in r.id.split("-")),
                "shortDescription": {"text": r.name},
                "fullDescription": {"text": r.problem},
                "help": {"text": f"{r.solution}\nFix: {r.fix}"},
                "defaultConfiguration": {"level": _LEVEL[r.severity or "warning"]},
                "properties": {"tags": [r.kind, r.category]},
            }
        )
    with_baseline = result.baseline is not None
    results = [_result(f, index[f.rule], with_baseline) for f in result.findings]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": {"name": "archkit", "version": __version__, "rules": descriptors}},
                "automationDetails": {"id": f"archkit-lint/{result.system}"},
                "results": results,
                "properties": {"source": result.source, "unknown": len(result.unknown)},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
