"""Golden files guard the DOT of each view of the AR example.

Regenerate after an intended change with::

    ARCHKIT_UPDATE_GOLDEN=1 pytest tests/views/test_golden.py

then look at the diff (and the PNGs) before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archkit.views import build_view

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = {
    "logical": ("logical", None),
    "deployment": ("deployment", None),
    "deployment@all-in-cloud": ("deployment", "all-in-cloud"),
    "dataflow": ("dataflow", None),
    "flow-overlay": ("flow:overlay", None),
    "compare-base-vs-all-in-cloud": ("compare:base,all-in-cloud", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_dot(ar, name):
    spec, variant = CASES[name]
    dot = build_view(ar, spec, variant).dot()
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("ARCHKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dot)
    assert path.exists(), f"no golden file {path}; run with ARCHKIT_UPDATE_GOLDEN=1 to create it"
    assert dot == path.read_text(), f"{name}: DOT differs from {path}; if intended, regenerate (see module docstring)"
