"""The linters run with the tests (configured in pyproject.toml): ruff (lint and format), mypy (strict on the
model and the analyses) and import-linter (the layers). About 40 s on a cold mypy cache, a few s after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool, args", [
    ("ruff", ["check", "archkit"]),
    ("ruff", ["format", "--check", "archkit"]),
    ("mypy", []),
    ("importlinter.cli", []),
])
def test_tool_passes(tool, args):
    module = {"importlinter.cli": "importlinter.cli"}.get(tool, tool)
    cmd = [sys.executable, "-m", module, *args] if tool != "importlinter.cli" else \
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
