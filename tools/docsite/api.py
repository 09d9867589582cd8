"""The API reference: one page per public module, rendered from docstrings by mkdocstrings.

A module is public when neither it nor a package above it starts with an underscore, and it
declares ``__all__``; only the names in ``__all__`` are shown. The list is read from the source
files, so renaming or privatising a module changes the site without touching it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from . import ROOT, Section

PACKAGE = ROOT / "archkit"


def declared_all(path: Path) -> list[str] | None:
    """The names in a module's ``__all__`` (a literal list or tuple), or None."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name) and t.id == "__all__" and node.value is not None:
                try:
                    return [str(x) for x in ast.literal_eval(node.value)]
                except ValueError:
                    return None
    return None


def exported(module: str, path: Path) -> list[str] | None:
    """A module's ``__all__``: read from its source when it is a literal, else by importing the module."""
    names = declared_all(path)
    if names is None and "__all__" in path.read_text():
        import importlib

        names = list(getattr(importlib.import_module(module), "__all__", []) or []) or None
    return names


def public_modules() -> list[tuple[str, list[str]]]:
    """(dotted module name, names in __all__) for every public module of archkit, sorted.

    Dunder names and the names of submodules (which have their own page) are left out.
    """
    out: list[tuple[str, list[str]]] = []
    found: list[tuple[str, Path]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or "__pycache__" in rel.parts:
            continue
        found.append((".".join(parts), path))
    modules = {m for m, _ in found}
    for module, path in found:
        names = [n for n in exported(module, path) or [] if not n.startswith("__") and f"{module}.{n}" not in modules]
        if names:
            out.append((module, names))
    return out


def page(module: str, names: list[str]) -> str:
    members = "\n".join(f"        - {n}" for n in names)
    return (f"# `{module}`\n\n::: {module}\n    options:\n      show_root_heading: false\n"
            f"      show_root_toc_entry: false\n      members:\n{members}\n")


def section() -> Section:
    s = Section("API reference", "reference/api/index.md")
    modules = public_modules()
    rows = []
    for module, names in modules:
        path = f"reference/api/{module}.md"
        s.pages[path] = page(module, names)
        s.nav.append({module: path})
        rows.append(f"* [`{module}`]({module}.md): {len(names)} public names")
    s.pages["reference/api/index.md"] = (
        "# API reference\n\nEvery public module of archkit with the names it exports (`__all__`), from "
        "their docstrings. `import archkit` gives the DSL and the main functions; the rest is one "
        "import away.\n\n" + "\n".join(rows) + "\n")
    return s
