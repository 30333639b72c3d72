"""What a rendered proxy needs at run time: auth, rollout digest, TLS, cloud credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler.models.inventory import Model, ModelApi
from compiler.models.lock import LockedModel, Lockfile
from compiler.models.providers import Provider
from compiler.render.targets.kaos_litellm import KEYLESS_PLACEHOLDER, litellm_config
from compiler.render.targets.kaos_pod import (
    CA_BUNDLE_FILE,
    CA_BUNDLE_IMAGE,
    ca_bundle_pod,
    container_env,
    served_digest,
)
from tests.helpers import copy_example, run_cli


def provider(**fields: Any) -> Provider:
    return Provider.model_validate({"name": "p", "type": "openai", **fields})


def api(**fields: Any) -> ModelApi:
    return ModelApi.model_validate({"name": "chat", "mode": "Proxy", "models": ["m"], **fields})


def config_for(p: Provider, pinned: str = "x-1", **model: Any) -> dict[str, Any]:
    m = Model.model_validate({"name": "m", "provider": p.name, "model": pinned, **model})
    lock = Lockfile.model_validate(
        {
            "inputsDigest": "sha256:0",
            "models": {
                "m": LockedModel(
                    provider=p.name, selector=pinned, match="exact", pinned=pinned, via="listed"
                )
            },
        }
    )
    return litellm_config(api(), {"m": m}, {p.name: p}, lock)


def params_for(p: Provider, pinned: str = "x-1", **model: Any) -> dict[str, Any]:
    return dict(config_for(p, pinned, **model)["model_list"][0]["litellm_params"])


def env_by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def test_a_proxy_asks_for_a_master_key_from_its_default_secret() -> None:
    env = env_by_name(container_env(api(), [], "sha256:1"))
    ref = env["LITELLM_MASTER_KEY"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "chat-master-key", "key": "master-key"}


def test_the_master_key_secret_can_be_named_and_auth_turned_off_explicitly() -> None:
    named = api(auth={"secretRef": {"name": "gw-keys", "key": "chat"}})
    env = env_by_name(container_env(named, [], "sha256:1"))
    assert env["LITELLM_MASTER_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "gw-keys",
        "key": "chat",
    }
    assert "LITELLM_MASTER_KEY" not in env_by_name(container_env(api(auth={"none": True}), [], "d"))
    with pytest.raises(ValueError, match=r"auth\.none excludes"):
        api(auth={"none": True, "secretRef": {"name": "a", "key": "b"}})


def test_hosted_model_apis_have_no_master_key() -> None:
    hosted = ModelApi.model_validate({"name": "llama", "mode": "Hosted", "hosted": {"model": "m"}})
    assert hosted.master_key_ref is None


def test_the_digest_of_what_is_served_is_in_the_container_env() -> None:
    env = env_by_name(container_env(api(), [], served_digest("model_list: []\n")))
    assert env["MODELPLANE_CONFIG_DIGEST"]["value"] == served_digest("model_list: []\n")
    assert served_digest("a") != served_digest("b")


def test_a_ca_builds_one_bundle_with_the_public_roots_and_sets_ssl_cert_file() -> None:
    corp = provider(
        name="corp",
        type="openai-compatible",
        endpoint="https://gw.corp.svc/v1",
        tls={"caSecretRef": {"name": "corp-ca", "key": "ca.crt"}},
    )
    pod = ca_bundle_pod([corp, provider()], None)
    [init] = pod["initContainers"]
    assert init["image"] == CA_BUNDLE_IMAGE
    assert init["command"][0:2] == ["python3", "-c"] and "certifi.where()" in init["command"][2]
    assert init["command"][3:] == [CA_BUNDLE_FILE, "/etc/modelplane/tls/corp/ca.crt"]
    assert {"name": "ca-corp", "secret": {"secretName": "corp-ca"}} in pod["volumes"]
    env = env_by_name(container_env(api(), [corp], "d"))
    assert env["SSL_CERT_FILE"]["value"] == CA_BUNDLE_FILE
    # The per-route ssl_verify most LiteLLM clients ignore is no longer rendered.
    assert "ssl_verify" not in params_for(corp)
    assert ca_bundle_pod([provider()], None) == {}


def test_the_bundle_is_built_with_the_image_the_inventory_pins() -> None:
    corp = provider(tls={"caSecretRef": {"name": "corp-ca", "key": "ca.crt"}})
    assert ca_bundle_pod([corp], "mirror/litellm@sha256:abc")["initContainers"][0]["image"] == (
        "mirror/litellm@sha256:abc"
    )


def test_insecure_skip_verify_is_per_route_where_litellm_reads_it_else_proxy_wide() -> None:
    vllm = provider(
        type="openai-compatible",
        endpoint="https://v.svc/v1",
        discovery={"flavor": "vllm"},
        tls={"insecureSkipVerify": True},
        credentials={"none": True},
    )
    assert params_for(vllm)["ssl_verify"] is False
    assert "SSL_VERIFY" not in env_by_name(container_env(api(), [vllm], "d"))
    gateway = provider(
        type="openai-compatible", endpoint="https://g.svc/v1", tls={"insecureSkipVerify": True}
    )
    assert "ssl_verify" not in params_for(gateway)
    assert env_by_name(container_env(api(), [gateway], "d"))["SSL_VERIFY"]["value"] == "False"


def test_openai_organization_and_project_travel_as_headers() -> None:
    params = params_for(provider(config={"openai": {"organization": "org-1", "project": "proj-1"}}))
    assert params["extra_headers"] == {"OpenAI-Organization": "org-1", "OpenAI-Project": "proj-1"}


def test_vertex_reads_its_service_account_as_vertex_credentials() -> None:
    vertex = provider(
        name="vertex",
        type="vertex-ai",
        credentials={"secretRef": {"name": "sa", "key": "key.json"}},
        config={"vertex": {"project": "p", "location": "europe-west4"}},
    )
    params = params_for(vertex, "gemini-2.5-pro")
    assert params["vertex_credentials"] == "os.environ/VERTEX_VERTEX_CREDENTIALS"
    assert "api_key" not in params
    env = env_by_name(container_env(api(), [vertex], "d"))
    assert env["VERTEX_VERTEX_CREDENTIALS"]["valueFrom"]["secretKeyRef"]["name"] == "sa"
    ambient = provider(
        type="vertex-ai",
        credentials={"workloadIdentity": True},
        config={"vertex": {"project": "p", "location": "us-east5"}},
    )
    assert "vertex_credentials" not in params_for(ambient)


@pytest.mark.parametrize(
    ("pinned", "publisher"),
    [("gemini-2.5-pro", "google"), ("claude-sonnet-4-5@20250929", "anthropic")],
)
def test_a_custom_vertex_endpoint_is_the_models_whole_url(pinned: str, publisher: str) -> None:
    vertex = provider(
        type="vertex-ai",
        endpoint="https://vertex.corp.example",
        credentials={"workloadIdentity": True},
        config={"vertex": {"project": "p", "location": "l"}},
    )
    assert params_for(vertex, pinned)["api_base"] == (
        f"https://vertex.corp.example/v1/projects/p/locations/l/publishers/{publisher}/models/{pinned}"
    )


def test_a_custom_gemini_endpoint_gets_the_api_version_litellm_leaves_out() -> None:
    gemini = provider(type="gemini", endpoint="https://gemini.corp.example")
    assert params_for(gemini)["api_base"] == "https://gemini.corp.example/v1beta"


def test_azure_workload_identity_turns_on_entra_id_token_refresh() -> None:
    azure = provider(
        type="azure-openai",
        endpoint="https://a.openai.azure.com",
        credentials={"workloadIdentity": True},
    )
    config = config_for(azure)
    assert config["litellm_settings"]["enable_azure_ad_token_refresh"] is True
    assert "api_key" not in config["model_list"][0]["litellm_params"]


def test_keyless_openai_sdk_routes_send_a_placeholder_key() -> None:
    open_gateway = provider(
        type="openai-compatible", endpoint="http://g.svc/v1", credentials={"none": True}
    )
    assert params_for(open_gateway)["api_key"] == KEYLESS_PLACEHOLDER


def test_nested_call_parameters_are_kept() -> None:
    thinking = {"type": "enabled", "budget_tokens": 8192}
    params = params_for(provider(type="anthropic"), params={"thinking": thinking, "stop": ["x"]})
    assert params["thinking"] == thinking and params["stop"] == ["x"]


# --- the whole pipeline, on a copy of the example -----------------------------------


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "repo")


def _modelapi(repo: Path, env: str, name: str) -> dict[str, Any]:
    path = repo / "environments" / env / "manifests" / "modelapis" / f"{name}.yaml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_repin_changes_the_pod_template_kaos_hashes(example: Path) -> None:
    before = _modelapi(example, "prod", "chat")["spec"]
    lock = example / "environments" / "prod" / "models.lock"
    _edit(lock, "pinned: gpt-4o-2024-11-20", "pinned: gpt-4o-2024-08-06")
    result = run_cli("render", "--env", "prod", cwd=example)
    assert result.returncode == 0, result.stderr
    after = _modelapi(example, "prod", "chat")["spec"]
    digest = {e["name"]: e.get("value") for e in after["container"]["env"]}[
        "MODELPLANE_CONFIG_DIGEST"
    ]
    assert after["container"] != before["container"]
    assert digest == served_digest(after["proxyConfig"]["configYaml"]["fromString"])


def test_the_master_key_is_delivered_by_the_environments_secret_backend(example: Path) -> None:
    path = example / "environments/prod/manifests/externalsecrets/chat-master-key.yaml"
    secret = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert secret["spec"]["data"] == [
        {
            "secretKey": "master-key",
            "remoteRef": {"key": "chat-master-key", "property": "master-key"},
        }
    ]


def test_opting_out_of_auth_on_a_routed_api_breaks_require_proxy_auth(example: Path) -> None:
    _edit(
        example / "inventory/model-apis.yaml",
        "    models: [embeddings]\n",
        "    models: [embeddings]\n    auth: {none: true}\n",
    )
    result = run_cli("render", "--env", "prod", "--check", cwd=example)
    assert result.returncode == 1
    assert "inventory/model-apis.yaml:30:18: error[policy-proxy-auth]" in result.stderr


def test_a_key_only_discovery_gets_is_a_located_error(example: Path) -> None:
    _edit(
        example / "inventory/providers.yaml",
        "    credentials: {none: true}\n",
        "    credentials: {env: VLLM_API_KEY}\n",
    )
    result = run_cli("render", "--env", "dev", "--check", cwd=example)
    assert result.returncode == 1
    assert "error[missing-cluster-credentials]" in result.stderr
    assert "credentials.env VLLM_API_KEY is read by discovery only" in result.stderr


def test_hosted_ollama_pins_the_snapshots_digest_into_the_pod_template(example: Path) -> None:
    lock = example / "environments" / "prod" / "models.lock"
    digest = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72"
    assert f"revision: {digest}" in lock.read_text(encoding="utf-8")
    before = _modelapi(example, "prod", "llama")["spec"]["container"]["env"]
    assert {"name": "MODELPLANE_MODEL_REVISION", "value": digest} in before
    # The registry moved the tag and `lock --upgrade` recorded it: same tag, new digest.
    _edit(lock, digest, "b" * 64)
    assert run_cli("render", "--env", "prod", cwd=example).returncode == 0
    after = _modelapi(example, "prod", "llama")["spec"]
    assert after["hostedConfig"]["model"] == "llama3.2:latest"
    assert after["container"]["env"] != before


def test_an_unknown_call_parameter_is_warned_at_its_line(example: Path) -> None:
    _edit(
        example / "inventory/models.yaml",
        "    params:\n      temperature: 0.2\n",
        "    params:\n      temprature: 0.2\n"
        "      thinking: {type: enabled, budget_tokens: 2048}\n",
    )
    result = run_cli("render", "--env", "prod", cwd=example)
    assert result.returncode == 0, result.stderr
    assert (
        "inventory/models.yaml:9:19: warning[unknown-param]: params.temprature is not a call "
        "parameter modelplane knows for openai providers" in result.stderr
    )
    assert "params.thinking" not in result.stderr


def test_serving_mistakes_are_located_errors(example: Path) -> None:
    _edit(
        example / "inventory/providers.yaml",
        "    credentials: {none: true}\n",
        "    credentials: {none: true}\n    tls: {insecureSkipVerify: true}\n",
    )
    # vLLM reads a per-route ssl_verify; an OpenAI-SDK gateway does not.
    _edit(
        example / "inventory/providers.yaml",
        "      caSecretRef: {name: corp-root-ca, key: ca.crt}\n",
        "      insecureSkipVerify: true\n",
    )
    _edit(
        example / "inventory/model-apis.yaml",
        "    hosted:\n      model: llama-hosted\n",
        "    hosted:\n      model: llama-hosted\n    auth: {secretRef: {name: k, key: k}}\n",
    )
    (example / "inventory/extra.yaml").write_text(
        "providers:\n"
        "  - name: sso\n"
        "    type: openai-compatible\n"
        "    endpoint: https://sso-gw.example.com/v1\n"
        "    credentials:\n"
        "      oauth2:\n"
        "        tokenURL: https://login.example.com/token\n"
        "        clientIdSecretRef: {name: sso, key: id}\n"
        "        clientSecretSecretRef: {name: sso, key: secret}\n"
        "models:\n  - {name: sso-chat, provider: sso, model: m, allowUndiscovered: true}\n"
        "modelApis:\n  - {name: sso, mode: Proxy, models: [sso-chat], route: {enabled: false}}\n",
        encoding="utf-8",
    )
    dev = example / "environments/dev/environment.yaml"
    _edit(dev, "  providers: [openai,", "  providers: [sso, openai,")
    _edit(dev, "    - chat-default\n", "    - sso-chat\n    - chat-default\n")
    _edit(dev, "modelApis: [chat,", "modelApis: [sso, chat,")
    result = run_cli("render", "--env", "dev", "--check", cwd=example)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error[" in line]
    codes = sorted(line.split("error[")[1].split("]")[0] for line in errors)
    assert codes == ["invalid-value", "oauth2-not-served"], result.stderr
    assert "inventory/extra.yaml:7:9: error[oauth2-not-served]" in result.stderr
    assert "Ollama, which cannot check a master key" in result.stderr
    staging = run_cli("render", "--env", "staging", "--check", cwd=example)
    assert "error[insecure-tls-proxy-wide]" in staging.stderr
    assert "for openai-compatible providers, so skipping verification for 'corpgateway'" in (
        staging.stderr
    )
