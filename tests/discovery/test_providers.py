"""Each provider's real listing behaviour, against documented response shapes."""

from __future__ import annotations

import pytest

from compiler.discovery.bedrock import region_profiles
from compiler.discovery.run import discover_providers
from compiler.models.capabilities import VOCABULARY, normalize, normalize_all
from tests.discovery.conftest import (
    AzureConfig,
    BedrockConfig,
    ProviderConfig,
    VertexConfig,
    make_provider,
)
from tests.discovery.server import file_reply, json_reply


def _snap(provider, options, environ=None):
    outcome = discover_providers([provider], environ=environ or {"K": "k"}, options=options)
    assert outcome.ok, outcome.failures
    return outcome.snapshots[provider.name]


def test_azure_v1_models_api_without_api_version(server, options):
    server.add(
        "/openai/v1/models", file_reply("azure-openai", "models_v1.json"), expect={"api-key": "k"}
    )
    p = make_provider("aoai", "azure-openai", server.url, env="K")
    snap = _snap(p, options)
    assert "gpt-4o-2024-08-06" in snap.ids()
    assert server.seen[0].query == {}
    assert snap.source.url == f"{server.url}/openai/v1/models"


def test_azure_declared_deployments_are_checked_against_the_model_list(server, options):
    server.add("/openai/v1/models", file_reply("azure-openai", "models_v1.json"))
    config = ProviderConfig(azure=AzureConfig(deployments={"chat": "gpt-4o-2024-08-06"}))
    p = make_provider("aoai", "azure-openai", server.url, env="K", config=config)
    chat = next(m for m in _snap(p, options).models if m.id == "chat")
    assert chat.details == {
        "kind": "deployment",
        "model": "gpt-4o-2024-08-06",
        "source": "declared",
    }
    wrong = ProviderConfig(azure=AzureConfig(deployments={"chat": "gpt-5-nonexistent"}))
    bad = make_provider("aoai", "azure-openai", server.url, env="K", config=wrong)
    failure = discover_providers([bad], environ={"K": "k"}, options=options).failures["aoai"]
    assert "chat -> gpt-5-nonexistent" in failure.message


def test_vertex_lists_configured_partner_publishers(server, options):
    server.add(
        "/v1beta1/publishers/google/models",
        json_reply(
            {
                "publisherModels": [
                    {"name": "publishers/google/models/gemini-2.5-pro", "versionId": "default"}
                ]
            }
        ),
    )
    claude = {
        "publisherModels": [
            {"name": "publishers/anthropic/models/claude-sonnet-4-5", "versionId": "20250929"},
            {"name": "publishers/anthropic/models/claude-sonnet-4", "versionId": "20250514"},
        ]
    }
    server.add(
        "/v1beta1/publishers/anthropic/models",
        json_reply(claude),
        query={"listAllVersions": "true"},
    )
    llama = {
        "publisherModels": [
            {
                "name": "publishers/meta/models/llama-4-maverick-17b-128e-instruct-maas",
                "versionId": "001",
            }
        ]
    }
    server.add("/v1beta1/publishers/meta/models", json_reply(llama))
    config = ProviderConfig(
        vertex=VertexConfig("proj", "us-east5", ("google", "anthropic", "meta"))
    )
    p = make_provider("vertex", "vertex-ai", server.url, config=config)
    snap = _snap(p, options, {})
    assert snap.ids() == {
        "gemini-2.5-pro",
        "claude-sonnet-4-5@20250929",
        "claude-sonnet-4@20250514",
        "llama-4-maverick-17b-128e-instruct-maas",
    }
    publisher = {m.id: m.details["publisher"] for m in snap.models}
    assert publisher["claude-sonnet-4-5@20250929"] == "anthropic"


def test_ollama_implicit_latest_and_embedding_capability(server, options):
    tags = {
        "models": [
            {
                "name": "phi4-mini:latest",
                "digest": "sha256:" + "a" * 64,
                "capabilities": ["completion", "tools"],
                "details": {"context_length": 131072},
            },
            {
                "name": "nomic-embed-text:latest",
                "digest": "sha256:" + "b" * 64,
                "capabilities": ["embedding"],
                "details": {"context_length": 2048},
            },
            {
                "name": "qwen2.5-coder:7b",
                "digest": "sha256:" + "c" * 64,
                "capabilities": ["completion", "insert"],
                "details": {"context_length": 32768},
            },
        ]
    }
    server.add("/api/tags", json_reply(tags))
    snap = _snap(make_provider("ollama", "ollama", server.url), options, {})
    assert snap.aliases == {
        "nomic-embed-text": "nomic-embed-text:latest",
        "phi4-mini": "phi4-mini:latest",
    }
    caps = {m.id: m.capabilities for m in snap.models}
    assert caps["nomic-embed-text:latest"] == ("embeddings",)
    assert caps["phi4-mini:latest"] == ("chat", "tools")
    assert caps["qwen2.5-coder:7b"] == ("chat", "fim")
    assert {m.details["digest"] for m in snap.models} == {"sha256:" + c * 64 for c in "abc"}


def test_openrouter_lists_every_output_modality(server, options):
    models = {
        "data": [
            {
                "id": "openai/gpt-5-image",
                "architecture": {
                    "input_modalities": ["text", "image"],
                    "output_modalities": ["image", "text"],
                },
            },
            {
                "id": "openai/text-embedding-3-small",
                "architecture": {"output_modalities": ["embeddings"]},
            },
            {"id": "openai/gpt-4o-mini-tts", "architecture": {"output_modalities": ["speech"]}},
        ]
    }
    server.add("/api/v1/models", json_reply(models), query={"output_modalities": "all"})
    snap = _snap(make_provider("or", "openrouter", server.url + "/api/v1"), options, {})
    caps = {m.id: m.capabilities for m in snap.models}
    assert caps == {
        "openai/gpt-5-image": ("chat", "image-generation", "vision"),
        "openai/text-embedding-3-small": ("embeddings",),
        "openai/gpt-4o-mini-tts": ("speech",),
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("countTextTokens", None),
        ("countTokens", None),
        ("fine_tune", "fine-tuning"),
        ("chat_completion", "chat"),
        ("structured_outputs", "structured-outputs"),
        ("reasoning", "thinking"),
        ("embedding", "embeddings"),
        ("embedContent", "embeddings"),
        ("function_calling", "tools"),
        ("inference", None),
        ("somethingNew", "something-new"),
    ],
)
def test_capability_vocabulary(raw, expected):
    assert normalize(raw) == expected
    assert expected is None or expected == "something-new" or expected in VOCABULARY


def test_normalize_all_sorts_and_deduplicates():
    assert normalize_all(["embedding", "embeddings", "countTokens", "tools"]) == (
        "embeddings",
        "tools",
    )


@pytest.mark.parametrize(
    ("region", "profile"),
    [
        ("us-east-1", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("eu-west-1", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ],
)
def test_bedrock_records_the_regions_profile_for_profile_only_models(
    server, options, region, profile
):
    server.add("/foundation-models", file_reply("bedrock", "list_foundation_models.json"))
    server.add("/inference-profiles", file_reply("bedrock", "list_inference_profiles_page1.json"))
    server.add(
        "/inference-profiles",
        file_reply("bedrock", "list_inference_profiles_page2.json"),
        query={"nextToken": "eyJwYWdlIjoyLCJleGFtcGxlIjp0cnVlfQ=="},
    )
    config = ProviderConfig(bedrock=BedrockConfig(region=region))
    p = make_provider("bedrock", "bedrock", server.url, env="K", config=config)
    models = {m.id: m for m in _snap(p, options).models}
    sonnet = models["anthropic.claude-sonnet-4-5-20250929-v1:0"]
    assert sonnet.details["inferenceProfile"] == profile
    # on-demand models are called by their own id
    assert "inferenceProfile" not in models["meta.llama3-1-8b-instruct-v1:0"].details


def test_bedrock_region_geographies():
    ids = {"us.m", "eu.m", "apac.m", "jp.m", "global.m", "global.n"}
    assert region_profiles("us-west-2", ids) == {"m": "us.m", "n": "global.n"}
    assert region_profiles("ap-northeast-1", ids)["m"] == "jp.m"
    assert region_profiles("ap-south-1", ids)["m"] == "apac.m"
    assert region_profiles("sa-east-1", ids)["m"] == "global.m"


def test_openrouter_canonical_slug_is_an_alias_of_the_callable_id(server, options):
    models = {
        "data": [
            {
                "id": "anthropic/claude-sonnet-4.5",
                "canonical_slug": "anthropic/claude-4.5-sonnet-20250929",
            }
        ]
    }
    server.add("/api/v1/models", json_reply(models))
    snap = _snap(make_provider("or", "openrouter", server.url + "/api/v1"), options, {})
    assert snap.aliases == {"anthropic/claude-4.5-sonnet-20250929": "anthropic/claude-sonnet-4.5"}
