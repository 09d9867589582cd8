"""Same model, same bytes: DOT and Mermaid do not depend on runs or on declaration order."""

from __future__ import annotations

import subprocess
import sys

import pytest

from archkit.views import build_view

SPECS = ["logical", "deployment", "dataflow", "flow:overlay", "compare:base,all-in-cloud"]


@pytest.mark.parametrize("spec", SPECS)
def test_two_renders_identical(ar, spec):
    assert build_view(ar, spec).dot() == build_view(ar, spec).dot()
    assert build_view(ar, spec).mermaid() == build_view(ar, spec).mermaid()


def _reordered(system):
    data = system.model_dump()
    for key in ("components", "connectors", "nodes", "links"):
        data[key] = list(reversed(data[key]))
    data["placement"] = dict(reversed(list(data["placement"].items())))
    from archkit.model import System

    return System.model_validate(data)


@pytest.mark.parametrize("spec", SPECS)
def test_declaration_order_does_not_matter(ar, spec):
    assert build_view(_reordered(ar), spec).dot() == build_view(ar, spec).dot()


def test_same_dot_in_a_fresh_process_with_other_hash_seed(ar):
    code = ("import archkit, sys; from archkit.views import build_view;"
            "s = archkit.load(sys.argv[1]); sys.stdout.write(build_view(s, 'dataflow').dot())")
    from pathlib import Path

    path = str(Path(__file__).resolve().parents[2] / "examples" / "ar_translation" / "system.py")
    outs = set()
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        outs.add(subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, env=env,
                                check=True).stdout)
    assert len(outs) == 1
    assert outs.pop() == build_view(ar, "dataflow").dot()


@pytest.mark.parametrize("seed", range(3))
def test_synthetic_systems_give_stable_dot(seed):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.synthetic import synthetic_system

    system = synthetic_system(40, connectors_per_component=3, n_nodes=8, n_flows=4, seed=seed)
    for spec in ("logical", "deployment", "dataflow", "flow:f0", "compare:base,v2"):
        assert build_view(system, spec).dot() == build_view(_reordered(system), spec).dot()
