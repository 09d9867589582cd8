"""Benchmark: how well lint and pattern detection agree with the labelled suite of literature designs.

Run ``python bench/bench_catalog.py``. It lints every design of ``tests/catalog/suite`` (the
designs, their citations and their expected findings and patterns live there) and prints:

* recall and precision per rule and in total (strict: a finding counts as true only when its rule
  and the element it is reported on match an expected finding of the same design);
* the findings on the clean designs (there should be none);
* the main patterns pattern detection missed, and the composition patterns it named wrongly;
* how many results stayed undecided.

Writes bench/results/catalog.json (``--out`` to change); ``--designs`` prints each design's outcome.
``--release`` also records today's figures in tests/catalog/suite/release.json, the floor that
tests/catalog/test_suite.py holds the catalog to (do it when cutting a release, after reading the
diff: the figures may only go up). Exits 1 when total recall or precision is under 95 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.catalog.suite.score import release_figures, score  # noqa: E402

TARGET = 0.95


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f} %"


def main(argv: list[str] | None = None) -> int:
    """Score the suite, print the tables, write the JSON; exit 1 if the target is missed."""
    from rich.console import Console
    from rich.table import Table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "catalog.json"))
    ap.add_argument("--designs", action="store_true", help="print the outcome of every design")
    ap.add_argument("--release", action="store_true", help="record the figures as the release floor")
    args = ap.parse_args(argv)
    console = Console()
    t0 = time.perf_counter()
    with console.status("linting the labelled designs"):
        result = score()
    seconds = time.perf_counter() - t0

    table = Table(title=f"lint against {len(result.outcomes)} labelled designs ({len(result.clean_designs)} clean)")
    for col in ("rule", "true", "false", "missed", "recall", "precision"):
        table.add_column(col, justify="left" if col == "rule" else "right")
    for r in sorted(result.rules.values(), key=lambda r: r.rule):
        table.add_row(r.rule, str(r.true), str(r.false), str(r.missed), _pct(r.recall), _pct(r.precision))
    total = result.total
    table.add_row("total", str(total.true), str(total.false), str(total.missed), _pct(total.recall),
                  _pct(total.precision), style="bold")
    console.print(table)

    noisy = [(o.design.id, f) for o in result.clean_designs for f in o.findings]
    console.print(f"findings on clean designs: {len(noisy)}")
    for did, f in noisy:
        console.print(f"  {did}: {f['severity']} {f['rule']}@{f['element']}: {f['message']}", markup=False)
    pc = result.pattern_counts
    console.print(f"patterns: {pc['expected'] - pc['missed']} of {pc['expected']} main patterns named; "
                  f"{pc['wrong']} named wrongly")
    for o in result.outcomes:
        for p in o.patterns_missed:
            console.print(f"  {o.design.id}: missed {p}", markup=False)
        for p in o.patterns_wrong:
            console.print(f"  {o.design.id}: wrongly named {p}", markup=False)
    console.print(f"undecided results: {result.undecided}; {seconds:.1f} s for the whole suite")
    if args.designs:
        for o in result.outcomes:
            console.print(f"[bold]{o.design.id}[/bold]  true {len(o.true)}  false {len(o.false)}  missed {len(o.missed)}")
            for r, e, m in o.false:
                console.print(f"  false   {r}@{e}: {m}", markup=False)
            for r, e in o.missed:
                console.print(f"  missed  {r}@{e}", markup=False)
            for r, m in o.undecided:
                console.print(f"  undecided {r}: {m}", markup=False)

    data = result.to_dict()
    data["seconds"] = seconds
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {out}")
    if args.release:
        floor = ROOT / "tests" / "catalog" / "suite" / "release.json"
        floor.write_text(json.dumps(release_figures(result), indent=2) + "\n", encoding="utf-8")
        console.print(f"wrote {floor}")
    ok = (total.recall or 0) >= TARGET and (total.precision or 0) >= TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
