"""A provider that echoes the key (or another one) back: nothing of a key is ever shown.

Scrubbing happens before shortening: a key straddling the 300-character cut used to be
printed in part, because the cut half no longer matched the key it was scrubbed for.
"""

from __future__ import annotations

from compiler.discovery.run import discover_providers
from compiler.discovery.wire import display_url
from compiler.secrets.redact import scrub
from tests.discovery.conftest import make_provider
from tests.discovery.server import json_reply

KEY = "sk-proj-" + "Q7x" * 14  # 50 characters
OTHER = "sk-ant-api03-" + "Zz9" * 10


def _pieces(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def test_a_key_straddling_the_cut_is_scrubbed_first(server, options):
    for pad in range(270, 300, 3):  # the key crosses character 300 at every offset
        message = "x" * pad + f" Incorrect API key provided: {KEY}. Also {OTHER}."
        server.add("/v1/models", json_reply({"error": {"message": message}}, 401))
        p = make_provider("echo", "openai-compatible", server.url + "/v1", env="ECHO_KEY")
        failure = discover_providers([p], environ={"ECHO_KEY": KEY}, options=options).failures
        shown = str(failure["echo"])
        assert not any(piece in shown for piece in _pieces(KEY)), pad
        assert not any(piece in shown for piece in _pieces(OTHER)), pad
        assert len(failure["echo"].message) <= 300


def test_scrub_masks_known_values_key_shapes_and_url_passwords():
    text = f"use {KEY} or {OTHER} at https://svc:hunter2@llm.example/v1 " + "y" * 400
    shown = scrub(text, [KEY], limit=120)
    assert KEY not in shown and OTHER[:20] not in shown and "hunter2" not in shown
    assert "https://***@llm.example/v1" in shown
    assert len(shown) == 120


def test_urls_are_shown_without_user_or_query():
    shown = display_url("https://svc:hunter2@llm.example/v1/models?key=abc")
    assert shown == "https://llm.example/v1/models"
