"""JUnit XML output: one test case per rule that passed, one failing test case per open finding.

Suppressed and baselined findings are test cases marked ``skipped`` with the reason. No
timestamps or durations, so the bytes depend only on the model.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .._lint import LintResult

__all__ = ["to_junit"]


def to_junit(result: LintResult) -> str:
    """The JUnit XML report of a lint run."""
    by_rule: dict[str, list] = {r.id: [] for r in result.rules}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    cases: list[ET.Element] = []
    failures = skipped = 0
    for rule in sorted(by_rule):
        items = by_rule[rule]
        if not items:
            cases.append(ET.Element("testcase", {"classname": f"archkit.lint.{rule}", "name": rule}))
            continue
        for f in items:
            loc = f.location
            where = f"{loc.file}:{loc.line}" if loc is not None and loc.line else (loc.file if loc else "<model>")
            case = ET.Element(
                "testcase",
                {
                    "classname": f"archkit.lint.{rule}",
                    "name": f"{rule} {' '.join(str(e.ref) for e in f.elements[:2])}",
                    "file": loc.file if loc is not None and loc.file else "",
                    "line": str(loc.line) if loc is not None and loc.line else "",
                },
            )
            if f.status == "open":
                fail = ET.SubElement(case, "failure", {"type": f.severity, "message": f.message})
                fail.text = (
                    f"{where}: {f.severity} {rule}: {f.message}\nplacements: {', '.join(f.placements)}\nfix: {f.fix}"
                )
                failures += 1
            else:
                why = f.suppression.reason if f.suppression is not None else "in the baseline"
                ET.SubElement(case, "skipped", {"message": f"{f.status}: {why}"})
                skipped += 1
            cases.append(case)
    suite = ET.Element(
        "testsuite",
        {
            "name": f"archkit lint: {result.system}",
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
        },
    )
    suite.extend(cases)
    root = ET.Element(
        "testsuites",
        {
            "name": "archkit lint",
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
        },
    )
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
