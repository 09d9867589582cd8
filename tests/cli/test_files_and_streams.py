"""Files and streams, through the real `archkit` program: modes, clean errors, and .py models that
print, exit or loop."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

MODEL = (
    "from archkit import System, Node, Component\n"
    "with System('s') as s:\n"
    "    with Node('n', kind='cloud'):\n"
    "        Component('c', kind='ui')\n"
)


def archkit(*args: str, cwd: Path, umask: int | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    def child() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "-c", "from archkit.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=child,
                          env=dict(os.environ, COLUMNS="120", **(env or {})))


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text("name: s\nnodes: [{id: n, kind: cloud}]\ncomponents: [{id: c, kind: ui}]\nplacement: {c: n}\n")
    return path


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_umasks_mode(tmp_path, model, umask, mode):
    out = tmp_path / f"out-{umask:o}.json"
    done = archkit("export", str(model), "--to", "json", "-o", str(out), cwd=tmp_path, umask=umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_mode(tmp_path, model):
    out = tmp_path / "keep.yaml"
    out.write_text("old")
    out.chmod(0o640)
    assert archkit("convert", str(model), "-o", str(out), cwd=tmp_path).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text() != "old"


@pytest.mark.parametrize("args,words", [
    (["lint", "{m}", "--output", "{dir}"], "it is a folder"),
    (["lint", "{m}", "--output", "/proc/archkit-x"], "cannot write output '/proc/archkit-x'"),
    (["lint", "{m}", "--write-baseline", "{dir}"], "cannot write baseline"),
    (["lint", "{m}", "--baseline", "{bin}"], "is not UTF-8 text"),
    (["lint", "{m}", "--baseline", "{dir}"], "it is a folder"),
    (["lint", "{m}", "--baseline", "/dev/zero"], "larger than"),
    (["lint", "{m}", "--config", "{bin}"], "is not UTF-8 text"),
    (["lint", "{m}", "--config", "{dir}"], "it is a folder"),
    (["lint", "{m}", "--config", "{dir}/none.toml"], "does not exist"),
    (["export", "{m}", "--to", "json", "-o", "{dir}"], "it is a folder"),
    (["export", "{m}", "--to", "calm", "-o", "/proc/archkit-x"], "cannot write '/proc/archkit-x'"),
    (["convert", "{m}", "-o", "/proc/archkit-x.yaml"], "cannot write"),
    (["render", "{m}", "-o", "/proc/archkit-x.svg"], "cannot write"),
    (["render", "{m}", "--all", "-o", "{bin}"], "a file of that name is in the way"),
    (["review", "{m}", "-o", "{bin}"], "a file of that name is in the way"),
])
def test_file_errors_are_a_message_and_exit_2(tmp_path, model, args, words):
    folder = tmp_path / "a folder"
    folder.mkdir()
    binary = tmp_path / "binary.dat"
    binary.write_bytes(b"\x00\xff\xfe\x80 not text")
    filled = [a.format(m=model, dir=folder, bin=binary) for a in args]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    done = archkit(*filled, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert words in " ".join(done.stderr.split())
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written, nothing left behind


def test_a_printing_py_model_keeps_json_stdout_clean(tmp_path):
    path = tmp_path / "noisy.py"
    path.write_text("print('hello from the model')\nimport os, subprocess\nos.write(1, b'raw write\\n')\n"
                    "subprocess.run(['echo', 'from a child'])\n" + MODEL)
    for args in (["validate", "--format", "json"], ["analyze", "--format", "json"], ["lint", "--format", "sarif"]):
        done = archkit(*args, str(path), cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        json.loads(done.stdout)  # nothing else on stdout
        said = " ".join(done.stderr.split())
        for text in ("hello from the model", "raw write", "from a child"):
            assert text in said
        assert "warning" in said and "noisy.py printed" in said


@pytest.mark.parametrize("code,called", [
    ("import os\nos._exit(0)\n", "os._exit(0)"),
    ("import posix\nposix._exit(4)\n", "os._exit(4)"),
    ("import sys\nsys.exit(0)\n", "sys.exit(0)"),
    ("exit()\n", "sys.exit()"),
])
def test_exits_in_a_py_model_are_load_errors(tmp_path, code, called):
    path = tmp_path / "exits.py"
    path.write_text("x = 1\n" + code + MODEL)
    done = archkit("validate", str(path), cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    said = "".join(done.stderr.split())  # the console wraps long lines
    assert f"called{called}" in said and f"exits.py:{1 + code.count(chr(10))}:" in said  # the line of the call


def test_a_py_model_that_loops_is_stopped(tmp_path):
    path = tmp_path / "loop.py"
    path.write_text("n = 0\nwhile True:\n    try:\n        n += 1\n    except BaseException:\n        pass\n")
    start = time.monotonic()
    done = archkit("validate", "--format", "json", str(path), cwd=tmp_path, env={"ARCHKIT_LOAD_TIMEOUT": "1"})
    assert done.returncode == 1
    problem = json.loads(done.stdout)["problems"][0]
    assert problem["code"] == "AK008" and "stopped after 1 s" in problem["message"]
    assert problem["location"]["line"] in (2, 3, 4, 5, 6)
    assert time.monotonic() - start < 60  # stopped, not finished (it never finishes)


def test_surrogates_from_python_reach_stdout_and_files_as_escapes(tmp_path):
    path = tmp_path / "lone.py"
    path.write_text("from archkit.io import load_data\n"
                    "m = load_data({'name': 'lone \\ud800', 'nodes': [{'id': 'n', 'kind': 'cloud'}]})\n")
    done = archkit("export", str(path), "--to", "calm", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)  # valid JSON: the surrogate is an escape
    out = tmp_path / "lone.dsl"
    assert archkit("export", str(path), "--to", "structurizr", "-o", str(out), cwd=tmp_path).returncode == 0
    assert "lone \\\\ud800" in out.read_text(encoding="utf-8")
