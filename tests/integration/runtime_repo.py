"""An inventory with one provider of every type on loopback upstreams (test support).

Every provider points at a loopback server that speaks its API; `corp` sits behind TLS
signed by a private CA (the in-cluster gateway case), beside public-style providers in
the same proxy. The `open` model API is explicitly unauthenticated and unrouted; the
`insecure` one serves only a provider whose certificate is not verified.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.helpers import REPO_ROOT

# Secret name -> key -> value: what the cluster would hold (test values only).
SECRETS: dict[str, dict[str, str]] = {
    "llm-openai": {"api-key": "sk-test-openai"},
    "llm-azure": {"api-key": "azure-test-key"},
    "llm-anthropic": {"api-key": "sk-ant-test"},
    "llm-gemini": {"api-key": "gemini-test-key"},
    "llm-vllm": {"api-key": "vllm-test-key"},
    "llm-corp": {"api-key": "corp-test-key"},
    "llm-openrouter": {"api-key": "sk-or-test"},
    "llm-mistral": {"api-key": "mistral-test-key"},
    "llm-together": {"api-key": "together-test-key"},
    "llm-deepseek": {"api-key": "deepseek-test-key"},
    "serving-master-key": {"master-key": "sk-master-serving"},
    "insecure-master-key": {"master-key": "sk-master-insecure"},
}
AMBIENT_AWS = {
    # What IRSA / the pod identity agent would give the pod: bedrock signs with it.
    "AWS_ACCESS_KEY_ID": "AKIDMODELPLANETEST",
    "AWS_SECRET_ACCESS_KEY": "modelplane-test-secret-access-key",
}


def service_account_json(token_uri: str, email: str) -> str:
    """A Google service-account key whose token endpoint is the loopback upstream."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "proj-test",
            "private_key_id": "test-key-id",
            "private_key": pem,
            "client_email": email,
            "client_id": "1234567890",
            "token_uri": token_uri,
        }
    )


def _secret(name: str) -> dict[str, str]:
    return {"name": name, "key": "api-key"}


def _providers(plain: str, tls: str) -> list[dict[str, object]]:
    return [
        {
            "name": "openai",
            "type": "openai",
            "endpoint": f"{plain}/v1",
            "credentials": {"secretRef": _secret("llm-openai")},
            "config": {"openai": {"organization": "org-test", "project": "proj-test"}},
        },
        {
            "name": "azure",
            "type": "azure-openai",
            "endpoint": plain,
            "credentials": {"secretRef": _secret("llm-azure")},
            "config": {"azure": {"apiVersion": "2024-10-21"}},
        },
        {
            "name": "anthropic",
            "type": "anthropic",
            "endpoint": plain,
            "credentials": {"secretRef": _secret("llm-anthropic")},
            "headers": {"anthropic-beta": "token-efficient-tools-2025-02-19"},
        },
        {
            "name": "gemini",
            "type": "gemini",
            "endpoint": plain,
            "credentials": {"secretRef": _secret("llm-gemini")},
        },
        {
            "name": "bedrock",
            "type": "bedrock",
            "endpoint": plain,
            "credentials": {"workloadIdentity": True},
            "config": {"bedrock": {"region": "us-east-1"}},
        },
        {"name": "ollama", "type": "ollama", "endpoint": plain},
        {
            "name": "vllm",
            "type": "openai-compatible",
            "endpoint": f"{plain}/v1",
            "credentials": {"secretRef": _secret("llm-vllm")},
            "discovery": {"flavor": "vllm"},
        },
        {
            "name": "vllm-open",
            "type": "openai-compatible",
            "endpoint": f"{plain}/v1",
            "credentials": {"none": True},
            "discovery": {"flavor": "vllm"},
        },
        {
            "name": "corp",
            "type": "openai-compatible",
            "endpoint": f"{tls}/v1",
            "credentials": {"secretRef": _secret("llm-corp")},
            "tls": {"caSecretRef": {"name": "corp-ca", "key": "ca.crt"}},
        },
        {
            "name": "openrouter",
            "type": "openrouter",
            "endpoint": f"{plain}/api/v1",
            "credentials": {"secretRef": _secret("llm-openrouter")},
            "headers": {"HTTP-Referer": "https://platform.example.com", "X-Title": "modelplane"},
        },
        {
            "name": "mistral",
            "type": "mistral",
            "endpoint": f"{plain}/v1",
            "credentials": {"secretRef": _secret("llm-mistral")},
        },
        {
            "name": "together",
            "type": "together",
            "endpoint": f"{plain}/v1",
            "credentials": {"secretRef": _secret("llm-together")},
        },
        {
            "name": "deepseek",
            "type": "deepseek",
            "endpoint": plain,
            "credentials": {"secretRef": _secret("llm-deepseek")},
        },
        {
            "name": "vertex",
            "type": "vertex-ai",
            "endpoint": plain,
            "credentials": {"secretRef": {"name": "llm-vertex", "key": "service-account.json"}},
            "config": {"vertex": {"project": "proj-test", "location": "europe-west4"}},
        },
        {
            "name": "vertex-wi",
            "type": "vertex-ai",
            "endpoint": plain,
            "credentials": {"workloadIdentity": True},
            "config": {"vertex": {"project": "proj-ambient", "location": "us-east5"}},
        },
        {
            "name": "lab",
            "type": "openai-compatible",
            "endpoint": f"{tls}/v1",
            "credentials": {"none": True},
            "tls": {"insecureSkipVerify": True},
        },
    ]


# logical name -> (provider, upstream id, extra fields)
MODELS: dict[str, tuple[str, str, dict[str, object]]] = {
    "gpt": ("openai", "gpt-4o-2024-11-20", {"params": {"temperature": 0.2}}),
    "embed": ("openai", "text-embedding-3-small", {}),
    "azure-chat": ("azure", "chat-deployment", {}),
    "azure-embed": ("azure", "embed-deployment", {}),
    "claude": (
        "anthropic",
        "claude-sonnet-4-5-20250929",
        {"params": {"max_tokens": 16000, "thinking": {"type": "enabled", "budget_tokens": 8192}}},
    ),
    "gemini": ("gemini", "gemini-2.0-flash-001", {}),
    "bedrock-claude": ("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", {}),
    "llama-ollama": ("ollama", "llama3.2:latest", {}),
    "llama-vllm": ("vllm", "meta-llama/Llama-3.1-8B-Instruct", {}),
    "corp-chat": ("corp", "corp-gpt", {}),
    "qwen-open": ("vllm-open", "Qwen/Qwen2.5-7B-Instruct", {}),
    "router": ("openrouter", "openrouter/auto", {}),
    "mistral": ("mistral", "mistral-large-2411", {}),
    "together": ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", {}),
    "deepseek": ("deepseek", "deepseek-chat", {}),
    "vertex-gemini": ("vertex", "gemini-2.0-flash-001", {}),
    "vertex-claude": ("vertex", "claude-sonnet-4-5@20250929", {"params": {"max_tokens": 1024}}),
    "vertex-ambient": ("vertex-wi", "gemini-2.5-pro", {}),
    "flaky": ("openai", "gpt-fail500", {"fallbacks": ["gpt"]}),
    "lab-chat": ("lab", "lab-model", {}),
}
SERVING = [name for name in MODELS if name != "lab-chat"]
MODEL_APIS = [
    {"name": "serving", "mode": "Proxy", "models": SERVING},
    {"name": "insecure", "mode": "Proxy", "models": ["lab-chat"]},
    {
        "name": "open",
        "mode": "Proxy",
        "models": ["gpt"],
        "auth": {"none": True},
        "route": {"enabled": False},
    },
]


def _models() -> list[dict[str, object]]:
    return [
        {
            "name": name,
            "provider": provider,
            "model": upstream,
            "match": "exact",
            "allowUndiscovered": True,
            **extra,
        }
        for name, (provider, upstream, extra) in MODELS.items()
    ]


def write_runtime_repo(root: Path, plain: str, tls: str) -> Path:
    """A repo (templates and schemas of this checkout) with the loopback inventory."""
    root.mkdir(parents=True)
    for folder in ("templates", "schemas"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    inventory = root / "inventory"
    inventory.mkdir()
    _dump(inventory / "providers.yaml", {"providers": _providers(plain, tls)})
    _dump(inventory / "models.yaml", {"models": _models()})
    _dump(inventory / "model-apis.yaml", {"modelApis": MODEL_APIS})
    _dump(
        root / "environments" / "test" / "environment.yaml",
        {
            "namespace": "llm-test",
            "gateway": {"parentRef": {"name": "gw"}, "hostnames": ["llm.test.example.com"]},
            "policies": {"requireProxyAuth": True},
            "targets": ["kaos"],
        },
    )
    return root


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
