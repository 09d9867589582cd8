"""Piped output keeps words whole: no word is split across lines, no cell is cut short."""

from __future__ import annotations

import re

import pytest

from archkit.cli import app

EX = "examples/ar_translation/system.py"
BOX = re.compile(r"[\u2500-\u257f]+")  # box-drawing characters of tables, rules and panels


def _words(text: str) -> set[str]:
    return set(BOX.sub(" ", text).split())


def _run(runner, args: list[str], columns: int) -> str:
    r = runner.invoke(app, args, env={"COLUMNS": str(columns)}, catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    return r.stdout


@pytest.mark.parametrize("args", [["review", EX], ["analyze", EX, "--all-variants"], ["lint", EX]],
                         ids=["review", "analyze", "lint"])
def test_no_word_split_when_piped(runner, args):
    narrow = _run(runner, args, 80)
    wide = _words(_run(runner, args, 4000))  # wide enough that nothing wraps at all
    broken = sorted(w for w in _words(narrow) if w not in wide)
    assert not broken, f"words split or cut at 80 columns: {broken[:20]}"
    assert "\u2026" not in narrow  # nothing cut short with an ellipsis
