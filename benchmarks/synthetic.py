"""A synthetic modelplane repository of N models over P providers and three environments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
ENVIRONMENTS = ("dev", "staging", "prod")
# Provider types cycled through, with what each needs to pass the inventory checks.
PROVIDER_TYPES = (
    "openai",
    "anthropic",
    "azure-openai",
    "gemini",
    "bedrock",
    "openai-compatible",
    "openrouter",
    "mistral",
    "groq",
)
FAMILIES_PER_PROVIDER = 8
VERSIONS_PER_FAMILY = 3


def _provider(index: int) -> dict[str, Any]:
    kind = PROVIDER_TYPES[index % len(PROVIDER_TYPES)]
    # No '-': agentops derives <NAME>_API_KEY env var names from provider names.
    name = f"{kind.replace('-', '')}{index:03d}"
    item: dict[str, Any] = {"name": name, "type": kind}
    if kind == "bedrock":
        item["credentials"] = {"workloadIdentity": True}
        item["config"] = {"bedrock": {"region": "us-east-1"}}
        return item
    item["credentials"] = {
        "secretRef": {"name": f"llm-{name}", "key": "api-key"},
        "env": f"{name.upper()}_API_KEY",
    }
    if kind == "azure-openai":
        item["endpoint"] = f"https://{name}.openai.azure.com"
        item["config"] = {"azure": {"apiVersion": "2024-10-21"}}
    elif kind == "openai-compatible":
        item["endpoint"] = f"http://{name}.inference.svc.cluster.local:8000/v1"
        item["discovery"] = {"flavor": "vllm"}
    elif kind == "openai":
        item["config"] = {"openai": {"organization": f"org-{index:03d}"}}
        item["timeout"] = "120s"
    elif kind == "anthropic":
        item["headers"] = {"anthropic-beta": "token-efficient-tools-2025-02-19"}
        item["timeout"] = "300s"
    return item


def _family(provider: str, family: int) -> str:
    return f"{provider.rstrip('0123456789')}-fam{family}"


def _snapshot(provider: str) -> dict[str, Any]:
    models = []
    for family in range(FAMILIES_PER_PROVIDER):
        base = _family(provider, family)
        models.append({"id": base, "created": "2024-05-10", "contextWindow": 128000})
        for version in range(VERSIONS_PER_FAMILY):
            day = f"2025-0{version + 1}-1{family % 10}"
            models.append({"id": f"{base}-{day}", "created": day, "contextWindow": 128000})
    models.sort(key=lambda m: m["id"])
    return {
        "aliases": {},
        "format": 1,
        "models": models,
        "provider": provider,
        "source": {"fetchedAt": "2026-11-20T09:00:00Z", "url": "https://example.invalid/models"},
    }


def _model(index: int, provider: str, siblings: int) -> dict[str, Any]:
    family = _family(provider, index % FAMILIES_PER_PROVIDER)
    selector = (family, f"{family}-*", f"{family}-2025-01-1{index % FAMILIES_PER_PROVIDER % 10}")[
        index % 3
    ]
    item: dict[str, Any] = {"name": f"{provider}-m{index:03d}", "provider": provider}
    item["model"] = selector
    if index % 4 == 0:
        item["params"] = {"temperature": 0.2, "max_tokens": 4096}
    if index % 5 == 1 and siblings > 1:
        item["fallbacks"] = [f"{provider}-m{(index + 1) % siblings:03d}"]
    if index % 7 == 0:
        item["requires"] = {"minContextWindow": 100000}
    return item


def _model_api(model: dict[str, Any], index: int) -> dict[str, Any]:
    # A model's fallbacks must be served by the same proxy.
    served = [model["name"], *model.get("fallbacks", ())]
    item: dict[str, Any] = {"name": f"api-{model['name']}", "mode": "Proxy", "models": served}
    if index % 3 == 0:
        item["resources"] = {"requests": {"cpu": "250m", "memory": "512Mi"}}
    if index % 10 == 0:
        item["podSpec"] = {
            "containers": [
                {
                    "name": "model-api",
                    "image": "ghcr.io/berriai/litellm:main-v1.82.6",
                    "env": [{"name": "LITELLM_LOG", "value": "INFO"}],
                }
            ]
        }
    if index % 4 == 0:
        item["route"] = {"timeout": "300s"}
    return item


def _environment(env: str, providers: list[str], apis: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "namespace": f"llm-{env}",
        "gateway": {
            "parentRef": {"name": "shared-gateway", "namespace": "gateway-system"},
            "hostnames": [f"llm.{env}.example.com"],
        },
        "labels": {"example.com/cost-center": f"platform-{env}"},
    }
    if env == "prod":
        data["secrets"] = {
            "backend": "external-secrets",
            "externalSecrets": {"storeRef": {"name": "vault-backend"}, "refreshInterval": "15m"},
        }
        data["policies"] = {"requireHttps": True, "forbidInsecureSkipVerify": True}
        data["overrides"] = {
            "providers": [{"name": p, "timeout": "600s"} for p in providers[::10]],
            "modelApis": [
                {
                    "name": api,
                    "replicas": 2,
                    "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                }
                for api in apis[::20]
            ],
        }
    elif env == "staging":
        data["overrides"] = {"modelApis": [{"name": api, "timeout": "120s"} for api in apis[::50]]}
    data["gitops"] = _gitops(env)
    return data


def _gitops(env: str) -> dict[str, Any]:
    """Argo CD for dev (one cluster) and prod (a fleet of two), Flux for staging."""
    gitops: dict[str, Any] = {
        "engine": "flux" if env == "staging" else "argocd",
        "repoURL": "https://github.com/example/llm-platform.git",
    }
    if env == "prod":
        gitops["clusters"] = [{"name": "prod-eu"}, {"name": "prod-us"}]
    return gitops


def generate_repo(root: Path, models: int, providers: int, max_resources: int = 1000) -> None:
    """Write a synthetic modelplane repository of `models` models over `providers`.

    `max_resources` is every environment's sharding threshold (0: never shard).
    """
    provider_items = [_provider(i) for i in range(providers)]
    names = [p["name"] for p in provider_items]
    model_items = []
    for p, name in enumerate(names):
        count = models // providers + (1 if p < models % providers else 0)
        model_items.extend(_model(i, name, count) for i in range(count))
    api_items = [_model_api(m, i) for i, m in enumerate(model_items)]
    _write_yaml(root / "inventory" / "providers.yaml", {"providers": provider_items})
    _write_yaml(root / "inventory" / "models.yaml", {"models": model_items})
    _write_yaml(root / "inventory" / "model-apis.yaml", {"modelApis": api_items})
    apis = [a["name"] for a in api_items]
    for env in ENVIRONMENTS:
        folder = root / "environments" / env
        settings = {**_environment(env, names, apis), "sharding": {"maxResources": max_resources}}
        _write_yaml(folder / "environment.yaml", settings)
        for name in names:
            _write_text(folder / "snapshots" / f"{name}.json", _json(_snapshot(name)))
    for shared in ("templates", "schemas"):
        shutil.copytree(REPO / shared, root / shared)


def _write_yaml(path: Path, data: Any) -> None:
    _write_text(path, yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
