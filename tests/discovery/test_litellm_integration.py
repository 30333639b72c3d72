"""Discovery against a real LiteLLM proxy (litellm[proxy]==1.82.6) on 127.0.0.1.

The proxy lives in its own throwaway virtualenv, never in the project's. Set
MODELPLANE_LITELLM_VENV to a prepared venv (CI does); otherwise the fixture creates one
in the temp folder and reuses it on later runs. 1.82.6 is pinned exactly: 1.82.7 and
1.82.8 shipped a credential stealer (a `litellm_init.pth` run at interpreter start).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from compiler.discovery.run import build_client, discover_providers
from tests.discovery.conftest import DiscoverySettings, make_provider

LITELLM = "litellm[proxy]==1.82.6"
VERSION = "1.82.6"
MASTER_KEY = "sk-test-master-1234"
CONFIG = Path(__file__).parent.parent / "data" / "discovery" / "litellm" / "config_nowild.yaml"
ALLOWED_PTH = {"distutils-precedence.pth"}

pytestmark = pytest.mark.integration


def _venv_dir() -> Path:
    configured = os.environ.get("MODELPLANE_LITELLM_VENV")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"modelplane-litellm-{VERSION}"


def _run(*args: str | Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False
    )


def _installed_version(python: Path) -> str:
    code = "import importlib.metadata as m; print(m.version('litellm'))"
    return _run(python, "-c", code, timeout=120).stdout.strip()


def _stray_pth(venv: Path) -> list[str]:
    return sorted(
        p.name for p in venv.glob("lib/python*/site-packages/*.pth") if p.name not in ALLOWED_PTH
    )


def _ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        created = _run(sys.executable, "-m", "venv", venv, timeout=300)
        if created.returncode != 0:
            pytest.skip(f"cannot create a virtualenv: {created.stderr.strip()[:200]}")
    if _installed_version(python) != VERSION:
        pip = _run(python, "-m", "pip", "install", "--quiet", LITELLM, timeout=900)
        if pip.returncode != 0:
            pytest.skip(f"cannot install {LITELLM}: {pip.stderr.strip()[-300:]}")
    assert _installed_version(python) == VERSION
    assert _stray_pth(venv) == [], "unexpected .pth files in the LiteLLM venv"
    return venv / "bin" / "litellm"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"litellm exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health/liveliness", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail("litellm did not become ready in time")


@pytest.fixture(scope="module")
def litellm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = _ensure_venv(_venv_dir())
    port = _free_port()
    logs = tmp_path_factory.mktemp("litellm") / "proxy.log"
    # A minimal environment: the proxy sees none of our variables (or keys).
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path_factory.mktemp("home")),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "NO_PROXY": "*",
    }
    with logs.open("wb") as log:
        command = [binary, "--config", CONFIG, "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(
            [*command, "--telemetry", "False"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url, proc, time.monotonic() + 90)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_discovers_a_real_litellm_proxy(litellm_url: str, options):
    provider = make_provider("litellm", "openai-compatible", litellm_url + "/v1", env="LITELLM_KEY")
    with build_client() as client:
        outcome = discover_providers(
            [provider], client=client, environ={"LITELLM_KEY": MASTER_KEY}, options=options
        )
        again = discover_providers(
            [provider], client=client, environ={"LITELLM_KEY": MASTER_KEY}, options=options
        )
    assert outcome.ok, outcome.failures
    snapshot = outcome.snapshots["litellm"]
    assert snapshot.ids() == {"gpt-4o", "claude-sonnet", "gemini-flash", "local-llama"}
    models = {m.id: m for m in snapshot.models}
    assert models["gpt-4o"].details["upstream"] == "openai/gpt-4o-2024-08-06"
    assert models["gpt-4o"].context_window == 128000
    assert models["local-llama"].context_window == 131072
    assert models["local-llama"].max_output_tokens == 8192
    assert all(m.created is None for m in snapshot.models)
    assert again.snapshots["litellm"].digest() == snapshot.digest()
    assert "sk-fake-not-a-real-key" not in snapshot.model_dump_json()


def test_litellm_rejects_a_wrong_key_with_a_hint(litellm_url: str, options):
    provider = make_provider(
        "litellm", "openai-compatible", litellm_url + "/v1", env="LITELLM_KEY",
        discovery=DiscoverySettings(flavor="litellm"),
    )  # fmt: skip
    with build_client() as client:
        outcome = discover_providers(
            [provider], client=client, environ={"LITELLM_KEY": "sk-wrong"}, options=options
        )
    failure = outcome.failures["litellm"]
    assert failure.status in (400, 401)
    assert failure.hint == "check LITELLM_KEY"
    assert "sk-wrong" not in str(failure)
