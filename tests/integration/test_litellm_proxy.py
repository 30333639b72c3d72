"""A real LiteLLM proxy (1.82.6) accepts every generated configYaml and serves the models.

For every Proxy ModelAPI of every example environment, the `configYaml.fromString` that
KAOS hands to LiteLLM verbatim is started in a real proxy on 127.0.0.1 with dummy values
for the credentials it reads; `/v1/models` must list exactly `spec.proxyConfig.models`
(the names Agents ask for, which KAOS matches against the config), and the proxy must
log no config error while starting. The proxy runs from its own cached virtualenv under
`.pytest-venvs/` (built on first use; needs PyPI), never from the project's.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.helpers import copy_example, example_environments, manifest_documents, run_cli
from tests.integration.litellm_proxy import (
    LITELLM_VERSION,
    ProxyPool,
    ProxyRun,
    ensure_litellm_venv,
    installed_version,
    referenced_env_names,
    resolve_providers,
    stray_pth_files,
)

pytestmark = pytest.mark.integration

# Two cores: three proxies at a time keeps startup near its ~6 s without starving them.
PARALLEL = 3

# A config LiteLLM rejects (fallbacks must be a list of one-key maps): proves the harness
# notices a rejected config rather than passing everything.
REJECTED_CONFIG = """\
model_list:
  - model_name: chat
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
router_settings:
  fallbacks:
    chat: other
"""
NEGATIVE_LABEL = "negative-control/rejected-fallbacks"
COVERAGE_LABEL = "coverage/dev"

# Generator features the example environments do not reach, switched on in a copy of the
# example: a CA bundle (SSL_CERT_FILE), insecureSkipVerify (ssl_verify: false), a
# sub-second timeout, the ollama_chat/ prefix, OpenRouter headers and fallbacks, all in
# one extra Proxy model API of dev.
COVERAGE_EDITS = {
    "inventory/providers.yaml": [
        (
            "    endpoint: http://ollama.llm-system.svc.cluster.local:11434\n",
            "    endpoint: http://ollama.llm-system.svc.cluster.local:11434\n"
            "    tls:\n      caSecretRef: {name: corp-ca, key: ca.crt}\n    timeout: 1500ms\n",
        ),
        (
            "      flavor: vllm\n",
            "      flavor: vllm\n    tls:\n      insecureSkipVerify: true\n",
        ),
    ],
    "inventory/model-apis.yaml": [
        (
            "modelApis:\n",
            "modelApis:\n  - name: coverage\n    mode: Proxy\n    models: [llama-internal, "
            "llama-hosted, router-auto, chat-default, chat-claude]\n\n",
        )
    ],
    "environments/dev/environment.yaml": [
        (
            "modelApis: [chat, reasoning, embeddings, llama]",
            "modelApis: [chat, reasoning, embeddings, llama, coverage]",
        )
    ],
}
COVERAGE_FEATURES = (
    "ssl_verify: false",
    # A CA reaches LiteLLM as SSL_CERT_FILE (kaos_pod), never as a per-route ssl_verify.
    "timeout: 1.5",
    "ollama_chat/",
    "hosted_vllm/",
    "extra_headers:",
    "fallbacks:",
)


def _proxy_model_apis() -> dict[str, tuple[str, list[str]]]:
    """label -> (configYaml.fromString, spec.proxyConfig.models) for every Proxy ModelAPI."""
    found: dict[str, tuple[str, list[str]]] = {}
    for env in example_environments():
        for doc in manifest_documents(env):
            spec = doc.document.get("spec", {})
            if doc.document["kind"] != "ModelAPI" or spec.get("mode") != "Proxy":
                continue
            proxy = spec["proxyConfig"]
            config = proxy.get("configYaml", {}).get("fromString")
            assert isinstance(config, str), f"{doc.file}: Proxy ModelAPI without configYaml"
            found[f"{env}/{doc.document['metadata']['name']}"] = (config, list(proxy["models"]))
    return found


PROXY_APIS = _proxy_model_apis()


@pytest.fixture(scope="session")
def litellm_venv() -> Path:
    return ensure_litellm_venv()


@pytest.fixture(scope="module")
def coverage_api(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """(configYaml, models) of the extra model API rendered in a modified copy."""
    root = copy_example(tmp_path_factory.mktemp("coverage") / "repo")
    for rel, edits in COVERAGE_EDITS.items():
        text = (root / rel).read_text(encoding="utf-8")
        for old, new in edits:
            assert text.count(old) == 1, f"{rel}: {old!r}"
            text = text.replace(old, new)
        (root / rel).write_text(text, encoding="utf-8")
    for command in (["lock", "--env", "dev"], ["render", "--env", "dev"]):
        result = run_cli(*command, cwd=root)
        assert result.returncode == 0, result.stderr
    manifest = root / "environments" / "dev" / "manifests" / "modelapis" / "coverage.yaml"
    proxy = yaml.safe_load(manifest.read_text(encoding="utf-8"))["spec"]["proxyConfig"]
    return proxy["configYaml"]["fromString"], list(proxy["models"])


@pytest.fixture(scope="module")
def all_apis(coverage_api: tuple[str, list[str]]) -> dict[str, tuple[str, list[str]]]:
    return {**PROXY_APIS, COVERAGE_LABEL: coverage_api}


@pytest.fixture(scope="module")
def proxy_runs(
    litellm_venv: Path, all_apis: dict, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    pool = ProxyPool(litellm_venv, tmp_path_factory.mktemp("litellm"))
    jobs = {label: config for label, (config, _) in all_apis.items()}
    jobs[NEGATIVE_LABEL] = REJECTED_CONFIG
    try:
        with ThreadPoolExecutor(max_workers=PARALLEL) as executor:
            futures = {label: executor.submit(pool.run, label, c) for label, c in jobs.items()}
            yield {label: future.result() for label, future in futures.items()}
    finally:
        pool.stop_all()


def test_the_example_has_proxy_model_apis() -> None:
    assert len(PROXY_APIS) >= len(example_environments())


def test_the_litellm_venv_is_the_pinned_clean_release(litellm_venv: Path) -> None:
    assert installed_version(litellm_venv) == LITELLM_VERSION
    assert stray_pth_files(litellm_venv) == []


@pytest.mark.parametrize("label", [*sorted(PROXY_APIS), COVERAGE_LABEL])
def test_proxy_serves_exactly_the_logical_models(
    proxy_runs: dict, all_apis: dict, label: str
) -> None:
    run: ProxyRun = proxy_runs[label]
    config_text, models = all_apis[label]

    assert run.started, f"{label}: proxy did not start (exit {run.exit_code}):\n{run.startup_log}"
    assert sorted(run.model_ids) == sorted(set(run.model_ids)), "duplicate ids"
    assert set(run.model_ids) == set(models)
    names = {entry["model_name"] for entry in yaml.safe_load(config_text)["model_list"]}
    assert names == set(models)
    assert run.unauthenticated_status == 401, "the master key did not take effect"


@pytest.mark.parametrize("label", [*sorted(PROXY_APIS), COVERAGE_LABEL])
def test_proxy_deploys_each_model_as_configured(
    proxy_runs: dict, all_apis: dict, label: str
) -> None:
    run: ProxyRun = proxy_runs[label]
    entries = yaml.safe_load(all_apis[label][0])["model_list"]
    expected = sorted((e["model_name"], e["litellm_params"]["model"]) for e in entries)

    assert run.started
    assert sorted(run.deployments) == expected


def test_litellm_routes_every_model_to_the_intended_provider(
    litellm_venv: Path, all_apis: dict
) -> None:
    """The prefix we generate (`hosted_vllm/`, `ollama_chat/`, ...) is the provider LiteLLM uses."""
    models = [
        entry["litellm_params"]["model"]
        for config_text, _ in all_apis.values()
        for entry in yaml.safe_load(config_text)["model_list"]
    ]
    resolved = resolve_providers(litellm_venv, models)
    assert {m: resolved[m] for m in models} == {m: m.split("/", 1)[0] for m in models}


def test_the_coverage_api_reaches_the_generator_features(coverage_api: tuple) -> None:
    config_text, _ = coverage_api
    assert [f for f in COVERAGE_FEATURES if f not in config_text] == []


@pytest.mark.parametrize("label", [*sorted(PROXY_APIS), COVERAGE_LABEL])
def test_proxy_logs_no_config_error(proxy_runs: dict, label: str) -> None:
    run: ProxyRun = proxy_runs[label]
    assert run.started
    assert run.config_errors() == [], run.startup_log


def test_the_harness_sees_a_rejected_config(proxy_runs: dict) -> None:
    run: ProxyRun = proxy_runs[NEGATIVE_LABEL]
    assert not run.started
    assert run.config_errors() != []


def _injected_env_names(spec: dict) -> set[str]:
    """Env vars the KAOS model-api container gets from `container.env` and `podSpec`."""
    names = {e["name"] for e in spec.get("container", {}).get("env", [])}
    for container in spec.get("podSpec", {}).get("containers", []):
        if container.get("name") == "model-api":
            names |= {e["name"] for e in container.get("env", [])}
    return names


@pytest.mark.parametrize("env", example_environments())
def test_every_credential_the_config_reads_is_injected(env: str) -> None:
    """An `os.environ/NAME` the pod does not set becomes a 500 on the first request."""
    missing = []
    for doc in manifest_documents(env):
        spec = doc.document.get("spec", {})
        if doc.document["kind"] != "ModelAPI" or spec.get("mode") != "Proxy":
            continue
        config_text = spec["proxyConfig"]["configYaml"]["fromString"]
        injected = _injected_env_names(spec)
        missing += [
            f"{doc.file}: {n}" for n in referenced_env_names(config_text) if n not in injected
        ]
    assert missing == []
