"""Every detector against a design that shows its entry and a near miss that does not."""

from __future__ import annotations

import pytest

from archkit.catalog import detect, load_catalog

from ._build import build
from .cases import CASES

CATALOG = load_catalog(plugins=False)


def _found(system, entry_id):
    return [d for d in detect(system, CATALOG, ids=[entry_id]) if d.status == "found"]


@pytest.mark.parametrize("entry_id", sorted(CASES))
def test_detector_finds_the_entry(entry_id):
    pos, _ = CASES[entry_id]
    hits = _found(build(pos), entry_id)
    assert hits, f"{entry_id}: not found in its positive example"
    assert all(h.elements for h in hits)


@pytest.mark.parametrize("entry_id", sorted(CASES))
def test_detector_ignores_the_near_miss(entry_id):
    _, neg = CASES[entry_id]
    assert not _found(build(neg), entry_id), f"{entry_id}: found in its negative example"


def test_every_entry_has_a_positive_and_a_negative_case():
    missing = [e.id for e in CATALOG if e.id not in CASES or None in CASES[e.id]]
    assert missing == []


def test_found_elements_point_at_dsl_lines():
    pos, _ = CASES["two-phase-prediction"]
    hit = _found(build(pos), "two-phase-prediction")[0]
    assert hit.location is not None and hit.location.file.endswith("cases.py") and hit.location.line > 0
