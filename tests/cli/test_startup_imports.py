"""The commands people run on every save import nothing heavy: checked on the import graph itself.

Each command runs in a fresh interpreter under ``python -X importtime``, which lists every module
imported (with its parent chain); no heavy library may appear in that list. This is a test of the
import graph, not of time: bench/bench_startup.py measures the seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AR = str(ROOT / "examples" / "ar_translation" / "system.py")
HEAVY = ("networkx", "numpy", "graphviz", "ray", "fastapi", "jinja2", "matplotlib", "pandas", "scipy", "httpx",
         "diagrams", "tesserocr", "PIL")
_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|( *)(\S+)$")


def imported_by(*args: str) -> tuple[list[str], str]:
    """Top-level names of the modules one ``archkit ARGS`` run imports, and the command's output."""
    code = f"import sys; sys.argv = ['archkit', *{list(args)!r}]; from archkit.cli import main; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    mods = [m.group(2) for m in map(_LINE.match, done.stderr.splitlines()) if m]
    assert mods, f"no import trace: {done.stderr[-2000:]}"
    return mods, done.stdout


@pytest.mark.parametrize("args", [("--help",), ("validate", AR), ("lint", AR), ("validate", "--help")],
                         ids=["help", "validate", "lint", "validate-help"])
def test_command_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    mods, out = imported_by(*args)
    heavy = sorted({m.split(".")[0] for m in mods} & set(HEAVY))
    assert not heavy, f"archkit {' '.join(args)} imports {heavy}"
    assert out.strip(), "the command printed nothing"


def test_help_does_not_build_the_model() -> None:
    mods, out = imported_by("--help")
    assert "archkit.model" not in mods and "pydantic" not in mods
    assert "validate" in out


def test_the_trace_sees_heavy_imports_when_there_are_some() -> None:
    # the check above could pass by parsing nothing: comparing variants needs numpy, and the trace shows it
    mods, _ = imported_by("compare", AR)
    assert "numpy" in {m.split(".")[0] for m in mods}
