"""The synthetic benchmark systems are valid, deterministic and have the requested shape."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_data, synthetic_system  # noqa: E402

from archkit.io import loads, to_yaml  # noqa: E402
from archkit import check  # noqa: E402


def test_shape_and_validity() -> None:
    s = synthetic_system(200, connectors_per_component=4, n_nodes=20, n_flows=30, seed=3)
    assert len(s.components) == 200
    assert len(s.connectors) == 800
    assert len(s.nodes) == 20
    assert len(s.flows) == 30
    assert len(s.variants) == 3
    assert check(s) == []
    assert any(c.model is not None and c.model.inference_time for c in s.components)
    assert all(f.latency_budget is not None and f.rate is not None for f in s.flows)
    assert set(s.placement) == {c.id for c in s.components}


def test_deterministic_and_round_trips() -> None:
    assert synthetic_data(100, seed=1) == synthetic_data(100, seed=1)
    assert synthetic_data(100, seed=1) != synthetic_data(100, seed=2)
    s = synthetic_system(100, n_nodes=10, n_flows=10, seed=1)
    assert loads(to_yaml(s)) == s
