"""Deployment commands that need no Ray instance, the review section, and import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml
from typer.testing import CliRunner

from archkit.cli import app

from .conftest import EXAMPLE_MODEL, TINY_MODEL


def test_serve_config_command_writes_a_loopback_config(tmp_path):
    out = tmp_path / "serve.yaml"
    result = CliRunner().invoke(app, ["serve-config", str(EXAMPLE_MODEL), "--variant", "ocr-in-cloud",
                                      "-o", str(out), "--cpus", "2"])
    assert result.exit_code == 0, result.stdout
    config = yaml.safe_load(out.read_text())
    assert config["http_options"] == {"host": "127.0.0.1", "port": 8000}
    assert [a["route_prefix"] for a in config["applications"]] == ["/glasses", "/cloud", "/phone"]
    assert all(a["import_path"] == "archkit.runtime._serve_app:build_node_app" for a in config["applications"])
    first = (out.read_bytes(), (tmp_path / "serve.zip").read_bytes())
    again = CliRunner().invoke(app, ["serve-config", str(EXAMPLE_MODEL), "--variant", "ocr-in-cloud",
                                     "-o", str(out), "--cpus", "2"])
    assert again.exit_code == 0 and (out.read_bytes(), (tmp_path / "serve.zip").read_bytes()) == first  # same bytes


def test_serve_config_ships_the_models_folder_and_names_the_model_inside_it(tmp_path):
    import zipfile

    out = tmp_path / "deploy" / "serve.yaml"
    out.parent.mkdir()
    result = CliRunner().invoke(app, ["serve-config", f"{EXAMPLE_MODEL}:system", "--variant", "ocr-in-cloud",
                                      "-o", str(out), "--package-uri", "https://models.example/ar.zip"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert str(EXAMPLE_MODEL.parent) not in text  # nothing of this machine's paths
    for application in yaml.safe_load(text)["applications"]:
        assert application["args"]["model"] == "system.py:system"
        assert application["runtime_env"] == {"working_dir": "https://models.example/ar.zip"}
    names = zipfile.ZipFile(tmp_path / "deploy" / "serve.zip").namelist()
    assert "ar_translation/system.py" in names and "ar_translation/ar_engines.py" in names
    assert {n.split("/")[0] for n in names} == {"ar_translation"}  # one top-level folder, as Ray expects
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_serve_config_to_stdout_says_where_the_model_must_be():
    result = CliRunner().invoke(app, ["serve-config", str(EXAMPLE_MODEL), "--variant", "ocr-in-cloud"])
    assert result.exit_code == 0
    assert f"# The model is read from {EXAMPLE_MODEL}" in result.stdout and "--package" in result.stdout
    bad = CliRunner().invoke(app, ["serve-config", str(EXAMPLE_MODEL), "--package-uri", "https://x.example/a.zip"])
    assert bad.exit_code == 2 and "--package" in bad.output


def test_unknown_variant_is_a_usage_error():
    result = CliRunner().invoke(app, ["serve-config", str(EXAMPLE_MODEL), "--variant", "ocr-in-clod"])
    assert result.exit_code == 2
    assert "ocr-in-cloud" in result.output


def test_load_needs_a_deployment_or_url(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHKIT_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["load", str(EXAMPLE_MODEL), "--images", str(tmp_path)])
    assert result.exit_code == 2
    assert "not deployed" in result.output


def test_status_of_a_model_that_is_not_deployed(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHKIT_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["status", str(TINY_MODEL), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"deployed": False, "system": "Tiny text service"}


def test_review_has_a_deployment_section(example_system, tmp_path):
    from archkit.design_review import review

    report = review(example_system, str(EXAMPLE_MODEL), only=["deployment"], out_dir=tmp_path)
    section = report.sections[0]
    assert section.id == "deployment" and section.status == "info"  # the overlay step is skipped
    by_variant = {row["variant"]: row for row in section.data["variants"]}
    assert set(by_variant) == set(example_system.variant_names)
    cloud = by_variant["all-in-cloud"]
    assert [a["node"] for a in cloud["apps"]] == ["glasses", "cloud"]
    assert [c["links"] for c in cloud["crossings"]] == [["glasses-phone-wifi", "phone-cloud"]] * 2
    assert (tmp_path / "serve-all-in-cloud.yaml").read_text() == cloud["serve_config"]


def test_importing_archkit_and_planning_do_not_import_ray():
    code = ("import sys, archkit, archkit.runtime, archkit.runtime._plan, archkit.runtime._links; "
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_model_that_cannot_be_deployed_starts_no_ray(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHKIT_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["deploy", str(EXAMPLE_MODEL), "--flow", "nope"])
    assert result.exit_code == 2
    assert "unknown flow 'nope'" in result.output
    assert not (tmp_path / "head.json").exists()
