"""Shared fixtures: paths to the examples and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ar_translation" / "system.py"


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
