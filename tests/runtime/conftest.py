"""Shared fixtures of the runtime tests: model paths, the example's folder on sys.path, Ray hygiene."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ar_translation"
EXAMPLE_MODEL = EXAMPLE / "system.py"
TINY_MODEL = Path(__file__).resolve().parent / "tiny" / "system.py"

for folder in (EXAMPLE, TINY_MODEL.parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# Ray's own deprecation warnings are not ours to fix
warnings.filterwarnings("ignore", module="ray")


@pytest.fixture(scope="session")
def example_system():
    from archkit.io import load

    return load(str(EXAMPLE_MODEL))


@pytest.fixture(scope="session")
def tiny_system():
    from archkit.io import load

    return load(str(TINY_MODEL))
