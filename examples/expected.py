"""What archkit says about each example, as the Markdown blocks its README carries.

Each example's README holds three blocks between ``<!-- expected:NAME -->`` and
``<!-- /expected -->`` markers: ``verdicts`` (the analyses per variant), ``patterns`` (what
``archkit patterns detect`` finds) and ``lint`` (the findings of ``archkit lint``). They are
produced here from the design review of the example (``archkit review``), and a test checks that
each README says exactly what archkit says. When a change to archkit changes them, rewrite them
and read the diff:

    python examples/expected.py --write          # every example
    python examples/expected.py --write smart_keyboard

Without ``--write`` the script exits 1 and lists the READMEs that are out of date.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ("smart_keyboard", "transcription_service", "self_driving_perception", "music_recommendation",
            "inference_fleet")
BLOCK = re.compile(r"(<!-- expected:(?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- /expected -->)", re.S)


@dataclass(frozen=True)
class Findings:
    """The review of one example and the README blocks made from it."""

    name: str
    review: dict[str, Any]

    def section(self, sid: str) -> dict[str, Any]:
        """The data of one review section."""
        return next(s for s in self.review["sections"] if s["id"] == sid)["data"]

    def blocks(self) -> dict[str, str]:
        """Block name -> Markdown."""
        out = {"verdicts": verdicts_block(self.section("analyses")),
               "patterns": patterns_block(self.section("lint")),
               "lint": lint_block(self.section("lint"))}
        if self.name == "inference_fleet":
            out["headroom"] = headroom_block(self.name)
        return out


def source_of(name: str) -> str:
    """The model file of an example, relative to the project root (as the reports print it)."""
    return f"examples/{name}/system.py"


def findings(name: str) -> Findings:
    """Review one example (no files written) and keep the JSON form of the review."""
    import archkit
    from archkit.design_review import review

    source = source_of(name)
    system = archkit.load(str(ROOT / source))
    return Findings(name, review(system, source).to_dict())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _worst(names: list[tuple[str, str]], good: tuple[str, ...]) -> str:
    bad = [f"{what} {verdict}" for what, verdict in names if verdict not in good]
    return "; ".join(bad) if bad else "all " + good[0]


def verdicts_block(analyses: dict[str, Any]) -> str:
    """One row per variant: each flow's latency, the monthly cost, and what is not fine elsewhere."""
    variants = analyses["variants"]
    flows = [f["flow"] for f in variants[0]["latency"]["flows"]]
    head = ["variant", *(f"latency `{f}`" for f in flows), "cost / month", "offline", "links", "resources",
            "capacity"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for v in variants:
        lat = [f"{f['verdict']}: {f['total']['text']}" for f in v["latency"]["flows"]]
        offline = [(f["flow"], f["offline_verdict"]) for f in v["availability"]["flows"] if f["offline_required"]]
        links = [(f"{d['link']} {d['from']}->{d['to']}", d["verdict"]) for d in v["links"]["links"]]
        resources = [(f"{n['node']} {c['resource']}", c["verdict"]) for n in v["resources"]["nodes"]
                     for c in n["checks"] if c["verdict"] not in ("fits", "")]
        capacity = [(c["component"], c["verdict"]) for c in v["capacity"]["components"]]
        cells = [f"`{v['variant']}`", *lat, v["cost"]["total"]["text"],
                 "; ".join(f"{a} {b}" for a, b in offline) if offline else "not required",
                 _worst(links, ("ok",)), _worst(resources, ("fits",)), _worst(capacity, ("ok",))]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def patterns_block(lint: dict[str, Any]) -> str:
    """Each pattern occurrence archkit detects, with the placements it holds in."""
    rows = ["| pattern | placements | what archkit saw |", "|---|---|---|"]
    for p in lint["patterns"]:
        rows.append(f"| `{p['id']}` | {_cell(', '.join(p['placements']))} | {_cell(p['message'])} |")
    return "\n".join(rows) + "\n"


def lint_block(lint: dict[str, Any]) -> str:
    """The summary line and every open or undecided lint finding."""
    s = lint["summary"]
    from archkit._words import count

    lines = [f"{count(s['error'], 'error')}, {count(s['warning'], 'warning')}, {count(s['info'], 'info')}; "
             f"{s['suppressed']} suppressed, "
             f"{s['unknown']} undecided.", "",
             "| severity | rule | placements | finding |", "|---|---|---|---|"]
    for f in lint["findings"]:
        lines.append(f"| {f['severity']} | `{f['rule']}` | {_cell(', '.join(f['placements']))} | {_cell(f['message'])} |")
    for f in lint["unknown"]:
        lines.append(f"| undecided | `{f['rule']}` | {_cell(', '.join(f.get('placements', [])))} | {_cell(f['message'])} |")
    for f in lint["suppressed"]:
        lines.append(f"| suppressed | `{f['rule']}` | {_cell(', '.join(f.get('placements', [])))} | "
                     f"{_cell(f['message'])} (reason: {_cell((f.get('suppression') or {}).get('reason', ''))}) |")
    return "\n".join(lines) + "\n"


def headroom_block(name: str, targets: tuple[float, ...] = (0.5, 0.7, 0.9)) -> str:
    """Replicas each service needs (worst case) and the capacity verdict, planning at several utilisations.

    The same figures as ``archkit analyze MODEL --target-utilisation U``, for the base placement.
    """
    import archkit
    from archkit.analysis import Options, analyze

    system = archkit.load(str(ROOT / source_of(name)))
    plans = {u: analyze(system, None, Options(target_utilisation=u)).to_dict()["capacity"] for u in targets}
    head = ["service", "upper bound", *(f"plan at {u:.0%}" for u in targets)]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    first = plans[targets[0]]["components"]
    for i, c in enumerate(first):
        if c["replicas_declared"] is None or c["component"] == "telemetry":
            continue
        cells = [f"`{c['component']}`", f"{c['replicas_declared']:,}"]
        for u in targets:
            p = plans[u]["components"][i]
            cells.append(f"{p['verdict']}: {p['replicas_needed']['text']}")
        rows.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(rows) + "\n"


def readme_blocks(text: str) -> dict[str, str]:
    """Block name -> Markdown, as written in a README."""
    return {m.group("name"): m.group("body") for m in BLOCK.finditer(text)}


def rewrite(text: str, blocks: dict[str, str]) -> str:
    """The README text with each block replaced by the new Markdown."""
    return BLOCK.sub(lambda m: m.group(1) + blocks.get(m.group("name"), m.group("body")) + m.group(4), text)


def main(argv: list[str]) -> int:
    write = "--write" in argv
    names = [a for a in argv if not a.startswith("-")] or list(EXAMPLES)
    stale = []
    for name in names:
        readme = HERE / name / "README.md"
        text = readme.read_text()
        new = rewrite(text, findings(name).blocks())
        if new != text:
            stale.append(str(readme.relative_to(ROOT)))
            if write:
                readme.write_text(new)
    if stale:
        print(("rewrote: " if write else "out of date: ") + ", ".join(stale))
    return 0 if write or not stale else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
