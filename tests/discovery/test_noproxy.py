from __future__ import annotations

import pytest

from compiler.discovery.noproxy import bypasses_proxy


@pytest.mark.parametrize(
    ("host", "port", "entries", "direct"),
    [
        ("api.openai.com", 443, ["openai.com"], True),
        ("openai.com", 443, [".openai.com"], True),
        ("api.openai.com", 443, ["*.openai.com"], True),
        ("notopenai.com", 443, ["openai.com"], False),
        ("10.1.2.3", 80, ["10.0.0.0/8"], True),
        ("11.1.2.3", 80, ["10.0.0.0/8"], False),
        ("::1", 80, ["::1"], True),
        ("vllm.svc", 8000, ["vllm.svc:8000"], True),
        ("vllm.svc", 8001, ["vllm.svc:8000"], False),
        ("anything", 1, ["*"], True),
        ("API.Example.COM.", 443, ["example.com"], True),
        ("example.com", 443, [], False),
    ],
)
def test_no_proxy_rules(host, port, entries, direct):
    assert bypasses_proxy(host, port, entries) is direct


def test_trust_falls_back_to_certifi_without_a_system_store(monkeypatch, tmp_path):
    import ssl
    import sys

    import truststore

    from compiler.discovery import network

    assert isinstance(network.ssl_context(network.NetworkConfig(), None), truststore.SSLContext)
    empty = ssl.DefaultVerifyPaths(str(tmp_path / "none.pem"), str(tmp_path), "", "", "", "")
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: empty)
    monkeypatch.setattr(sys, "platform", "linux")
    context = network.ssl_context(network.NetworkConfig(), None)
    assert not isinstance(context, truststore.SSLContext)
    assert context.cert_store_stats()["x509_ca"] > 50
