"""Shared fixtures: paths to the examples and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ar_translation" / "system.py"

# Property tests check what is produced, never how fast: these machines are shared, so no
# per-example deadline and no "too slow" health check (a test's own @settings still narrows it).
settings.register_profile("archkit", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("archkit")


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def example():
    import archkit

    return archkit.load(EXAMPLE)


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_configure(config):
    os.environ.setdefault("COLUMNS", "120")
