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

from tests.helpers import example_environments, manifest_documents
from tests.integration.litellm_proxy import (
    LITELLM_VERSION,
    ProxyPool,
    ProxyRun,
    ensure_litellm_venv,
    installed_version,
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
def proxy_runs(litellm_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    pool = ProxyPool(litellm_venv, tmp_path_factory.mktemp("litellm"))
    jobs = {label: config for label, (config, _) in PROXY_APIS.items()}
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


@pytest.mark.parametrize("label", sorted(PROXY_APIS))
def test_proxy_serves_exactly_the_logical_models(proxy_runs: dict, label: str) -> None:
    run: ProxyRun = proxy_runs[label]
    config_text, models = PROXY_APIS[label]

    assert run.started, f"{label}: proxy did not start (exit {run.exit_code}):\n{run.startup_log}"
    assert sorted(run.model_ids) == sorted(set(run.model_ids)), "duplicate ids"
    assert set(run.model_ids) == set(models)
    names = {entry["model_name"] for entry in yaml.safe_load(config_text)["model_list"]}
    assert names == set(models)
    assert run.unauthenticated_status == 401, "the master key did not take effect"


@pytest.mark.parametrize("label", sorted(PROXY_APIS))
def test_proxy_deploys_each_model_with_a_known_provider(proxy_runs: dict, label: str) -> None:
    """LiteLLM parsed each entry's `<prefix>/<pinned id>` and recognised the prefix."""
    run: ProxyRun = proxy_runs[label]
    entries = yaml.safe_load(PROXY_APIS[label][0])["model_list"]
    expected = sorted((e["model_name"], e["litellm_params"]["model"]) for e in entries)

    assert run.started
    assert sorted((name, model) for name, model, _ in run.deployments) == expected
    assert [name for name, _, provider in run.deployments if not provider] == []


@pytest.mark.parametrize("label", sorted(PROXY_APIS))
def test_proxy_logs_no_config_error(proxy_runs: dict, label: str) -> None:
    run: ProxyRun = proxy_runs[label]
    assert run.started
    assert run.config_errors() == [], run.startup_log


def test_the_harness_sees_a_rejected_config(proxy_runs: dict) -> None:
    run: ProxyRun = proxy_runs[NEGATIVE_LABEL]
    assert not run.started
    assert run.config_errors() != []
