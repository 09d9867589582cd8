"""The catalog against the labelled suite of literature designs (tests/catalog/suite).

The suite is scored once per test run (about a second). These tests fail when lint or pattern
detection does worse than the figures recorded for the last release (suite/release.json, written
by ``bench/bench_catalog.py --release``), or under the 95 % the catalog promises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .suite import COMPOSITION, DESIGNS
from .suite.score import score

RELEASE = json.loads((Path(__file__).parent / "suite" / "release.json").read_text())
TARGET = 0.95


@pytest.fixture(scope="module")
def result():
    return score()


def _pct(x):
    return "-" if x is None else f"{100 * x:.0f} %"


def test_the_suite_is_large_cited_and_has_clean_designs():
    assert len(DESIGNS) >= 40
    assert sum(d.clean for d in DESIGNS) >= 10
    for d in DESIGNS:
        assert len(d.source) > 20 and re.search(r"\d{4}|lecture|book", d.source), d.id
        assert d.patterns or d.findings, f"{d.id} expects nothing at all"


def test_recall_and_precision_meet_the_target(result):
    total = result.total
    assert total.recall >= TARGET and total.precision >= TARGET, (
        f"recall {_pct(total.recall)}, precision {_pct(total.precision)}; "
        f"missed {[(o.design.id, m) for o in result.outcomes for m in o.missed]}, "
        f"false {[(o.design.id, f) for o in result.outcomes for f in o.false]}")


def test_no_rule_does_worse_than_at_the_last_release(result):
    worse = []
    for rule, floor in RELEASE["rules"].items():
        now = result.rules[rule]
        for what in ("recall", "precision"):
            was, is_ = floor[what], getattr(now, what)
            if was is not None and (is_ is None or is_ < was - 1e-9):
                worse.append(f"{rule} {what} {_pct(is_)} < {_pct(was)}")
    total = result.total
    for what in ("recall", "precision"):
        if getattr(total, what) < RELEASE["total"][what] - 1e-9:
            worse.append(f"total {what} {_pct(getattr(total, what))} < {_pct(RELEASE['total'][what])}")
    assert worse == []


def test_clean_designs_get_no_finding_at_all(result):
    noisy = [(o.design.id, f["severity"], f["rule"], f["message"]) for o in result.clean_designs for f in o.findings]
    assert noisy == []


def test_pattern_detection_names_the_main_patterns_and_no_composition_a_design_does_not_use(result):
    missed = [(o.design.id, p) for o in result.outcomes for p in o.patterns_missed]
    wrong = [(o.design.id, p) for o in result.outcomes for p in o.patterns_wrong]
    assert len(missed) <= RELEASE["patterns"]["missed"], missed
    assert len(wrong) <= RELEASE["patterns"]["wrong"], wrong
    for o in result.outcomes:
        assert not {p for p in o.patterns if p in COMPOSITION} - set(o.design.patterns), o.design.id


def test_undecided_results_are_no_more_than_at_the_last_release_and_name_a_field(result):
    more = {rule: n for rule, n in result.undecided_by_rule.items()
            if rule in RELEASE["undecided"] and n > RELEASE["undecided"][rule]}
    assert more == {}, f"undecided results per rule, now (release: {RELEASE['undecided']})"
    for o in result.outcomes:
        for rule, message in o.undecided:
            assert re.search(r"\bdeclare\b|\bplace\b", message), (o.design.id, rule, message)


def test_every_finding_names_the_element_it_is_reported_on(result):
    for o in result.outcomes:
        for f in o.findings:
            ident = f["element"].split(":", 1)[1]
            assert f"'{ident}'" in f["message"], (o.design.id, f)
