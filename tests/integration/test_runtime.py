"""Rendered ModelAPIs work at run time: real LiteLLM 1.82.6 proxies, loopback upstreams.

One inventory holds a provider of every type modelplane renders for LiteLLM, each on a
loopback server that speaks its API (one behind TLS signed by a private CA). It is
locked and rendered with the real CLI; each rendered ModelAPI is then run the way the
cluster would run it (tests/integration/proxy_runtime.py: Secret references resolved,
init containers run, nothing injected), and real chat and embedding requests go
through. The tests assert what reaches each upstream: path, pinned id, the credential
from the right Secret, headers, api-version, organization/project, TLS verified
against the private CA, fallbacks on an upstream 500, and 401 without the master key.
"""

from __future__ import annotations

import base64
import contextlib
import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from compiler.render.targets.kaos_litellm import KEYLESS_PLACEHOLDER
from tests.helpers import REPO_ROOT, run_cli
from tests.integration.litellm_proxy import ensure_google_auth_overlay, ensure_litellm_venv
from tests.integration.private_ca import create_private_ca
from tests.integration.proxy_runtime import Pod, load_documents, pod_for, request, run_pod
from tests.integration.runtime_repo import (
    AMBIENT_AWS,
    MODELS,
    SECRETS,
    service_account_json,
    write_runtime_repo,
)
from tests.integration.upstreams import ACCESS_TOKEN, TOKEN_PATH, Seen, Upstream, serve_upstream

pytestmark = pytest.mark.integration

MODEL_APIS = ("serving", "insecure", "open")
SECRET_SA = "modelplane@proj-test.iam.gserviceaccount.com"
AMBIENT_SA = "ambient@proj-ambient.iam.gserviceaccount.com"
CHAT = [{"role": "user", "content": "ping"}]


@dataclass
class Runtime:
    """The running proxies and the upstreams behind them."""

    plain: Upstream
    tls: Upstream
    bases: dict[str, str]
    pods: dict[str, Pod]
    folder: Path

    def key(self, api: str) -> str:
        """The master key the cluster's Secret holds for `api`."""
        return SECRETS[f"{api}-master-key"]["master-key"]

    def chat(self, api: str, model: str, key: str | None = "default") -> tuple[int, Any]:
        """One chat completion through `api`'s proxy."""
        use = self.key(api) if key == "default" else key
        return request(
            f"{self.bases[api]}/v1/chat/completions", {"model": model, "messages": CHAT}, use
        )


def _start_all(
    pods: dict[str, Pod],
    folder: Path,
    venv: Path,
    stack: contextlib.ExitStack,
    ambient: dict[str, str],
) -> dict[str, str]:
    overlay = ensure_google_auth_overlay(venv)
    extra = {**ambient, "PYTHONPATH": str(overlay)}
    managers = {name: run_pod(pod, folder / name, venv, extra) for name, pod in pods.items()}
    # Proxies take seconds to start: start them side by side, stop them all at the end.
    with ThreadPoolExecutor(len(managers)) as pool:
        futures = {name: pool.submit(cm.__enter__) for name, cm in managers.items()}
        bases = {}
        for name, future in futures.items():
            bases[name] = future.result()
            stack.push(managers[name].__exit__)
    return bases


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    venv = ensure_litellm_venv()
    folder = tmp_path_factory.mktemp("runtime")
    ca = create_private_ca(folder / "ca")
    with (
        serve_upstream() as plain,
        serve_upstream(ca.server_context()) as tls,
        contextlib.ExitStack() as stack,
    ):
        repo = write_runtime_repo(folder / "repo", plain.base, tls.base)
        for command in (["lock", "--env", "test"], ["render", "--env", "test"]):
            result = run_cli(*command, cwd=repo)
            assert result.returncode == 0, result.stdout + result.stderr
        token_uri = plain.base + TOKEN_PATH
        ambient = folder / "ambient-adc.json"
        ambient.write_text(service_account_json(token_uri, AMBIENT_SA), encoding="utf-8")
        secrets = {
            **SECRETS,
            "corp-ca": {"ca.crt": ca.ca_pem.read_text(encoding="utf-8")},
            "llm-vertex": {"service-account.json": service_account_json(token_uri, SECRET_SA)},
        }
        manifests = repo / "environments" / "test" / "manifests" / "modelapis"
        pods = {
            name: pod_for(load_documents(manifests / f"{name}.yaml")[0], secrets, folder / name)
            for name in MODEL_APIS
        }
        # Google ADC as GKE workload identity would give it (here: a key file).
        ambient_env = {**AMBIENT_AWS, "GOOGLE_APPLICATION_CREDENTIALS": str(ambient)}
        bases = _start_all(pods, folder, venv, stack, ambient_env)
        yield Runtime(plain, tls, bases, pods, folder)


def _arrived(upstream: Upstream, model: str) -> Seen:
    seen = [s for s in upstream.requests() if s.model == model]
    assert seen, (
        f"nothing reached the upstream for {model!r}: {[s.path for s in upstream.requests()]}"
    )
    return seen[-1]


# logical model -> (upstream path, credential, headers that must arrive)
CHAT_EXPECTED: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "gpt": (
        "/v1/chat/completions",
        "sk-test-openai",
        {"openai-organization": "org-test", "openai-project": "proj-test"},
    ),
    "azure-chat": ("/openai/deployments/chat-deployment/chat/completions", "azure-test-key", {}),
    "claude": (
        "/v1/messages",
        "sk-ant-test",
        {"anthropic-beta": "token-efficient-tools-2025-02-19"},
    ),
    "gemini": ("/v1beta/models/gemini-2.0-flash-001:generateContent", "gemini-test-key", {}),
    "llama-ollama": ("/api/chat", None, {}),
    "llama-vllm": ("/v1/chat/completions", "vllm-test-key", {}),
    "qwen-open": ("/v1/chat/completions", "NOT-CHECKED", {}),
    "router": (
        "/api/v1/chat/completions",
        "sk-or-test",
        {"http-referer": "https://platform.example.com", "x-title": "modelplane"},
    ),
    "mistral": ("/v1/chat/completions", "mistral-test-key", {}),
    "together": ("/v1/chat/completions", "together-test-key", {}),
    "deepseek": ("/chat/completions", "deepseek-test-key", {}),
}


@pytest.mark.parametrize("model", sorted(CHAT_EXPECTED))
def test_chat_reaches_the_provider_with_its_pin_credential_and_headers(
    runtime: Runtime, model: str
) -> None:
    status, body = runtime.chat("serving", model)
    assert status == 200, body
    pinned = MODELS[model][1]
    seen = _arrived(runtime.plain, pinned)
    path, credential, headers = CHAT_EXPECTED[model]
    assert seen.path == path
    if credential != "NOT-CHECKED":
        assert seen.credential() == credential
    else:  # keyless: no Secret's value may travel there
        assert seen.credential() not in {v for s in SECRETS.values() for v in s.values()}
    for name, value in headers.items():
        assert seen.headers.get(name) == value, name


def test_azure_chat_sends_the_configured_api_version(runtime: Runtime) -> None:
    assert runtime.chat("serving", "azure-chat")[0] == 200
    assert _arrived(runtime.plain, "chat-deployment").query["api-version"] == ["2024-10-21"]


def test_nested_call_parameters_reach_anthropic(runtime: Runtime) -> None:
    assert runtime.chat("serving", "claude")[0] == 200
    body = _arrived(runtime.plain, "claude-sonnet-4-5-20250929").body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 8192}
    assert body["max_tokens"] == 16000


def test_bedrock_signs_with_the_pods_ambient_identity(runtime: Runtime) -> None:
    pinned = MODELS["bedrock-claude"][1]
    assert runtime.chat("serving", "bedrock-claude")[0] == 200
    seen = [s for s in runtime.plain.requests("/converse")]
    assert seen, "no converse call arrived"
    assert seen[-1].path in (
        f"/model/{pinned}/converse",
        f"/model/{pinned.replace(':', '%3A')}/converse",
    )
    auth = seen[-1].headers["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDMODELPLANETEST/")
    assert "/us-east-1/bedrock/aws4_request" in auth


@pytest.mark.parametrize(
    ("model", "path", "credential"),
    [
        ("embed", "/v1/embeddings", "sk-test-openai"),
        ("azure-embed", "/openai/deployments/embed-deployment/embeddings", "azure-test-key"),
    ],
)
def test_embeddings_reach_the_provider(
    runtime: Runtime, model: str, path: str, credential: str
) -> None:
    status, body = request(
        f"{runtime.bases['serving']}/v1/embeddings",
        {"model": model, "input": "ping"},
        runtime.key("serving"),
    )
    assert status == 200, body
    seen = _arrived(runtime.plain, MODELS[model][1])
    assert (seen.path, seen.credential()) == (path, credential)


def test_openai_embeddings_keep_organization_and_project(runtime: Runtime) -> None:
    request(
        f"{runtime.bases['serving']}/v1/embeddings",
        {"model": "embed", "input": "x"},
        runtime.key("serving"),
    )
    seen = _arrived(runtime.plain, "text-embedding-3-small")
    assert seen.headers.get("openai-organization") == "org-test"
    assert seen.headers.get("openai-project") == "proj-test"


def test_a_private_ca_upstream_is_verified_beside_public_providers(runtime: Runtime) -> None:
    status, body = runtime.chat("serving", "corp-chat")
    assert status == 200, body
    seen = _arrived(runtime.tls, "corp-gpt")
    assert (seen.path, seen.credential()) == ("/v1/chat/completions", "corp-test-key")
    # The CA is what made it work: the public roots alone refuse this server.
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        urllib.request.urlopen(
            f"{runtime.tls.base}/v1/models", timeout=10, context=ssl.create_default_context()
        )
    bundle = runtime.pods["serving"].env["SSL_CERT_FILE"]
    assert bundle.endswith("/ca-bundle.pem")


def test_the_bundle_keeps_the_public_roots(runtime: Runtime) -> None:
    bundle = Path(
        runtime.pods["serving"]
        .env["SSL_CERT_FILE"]
        .replace("/etc/modelplane", str(runtime.folder / "serving" / "etc" / "modelplane"))
    )
    text = bundle.read_text(encoding="utf-8")
    assert text.count("BEGIN CERTIFICATE") > 100  # certifi's roots, then the private CA
    assert "ISRG Root X1" in text


def test_insecure_skip_verify_reaches_an_unverifiable_upstream(runtime: Runtime) -> None:
    status, body = runtime.chat("insecure", "lab-chat")
    assert status == 200, body
    assert _arrived(runtime.tls, "lab-model").credential() == KEYLESS_PLACEHOLDER


def test_an_upstream_500_falls_back(runtime: Runtime) -> None:
    status, body = runtime.chat("serving", "flaky")
    assert status == 200, body
    models = [s.model for s in runtime.plain.requests("/v1/chat/completions")]
    assert "gpt-fail500" in models
    assert models[-1] == "gpt-4o-2024-11-20"


@pytest.mark.parametrize("api", ["serving", "insecure"])
def test_the_proxy_refuses_calls_without_its_master_key(runtime: Runtime, api: str) -> None:
    model = "lab-chat" if api == "insecure" else "gpt"
    assert runtime.chat(api, model, key=None)[0] == 401
    assert runtime.chat(api, model, key="sk-not-the-master-key")[0] in (400, 401)
    assert runtime.chat(api, model)[0] == 200


def test_an_explicitly_open_proxy_serves_without_a_key(runtime: Runtime) -> None:
    assert "LITELLM_MASTER_KEY" not in runtime.pods["open"].env
    assert runtime.chat("open", "gpt", key=None)[0] == 200


VERTEX_EXPECTED = {
    "vertex-gemini": "/v1/projects/proj-test/locations/europe-west4/publishers/google/models/"
    "gemini-2.0-flash-001:generateContent",
    "vertex-claude": "/v1/projects/proj-test/locations/europe-west4/publishers/anthropic/models/"
    "claude-sonnet-4-5@20250929:rawPredict",
    "vertex-ambient": "/v1/projects/proj-ambient/locations/us-east5/publishers/google/models/"
    "gemini-2.5-pro:generateContent",
}


@pytest.mark.parametrize("model", sorted(VERTEX_EXPECTED))
def test_vertex_authenticates_with_its_service_account(runtime: Runtime, model: str) -> None:
    status, body = runtime.chat("serving", model)
    assert status == 200, body
    seen = [s for s in runtime.plain.requests("/publishers/") if s.path == VERTEX_EXPECTED[model]]
    assert seen, [s.path for s in runtime.plain.requests("/publishers/")]
    assert seen[-1].credential() == ACCESS_TOKEN
    # The token came from the right identity: the Secret's key, or the pod's ambient one.
    issuer = SECRET_SA if model != "vertex-ambient" else AMBIENT_SA
    assert any(_jwt_issuer(t) == issuer for t in runtime.plain.token_requests())


def _jwt_issuer(seen: Seen) -> str:
    assertion = seen.body["assertion"][0] if isinstance(seen.body, dict) else ""
    payload = assertion.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iss"])


def test_the_examples_enterprise_pod_starts_with_its_ca_bundle_and_master_key(
    tmp_path: Path,
) -> None:
    """The committed prod ModelAPI, run as rendered: CA bundle built, key enforced."""
    venv = ensure_litellm_venv()
    ca = create_private_ca(tmp_path / "ca")
    [doc] = load_documents(REPO_ROOT / "environments/prod/manifests/modelapis/enterprise.yaml")
    refs = [
        e["valueFrom"]["secretKeyRef"] for e in doc["spec"]["container"]["env"] if "valueFrom" in e
    ]
    secrets: dict[str, dict[str, str]] = {}
    for ref in refs:
        secrets.setdefault(ref["name"], {})[ref["key"]] = f"test-{ref['name']}"
    secrets["corp-root-ca"] = {"ca.crt": ca.ca_pem.read_text(encoding="utf-8")}
    pod = pod_for(doc, secrets, tmp_path / "pod")
    master = secrets["enterprise-master-key"]["master-key"]
    with run_pod(pod, tmp_path / "pod", venv, AMBIENT_AWS) as base:
        bundle = Path(
            pod.env["SSL_CERT_FILE"].replace(
                "/etc/modelplane", str(tmp_path / "pod" / "etc" / "modelplane")
            )
        )
        assert bundle.read_text(encoding="utf-8").endswith(ca.ca_pem.read_text(encoding="utf-8"))
        assert request(f"{base}/v1/models")[0] == 401
        status, body = request(f"{base}/v1/models", key=master)
        assert status == 200
        assert sorted(m["id"] for m in body["data"]) == sorted(doc["spec"]["proxyConfig"]["models"])
