"""Discovery against a real LiteLLM proxy (litellm[proxy]==1.82.6) on 127.0.0.1.

The proxy lives in the integration tests' own pinned virtualenv, never in the project's
(see tests/integration/litellm_proxy.py). 1.82.6 is pinned exactly: 1.82.7 and 1.82.8
shipped a credential stealer (a `litellm_init.pth` run at interpreter start).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from compiler.discovery.run import build_client, discover_providers
from tests.discovery.conftest import DiscoverySettings, make_provider
from tests.integration.litellm_proxy import (
    LITELLM_VERSION as VERSION,
)
from tests.integration.litellm_proxy import (
    ensure_litellm_venv,
    installed_version,
    stray_pth_files,
)

MASTER_KEY = "sk-test-master-1234"
CONFIG = Path(__file__).parent.parent / "data" / "discovery" / "litellm" / "config_nowild.yaml"

pytestmark = pytest.mark.integration


def _litellm_binary() -> Path:
    """The shared, pinned LiteLLM virtualenv of the integration tests."""
    try:
        venv = ensure_litellm_venv()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot build the LiteLLM virtualenv: {str(exc)[-300:]}")
    assert installed_version(venv) == VERSION
    assert stray_pth_files(venv) == [], "unexpected .pth files in the LiteLLM venv"
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
    binary = _litellm_binary()
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
