"""The error hierarchy drawn in archkit/errors.py is the one in the code, and every archkit exception is an
ArchkitError; problems carry the url of their row in docs/errors.md; missing extras say what to install."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import archkit
from archkit import errors

ROOT = Path(archkit.__file__).resolve().parents[1]


def _archkit_exceptions() -> dict[str, type[BaseException]]:
    """Every public exception class defined in archkit (warnings aside)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(archkit.__path__, "archkit."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # a part whose optional extra is missing
            continue
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException) and not issubclass(value, Warning)
                    and value.__module__.startswith("archkit") and not name.startswith("_")):
                found[value.__name__] = value
    return found


def _drawn_tree() -> dict[str, str | None]:
    """Class name -> parent name, read from the drawing in the errors module's docstring."""
    block = errors.__doc__.split("::", 1)[1].split("\n\n", 2)[1]
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for line in block.splitlines():
        m = re.match(r"^    ((?:[│ ]   )*)(?:[├└]── )?(\w+)", line)
        assert m, line
        depth = len(m.group(1)) // 4 + (1 if "──" in line else 0)
        del stack[depth:]
        parents[m.group(2)] = stack[-1] if stack else None
        stack.append(m.group(2))
    return parents


def test_every_archkit_exception_is_an_archkit_error():
    strays = [n for n, cls in _archkit_exceptions().items() if not issubclass(cls, errors.ArchkitError)]
    assert not strays, f"not ArchkitErrors: {strays}"


def test_the_drawn_hierarchy_is_the_code():
    drawn = _drawn_tree()
    classes = _archkit_exceptions()
    assert set(drawn) == set(classes), (set(drawn) ^ set(classes))
    for name, parent in drawn.items():
        cls = classes[name]
        if parent is None:
            assert cls is errors.ArchkitError
            continue
        # the nearest ancestor that is itself an archkit error is the one drawn above it
        nearest = next(b for b in cls.__mro__[1:] if b.__name__ in classes)
        assert nearest.__name__ == parent, (name, nearest.__name__, parent)


def test_every_warning_class_is_named_in_the_docstring():
    for info in pkgutil.walk_packages(archkit.__path__, "archkit."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Warning) and value.__module__ == module.__name__:
                assert f"``{name}``" in errors.__doc__, name


def test_a_problem_links_to_its_row_in_the_docs():
    text = (ROOT / "docs" / "errors.md").read_text()
    for code in errors.CODES:
        problem = errors.Problem(code, "message")
        doc, _, anchor = problem.to_dict()["url"].partition("#")
        assert doc == "docs/errors.md" and f'<a id="{anchor}"></a>' in text, code


def test_validate_json_problems_carry_their_url(tmp_path, runner):
    from archkit.cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncomponents:\n  - {id: a, kind: modle}\n")
    result = runner.invoke(app, ["validate", str(bad), "--format", "json"])
    assert result.exit_code == 1
    import json

    problems = json.loads(result.stdout)["problems"]
    assert problems and all(p["url"] == f"docs/errors.md#{p['code'].lower()}" for p in problems)


def test_the_load_generator_without_httpx_says_what_to_install():
    # a fresh interpreter in which httpx cannot be imported
    code = ("import sys; sys.modules['httpx'] = None\n"
            "from archkit.runtime import run_load\n"
            "try:\n    run_load('http://127.0.0.1:9/x', [], requests=1)\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("MissingDependencyError") and "pip install 'archkit[serve]'" in out


def test_the_architecture_page_draws_every_exception():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = page.split("## The exception hierarchy", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text", 1)[1].split("```", 1)[0]
    drawn = set(re.findall(r"\b[A-Z][a-z]+(?:[A-Z][a-z]*)+\b", block))
    assert drawn == set(_archkit_exceptions()), drawn ^ set(_archkit_exceptions())
