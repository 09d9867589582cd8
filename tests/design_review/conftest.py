"""Fixtures of the review tests: the AR example's report, written once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ar_translation" / "system.py"


@pytest.fixture(scope="session")
def ar_report(tmp_path_factory) -> Path:
    """The folder `archkit review examples/ar_translation/system.py -o DIR` wrote (about 7 s)."""
    from typer.testing import CliRunner

    from archkit.cli import app

    out = tmp_path_factory.mktemp("ar-review")
    here = os.getcwd()
    os.chdir(ROOT)  # the model named as a reader names it, from the project's folder (it shows in the report)
    try:
        r = CliRunner().invoke(app, ["review", "examples/ar_translation/system.py", "-o", str(out)],
                               env={"COLUMNS": "100"}, catch_exceptions=False)
    finally:
        os.chdir(here)
    assert r.exit_code == 0, r.output
    assert f"report: {out / 'index.html'}" in " ".join(r.stdout.split())
    return out
