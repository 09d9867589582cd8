"""Every command of the tutorial runs as written, in an empty folder, with the exit code it states.

The steps before the deployment run in the ordinary suite; the deployment steps start Ray and are
marked ``ray`` (run them under ``flock /work/ray.lock``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .tutorial import DEPLOY_HEADING, TUTORIAL, Step, steps

BIN = str(Path(sys.executable).parent)


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env["ARCHKIT_STATE_DIR"] = str(tmp / ".archkit-state")
    env.setdefault("RAY_AUTH_MODE", "disabled")
    env["COLUMNS"] = "120"
    return env


def _run(step: Step, tmp: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    if step.file is not None:
        (tmp / step.file).write_text(step.text or "")
        return subprocess.CompletedProcess([], 0, "", "")
    done = subprocess.run(["bash", "-c", step.command or ""], cwd=tmp, env=_env(tmp), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == step.exit_code, (
        f"{TUTORIAL.name}: '$ {step.command}' exited {done.returncode}, the tutorial says {step.exit_code}\n"
        f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


def test_tutorial_has_every_stage():
    commands = " ".join(s.command or "" for s in steps())
    for word in ("touch", "validate", "analyze", "compare", "lint", "render", "review", "deploy", "undeploy"):
        assert f"{word} " in commands or commands.startswith(word), word
    assert DEPLOY_HEADING in TUTORIAL.read_text()


def test_tutorial_until_deployment(tmp_path):
    for step in steps():
        if step.section == "before-deploy":
            _run(step, tmp_path)
    assert json.loads((tmp_path / "analysis.json").read_text())["schema"] == "archkit.analysis/1"
    sarif = json.loads((tmp_path / "lint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    views = sorted(p.name for p in (tmp_path / "views").iterdir())
    assert {"logical.svg", "deployment.svg", "dataflow.svg"} <= set(views), views
    assert (tmp_path / "on-phone.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


@pytest.mark.ray
def test_tutorial_deployment(tmp_path):
    pytest.importorskip("ray.serve")
    from archkit.runtime._cluster import stop_local_head

    os.environ["ARCHKIT_STATE_DIR"] = str(tmp_path / ".archkit-state")
    deploy = [s for s in steps() if s.section == "deploy" and s.command and " deploy " in f" {s.command} "]
    assert deploy, "the tutorial deploys"
    try:
        for step in steps():
            if step.file is not None or step.section == "before-deploy" and step.command and step.command.startswith("touch"):
                _run(step, tmp_path)
        outputs = {}
        for step in steps():
            if step.section == "deploy" and step.command:
                outputs[step.command] = _run(step, tmp_path).stdout
        answer = json.loads(next(v for k, v in outputs.items() if k.startswith("curl")))
        assert answer["negative"] is True and answer["score"] < 0
        assert any(k.startswith("link ") for k in answer["timings"])
    finally:
        subprocess.run(["bash", "-c", "archkit undeploy reviews.py"], cwd=tmp_path, env=_env(tmp_path),
                       capture_output=True, timeout=120)
        from archkit.runtime._cluster import read_state

        head = read_state("head")
        if head is not None:
            stop_local_head(head)
        os.environ.pop("ARCHKIT_STATE_DIR", None)
