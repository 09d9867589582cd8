"""The command output shown in docs/alternatives.md is what the commands print today.

After an intended change (of the example or of the output), refresh the doc with::

    ARCHKIT_UPDATE_DOCS=1 pytest tests/alternatives/test_docs_output.py

and read the diff: the prose around the blocks may quote numbers that changed too.
"""

import os

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
    got = r.output.rstrip("\n").split("\n")
    if os.environ.get("ARCHKIT_UPDATE_DOCS") and got != expected:
        text = DOC.read_text()
        old, new = "\n".join(expected) + "\n```", "\n".join(got) + "\n```"
        assert text.count(old) == 1, "cannot find the block to refresh"
        DOC.write_text(text.replace(old, new))
        return
    assert got == expected
