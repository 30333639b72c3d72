"""Network conventions on loopback: cross-origin links, a private CA, a real CONNECT proxy."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.discovery.network import NetworkConfig
from compiler.discovery.run import DiscoveryOptions, discover_providers
from tests.discovery.conftest import (
    ArmRef,
    AzureConfig,
    DiscoverySettings,
    ProviderConfig,
    make_provider,
)
from tests.discovery.proxy import ForwardProxy
from tests.discovery.server import FakeProvider, Reply, json_reply
from tests.tlsca import PrivateCA

KEY = "sk-or-RECOGNIZABLE-cross-origin-key"
MODELS = {"data": [{"id": "vendor/model-a", "architecture": {"output_modalities": ["text"]}}]}


@pytest.fixture
def other() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def ca(tmp_path: Path) -> PrivateCA:
    return PrivateCA(tmp_path)


@pytest.fixture
def tls_server(ca: PrivateCA) -> Iterator[FakeProvider]:
    with FakeProvider(tls=ca.issue("127.0.0.1", "localhost").context()) as fake:
        yield fake


def _net(options: DiscoveryOptions, **environ: str) -> DiscoveryOptions:
    return dataclasses.replace(options, network=NetworkConfig.from_environ(environ))


def test_next_link_to_another_origin_is_refused_and_gets_nothing(server, other, options):
    page = {**MODELS, "links": {"next": f"{other.url}/api/v1/models?offset=1"}}
    server.add("/api/v1/models", json_reply(page), expect={"authorization": f"Bearer {KEY}"})
    other.add("/api/v1/models", json_reply(MODELS))
    p = make_provider("or", "openrouter", server.url + "/api/v1", env="OR_KEY")
    outcome = discover_providers([p], environ={"OR_KEY": KEY}, options=options)
    failure = outcome.failures["or"]
    assert "refused to send credentials" in failure.message
    assert other.seen == []  # not one byte reached the other origin
    assert KEY not in str(failure)
    assert server.violations == []


def test_same_origin_absolute_link_is_followed(server, options):
    page = {**MODELS, "links": {"next": f"{server.url}/api/v1/models?offset=1"}}
    last = {"data": [{"id": "vendor/model-b"}], "links": {"next": None}}
    server.add("/api/v1/models", json_reply(page))
    server.add("/api/v1/models", json_reply(last), query={"offset": "1"})
    p = make_provider("or", "openrouter", server.url + "/api/v1", env="OR_KEY")
    outcome = discover_providers([p], environ={"OR_KEY": KEY}, options=options)
    assert sorted(outcome.snapshots["or"].ids()) == ["vendor/model-a", "vendor/model-b"]


def test_same_host_other_port_is_another_origin(server, other, options):
    # Both listen on 127.0.0.1: only the port differs, and that is enough to refuse.
    assert server.url.rsplit(":", 1)[0] == other.url.rsplit(":", 1)[0]
    page = {**MODELS, "links": {"next": f"{other.url}/api/v1/models?offset=1"}}
    server.add("/api/v1/models", json_reply(page))
    p = make_provider("or", "openrouter", server.url + "/api/v1", env="OR_KEY")
    assert not discover_providers([p], environ={"OR_KEY": KEY}, options=options).ok
    assert other.seen == []


def test_arm_next_link_to_another_origin_gets_no_token(server, other, options):
    arm = ArmRef("sub", "rg", "acct")
    deployments = (
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.CognitiveServices"
        "/accounts/acct/deployments"
    )
    server.add("/openai/v1/models", json_reply({"data": []}))
    page = {"value": [], "nextLink": f"{other.url}{deployments}?page=2"}
    server.add(deployments, json_reply(page))
    other.add(deployments, json_reply({"value": []}))
    p = make_provider(
        "az",
        "azure-openai",
        server.url,
        env="AZ_KEY",
        config=ProviderConfig(azure=AzureConfig(deployments_arm=arm)),
    )
    opts = dataclasses.replace(options, arm_endpoint=server.url)
    failure = discover_providers([p], environ={"AZ_KEY": "az-key"}, options=opts).failures["az"]
    assert "refused to send credentials" in failure.message
    assert other.seen == []
    # the data-plane key went to the data plane only, the ARM token to ARM only
    models = server.requests_to("/openai/v1/models")[0]
    assert models.headers["api-key"] == "az-key" and "authorization" not in models.headers
    arm_request = server.requests_to(deployments)[0]
    assert "api-key" not in arm_request.headers


def test_private_ca_without_trust_is_a_tls_failure_with_the_fix(tls_server, options, sleeps):
    tls_server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    outcome = discover_providers([p], environ={}, options=_net(options))
    failure = outcome.failures["vllm"]
    assert failure.message.startswith("TLS failure: certificate verification failed")
    assert "caFile" in failure.hint and "SSL_CERT_FILE" in failure.hint
    assert sleeps.calls == []  # a certificate problem is not retried
    assert tls_server.seen == []


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_ca_bundle_variables_are_honoured(tls_server, ca, options, variable):
    tls_server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    opts = _net(options, **{variable: str(ca.pem)})
    assert discover_providers([p], environ={}, options=opts).ok


def test_provider_ca_file_relative_to_the_project(tls_server, ca, options, tmp_path):
    tls_server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    settings = DiscoverySettings(ca_file=ca.pem.name)
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1", discovery=settings)
    opts = dataclasses.replace(_net(options), base_dir=tmp_path)
    assert discover_providers([p], environ={}, options=opts).ok


def test_missing_provider_ca_file_fails_that_provider_only(tls_server, options, tmp_path):
    settings = DiscoverySettings(ca_file="certs/missing.pem")
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1", discovery=settings)
    opts = dataclasses.replace(_net(options), base_dir=tmp_path)
    failure = discover_providers([p], environ={}, options=opts).failures["vllm"]
    assert "discovery.caFile 'certs/missing.pem'" in failure.message


def test_https_goes_through_the_connect_proxy(tls_server, ca, options):
    tls_server.add(
        "/v1/models", json_reply({"data": [{"id": "m"}]}), expect={"authorization": "Bearer k"}
    )
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1", env="K")
    with ForwardProxy() as proxy:
        opts = _net(options, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca.pem))
        assert discover_providers([p], environ={"K": "k"}, options=opts).ok
    port = tls_server.url.rsplit(":", 1)[1]
    assert proxy.log.requests == [("CONNECT", f"127.0.0.1:{port}")]
    assert tls_server.violations == []  # the key arrived, through the tunnel


def test_no_proxy_sends_matching_hosts_direct(tls_server, ca, options):
    tls_server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    with ForwardProxy() as proxy:
        opts = _net(
            options,
            https_proxy=proxy.url,
            no_proxy="example.com, 127.0.0.0/8",
            SSL_CERT_FILE=str(ca.pem),
        )
        assert discover_providers([p], environ={}, options=opts).ok
    assert proxy.log.requests == []


def test_plain_http_goes_through_http_proxy(server, options):
    server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("vllm", "openai-compatible", server.url + "/v1")
    with ForwardProxy() as proxy:
        assert discover_providers([p], environ={}, options=_net(options, HTTP_PROXY=proxy.url)).ok
    assert proxy.log.requests[0] == ("GET", f"{server.url}/v1/models")
    assert {method for method, _ in proxy.log.requests} == {"GET"}


def test_proxy_credentials_from_the_url_and_a_refusal_that_leaks_nothing(tls_server, ca, options):
    tls_server.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    good = "Basic " + base64.b64encode(b"alice:pr0xy-SECRET").decode()
    with ForwardProxy(require_auth=good) as proxy:
        host = proxy.url.removeprefix("http://")
        opts = _net(
            options, HTTPS_PROXY=f"http://alice:pr0xy-SECRET@{host}", SSL_CERT_FILE=str(ca.pem)
        )
        assert discover_providers([p], environ={}, options=opts).ok
        bad = _net(
            options, HTTPS_PROXY=f"http://alice:WRONG-pass@{host}", SSL_CERT_FILE=str(ca.pem)
        )
        failure = discover_providers([p], environ={}, options=bad).failures["vllm"]
    assert proxy.log.proxy_auth[0] == good
    assert failure.message == "the proxy refused the request (407 Proxy Authentication Required)"
    assert "WRONG" not in str(failure) and "HTTPS_PROXY" in failure.hint


def test_unreachable_proxy_is_reported(options, tls_server, ca):
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    opts = _net(options, HTTPS_PROXY="http://127.0.0.1:9", SSL_CERT_FILE=str(ca.pem))
    failure = discover_providers([p], environ={}, options=opts).failures["vllm"]
    assert failure.status is None and tls_server.seen == []


def test_unreadable_ca_bundle_variable_is_named(options, tls_server, tmp_path):
    p = make_provider("vllm", "openai-compatible", tls_server.url + "/v1")
    opts = _net(options, SSL_CERT_FILE=str(tmp_path / "nope.pem"))
    failure = discover_providers([p], environ={}, options=opts).failures["vllm"]
    assert failure.message.startswith("cannot use SSL_CERT_FILE (")


@pytest.mark.parametrize("form", ["scheme-relative", "http-downgrade"])
def test_tricky_links_to_other_origins_are_refused(server, other, options, form):
    host = other.url.removeprefix("http://")
    link = f"//{host}/api/v1/models?offset=1" if form == "scheme-relative" else None
    if link is None:  # same host and port, but https -> http is another origin too
        link = server.url.replace("http://", "https://") + "/api/v1/models?offset=1"
    server.add("/api/v1/models", json_reply({**MODELS, "links": {"next": link}}))
    other.add("/api/v1/models", json_reply(MODELS))
    p = make_provider("or", "openrouter", server.url + "/api/v1", env="OR_KEY")
    failure = discover_providers([p], environ={"OR_KEY": KEY}, options=options).failures["or"]
    assert "refused to send credentials" in failure.message
    assert other.seen == [] and len(server.seen) == 1


def test_redirect_to_another_host_is_not_followed(server, other, options):
    server.add("/v1/models", Reply(302, b"", {"location": f"{other.url}/v1/models"}))
    other.add("/v1/models", json_reply({"data": [{"id": "m"}]}))
    p = make_provider("p", "openai", server.url + "/v1", env="K")
    failure = discover_providers([p], environ={"K": "k"}, options=options).failures["p"]
    assert failure.status == 302
    assert (
        failure.message.startswith(f"redirected to {other.url}:")
        or "redirected to" in failure.message
    )
    assert other.seen == []
