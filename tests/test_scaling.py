"""No quadratic step: ten times the components costs at most twelve times the work, in every stage.

Work is counted, not timed: the number of Python function calls a stage makes (``sys.setprofile``
"call" events), which is the same on every run and on every machine, however busy. The synthetic
systems of bench/synthetic.py (4 connectors per component, 50 nodes, 100 flows, 3 variants) are
loaded from YAML and from JSON, analysed (every analysis, every placement) and linted (every rule,
every placement). A step that is quadratic in the number of components or connectors makes the
ratio grow towards 100. bench/bench_peers.py measures the seconds at 1,000 and 10,000 components.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_system  # noqa: E402

from archkit.analysis import analyze  # noqa: E402
from archkit.catalog import lint, load_catalog  # noqa: E402
from archkit.io import loads, to_json, to_yaml  # noqa: E402

SMALL, LARGE = 300, 3000
LIMIT = 12.0


def calls(fn: Callable[[], Any]) -> int:
    """Python function calls made while ``fn`` runs."""
    n = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal n
        if event == "call":
            n += 1

    sys.setprofile(count)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return n


def stage_calls(size: int) -> dict[str, int]:
    system = synthetic_system(size, connectors_per_component=4, n_nodes=50, n_flows=100, seed=0)
    yaml_text, json_text = to_yaml(system), to_json(system)
    catalog = load_catalog(plugins=False)
    lint(system, "<warm-up>", catalog=catalog)  # first use builds caches of the catalog itself
    placements = [None, *system.variant_names]
    return {
        "load+validate yaml": calls(lambda: loads(yaml_text, "<synthetic>.yaml")),
        "load+validate json": calls(lambda: loads(json_text, "<synthetic>.json", fmt="json")),
        "analyze": calls(lambda: [analyze(system, v) for v in placements]),
        "lint": calls(lambda: lint(system, "<synthetic>", catalog=catalog)),
    }


@pytest.fixture(scope="module")
def counted() -> tuple[dict[str, int], dict[str, int]]:
    return stage_calls(SMALL), stage_calls(LARGE)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["load+validate yaml", "load+validate json", "analyze", "lint"])
def test_ten_times_the_model_is_at_most_twelve_times_the_work(counted, stage: str) -> None:
    small, large = counted
    assert small[stage] > 1000, "the stage did no work to count"
    ratio = large[stage] / small[stage]
    assert ratio <= LIMIT, f"{stage}: {large[stage]:,} calls at {LARGE:,} components, {small[stage]:,} at {SMALL:,} " \
                           f"({ratio:.1f}x for 10x the components)"


def test_the_counter_sees_a_quadratic_step() -> None:
    def quadratic(n: int) -> None:
        for i in range(n):
            for j in range(n):
                abs(i - j)
                (lambda: None)()

    assert calls(lambda: quadratic(300)) / calls(lambda: quadratic(30)) > 90
