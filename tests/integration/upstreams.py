"""A loopback server that speaks every provider API modelplane renders for (test support).

One server answers OpenAI (chat, embeddings; also OpenRouter, vLLM and other
OpenAI-compatible servers), Azure OpenAI (deployments + api-version), Anthropic
messages, Gemini and Vertex AI (generateContent, embeddings, Claude's rawPredict, an
OAuth2 token endpoint for service accounts), Bedrock converse and Ollama, and records
what arrives: path, query, headers, body and the model id the request names. An upstream
model id containing `fail500` answers 500, so router fallbacks can be exercised.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAIL_MARKER = "fail500"
TOKEN_PATH = "/oauth2/token"
ACCESS_TOKEN = "ya29.modelplane-test-access-token"
_PATH_MODEL = re.compile(
    r"/(?:models|deployments|model)/(?P<id>[^/:]+?)(?::[A-Za-z]+|/converse|/invoke|/chat|/embeddings|/completions|$)"
)


@dataclass(frozen=True)
class Seen:
    """One request as it reached the upstream."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    model: str | None

    def credential(self) -> str | None:
        """The credential the request carries, from whichever header the API uses."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:]
        for name in ("x-api-key", "api-key", "x-goog-api-key"):
            if name in self.headers:
                return self.headers[name]
        return self.query.get("key", [None])[0]


def _usage_openai() -> dict[str, int]:
    return {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}


def _openai_chat(model: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": f"pong from {model}"}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": _usage_openai(),
    }


def _openai_embeddings(model: str) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.25, 0.5, 0.75]}],
        "model": model,
        "usage": {"prompt_tokens": 3, "total_tokens": 3},
    }


def _anthropic(model: str) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": f"pong from {model}"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    }


def _gemini(model: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": f"pong from {model}"}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4},
        "modelVersion": model,
    }


def _bedrock(model: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": f"pong from {model}"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
        "metrics": {"latencyMs": 1},
    }


def _ollama_chat(model: str) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": "2026-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": f"pong from {model}"},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 3,
        "eval_count": 1,
    }


_EMBED_VALUES = [0.25, 0.5, 0.75]
# (path test, response builder); first match wins, so specific shapes come first.
_ROUTES: list[tuple[Callable[[str], bool], Callable[[str], dict[str, Any]]]] = [
    (lambda p: p.endswith(TOKEN_PATH), lambda _m: {}),
    (lambda p: p.endswith(":rawPredict") or p.endswith("/v1/messages"), _anthropic),
    (lambda p: p.endswith(":generateContent"), _gemini),
    (lambda p: p.endswith(":embedContent"), lambda _m: {"embedding": {"values": _EMBED_VALUES}}),
    (
        lambda p: p.endswith(":batchEmbedContents"),
        lambda _m: {"embeddings": [{"values": _EMBED_VALUES}]},
    ),
    (
        lambda p: p.endswith(":predict"),
        lambda _m: {
            "predictions": [
                {"embeddings": {"values": _EMBED_VALUES, "statistics": {"token_count": 3}}}
            ]
        },
    ),
    (lambda p: p.endswith("/converse"), _bedrock),
    (lambda p: p.endswith("/api/chat"), _ollama_chat),
    (
        lambda p: p.endswith("/api/embed"),
        lambda m: {"model": m, "embeddings": [_EMBED_VALUES]},
    ),
    (lambda p: p.endswith("/embeddings"), _openai_embeddings),
    (lambda p: p.endswith("/chat/completions"), _openai_chat),
]


def _token_response() -> dict[str, Any]:
    return {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}


class Upstream:
    """A running loopback server and the requests it has seen."""

    def __init__(self, server: ThreadingHTTPServer, scheme: str) -> None:
        self._server = server
        self.scheme = scheme
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    @property
    def base(self) -> str:
        """`scheme://127.0.0.1:port`."""
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def record(self, seen: Seen) -> None:
        """Remember one request."""
        with self._lock:
            self.seen.append(seen)

    def requests(self, path_contains: str = "") -> list[Seen]:
        """Requests so far whose path contains `path_contains` (token calls excluded)."""
        with self._lock:
            return [
                s for s in self.seen if path_contains in s.path and not s.path.endswith(TOKEN_PATH)
            ]

    def token_requests(self) -> list[Seen]:
        """OAuth2 token exchanges (service-account JWT bearer grants)."""
        with self._lock:
            return [s for s in self.seen if s.path.endswith(TOKEN_PATH)]


def _model_of(path: str, body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("model"), str):
        return str(body["model"])
    match = _PATH_MODEL.search(path)
    return match.group("id") if match else None


def _handler(upstream_ref: list[Upstream]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: the recording is the log."""

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = parse_qs(raw.decode("utf-8", "replace"))
            model = _model_of(split.path, body)
            upstream_ref[0].record(
                Seen(
                    "POST",
                    split.path,
                    parse_qs(split.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    model,
                )
            )
            if split.path.endswith(TOKEN_PATH):
                self._reply(200, _token_response())
                return
            if model and FAIL_MARKER in model:
                self._reply(500, {"error": {"message": "injected failure", "type": "server"}})
                return
            for test, build in _ROUTES:
                if test(split.path):
                    self._reply(200, build(model or "unknown"))
                    return
            self._reply(404, {"error": {"message": f"no route for {split.path}"}})

    return Handler


@contextmanager
def serve_upstream(tls: ssl.SSLContext | None = None) -> Iterator[Upstream]:
    """Run one upstream on 127.0.0.1 (TLS when `tls` is given) for the block's duration."""
    ref: list[Upstream] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    upstream = Upstream(server, "https" if tls is not None else "http")
    ref.append(upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
