"""Runs every archkit command on corpus files, one file at a time, for tests/hostile/test_corpus.py.

Started as ``python -m tests.hostile.worker FD``: reads one JSON task per line on stdin
(``{"name", "path", "out", "env", "commands"}``), runs the commands in this process through the CLI runner, and writes
one JSON result per line to file descriptor FD (not stdout, which model code may write to). The
test kills and replaces a worker that takes longer than the per-file limit: that is a hang.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path


def commands(model: str, out: Path) -> list[tuple[str, list[str], str | None]]:
    """(label, arguments, file or folder the command writes) for one model file."""
    return [
        ("validate", ["validate", model], None),
        ("validate-json", ["validate", "--format", "json", model], None),
        ("show", ["show", model], None),
        ("analyze", ["analyze", model, "--all-variants"], None),
        ("analyze-json", ["analyze", "--format", "json", model], None),
        ("compare", ["compare", model], None),
        ("lint", ["lint", model], None),
        ("lint-sarif", ["lint", model, "--format", "sarif", "-o", str(out / "lint.sarif")], str(out / "lint.sarif")),
        ("render-svg", ["render", model, "--all", "-f", "svg", "-o", str(out / "svg")], str(out / "svg")),
        ("render-mermaid", ["render", model, "--all", "-f", "mermaid", "-o", str(out / "mmd")], str(out / "mmd")),
        ("render-icons", ["render", model, "--view", "deployment", "--style", "icons", "-o",
                          str(out / "icons.svg")], str(out / "icons.svg")),
        ("export-structurizr", ["export", model, "--to", "structurizr", "-o", str(out / "workspace.dsl")],
         str(out / "workspace.dsl")),
        ("export-calm", ["export", model, "--to", "calm", "-o", str(out / "calm.json")], str(out / "calm.json")),
        ("export-json", ["export", model, "--to", "json"], None),
        ("review", ["review", model], None),
    ]


def run(task: dict) -> dict:
    from typer.testing import CliRunner

    from archkit.cli import app

    out = Path(task["out"])
    out.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in task.get("env", {})}
    os.environ.update(task.get("env", {}))
    results = []
    try:
        wanted = task.get("commands") or [label for label, _, _ in commands(task["path"], out)
                                           if label not in ("render-icons", "compare", "review")]
        for label, args, target in commands(task["path"], out):
            if label not in wanted:
                continue
            r = CliRunner().invoke(app, args)
            crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
            written = []
            if target is not None and os.path.exists(target):
                p = Path(target)
                written = sorted(str(x) for x in (p.rglob("*") if p.is_dir() else [p]) if x.is_file())
            leftovers = sorted(str(x) for x in out.rglob(".archkit-*"))
            results.append({
                "label": label, "args": args, "exit_code": r.exit_code,
                "traceback": "".join(traceback.format_exception(r.exception)) if crashed else None,
                "stdout": r.stdout, "stderr": r.stderr, "written": written, "leftovers": leftovers,
            })
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"name": task["name"], "results": results}


def main() -> None:
    fd = int(sys.argv[1])
    os.environ.setdefault("COLUMNS", "120")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as reply:
        for line in sys.stdin:
            task = json.loads(line)
            try:
                result = run(task)
            except BaseException:  # the harness itself failed: report it as a crash of this file
                result = {"name": task["name"], "results": [], "harness": traceback.format_exc()}
            reply.write(json.dumps(result, ensure_ascii=True) + "\n")
            reply.flush()


if __name__ == "__main__":
    main()
