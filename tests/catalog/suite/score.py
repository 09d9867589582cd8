"""Score the catalog against the labelled suite: recall and precision of lint per rule, and how
pattern detection does on each design.

Matching is strict: a finding is true when its rule and the element it is reported on (its first
element) equal an expected finding of the same design that no other finding has matched yet. Every
other open finding is false (a second finding about the same element counts as false too), and
every expected finding left unmatched is missed. Undecided results are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from archkit import System
from archkit.catalog import detect, lint, load_catalog

from . import COMPOSITION, DESIGNS, Design

__all__ = ["Outcome", "RuleScore", "SuiteScore", "score", "run_design", "release_figures"]


@dataclass
class Outcome:
    """What archkit said about one design, against what was expected."""

    design: Design
    true: list[tuple[str, str]] = field(default_factory=list)
    false: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    patterns_missed: list[str] = field(default_factory=list)
    patterns_wrong: list[str] = field(default_factory=list)
    undecided: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"design": self.design.id, "source": self.design.source, "clean": self.design.clean,
                "true": [f"{r}@{e}" for r, e in self.true],
                "false": [{"finding": f"{r}@{e}", "message": m} for r, e, m in self.false],
                "missed": [f"{r}@{e}" for r, e in self.missed],
                "patterns": self.patterns, "patterns_missed": self.patterns_missed,
                "patterns_wrong": self.patterns_wrong,
                "undecided": [{"rule": r, "message": m} for r, m in self.undecided]}


@dataclass
class RuleScore:
    """True, false and missed findings of one rule over the suite."""

    rule: str
    true: int = 0
    false: int = 0
    missed: int = 0

    @property
    def recall(self) -> float | None:
        """Share of expected findings that were reported (None if none was expected)."""
        expected = self.true + self.missed
        return self.true / expected if expected else None

    @property
    def precision(self) -> float | None:
        """Share of reported findings that were expected (None if none was reported)."""
        reported = self.true + self.false
        return self.true / reported if reported else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rule": self.rule, "true": self.true, "false": self.false, "missed": self.missed,
                "recall": self.recall, "precision": self.precision}


@dataclass
class SuiteScore:
    """The whole suite: per-design outcomes and per-rule scores."""

    outcomes: list[Outcome]
    rules: dict[str, RuleScore]

    @property
    def total(self) -> RuleScore:
        """All rules together."""
        out = RuleScore("total")
        for r in self.rules.values():
            out.true += r.true
            out.false += r.false
            out.missed += r.missed
        return out

    @property
    def clean_designs(self) -> list[Outcome]:
        """Outcomes of the designs that expect no finding."""
        return [o for o in self.outcomes if o.design.clean]

    @property
    def pattern_counts(self) -> dict[str, int]:
        """Expected patterns named, missed, and patterns wrongly named."""
        return {"expected": sum(len(o.design.patterns) for o in self.outcomes),
                "missed": sum(len(o.patterns_missed) for o in self.outcomes),
                "wrong": sum(len(o.patterns_wrong) for o in self.outcomes)}

    @property
    def undecided(self) -> int:
        """Undecided results over the suite."""
        return sum(len(o.undecided) for o in self.outcomes)

    @property
    def undecided_by_rule(self) -> dict[str, int]:
        """Undecided results per rule (rules without any left out)."""
        out: dict[str, int] = {}
        for o in self.outcomes:
            for rule, _ in o.undecided:
                out[rule] = out.get(rule, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        total = self.total
        return {"designs": len(self.outcomes), "clean_designs": len(self.clean_designs),
                "total": total.to_dict(),
                "rules": [r.to_dict() for r in sorted(self.rules.values(), key=lambda r: r.rule)],
                "patterns": self.pattern_counts, "undecided": self.undecided,
                "undecided_by_rule": self.undecided_by_rule,
                "outcomes": [o.to_dict() for o in self.outcomes]}


def build(d: Design) -> Any:
    """The validated system of a design."""
    with System(d.id, **dict(d.system)) as s:
        d.declare()
    return s.build()


def run_design(d: Design, catalog: Any = None) -> Outcome:
    """Lint one design and detect its patterns; compare with its labels."""
    cat = catalog or load_catalog(plugins=False)
    system = build(d)
    result = lint(system, d.id, catalog=cat)
    out = Outcome(d)
    expected = list(d.findings)
    for f in result.open:
        first = str(f.elements[0].ref) if f.elements else "system:" + system.name
        out.findings.append({"rule": f.rule, "element": first, "severity": f.severity, "message": f.message})
        key = (f.rule, first)
        if key in expected:
            expected.remove(key)
            out.true.append(key)
        else:
            out.false.append((f.rule, first, f.message))
    out.missed = expected
    out.undecided = [(u.entry_id, u.message) for u in result.unknown]
    found = sorted({x.entry_id for x in detect(system, cat, kinds=["pattern"]) if x.status == "found"})
    out.patterns = found
    out.patterns_missed = [p for p in d.patterns if p not in found]
    out.patterns_wrong = sorted({p for p in found if (p in COMPOSITION and p not in d.patterns) or p in d.absent})
    return out


def score(designs: Iterable[Design] = DESIGNS, catalog: Any = None) -> SuiteScore:
    """Run every design and count per rule."""
    cat = catalog or load_catalog(plugins=False)
    rules = {e.id: RuleScore(e.id) for e in cat.rules()}
    outcomes = []
    for d in designs:
        o = run_design(d, cat)
        outcomes.append(o)
        for r, _ in o.true:
            rules[r].true += 1
        for r, _, _ in o.false:
            rules[r].false += 1
        for r, _ in o.missed:
            rules.setdefault(r, RuleScore(r)).missed += 1
    return SuiteScore(outcomes, rules)


def release_figures(result: SuiteScore) -> dict[str, Any]:
    """The figures a release promises: recall and precision per rule and in total, patterns missed
    and wrongly named, undecided results (the floor the tests hold later versions to)."""
    from archkit import __version__

    total = result.total
    return {"version": __version__, "designs": len(result.outcomes),
            "total": {"recall": total.recall, "precision": total.precision},
            "rules": {r.rule: {"recall": r.recall, "precision": r.precision}
                      for r in sorted(result.rules.values(), key=lambda r: r.rule)},
            "patterns": {"missed": result.pattern_counts["missed"], "wrong": result.pattern_counts["wrong"]},
            "undecided": result.undecided_by_rule}
