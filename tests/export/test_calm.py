"""CALM 1.1 export: every example validates against the official schemas (vendored in tests/data/calm-1.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archkit.export import to_calm

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "data" / "calm-1.1"
EXAMPLES = sorted((ROOT / "examples").glob("*/system.py"))


@pytest.fixture(scope="module")
def validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for p in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(p.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    core = json.loads((SCHEMAS / "core.json").read_text())
    Draft202012Validator.check_schema(core)
    return Draft202012Validator(core, registry=registry)


def _errors(validator, doc):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_validates(validator, path):
    import archkit

    system = archkit.load(path)
    for variant in [None, *system.variant_names]:
        assert _errors(validator, to_calm(system, variant)) == []


def test_the_validator_catches_mistakes(validator, ar):
    doc = to_calm(ar)
    doc["nodes"][0].pop("node-type")
    doc["relationships"][0]["relationship-type"] = {}
    doc["flows"][0]["transitions"] = []
    errors = _errors(validator, doc)
    assert len(errors) >= 3


def test_content(ar):
    doc = to_calm(ar, "all-in-cloud")
    ids = [n["unique-id"] for n in doc["nodes"]] + [r["unique-id"] for r in doc["relationships"]]
    assert len(ids) == len(set(ids))
    kinds = {n["unique-id"]: n["node-type"] for n in doc["nodes"]}
    assert kinds["ocr"] == "service" and kinds["model_registry"] == "database" and kinds["overlay"] == "webclient"
    deployed = {r["relationship-type"]["deployed-in"]["container"]: r["relationship-type"]["deployed-in"]["nodes"]
                for r in doc["relationships"] if "deployed-in" in r["relationship-type"]}
    assert deployed["cloud"] == ["ocr", "translator", "telemetry", "model_registry"]
    assert deployed["glasses"] == ["camera", "frame_selector", "overlay"]
    assert "phone" not in deployed
    rel_ids = {r["unique-id"] for r in doc["relationships"]}
    # the flow 'overlay' shares its id with the component 'overlay', so it is prefixed
    overlay = next(f for f in doc["flows"] if f["unique-id"] == "flow-overlay")
    assert [t["sequence-number"] for t in overlay["transitions"]] == [1, 2, 3, 4]
    assert all(t["relationship-unique-id"] in rel_ids for t in overlay["transitions"])
    assert doc["metadata"]["placement"] == "all-in-cloud"


def test_clashing_ids_get_prefixes(validator):
    from archkit import Component, Node, System

    with System("clash") as s:
        with Node("cloud", kind="cloud"):
            a = Component("cloud", kind="business_logic")
            b = Component("b", kind="business_logic")
        a >> b
    doc = to_calm(s.build())
    ids = [n["unique-id"] for n in doc["nodes"]]
    assert ids == ["cloud", "b", "node-cloud"]
    assert _errors(validator, doc) == []


@pytest.fixture
def ar():
    import archkit

    return archkit.load(ROOT / "examples" / "ar_translation" / "system.py")


@pytest.mark.parametrize("seed", range(4))
def test_synthetic_systems_validate(validator, seed):
    """Intermittent and down links, many flows and variants: every placement's export still validates."""
    import sys

    sys.path.insert(0, str(ROOT))
    from bench.synthetic import synthetic_system

    system = synthetic_system(40, connectors_per_component=3, n_nodes=8, n_flows=6, seed=seed)
    for variant in [None, *system.variant_names]:
        doc = to_calm(system, variant)
        assert _errors(validator, doc) == []
        deployed = [n for r in doc["relationships"] if "deployed-in" in r["relationship-type"]
                    for n in r["relationship-type"]["deployed-in"]["nodes"]]
        assert sorted(deployed) == sorted(c.id for c in system.components)
