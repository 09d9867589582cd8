"""``archkit lint``: anti-patterns and deployment-fit checks as findings with stable rule ids.

Pipeline: run the detectors of every rule (anti-patterns and checks) over every placement, turn
"found" detections into findings with the entry's severity (or the configured override), apply
suppressions (``suppress`` on any involved element in the model, or ``[tool.archkit.lint]``
``suppress`` entries), then mark findings present in a baseline file. Findings at or above
``fail_on`` that are neither suppressed nor baselined make the exit code 1.

Fingerprints identify a finding across edits: a hash of the rule id and the involved elements
(not the message or line numbers), so moving code or changing figures keeps a baselined finding
baselined.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal

from ..errors import UsageError
from ..model import Location, System
from ._catalog import Catalog, default_catalog
from ._detect import Detection, ElementInfo, detect
from ._entry import Entry, severity_rank
from ._lint_config import LintConfig
from ._registry import ElementRef

__all__ = [
    "Finding",
    "Suppressed",
    "LintResult",
    "lint",
    "fingerprint",
    "read_baseline",
    "write_baseline",
    "BASELINE_VERSION",
]

BASELINE_VERSION = 1


def fingerprint(rule: str, refs: Iterable[ElementRef]) -> str:
    """Stable identity of a finding: rule id and involved elements (sorted), hashed."""
    text = rule + "\n" + "\n".join(sorted(str(r) for r in refs))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Suppressed:
    """Why a finding is not reported: the reason and where the suppression was written."""

    reason: str
    source: Literal["model", "config"]
    element: str
    location: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"reason": self.reason, "source": self.source, "element": self.element, "location": self.location}


@dataclass
class Finding:
    """One lint finding."""

    rule: str
    name: str
    kind: str
    severity: str
    message: str
    fix: str
    elements: tuple[ElementInfo, ...]
    placements: list[str]
    fingerprint: str
    status: Literal["open", "suppressed", "baselined"] = "open"
    suppression: Suppressed | None = None

    @property
    def location(self) -> Location | None:
        """Location of the first involved element that has one."""
        for e in self.elements:
            if e.location is not None and e.location.file:
                return e.location
        return None

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a finding (docs/lint.md)."""
        loc = self.location
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "location": {"file": loc.file, "line": loc.line} if loc is not None else None,
            "elements": [e.to_dict() for e in self.elements],
            "placements": list(self.placements),
            "fingerprint": self.fingerprint,
            "status": self.status,
        }
        if self.suppression is not None:
            out["suppression"] = self.suppression.to_dict()
        return out


@dataclass
class LintResult:
    """Everything one lint run found."""

    source: str
    system: str
    fail_on: str
    rules: list[Entry]
    findings: list[Finding]
    unknown: list[Detection]
    warnings: list[str] = field(default_factory=list)
    baseline: str | None = None

    def of_status(self, status: str) -> list[Finding]:
        """Findings with a given status (open, suppressed, baselined)."""
        return [f for f in self.findings if f.status == status]

    @property
    def open(self) -> list[Finding]:
        """Findings that are reported (neither suppressed nor baselined)."""
        return self.of_status("open")

    @property
    def failing(self) -> list[Finding]:
        """Open findings at or above ``fail_on``."""
        limit = severity_rank(self.fail_on)
        return [f for f in self.open if severity_rank(f.severity) >= limit]

    @property
    def exit_code(self) -> int:
        """0 when nothing fails, 1 otherwise."""
        return 1 if self.failing else 0

    def summary(self) -> dict[str, int]:
        """Counts by severity of open findings, plus suppressed, baselined and unknown."""
        out = {s: sum(1 for f in self.open if f.severity == s) for s in ("error", "warning", "info")}
        out.update(
            suppressed=len(self.of_status("suppressed")),
            baselined=len(self.of_status("baselined")),
            unknown=len(self.unknown),
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a lint run (docs/lint.md)."""
        from .._version import __version__

        return {
            "version": 1,
            "tool": {"name": "archkit", "version": __version__},
            "source": self.source,
            "system": self.system,
            "fail_on": self.fail_on,
            "baseline": self.baseline,
            "exit_code": self.exit_code,
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.open],
            "suppressed": [f.to_dict() for f in self.of_status("suppressed")],
            "baselined": [f.to_dict() for f in self.of_status("baselined")],
            "unknown": [
                {
                    "rule": d.entry_id,
                    "message": d.message,
                    "placements": d.placements,
                    "location": ({"file": d.location.file, "line": d.location.line} if d.location else None),
                    "elements": [e.to_dict() for e in d.elements],
                }
                for d in self.unknown
            ],
            "warnings": list(self.warnings),
        }


def _element_suppressions(system: System) -> dict[ElementRef, list[tuple[str, str, str | None]]]:
    out: dict[ElementRef, list[tuple[str, str, str | None]]] = {}
    groups: list[tuple[str, list[Any], str]] = [
        ("component", system.components, "id"),
        ("connector", system.connectors, "id"),
        ("node", system.nodes, "id"),
        ("link", system.links, "id"),
        ("flow", system.flows, "id"),
        ("flag", system.flags, "id"),
    ]
    for kind, items, attr in groups:
        for item in items:
            for s in getattr(item, "suppress", []):
                loc = s.location or item.location
                out.setdefault(ElementRef(kind, getattr(item, attr)), []).append(  # type: ignore[arg-type]
                    (s.rule, s.reason, str(loc) if loc is not None else None)
                )
    return out


def read_baseline(path: Path) -> set[str]:
    """Fingerprints stored in a baseline file.

    Raises:
        UsageError: The file is missing or not a baseline written by ``--write-baseline``.
    """
    from ..io import read_user_text

    try:
        data = json.loads(read_user_text(path, "baseline"))
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: not a JSON baseline ({exc.msg} at line {exc.lineno}); write one with --write-baseline"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("findings"), list)
    ):
        raise UsageError(
            f"{path}: not an archkit lint baseline (expected version {BASELINE_VERSION} and a 'findings' list)"
        )
    return {f["fingerprint"] for f in data["findings"] if isinstance(f, dict) and isinstance(f.get("fingerprint"), str)}


def write_baseline(result: LintResult, path: Path) -> int:
    """Write the open findings of a run as a baseline file; returns how many were written."""
    items = sorted(
        (
            {
                "rule": f.rule,
                "fingerprint": f.fingerprint,
                "message": f.message,
                "elements": [str(e.ref) for e in f.elements],
            }
            for f in result.open
        ),
        key=lambda d: (d["rule"], d["fingerprint"]),
    )
    from .._escape import json_safe
    from ..io import write_atomic

    write_atomic(
        path,
        json_safe(
            json.dumps(
                {"version": BASELINE_VERSION, "tool": "archkit lint", "findings": items}, indent=2, ensure_ascii=False
            )
        )
        + "\n",
    )
    return len(items)


def lint(
    system: System,
    source: str = "<model>",
    *,
    config: LintConfig | None = None,
    baseline: set[str] | None = None,
    baseline_source: str | None = None,
    fail_on: str | None = None,
    catalog: Catalog | None = None,
    placements: Iterable[str] | None = None,
) -> LintResult:
    """Lint a system against the catalog's anti-patterns and checks.

    Args:
        system: A validated system.
        source: Where the model came from, for reports.
        config: Lint settings (defaults if None).
        baseline: Fingerprints of accepted findings; matching findings are marked baselined.
        baseline_source: Name of the baseline file, for reports.
        fail_on: Overrides ``config.fail_on``.
        catalog: The catalog (default: built-in plus plugins).
        placements: Only these placements ("base" and/or variant names); default all.

    Returns:
        The findings (open, suppressed and baselined), undecidable cases and warnings.
    """
    cfg = config or LintConfig()
    cat = catalog or default_catalog()
    threshold = fail_on or cfg.fail_on
    if threshold not in ("info", "warning", "error"):
        raise UsageError(f"fail-on must be info, warning or error, not '{threshold}'")
    known = {e.id for e in cat.rules()}
    warnings = _config_warnings(cfg, known)
    rules = [e for e in cat.rules() if e.id not in set(cfg.disable)]
    detections = detect(system, cat, ids=[e.id for e in rules], placements=placements)
    suppressions = _Suppressions(system, cfg, known, warnings)
    by_id = {e.id: e for e in rules}
    findings: list[Finding] = []
    unknown: list[Detection] = []
    for d in detections:
        if d.status == "unknown":
            unknown.append(d)
            continue
        f = _finding(by_id[d.entry_id], d, cfg)
        suppressions.apply(f, d.refs)
        if f.status == "open" and baseline is not None and f.fingerprint in baseline:
            f.status = "baselined"
        findings.append(f)
    findings.sort(key=_report_order)
    return LintResult(
        source, system.name, threshold, sorted(rules, key=lambda e: e.id), findings, unknown, warnings, baseline_source
    )


def _config_warnings(cfg: LintConfig, known: set[str]) -> list[str]:
    """Rules the configuration disables or re-rates that the catalog does not know."""
    return [
        f"{cfg.source or 'configuration'}: unknown rule '{rid}' (see `archkit patterns list --kind anti-pattern --kind check`)"
        for rid in [*cfg.disable, *cfg.severity]
        if rid not in known
    ]


class _Suppressions:
    """Suppressions written in the model (on elements) and in the configuration; warns about unknown rules."""

    def __init__(self, system: System, cfg: LintConfig, known: set[str], warnings: list[str]) -> None:
        self.in_model = _element_suppressions(system)
        for ref, items in sorted(self.in_model.items()):
            for rule, _, loc in items:
                if rule not in known:
                    warnings.append(f"{loc or ref}: suppression on {ref} names unknown rule '{rule}'")
        self.in_config: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for s in cfg.suppress:
            if s.rule not in known:
                warnings.append(
                    f"{cfg.source or 'configuration'}: suppression for '{s.element}' names unknown rule '{s.rule}'"
                )
            self.in_config.setdefault((s.rule, s.element), []).append((s.reason, cfg.source or "configuration"))

    def apply(self, f: Finding, refs: Iterable[ElementRef]) -> None:
        """Mark a finding suppressed by the first involved element with a suppression for its rule."""
        for ref in refs:
            hit = next(((reason, loc) for rule, reason, loc in self.in_model.get(ref, []) if rule == f.rule), None)
            if hit is not None:
                f.status, f.suppression = "suppressed", Suppressed(hit[0], "model", str(ref), hit[1])
                return
            cfg_hit = self.in_config.get((f.rule, str(ref))) or self.in_config.get((f.rule, ref.id))
            if cfg_hit:
                f.status, f.suppression = "suppressed", Suppressed(cfg_hit[0][0], "config", str(ref), cfg_hit[0][1])
                return


def _finding(entry: Entry, d: Detection, cfg: LintConfig) -> Finding:
    """A found detection as a finding: the configured severity, else the detector's, else the entry's."""
    return Finding(
        entry.id,
        entry.name,
        entry.kind,
        cfg.severity.get(entry.id) or d.severity or entry.severity or "warning",
        d.message,
        d.fix or entry.fix or "",
        d.elements,
        list(d.placements),
        fingerprint(entry.id, d.refs),
    )


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _report_order(f: Finding) -> tuple[str, int, int, str, str]:
    """Findings in report order: file, line, severity (errors first), rule, fingerprint."""
    loc = f.location
    return (
        (loc.file or "") if loc else "",
        (loc.line or 0) if loc else 0,
        _SEVERITY_ORDER[f.severity],
        f.rule,
        f.fingerprint,
    )
