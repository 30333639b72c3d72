"""Credential sources: env keys, cloud chains, missing extras, and failures before any request."""

from __future__ import annotations

import importlib

import httpx
import pytest

from compiler.discovery import auth
from compiler.discovery.run import DiscoveryOptions, discover_providers
from tests.discovery.conftest import (
    ArmRef,
    AzureConfig,
    BedrockConfig,
    Credentials,
    DiscoverySettings,
    ProviderConfig,
    make_provider,
)
from tests.discovery.server import file_reply, json_reply

CHAIN = Credentials(workload_identity=True)


def _hide(monkeypatch, prefix: str) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None):
        if name.startswith(prefix):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(auth.importlib, "import_module", fake)


def _default(options: DiscoveryOptions) -> DiscoveryOptions:
    return DiscoveryOptions(policy=options.policy, cloud=auth.DefaultCloudAuth())


@pytest.mark.parametrize(
    ("type_", "prefix", "extra"),
    [("vertex-ai", "google", "vertex"), ("azure-openai", "azure", "azure")],
)
def test_missing_extra_names_the_pip_install(
    server, client, options, monkeypatch, type_, prefix, extra
):
    _hide(monkeypatch, prefix)
    p = make_provider("p", type_, server.url, credentials=CHAIN)
    outcome = discover_providers([p], client=client, environ={}, options=_default(options))
    assert outcome.failures["p"].hint == f"pip install 'modelplane[{extra}]'"
    assert server.seen == []


def test_missing_botocore_fails_bedrock(server, client, options, monkeypatch):
    _hide(monkeypatch, "botocore")
    p = make_provider("p", "bedrock", server.url, credentials=CHAIN)
    failure = discover_providers(
        [p], client=client, environ={}, options=_default(options)
    ).failures["p"]
    assert failure.hint == "pip install 'modelplane[bedrock]'"


def test_aws_chain_without_credentials(server, client, options, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    p = make_provider(
        "p", "bedrock", server.url, config=ProviderConfig(bedrock=BedrockConfig("us-east-1"))
    )
    failure = discover_providers(
        [p], client=client, environ={}, options=_default(options)
    ).failures["p"]
    assert failure.message == "no AWS credentials found"
    assert "AWS credential chain" in failure.hint


def test_expired_aws_credentials_fail_without_crashing(server, client, options):
    botocore_exceptions = pytest.importorskip("botocore.exceptions")

    class Expired:
        def get_frozen_credentials(self):
            raise botocore_exceptions.NoCredentialsError()

    class Cloud:
        def google_token(self) -> str:
            raise AssertionError

        def azure_token(self, scope: str) -> str:
            raise AssertionError

        def aws_auth(self, region, environ) -> httpx.Auth:
            return auth.SigV4Auth(Expired(), region)

    server.add("/foundation-models", json_reply({"modelSummaries": []}))
    p = make_provider("p", "bedrock", server.url, credentials=CHAIN)
    opts = DiscoveryOptions(policy=options.policy, cloud=Cloud())
    failure = discover_providers([p], client=client, environ={}, options=opts).failures["p"]
    assert failure.message == "Unable to locate credentials"
    assert server.seen == []


def test_azure_arm_token_failure_is_reported(server, client, options):
    class NoEntra:
        def google_token(self) -> str:
            raise AssertionError

        def azure_token(self, scope: str) -> str:
            raise auth.MissingCredential("no Entra login", "run az login")

        def aws_auth(self, region, environ) -> httpx.Auth:
            raise AssertionError

    server.add("/openai/v1/models", file_reply("azure-openai", "models_v1.json"))
    config = ProviderConfig(azure=AzureConfig(deployments_arm=ArmRef("s", "rg", "a")))
    p = make_provider("p", "azure-openai", server.url, env="K", config=config)
    opts = DiscoveryOptions(policy=options.policy, cloud=NoEntra(), arm_endpoint=server.url)
    failure = discover_providers([p], client=client, environ={"K": "k"}, options=opts).failures["p"]
    assert (failure.message, failure.hint) == ("no Entra login", "run az login")


def test_azure_entra_token_for_the_data_plane(server, client, options):
    expect = {"authorization": "Bearer fake-entra-token-data"}
    server.add("/openai/v1/models", file_reply("azure-openai", "models_v1.json"), expect=expect)
    p = make_provider("p", "azure-openai", server.url, credentials=CHAIN)
    assert discover_providers([p], client=client, environ={}, options=options).ok
    assert server.violations == []


def test_credentials_without_env_or_chain_fail_clearly(server, client, options):
    p = make_provider("p", "openai", server.url, credentials=Credentials())
    failure = discover_providers([p], client=client, environ={}, options=options).failures["p"]
    assert failure.message == "no credential configured"


def test_provider_without_endpoint(client, options):
    p = make_provider("p", "openai-compatible", "")
    failure = discover_providers([p], client=client, environ={}, options=options).failures["p"]
    assert failure.message == "no endpoint to ask"


def test_unknown_type(client, options):
    p = make_provider("p", "nonsense", "http://127.0.0.1:9")
    failure = discover_providers([p], client=client, environ={}, options=options).failures["p"]
    assert failure.message == "no adapter for 'nonsense'"


def test_litellm_flavor_requires_model_info(server, client, options):
    server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    settings = DiscoverySettings(flavor="litellm")
    p = make_provider("p", "openai-compatible", server.url + "/v1", discovery=settings)
    failure = discover_providers([p], client=client, environ={}, options=options).failures["p"]
    assert failure.status == 404
