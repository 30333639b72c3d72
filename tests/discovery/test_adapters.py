"""Each adapter against a local server speaking its provider's wire format (fixture bodies)."""

from __future__ import annotations

import json
from typing import Any

from compiler.discovery.run import discover_providers
from compiler.models.snapshot import Snapshot
from tests.discovery.conftest import (
    ArmRef,
    AzureConfig,
    BedrockConfig,
    Credentials,
    DiscoverySettings,
    OpenAIConfig,
    ProviderConfig,
    VertexConfig,
    make_provider,
)
from tests.discovery.server import FakeProvider, file_reply, json_reply

KEY = "sk-test-0123456789abcdef"


def _one(server: FakeProvider, provider: Any, client: Any, options: Any, **kw: Any) -> Snapshot:
    outcome = discover_providers(
        [provider], client=client, environ={"KEY": KEY}, options=options, **kw
    )
    assert not outcome.failures, outcome.failures
    assert server.violations == []
    return outcome.snapshots[provider.name]


def _model(snapshot: Snapshot, model_id: str) -> dict[str, Any]:
    [model] = [m for m in snapshot.models if m.id == model_id]
    return model.model_dump(exclude_defaults=True)


def test_openai_sends_bearer_and_org_headers(server, client, options):
    expect = {
        "authorization": f"Bearer {KEY}",
        "openai-organization": "org-1",
        "openai-project": "p",
    }
    server.add("/v1/models", file_reply("openai", "models.json"), expect=expect)
    config = ProviderConfig(openai=OpenAIConfig(organization="org-1", project="p"))
    p = make_provider("openai-prod", "openai", server.url + "/v1", env="KEY", config=config)
    snap = _one(server, p, client, options)
    assert "gpt-4o-2024-08-06" in snap.ids()
    assert _model(snap, "gpt-4o-2024-08-06")["created"] == "2024-08-04"
    assert snap.source is not None and snap.source.url == server.url + "/v1/models"
    assert server.seen[0].headers["user-agent"].startswith("modelplane/")


def test_anthropic_pages_with_cursor_and_pins_aliases(server, client, options):
    expect = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    server.add("/v1/models", file_reply("anthropic", "models_page1.json"), expect=expect)
    server.add(
        "/v1/models",
        file_reply("anthropic", "models_page2.json"),
        query={"after_id": "claude-haiku-4-5-20251001"},
        expect=expect,
    )
    server.add(
        "/v1/models/claude-sonnet-4-5",
        file_reply("anthropic", "model_alias_claude-sonnet-4-5.json"),
        expect=expect,
    )
    p = make_provider("anthropic-prod", "anthropic", server.url, env="KEY")
    snap = _one(server, p, client, options)
    assert len(snap.models) == 6
    assert snap.aliases == {"claude-sonnet-4-5": "claude-sonnet-4-5-20250929"}
    sonnet = _model(snap, "claude-sonnet-4-5-20250929")
    assert sonnet["context_window"] == 200000
    assert sonnet["created"] == "2025-09-29"
    assert {"chat", "vision"} <= set(sonnet["capabilities"])
    assert server.requests_to("/v1/models")[0].query["limit"] == "1000"


def test_anthropic_resolves_wanted_alias(server, client, options):
    server.add("/v1/models", file_reply("anthropic", "models_page2.json"))
    server.add(
        "/v1/models/sonnet-latest", file_reply("anthropic", "model_alias_claude-sonnet-4-5.json")
    )
    p = make_provider("a", "anthropic", server.url, env="KEY")
    outcome = discover_providers(
        [p],
        client=client,
        environ={"KEY": KEY},
        options=options.__class__(
            policy=options.policy, cloud=options.cloud, wanted={"a": ["sonnet-latest"]}
        ),
    )
    assert outcome.snapshots["a"].aliases["sonnet-latest"] == "claude-sonnet-4-5-20250929"


def test_gemini_pages_with_token_and_header_key(server, client, options):
    expect = {"x-goog-api-key": KEY}
    server.add("/v1beta/models", file_reply("gemini", "models_page1.json"), expect=expect)
    server.add(
        "/v1beta/models",
        file_reply("gemini", "models_page2.json"),
        query={"pageToken": "Ch1tb2RlbHMvZ2VtaW5pLTIuMC1mbGFzaC0wMDE="},
        expect=expect,
    )
    p = make_provider("gemini", "gemini", server.url, env="KEY")
    snap = _one(server, p, client, options)
    pro = _model(snap, "gemini-2.5-pro")
    assert pro["context_window"] == 1048576
    assert "thinking" in pro["capabilities"]
    assert all("key" not in s.query for s in server.seen)


def test_vertex_uses_adc_token_and_project_header(server, client, options):
    expect = {"authorization": "Bearer ya29.fake-google-token", "x-goog-user-project": "proj"}
    path = "/v1beta1/publishers/google/models"
    server.add(path, file_reply("vertex-ai", "publisher_models_page1.json"), expect=expect)
    server.add(
        path,
        file_reply("vertex-ai", "publisher_models_page2.json"),
        query={"pageToken": "CgxwdWJsaXNoZXJNb2RlbA"},
        expect=expect,
    )
    config = ProviderConfig(vertex=VertexConfig(project="proj", location="us-central1"))
    creds = Credentials(workload_identity=True)
    p = make_provider("vertex", "vertex-ai", server.url, credentials=creds, config=config)
    snap = _one(server, p, client, options)
    assert _model(snap, "gemini-2.0-flash-001")["details"]["versionId"] == "001"
    assert "text-embedding-005" in snap.ids()


def test_azure_lists_models_and_arm_deployments_with_separate_credentials(server, client, options):
    arm_path = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-llm/providers/"
        "Microsoft.CognitiveServices/accounts/aoai-example/deployments"
    )
    server.rewrite["https://management.azure.com"] = server.url
    server.add(
        "/openai/models",
        file_reply("azure-openai", "models_dataplane.json"),
        query={"api-version": "2024-10-21"},
        expect={"api-key": KEY},
    )
    arm = {"authorization": "Bearer fake-entra-token-arm"}
    server.add(arm_path, file_reply("azure-openai", "deployments_page1.json"), expect=arm)
    server.add(
        arm_path,
        file_reply("azure-openai", "deployments_page2.json"),
        query={"$skipToken": "ZXhhbXBsZS1za2lwLXRva2Vu"},
        expect=arm,
    )
    ref = ArmRef("00000000-0000-0000-0000-000000000000", "rg-llm", "aoai-example")
    config = ProviderConfig(azure=AzureConfig(deployments_arm=ref, models_api="dated"))
    p = make_provider("aoai", "azure-openai", server.url, env="KEY", config=config)
    opts = options.__class__(policy=options.policy, cloud=options.cloud, arm_endpoint=server.url)
    snap = _one(server, p, client, opts)
    chat = _model(snap, "chat-default")
    assert chat["details"]["model"] == "gpt-4o"
    assert chat["details"]["modelVersion"] == "2024-08-06"
    assert _model(snap, "gpt-4o-2024-08-06")["retires_at"] == "2026-03-02"
    # The data-plane key never goes to ARM, the ARM token never to the data plane.
    assert all("api-key" not in s.headers for s in server.requests_to(arm_path))
    assert all("authorization" not in s.headers for s in server.requests_to("/openai/models"))


def test_bedrock_signs_with_sigv4_and_pages_profiles(server, client, options):
    server.add("/foundation-models", file_reply("bedrock", "list_foundation_models.json"))
    server.add("/inference-profiles", file_reply("bedrock", "list_inference_profiles_page1.json"))
    server.add(
        "/inference-profiles",
        file_reply("bedrock", "list_inference_profiles_page2.json"),
        query={"nextToken": "eyJwYWdlIjoyLCJleGFtcGxlIjp0cnVlfQ=="},
    )
    config = ProviderConfig(bedrock=BedrockConfig(region="eu-west-1"))
    creds = Credentials(workload_identity=True)
    p = make_provider("bedrock", "bedrock", server.url, credentials=creds, config=config)
    environ = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-aws-value"}
    outcome = discover_providers([p], client=client, environ=environ, options=options)
    snap = outcome.snapshots["bedrock"]
    for seen in server.seen:
        auth = seen.headers["authorization"]
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "/eu-west-1/bedrock/aws4_request" in auth
        assert "x-amz-date" in seen.headers
    haiku = _model(snap, "anthropic.claude-3-haiku-20240307-v1:0")
    assert haiku["retires_at"] == "2026-09-01"
    assert haiku["deprecated_at"] == "2026-03-01"
    assert (
        _model(snap, "us.meta.llama3-1-8b-instruct-v1:0")["details"]["kind"] == "inference-profile"
    )
    assert "secret-aws-value" not in snap.model_dump_json()


def test_bedrock_api_key_uses_bearer(server, client, options):
    expect = {"authorization": f"Bearer {KEY}"}
    server.add(
        "/foundation-models", file_reply("bedrock", "list_foundation_models.json"), expect=expect
    )
    server.add("/inference-profiles", json_reply({"inferenceProfileSummaries": []}), expect=expect)
    p = make_provider("bedrock", "bedrock", server.url, env="KEY")
    assert len(_one(server, p, client, options).models) == 5


def test_ollama_tags_keep_digest_and_drop_modified_at(server, client, options):
    server.add("/api/tags", file_reply("ollama", "tags_newer_server.json"))
    p = make_provider("ollama", "ollama", server.url)
    snap = _one(server, p, client, options)
    llama = _model(snap, "llama3.2:latest")
    assert llama["details"]["digest"].startswith("a80c4f17")
    assert llama["context_window"] == 131072
    assert "modified" not in snap.model_dump_json()


def test_vllm_drops_created_and_keeps_root_parent_max_len(server, client, options):
    server.add("/v1/models", file_reply("vllm", "models.json"))
    p = make_provider("vllm", "openai-compatible", server.url + "/v1")
    snap = _one(server, p, client, options)
    base = _model(snap, "llama-3.1-8b-instruct")
    assert base == {
        "id": "llama-3.1-8b-instruct",
        "context_window": 32768,
        "details": {"root": "meta-llama/Llama-3.1-8B-Instruct"},
    }
    assert _model(snap, "sql-lora")["details"]["parent"] == "llama-3.1-8b-instruct"
    assert server.requests_to("/v1/model/info") == []


def test_litellm_enriches_from_model_info(server, client, options):
    expect = {"authorization": f"Bearer {KEY}"}
    server.add("/v1/models", file_reply("litellm", "v1_models.json"), expect=expect)
    server.add("/v1/model/info", file_reply("litellm", "model_info.json"), expect=expect)
    p = make_provider("litellm", "openai-compatible", server.url + "/v1", env="KEY")
    snap = _one(server, p, client, options)
    gpt = _model(snap, "gpt-4o")
    assert gpt["details"]["upstream"] == "openai/gpt-4o-2024-08-06"
    assert gpt["context_window"] == 128000
    assert _model(snap, "local-llama")["context_window"] == 131072
    assert "created" not in _model(snap, "claude-sonnet")


def test_generic_openai_compatible_without_model_info(server, client, options):
    server.add("/v1/models", file_reply("ollama", "v1_models.json"))
    p = make_provider("compat", "openai-compatible", server.url + "/v1")
    snap = _one(server, p, client, options)
    assert snap.ids() == {"deepseek-r1:latest", "llama3.2:latest"}


def test_openrouter_records_canonical_slug_and_modalities(server, client, options):
    server.add("/api/v1/models", file_reply("openrouter", "models.json"))
    p = make_provider("openrouter", "openrouter", server.url + "/api/v1")
    snap = _one(server, p, client, options)
    sonnet = _model(snap, "anthropic/claude-sonnet-4.5")
    assert sonnet["details"]["canonicalSlug"] == "anthropic/claude-4.5-sonnet-20250929"
    assert sonnet["input_modalities"] == ("file", "image", "text")
    assert sonnet["max_output_tokens"] == 64000


def test_openrouter_follows_links_next(server, client, options):
    page1 = {"data": [{"id": "a/one"}], "links": {"next": "/api/v1/models?offset=1&limit=1"}}
    server.add("/api/v1/models", json_reply(page1))
    server.add("/api/v1/models", json_reply({"data": [{"id": "b/two"}]}), query={"offset": "1"})
    p = make_provider("openrouter", "openrouter", server.url + "/api/v1")
    assert _one(server, p, client, options).ids() == {"a/one", "b/two"}


def test_mistral_aliases_point_to_dated_ids(server, client, options):
    server.add(
        "/v1/models",
        file_reply("mistral", "models.json"),
        expect={"authorization": f"Bearer {KEY}"},
    )
    p = make_provider("mistral", "mistral", server.url + "/v1", env="KEY")
    snap = _one(server, p, client, options)
    assert snap.aliases["mistral-large-latest"] == "mistral-large-2411"
    assert _model(snap, "codestral-2501")["retires_at"] == "2026-05-31"
    assert "tools" in _model(snap, "mistral-large-2411")["capabilities"]


def test_groq_context_window(server, client, options):
    server.add("/openai/v1/models", file_reply("groq", "models.json"))
    p = make_provider("groq", "groq", server.url + "/openai/v1", env="KEY")
    llama = _model(_one(server, p, client, options), "llama-3.3-70b-versatile")
    assert (llama["context_window"], llama["max_output_tokens"]) == (131072, 32768)


def test_together_bare_array(server, client, options):
    server.add("/v1/models", file_reply("together", "models.json"))
    p = make_provider("together", "together", server.url + "/v1", env="KEY")
    snap = _one(server, p, client, options)
    llama = _model(snap, "meta-llama/Llama-3.3-70B-Instruct-Turbo")
    assert llama["context_window"] == 131072
    assert llama["details"]["price.input"] == "0.88"


def test_deepseek_ids_only(server, client, options):
    server.add("/models", file_reply("deepseek", "models.json"))
    p = make_provider("deepseek", "deepseek", server.url, env="KEY")
    assert _one(server, p, client, options).ids() == {"deepseek-chat", "deepseek-reasoner"}


def test_include_exclude_globs_filter_models_and_aliases(server, client, options):
    server.add("/v1/models", file_reply("mistral", "models.json"))
    settings = DiscoverySettings(include=("mistral-*",), exclude=("*-latest",))
    p = make_provider("m", "mistral", server.url + "/v1", env="KEY", discovery=settings)
    snap = _one(server, p, client, options)
    assert snap.ids() == {"mistral-large-2411"}
    assert snap.aliases == {"mistral-large-latest": "mistral-large-2411"}


def test_disabled_provider_is_not_asked(server, client, options):
    p = make_provider(
        "off", "openai", server.url, env="KEY", discovery=DiscoverySettings(enabled=False)
    )
    outcome = discover_providers([p], client=client, environ={}, options=options)
    assert outcome.snapshots == {} and outcome.failures == {} and server.seen == []


def test_ollama_older_server_asks_show_per_model(server, client, options):
    server.add("/api/tags", file_reply("ollama", "tags.json"))
    server.add("/api/show", file_reply("ollama", "show_llama3.2.json"), method="POST")
    p = make_provider("ollama", "ollama", server.url)
    snap = _one(server, p, client, options)
    llama = _model(snap, "llama3.2:latest")
    assert llama["context_window"] == 131072
    assert llama["capabilities"] == ("chat", "tools")
    bodies = sorted(json.loads(s.body)["model"] for s in server.requests_to("/api/show"))
    assert bodies == ["deepseek-r1:latest", "llama3.2:latest"]


def test_ollama_show_404_keeps_the_tag(server, client, options):
    server.add("/api/tags", file_reply("ollama", "tags.json"))
    server.add("/api/show", file_reply("ollama", "error_404_show.json", 404), method="POST")
    p = make_provider("ollama", "ollama", server.url)
    assert "context_window" not in _model(_one(server, p, client, options), "llama3.2:latest")
