"""The report over a synthetic system: every analysis runs, JSON is strict and deterministic."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.synthetic import synthetic_system  # noqa: E402

from archkit.analysis import Options, analyze_all  # noqa: E402
from archkit.analysis import SCHEMA  # noqa: E402


def test_synthetic_report_is_strict_json_and_deterministic() -> None:
    s = synthetic_system(150, n_nodes=12, n_flows=20, seed=5)
    a = json.dumps(analyze_all(s, options=Options()).to_dict(), allow_nan=False)
    b = json.dumps(analyze_all(synthetic_system(150, n_nodes=12, n_flows=20, seed=5)).to_dict(), allow_nan=False)
    assert a == b
    data = json.loads(a)
    # the base placement (no variant is the same placement) and the three variants
    assert data["schema"] == SCHEMA and [v["variant"] for v in data["variants"]][0] is None
    assert len(data["variants"]) == 4
    v = data["variants"][0]
    assert len(v["latency"]["flows"]) == 20
    verdicts = {f["verdict"] for f in v["latency"]["flows"]}
    assert verdicts <= {"meets", "at risk", "violates", "unknown"} and len(verdicts) >= 2


def test_unbounded_values_are_written_as_inf(example) -> None:
    data = analyze_all(example, ["all-on-phone"]).to_dict()
    (tele,) = [f for f in data["variants"][0]["latency"]["flows"] if f["flow"] == "usage-telemetry"]
    text = json.dumps(data, allow_nan=False)
    assert '"inf"' in text or tele["total"]["worst"] != "inf"
