"""Every snapshot of the example repository, as the adapters produce them.

The provider answers (example_answers.py and below) follow each API's documented shape
(ids and dates are illustrative). `python -m tests.discovery.example_snapshots` rewrites
the snapshot files by running the real adapters against a loopback server serving them;
tests/discovery/test_example_snapshots.py checks the committed files are exactly that.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from compiler.discovery.accounts import Job
from compiler.discovery.run import DiscoveryOptions, discover_jobs
from compiler.inventory.load import load_environment
from compiler.models.snapshot import Snapshot, snapshot_to_json
from compiler.project import Project
from tests.discovery import example_answers as answers
from tests.discovery.conftest import FakeCloud
from tests.discovery.server import FakeProvider, json_reply

FETCHED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_SHARED = ("openai", "anthropic", "gemini", "vllm", "ollama")
ENVIRONMENTS = {
    "prod": (*_SHARED, "azure", "bedrock", "corpgateway", "vertex"),
    "staging": (*_SHARED, "azure", "bedrock", "corpgateway", "vertex"),
    "dev": (*_SHARED, "openrouter"),
}


def _day(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


AZURE_MODELS = {
    "object": "list",
    "data": [
        {
            "id": model,
            "object": "model",
            "created_at": _day(created),
            "lifecycle_status": "generally-available",
            "capabilities": {"chat_completion": chat, "embeddings": not chat, "inference": True},
            "deprecation": {"inference": _day(retires)},
        }
        for model, created, chat, retires in (
            ("gpt-4o-2024-08-06", "2024-08-06", True, "2026-10-01"),
            ("gpt-4o-mini-2024-07-18", "2024-07-18", True, "2026-10-01"),
            ("text-embedding-3-small", "2024-01-25", False, "2027-04-30"),
        )
    ],
}
_CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
_HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
BEDROCK_FOUNDATION = {
    "modelSummaries": [
        {
            "modelId": model,
            "providerName": provider,
            "inputModalities": inputs,
            "outputModalities": outputs,
            "responseStreamingSupported": outputs == ["TEXT"],
            "inferenceTypesSupported": types,
            "modelLifecycle": {"status": "ACTIVE"},
        }
        for model, provider, inputs, outputs, types in (
            (_CLAUDE, "Anthropic", ["TEXT", "IMAGE"], ["TEXT"], ["INFERENCE_PROFILE"]),
            (_HAIKU, "Anthropic", ["TEXT", "IMAGE"], ["TEXT"], ["ON_DEMAND"]),
            ("meta.llama3-1-8b-instruct-v1:0", "Meta", ["TEXT"], ["TEXT"], ["ON_DEMAND"]),
            ("amazon.titan-embed-text-v2:0", "Amazon", ["TEXT"], ["EMBEDDING"], ["ON_DEMAND"]),
        )
    ]
}
BEDROCK_PROFILES = {
    "inferenceProfileSummaries": [
        {
            "inferenceProfileId": f"{geo}.{model}",
            "inferenceProfileName": f"{geo.upper()} {model}",
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
            "models": [
                {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model}"}
                for region in regions
            ],
        }
        for geo, model, regions in (
            ("us", _CLAUDE, ("us-east-1", "us-east-2", "us-west-2")),
            ("global", _CLAUDE, ("us-east-1", "eu-west-1", "ap-northeast-1")),
            ("us", _HAIKU, ("us-east-1", "us-west-2")),
        )
    ]
}
OLLAMA_TAGS = {
    "models": [
        {
            "name": name,
            "model": name,
            "size": size,
            "digest": digest,
            "details": {
                "format": "gguf",
                "family": family,
                "parameter_size": params,
                "quantization_level": "Q4_K_M",
                "context_length": context,
            },
            "capabilities": capabilities,
        }
        for name, size, digest, family, params, context, capabilities in (
            (
                "llama3.2:latest",
                2019393189,
                "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                "llama",
                "3.2B",
                131072,
                ["completion", "tools"],
            ),
            (
                "deepseek-r1:latest",
                4683075271,
                "0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163",
                "qwen2",
                "7.6B",
                131072,
                ["completion", "thinking"],
            ),
            (
                "nomic-embed-text:latest",
                274302450,
                "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f",
                "nomic-bert",
                "137M",
                2048,
                ["embedding"],
            ),
        )
    ]
}


# Providers whose list paths would clash on one loopback server get a prefix of their own.
_PATHS = {"vllm": "/vllm", "openrouter": "/openrouter", "corpgateway": "/corp"}
KEYS = (
    "CORP_GATEWAY_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "AWS_BEARER_TOKEN_BEDROCK",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "OPENROUTER_API_KEY",
)


def _serve(server: FakeProvider) -> None:
    server.add("/openai/v1/models", json_reply(AZURE_MODELS))
    server.add("/models", json_reply(answers.OPENAI_MODELS))
    server.add("/v1/models", json_reply(answers.ANTHROPIC_MODELS))
    for alias, target in answers.ANTHROPIC_ALIASES.items():
        server.add(f"/v1/models/{alias}", json_reply(answers.anthropic_model(target)))
    server.add("/v1beta/models", json_reply(answers.GEMINI_MODELS))
    server.add("/vllm/models", json_reply(answers.VLLM_MODELS))
    server.add("/openrouter/models", json_reply(answers.OPENROUTER_MODELS))
    server.add("/corp/models", json_reply(answers.CORP_GATEWAY_MODELS))
    server.add("/v1beta1/publishers/google/models", json_reply(answers.VERTEX_GOOGLE_MODELS))
    server.add("/foundation-models", json_reply(BEDROCK_FOUNDATION))
    server.add("/inference-profiles", json_reply(BEDROCK_PROFILES))
    server.add("/api/tags", json_reply(OLLAMA_TAGS))


def generate(project: Project) -> Iterator[tuple[Path, str]]:
    """(snapshot path, exact text) for every example snapshot this module owns."""
    with FakeProvider() as server:
        _serve(server)
        for env, names in ENVIRONMENTS.items():
            resolved = load_environment(project, env, scope="models")
            for provider in (p for p in resolved.providers if p.name in names):
                real = provider.base_url or ""
                path = _PATHS.get(provider.name, "")
                local = provider.model_copy(update={"endpoint": server.url + path})
                environ = dict.fromkeys(KEYS, "example")
                if provider.type == "bedrock":  # the example signs; a bearer keeps it offline
                    local = _with_bearer(local)
                options = DiscoveryOptions(cloud=FakeCloud(), now=lambda: FETCHED)
                out = discover_jobs([Job(env, local)], environ=environ, options=options)[env]
                assert out.ok, out.failures
                snapshot = _real_source(out.snapshots[provider.name], server.url, real)
                yield (
                    project.snapshots_dir(env) / f"{provider.name}.json",
                    snapshot_to_json(snapshot),
                )


def _with_bearer(provider: Any) -> Any:
    creds = provider.credentials.model_copy(update={"env": "AWS_BEARER_TOKEN_BEDROCK"})
    return provider.model_copy(update={"credentials": creds})


def _real_source(snapshot: Snapshot, local: str, real: str) -> Snapshot:
    assert snapshot.source is not None
    path = snapshot.source.url.removeprefix(local)
    for prefix in _PATHS.values():
        path = path.removeprefix(prefix)
    source = snapshot.source.model_copy(update={"url": real + path})
    return snapshot.model_copy(update={"source": source})


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    for path, text in generate(Project(root)):
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path.relative_to(root)}\n")
