"""The commands people run on every save import nothing heavy: checked on the import graph itself.

Each command runs in a fresh interpreter under ``python -X importtime``, which lists every module
imported (with its parent chain); no heavy library may appear in that list. A command imports its
own module of the command line and no other (the modules it left out are checked in
``sys.modules`` at exit). This is a test of the import graph, not of time: bench/bench_startup.py
measures the seconds.
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
         "diagrams", "tesserocr", "PIL", "pint", "starlette", "uvicorn", "watchfiles", "huggingface_hub")
# what a Python model, read and checked, never needs: YAML, and the tables and trees of other commands' reports
NOT_FOR_PY_MODELS = ("yaml", "rich.table", "rich.tree", "rich.markdown", "rich.syntax", "rich.progress")
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


def loaded_by(*args: str) -> set[str]:
    """The modules loaded when one ``archkit ARGS`` run ends (``sys.modules``)."""
    code = (f"import sys; sys.argv = ['archkit', *{list(args)!r}]\n"
            "from archkit.cli import main\n"
            "try:\n    main()\nfinally:\n    print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return set(done.stderr.split())


def test_a_python_model_needs_no_yaml() -> None:
    # (lint reads the pattern catalog, whose entries start with YAML front matter, and prints tables)
    mods, _ = imported_by("validate", AR)
    unneeded = sorted(set(mods) & set(NOT_FOR_PY_MODELS))
    assert not unneeded, f"archkit validate imports {unneeded}"


@pytest.mark.parametrize("args, own", [(("validate", AR), "_core"), (("lint", AR), "_catalog"),
                                       (("validate", "--help"), "_core")], ids=["validate", "lint", "validate-help"])
def test_a_command_imports_only_its_own_module(args: tuple[str, ...], own: str) -> None:
    from archkit.cli._app import COMMANDS

    loaded = loaded_by(*args)
    modules = {f"archkit.cli.{spec.split(':')[0]}" for spec in COMMANDS.values()}
    assert f"archkit.cli.{own}" in loaded
    assert not (modules - {f"archkit.cli.{own}"}) & loaded, sorted((modules - {f"archkit.cli.{own}"}) & loaded)


def test_help_lists_every_command_with_its_line_of_help() -> None:
    import inspect

    from archkit.cli._app import COMMANDS, app

    mods, out = imported_by("--help")
    text = " ".join(out.split())
    for name, spec in COMMANDS.items():
        module, attr = spec.split(":")
        target = getattr(__import__(f"archkit.cli.{module}", fromlist=[attr]), attr)
        first = (inspect.getdoc(target) if callable(target) and not hasattr(target, "registered_commands")
                 else target.info.help).split("\n")[0]
        assert f"{name} {' '.join(first.split())[:40]}" in text, name
    assert list(app.registered_commands) == []  # every command comes from COMMANDS


def test_help_does_not_build_the_model() -> None:
    mods, out = imported_by("--help")
    assert "archkit.model" not in mods and "pydantic" not in mods
    assert "validate" in out


def test_the_trace_sees_heavy_imports_when_there_are_some() -> None:
    # the check above could pass by parsing nothing: comparing variants needs numpy, and the trace shows it
    mods, _ = imported_by("compare", AR)
    assert "numpy" in {m.split(".")[0] for m in mods}


def _plugin_search(env_value: str | None, *args: str) -> tuple[str | None, bool]:
    """(PYDANTIC_DISABLE_PLUGINS at exit, whether pydantic searched for plugins) of one ``archkit ARGS`` run."""
    import json
    import os

    code = (f"import sys; sys.argv = ['archkit', *{list(args)!r}]\n"
            "from archkit.cli import main\n"
            "try:\n    main()\nfinally:\n"
            "    import json, os\n"
            "    loader = sys.modules.get('pydantic.plugin._loader')\n"
            "    searched = loader is not None and loader._plugins is not None\n"
            "    print(json.dumps([os.environ.get('PYDANTIC_DISABLE_PLUGINS'), searched]), file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if env_value is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = env_value
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    value, searched = json.loads(done.stderr.strip().splitlines()[-1])
    return value, searched


def test_reporting_commands_skip_the_plugin_search_unless_the_environment_says_otherwise() -> None:
    assert _plugin_search(None, "validate", AR) == ("__all__", False)
    assert _plugin_search("", "validate", AR) == ("", True)  # the user's own setting wins: plugins load
    assert _plugin_search("some-plugin", "validate", AR) == ("some-plugin", True)
    # commands that start processes of their own leave the environment alone
    assert _plugin_search(None, "serve-config", AR, "--help")[0] is None
