"""archkit deploy on a real Ray instance over HTTP on loopback (slow: marked ``ray``).

One Ray head serves the whole module, with Serve's own HTTP proxy as its edge: the example is
deployed in three variants one after the other, the tiny system next to it, and everything is
taken down at the end; a last test checks that the serve-config output is accepted by ``serve
deploy`` against its own ``ray start --head``, from another folder, with the model shipped in the
config's package.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("ray.serve")
httpx = pytest.importorskip("httpx")
from archkit.runtime._cluster import free_port, read_state, stop_local_head

from .conftest import EXAMPLE_MODEL, TINY_MODEL

pytestmark = pytest.mark.ray
ar_signs = pytest.importorskip("ar_signs")
MODEL = str(EXAMPLE_MODEL)


def _cli(*args: str, timeout: float = 240) -> tuple[int, str]:
    """Run an archkit command in its own process, as a user would (Ray's driver state stays there)."""
    done = subprocess.run([sys.executable, "-c", "from archkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
    return done.returncode, done.stdout or done.stderr[-3000:]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    old = os.environ.get("ARCHKIT_STATE_DIR")
    os.environ["ARCHKIT_STATE_DIR"] = str(state)
    port = free_port()
    # Serve's own HTTP proxy as the edge here; tests/runtime/test_robustness_ray.py runs the HAProxy edge
    code, out = _cli("deploy", MODEL, "--variant", "ocr-in-cloud", "--http-port", str(port), "--edge", "proxy",
                     "--format", "json")
    assert code == 0, out
    head = read_state("head")
    try:
        yield json.loads(out)
    finally:
        _cli("undeploy", str(TINY_MODEL))
        _cli("undeploy", MODEL)
        if head is not None:  # whatever happened above, leave no Ray process behind
            stop_local_head(head)
        if old is None:
            os.environ.pop("ARCHKIT_STATE_DIR", None)
        else:
            os.environ["ARCHKIT_STATE_DIR"] = old


def _post(url: str, body: bytes, ctype: str = "image/png") -> httpx.Response:
    return httpx.post(url, content=body, headers={"content-type": ctype}, timeout=60)


def test_one_application_per_node_and_a_translated_sign(deployment):
    assert [a["node"] for a in deployment["apps"]] == ["glasses", "cloud", "phone"]
    code, out = _cli("status", MODEL, "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["healthy"] and [a["status"] for a in report["apps"]] == ["RUNNING"] * 3
    for text in ["Solo efectivo", "Salida de emergencia"]:
        response = _post(deployment["url"], ar_signs.sign_png(text))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["text"] == text
        assert answer["translation"] == ar_signs.SIGNS[text]
        assert answer["timings"]["link phone-cloud"] > 0  # OCR in the cloud: the cellular link is crossed
    openapi = httpx.get(deployment["base_url"] + "/glasses/openapi.json", timeout=10).json()
    assert "/overlay" in openapi["paths"]
    assert set(openapi["paths"]["/overlay"]["post"]["requestBody"]["content"]) == {"image/png", "image/jpeg"}


def test_bad_inputs_get_4xx_and_never_5xx(deployment):
    from PIL import Image

    url = deployment["url"]
    bomb = io.BytesIO()
    Image.new("L", (5000, 5000)).save(bomb, format="PNG")
    cases = [
        (b"x" * 9_000_000, "image/png", 413),
        (b"hello", "text/plain", 415),
        (b"hello", "application/json", 415),
        (b"not an image", "image/png", 422),
        (ar_signs.sign_png("Hola")[:100], "image/png", 422),
        (bomb.getvalue(), "image/png", 413),
    ]
    for body, ctype, expected in cases:
        response = _post(url, body, ctype)
        assert response.status_code == expected, (ctype, response.text)
        assert "error" in response.json()
    response = _post(url, ar_signs.sign_png("Prohibido fumar"))
    assert response.status_code == 200 and response.json()["translation"] == "Forbidden smoke"


def test_variants_differ_in_the_direction_the_links_predict(deployment, tmp_path):
    """ocr-in-cloud crosses Wi-Fi and cellular links; all-on-phone only Wi-Fi: it must be faster."""
    images = tmp_path / "signs"
    ar_signs.write_signs(images, ["Solo efectivo", "Prohibido fumar"])
    measured = {}
    expected = {}
    for variant in ["ocr-in-cloud", "all-on-phone"]:
        if variant != deployment["variant"]:
            code, out = _cli("deploy", MODEL, "--variant", variant, "--format", "json")
            assert code == 0, out
        expected[variant] = sum(c["crossing"]["expected_ms"] for d in record_plan(variant)["deployments"]
                                for c in d["calls"] if c["crossing"])
        code, out = _cli("load", MODEL, "--requests", "12", "--concurrency", "2", "--images", str(images),
                         "--format", "json")
        assert code == 0, out
        report = json.loads(out)
        assert report["statuses"] == {"200": 12}
        measured[variant] = report["latency_ms"]["p50"]
    assert expected["ocr-in-cloud"] > expected["all-on-phone"]
    assert measured["ocr-in-cloud"] > measured["all-on-phone"]


def record_plan(variant: str) -> dict:
    record = read_state("ar-translation-glasses")
    assert record["variant"] == variant
    return record["plan"]


def test_down_link_fails_naming_the_link(deployment):
    code, out = _cli("deploy", str(TINY_MODEL), "--variant", "offline", "--format", "json")
    assert code == 0, out
    record = json.loads(out)
    response = httpx.post(record["url"], content=b"hello", headers={"content-type": "text/plain"}, timeout=30)
    assert response.status_code == 503
    assert response.json()["link"] == "device-server"
    assert "is down in variant 'offline'" in response.json()["error"]


def test_undeploy_removes_everything(deployment):
    head = read_state("head")
    code, _ = _cli("undeploy", str(TINY_MODEL))
    assert code == 0
    assert read_state("head") is not None  # the example still runs on it
    code, out = _cli("undeploy", MODEL, "--format", "json")
    assert code == 0
    assert json.loads(out)["stopped_head"] is True
    assert read_state("head") is None
    time.sleep(0.5)
    from archkit.runtime._cluster import head_processes

    assert head_processes(head) == []
    code, out = _cli("status", MODEL, "--format", "json")
    assert code == 1 and json.loads(out)["deployed"] is False


def test_serve_config_is_accepted_by_serve_deploy_elsewhere(tmp_path):
    """`archkit serve-config` output, deployed with Ray's own `serve deploy` on `ray start --head`, both
    started in another folder after the model's own folder is gone: the model travels in the package
    the config names (runtime_env.working_dir) and is found by its path inside it."""
    import shutil

    import yaml

    http_port, gcs_port, dash_port = free_port(), free_port(), free_port()
    source = tmp_path / "source" / "ar_translation"
    shutil.copytree(EXAMPLE_MODEL.parent, source, ignore=shutil.ignore_patterns("__pycache__"))
    config = tmp_path / "out" / "serve.yaml"
    config.parent.mkdir()
    code, out = _cli("serve-config", str(source / "system.py"), "--variant", "ocr-in-cloud", "-o", str(config),
                     "--port", str(http_port), "--cpus", "2")
    assert code == 0, out
    shutil.rmtree(tmp_path / "source")
    text = config.read_text()
    assert str(tmp_path / "source") not in text
    for application in yaml.safe_load(text)["applications"]:
        assert application["args"]["model"] == "system.py"
        assert application["runtime_env"]["working_dir"] == (tmp_path / "out" / "serve.zip").as_uri()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bin_dir = Path(sys.executable).parent
    temp = Path(f"/tmp/akt-{gcs_port}")
    # as docs/deploy.md says: a head of one machine on loopback, with a token both sides read
    token = tmp_path / "token"
    token.write_text("3" * 64)
    token.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH_")}
    env.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(token))
    head = subprocess.Popen(
        [str(bin_dir / "ray"), "start", "--head", "--block", f"--port={gcs_port}", "--num-cpus=2",
         "--include-dashboard=true", "--dashboard-host=127.0.0.1", f"--dashboard-port={dash_port}",
         f"--dashboard-agent-listen-port={free_port()}", f"--ray-client-server-port={free_port()}",
         "--disable-usage-stats", "--node-ip-address=127.0.0.1", f"--temp-dir={temp}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env, cwd=elsewhere)
    try:
        deadline = time.monotonic() + 90
        auth = {"authorization": "Bearer " + token.read_text()}
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{dash_port}/api/version", timeout=2, headers=auth).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        done = subprocess.run([str(bin_dir / "serve"), "deploy", "../out/serve.yaml", "-a",
                               f"http://127.0.0.1:{dash_port}"],
                              capture_output=True, text=True, timeout=120, env=env, cwd=elsewhere)
        assert done.returncode == 0, done.stdout + done.stderr
        url = f"http://127.0.0.1:{http_port}/glasses/overlay"
        answer = None
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and answer is None:
            try:
                response = _post(url, ar_signs.sign_png("Solo efectivo"))
                if response.status_code == 200:
                    answer = response.json()
            except httpx.HTTPError:
                pass
            time.sleep(1)
        assert answer is not None, "the applications from serve-config did not answer"
        assert (answer["text"], answer["translation"]) == ("Solo efectivo", "Only effective")
    finally:
        stop_local_head({"pid": head.pid, "temp_dir": str(temp)})
