"""Structurizr DSL export: the workspace has the blocks Structurizr needs, and they are well formed.

Structurizr's own parser (Java) is not available here, so the tests check the structure: balanced
braces, one container per component, relationships between declared identifiers, a deployment
environment per placement with each component instantiated once, and the views.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archkit.export import to_structurizr

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ar():
    import archkit

    return archkit.load(ROOT / "examples" / "ar_translation" / "system.py")


@pytest.fixture(scope="module")
def dsl(ar):
    return to_structurizr(ar)


def _block(text: str, header: str) -> str:
    """The body of the first block whose opening line contains ``header``."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if header in ln and ln.rstrip().endswith("{"))
    depth = 0
    for j in range(start, len(lines)):
        depth += lines[j].count("{") - lines[j].count("}")
        if depth == 0:
            return "\n".join(lines[start + 1:j])
    raise AssertionError(f"block {header!r} is not closed")


def test_braces_balance_and_blocks_exist(dsl):
    assert dsl.count("{") == dsl.count("}")
    assert dsl.startswith('workspace "AR translation glasses"')
    for header in ("model {", "softwareSystem", "views {", "styles {"):
        _block(dsl, header)


def test_containers_and_relationships(ar, dsl):
    model = _block(dsl, "model {")
    declared = set(re.findall(r"^\s*(\w+) = (?:container|softwareSystem|deploymentNode)", model, re.M))
    assert {c.id for c in ar.components} <= declared
    rels = re.findall(r"^\s*(\w+) -> (\w+) \"", model, re.M)
    comp_rels = [r for r in rels if r[0] in {c.id for c in ar.components}]
    assert len(comp_rels) == len(ar.connectors)
    assert all(a in declared and b in declared for a, b in rels)
    assert 'tags "model" "ML model"' in _block(dsl, '= container "OCR model"')


def test_a_deployment_environment_per_placement(ar, dsl):
    envs = re.findall(r'deploymentEnvironment "([^"]+)" \{', dsl)
    assert envs == ["base", *ar.variant_names]
    for env in envs:
        body = _block(dsl, f'deploymentEnvironment "{env}"')
        instances = re.findall(r"containerInstance (\w+)", body)
        assert sorted(instances) == sorted(c.id for c in ar.components)
    # deploymentNode <name> [description] [technology] [tags] [instances]
    count = ar.node("cloud").count
    assert re.search(rf'deploymentNode "Cloud region" "[^"]*" "cloud" "cloud" {count} \{{', dsl)
    cloud = _block(dsl, 'deploymentEnvironment "all-in-cloud"')
    node = _block(cloud, 'deploymentNode "Cloud region"')
    assert "containerInstance ocr" in node and "containerInstance translator" in node
    assert "is down in this environment" in _block(dsl, 'deploymentEnvironment "phone-bluetooth-only"')


def test_views(ar, dsl):
    views = _block(dsl, "views {")
    assert re.search(r'container system "containers"', views)
    assert len(re.findall(r"^\s*deployment system ", views, re.M)) == 1 + len(ar.variants)
    dynamic = _block(views, 'dynamic system "flow-overlay"')
    assert [ln.split(" -> ")[0].strip() for ln in dynamic.splitlines() if "->" in ln] == [
        "camera", "frame_selector", "frame_selector", "frame_selector"]
    assert 'element "model"' in _block(views, "styles {")


def test_identifiers_are_safe_and_unique():
    from archkit import Component, Node, System

    with System("odd ids") as s:
        with Node("n-1", kind="cloud"):
            a = Component("a.b", kind="business_logic")
            b = Component("a_b", kind="business_logic")
        a >> b
    text = to_structurizr(s.build())
    ids = re.findall(r"^\s*([^\s=]+) = ", text, re.M)
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids)


def test_deterministic(ar):
    assert to_structurizr(ar) == to_structurizr(ar)
