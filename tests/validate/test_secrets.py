from __future__ import annotations

import pytest

from compiler.secrets.patterns import find_secret
from compiler.secrets.redact import redact_message as redact


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("sk-proj-Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5Je", "OpenAI-style API key"),
        ("sk-ant-api03-Zr8Kq2Lm5Np7Tv9Xb4Wc6Yd1Fg3Hj0", "Anthropic API key"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "Google API key"),
        ("AKIAQ3X9RT2MVB7LWPZ4", "AWS access key id"),
        ("ASIAQ3X9RT2MVB7LWPZ4", "AWS access key id"),
        ("ghp_Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5JeAbCd", "GitHub token"),
        ("gsk_Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1", "Groq API key"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl", "JSON Web Token"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "PEM private key"),
        ("key: sk-proj-Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5Je # inline", "OpenAI-style API key"),
    ],
)
def test_known_key_shapes(value: str, kind: str) -> None:
    assert find_secret(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "gpt-4o-2024-11-20",
        "claude-sonnet-4-5-20250929",
        "https://api.openai.com/v1",
        "os.environ/OPENAI_API_KEY",
        "ghcr.io/berriai/litellm:main-v1.82.6",
        "task-sk-manager",
        "modelapi-chat.llm-prod.svc.cluster.local",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_ordinary_values_pass(value: str) -> None:
    assert find_secret(value) is None
    assert find_secret(value, high_entropy=True) is None


def test_high_entropy_only_when_asked() -> None:
    token = "Qm9ndXNUb2tlbjpaNGs3UDJ4OVd2UXJMbTNO"
    assert find_secret(token) is None
    assert find_secret(token, high_entropy=True) == "high-entropy string"
    assert find_secret("${OPENAI_API_KEY_FROM_SOMEWHERE_ELSE}", high_entropy=True) is None


def test_redact_never_returns_the_secret() -> None:
    secret = "sk-proj-Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5Je"
    message = redact(f"{secret!r} is not one of 'Proxy' or 'Hosted'")
    assert secret not in message
    assert "OpenAI-style API key" in message
    assert redact("plain message") == "plain message"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("sk-or-v1-Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5Je", "OpenRouter API key"),
        ("ASIAQ3X9RT2MVB7LWPZ4", "AWS access key id"),
        ("github_pat_Q3x9rT2mVb7LwPz4Nc8KdH", "GitHub token"),
        ("xoxb-1234567890-abcdefghij", "Slack token"),
        ("hf_Q3x9rT2mVb7LwPz4Nc8KdHf6Ys1Ua5Je", "Hugging Face token"),
        ("-----BEGIN PRIVATE KEY-----", "PEM private key"),
    ],
)
def test_the_literal_prefilter_lets_every_kind_through(value, kind):
    assert find_secret(value) == kind
