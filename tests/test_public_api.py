"""The public face: every ``__all__`` resolves and is complete, imports stay light, and no part of
archkit reaches into another part's private modules."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import archkit

PACKAGES = ["archkit", "archkit.errors", "archkit.model", "archkit.io", "archkit.analysis", "archkit.catalog",
            "archkit.catalog.templates", "archkit.alternatives", "archkit.views", "archkit.export", "archkit.design_review",
            "archkit.runtime", "archkit.cli"]
HEAVY = ("networkx", "numpy", "graphviz", "ray", "fastapi", "jinja2", "httpx", "diagrams", "pint", "tesserocr")
SOURCE = Path(archkit.__file__).parent

VERBS = ["analyze", "compare", "explore", "lint", "render", "review", "load", "validate"]
DSL = ["System", "Node", "Component", "Model", "Link", "Connector", "Flow", "Variant", "connect", "current_system"]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_resolves(name):
    mod = importlib.import_module(name)
    assert len(mod.__all__) == len(set(mod.__all__)), f"{name}.__all__ lists a name twice"
    for attr in mod.__all__:
        assert getattr(mod, attr) is not None, f"{name}.{attr}"
        assert not attr.startswith("_") or attr == "__version__", f"{name}.__all__ lists private {attr}"


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_every_public_function_and_class(name):
    mod = importlib.import_module(name)
    for attr, value in vars(mod).items():
        if attr.startswith("_") or inspect.ismodule(value):
            continue
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if value.__module__ == name or value.__module__.startswith(name + "."):
            assert attr in mod.__all__, f"{name}.{attr} is public (no underscore) but not in __all__"


def test_the_root_exports_the_dsl_and_the_verbs():
    for attr in DSL + VERBS:
        assert attr in archkit.__all__
        assert callable(getattr(archkit, attr)), attr
    assert archkit.validate.__module__ == "archkit._validate"
    assert archkit.analyze is importlib.import_module("archkit.analysis").analyze
    assert archkit.render is importlib.import_module("archkit.views").render
    assert set(dir(archkit)) >= set(archkit.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        archkit.nope  # noqa: B018


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}; import sys; print(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.strip().split(","))


@pytest.mark.parametrize("code", ["import archkit", "from archkit.cli import app", "from archkit import System, Node"])
def test_import_is_light(code):
    heavy = _loaded_after(code) & set(HEAVY)
    assert not heavy, f"'{code}' imports {sorted(heavy)}"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every 'from X import' in a module of archkit."""
    pkg = ["archkit", *path.relative_to(SOURCE).with_suffix("").parts[:-1]]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)]
                out.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            elif node.module and node.module.startswith("archkit"):
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("archkit")]
    return out


def _part(dotted: list[str]) -> str:
    """The part of archkit a module belongs to: its sub-package, or the root for top-level modules."""
    return dotted[1] if len(dotted) > 2 or (len(dotted) == 2 and not dotted[1].startswith("_")) else ""


def test_no_part_imports_another_parts_private_modules():
    # archkit.X._y is private to archkit.X; the root's own private modules (_dsl, _validate, _version)
    # are shared by the sub-packages
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        mine = ["archkit", *path.relative_to(SOURCE).with_suffix("").parts]
        for line, target in _imports(path):
            parts = target.split(".")
            if len(parts) > 2 and parts[1] != mine[1] and any(p.startswith("_") for p in parts[2:]):
                bad.append(f"{path.relative_to(SOURCE.parent)}:{line} imports {target}")
    assert not bad, "\n".join(bad)


def test_no_part_imports_the_root_package():
    # the root imports every part on first use; a part importing it would tie every layer together
    bad = [f"{p.relative_to(SOURCE.parent)}:{line}" for p in sorted(SOURCE.rglob("*.py")) if p.parent != SOURCE
           for line, target in _imports(p) if target == "archkit"]
    assert not bad, "\n".join(bad)
