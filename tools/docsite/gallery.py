"""The gallery: each example reviewed, drawn and shown with its README, built from the examples.

Each example's page has the review's headline (the status and summary of every section, and the
analyses per variant), its main views drawn from the model, and the example's README. Nothing is
pasted: a change to an example or to archkit changes the page.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import ROOT, Section
from .text import cell, table

FIRST = "ar_translation"
VIEWS = ("deployment", "logical", "dataflow")


def _expected() -> Any:
    """examples/expected.py, which makes the README blocks; the gallery shows the same tables."""
    name = "archkit_examples_expected"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "expected.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class Example:
    """One example: its model, its review and its drawings."""

    name: str
    system: Any
    review: dict[str, Any]
    drawings: dict[str, bytes] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.system.name

    def section(self, sid: str) -> dict[str, Any]:
        return next(s for s in self.review["sections"] if s["id"] == sid)

    def uses(self) -> dict[str, list[str]]:
        """Catalog id -> placements where the review's lint found it (patterns and open findings)."""
        lint = self.section("lint")["data"]
        out: dict[str, list[str]] = {}
        for item in [*lint["patterns"], *lint["findings"]]:
            key = item.get("id") or item["rule"]
            out.setdefault(key, [])
            out[key] += [p for p in item["placements"] if p not in out[key]]
        return out


class Examples:
    """Every example, reviewed once per site build (explicit: made by the build, passed along)."""

    @cached_property
    def all(self) -> list[Example]:
        import archkit
        from archkit import review
        from archkit.views import build_view, render_view

        names = [FIRST, *_expected().EXAMPLES]
        out = []
        for name in names:
            source = f"examples/{name}/system.py"
            system = archkit.load(str(ROOT / source))
            ex = Example(name, system, review(system, source).to_dict())
            specs = [*VIEWS, *(f"flow:{f.id}" for f in system.flows[:1])]
            for spec in specs:
                ex.drawings[spec] = render_view(build_view(system, spec), "svg")
            out.append(ex)
        return out

    def catalog_usage(self) -> dict[str, list[tuple[str, str, list[str]]]]:
        """Catalog id -> [(example name, title, placements)]."""
        out: dict[str, list[tuple[str, str, list[str]]]] = {}
        for ex in self.all:
            for key, placements in ex.uses().items():
                out.setdefault(key, []).append((ex.name, ex.title, placements))
        return out


_LINK = re.compile(r"\]\((?!https?:|#)([^)]+)\)")


def readme(ex: Example) -> str:
    """The example's README (or its model's docstring), with headings one level down and links that work here."""
    path = ROOT / "examples" / ex.name / "README.md"
    if path.exists():
        text = path.read_text()
    else:
        import ast

        doc = ast.get_docstring(ast.parse((ROOT / "examples" / ex.name / "system.py").read_text())) or ""
        text = f"# {ex.title}\n\n```text\n{doc}\n```\n"
    text = re.sub(r"(?m)^(#+) ", lambda m: "#" + m.group(1) + " ", text)

    def link(m: re.Match[str]) -> str:
        target = m.group(1)
        if target.startswith("../../docs/"):
            return f"](../{target[len('../../docs/'):]})"
        return f"]({target})"

    return _LINK.sub(link, text)


def page(ex: Example) -> str:
    expected = _expected()
    out = [f"# {cell(ex.title)}\n", f"{cell(ex.system.description or '')}\n",
           f"Model: `examples/{ex.name}/system.py`. Review it yourself with "
           f"`archkit review examples/{ex.name}/system.py`.\n",
           f"## The review's headline\n\nOverall: **{ex.review['status']}**.\n",
           table(["section", "status", "summary"],
                 [[cell(s["title"]), f"**{s['status']}**", cell(s["summary"])] for s in ex.review["sections"]]),
           "## Analyses per variant\n", expected.verdicts_block(ex.section("analyses")["data"]),
           "## Views\n"]
    for spec in ex.drawings:
        out.append(f"### {cell(spec)}\n\n![{cell(spec)} view of {cell(ex.title)}]({ex.name}/{spec.replace(':', '-')}.svg)\n")
    out.append("## About this example\n")
    out.append(readme(ex))
    return "\n".join(out)


def section(examples: Examples) -> Section:
    s = Section("Gallery", "gallery/index.md")
    rows = []
    for ex in examples.all:
        for spec, svg in ex.drawings.items():
            s.pages[f"gallery/{ex.name}/{spec.replace(':', '-')}.svg"] = svg
        s.pages[f"gallery/{ex.name}.md"] = page(ex)
        s.nav.append({ex.title: f"gallery/{ex.name}.md"})
        lint = ex.section("lint")["data"]["summary"]
        variants = [v["variant"] for v in ex.section("analyses")["data"]["variants"]]
        rows.append([f"[{cell(ex.title)}]({ex.name}.md)", cell(", ".join(variants)), f"**{ex.review['status']}**",
                     f"{lint['error']} errors, {lint['warning']} warnings, {lint['info']} infos"])
    s.pages["gallery/index.md"] = (
        "# Gallery\n\nSystems from the ML-in-production literature, each declared in archkit, reviewed, "
        "linted and drawn when this site was built. Each page shows what the review says, the views, "
        "and the example's README with the sources of its figures.\n\n"
        + table(["example", "variants", "review", "lint"], rows))
    return s
