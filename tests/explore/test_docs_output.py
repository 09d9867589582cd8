"""The command output shown in docs/alternatives.md is what the commands print today."""

import re
import shlex
from pathlib import Path

import pytest

from archkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "alternatives.md"


def shown_runs():
    for m in re.finditer(r"```text\n(\$ archkit .*?)```", DOC.read_text(), re.S):
        lines = m.group(1).rstrip("\n").split("\n")
        cmd = lines.pop(0)[2:]
        while cmd.endswith("\\"):
            cmd = cmd[:-1] + " " + lines.pop(0).strip()
        yield pytest.param(cmd, lines, id=cmd[:60])


@pytest.mark.parametrize("cmd,expected", list(shown_runs()))
def test_doc_output_is_current(cmd, expected, runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "110")
    r = runner.invoke(app, shlex.split(cmd)[1:], catch_exceptions=False)
    assert r.output.rstrip("\n").split("\n") == expected
