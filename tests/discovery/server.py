"""A provider stand-in: a real HTTP server on 127.0.0.1 that serves scripted replies.

Routes match method, path and a subset of the query. Each route holds a list of
replies served in order (the last one repeats), so a test can script "429 then 200".
Every route may demand headers (auth); a request without them gets a 401 and is
recorded as a violation, which tests assert is empty.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DATA = Path(__file__).parent.parent / "data" / "discovery"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    trickle: float = 0.0  # seconds between single bytes of the body


@dataclass
class Route:
    method: str
    path: str
    query: dict[str, str]
    replies: list[Reply]
    expect: dict[str, str]
    served: int = 0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


def fixture(provider: str, name: str) -> bytes:
    return (DATA / provider / name).read_bytes()


def json_reply(data: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(data).encode(), {"content-type": "application/json", **headers})


def file_reply(provider: str, name: str, status: int = 200, **headers: str) -> Reply:
    return Reply(status, fixture(provider, name), {"content-type": "application/json", **headers})


class FakeProvider:
    """The server; use as a context manager."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: list[Route] = []
        self.seen: list[Seen] = []
        self.violations: list[str] = []
        self.rewrite: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self.scheme = "https" if tls else "http"
        if tls is not None:
            # Handshake in the handler thread, so one failed handshake cannot block others.
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(
        self,
        path: str,
        *replies: Reply,
        method: str = "GET",
        query: Mapping[str, str] | None = None,
        expect: Mapping[str, str] | None = None,
    ) -> Route:
        route = Route(method, path, dict(query or {}), list(replies), dict(expect or {}))
        with self._lock:
            # Later, more specific routes win: most query keys first.
            self.routes.append(route)
            self.routes.sort(key=lambda r: -len(r.query))
        return route

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def rewritten(self, body: bytes) -> bytes:
        for old, new in self.rewrite.items():
            body = body.replace(old.encode(), new.encode())
        return body

    def respond(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.seen.append(Seen(method, parts.path, query, headers, body))
            route = self._pick(method, parts.path, query)
            reply = _next_reply(route) if route else None
            if route is None or reply is None:
                return Reply(404, b'{"error": {"message": "no such route"}}')
            missing = [k for k, v in route.expect.items() if headers.get(k.lower()) != v]
            if missing:
                self.violations.append(f"{method} {parts.path}: bad {missing}")
                return Reply(401, b'{"error": {"message": "bad credentials"}}')
        return reply

    def _pick(self, method: str, path: str, query: dict[str, str]) -> Route | None:
        for route in self.routes:
            if route.method != method or route.path != path:
                continue
            if all(query.get(k) == v for k, v in route.query.items()):
                return route
        return None


class _Server(ThreadingHTTPServer):
    # Many providers connect at once in the benchmark; the default backlog of 5 would
    # turn a burst of connects into SYN retries of a second each.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        # Refused handshakes and clients that hang up are what the tests provoke.
        pass


def _handler(server: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._send(server.respond(method, self.path, headers, body))

        def _send(self, reply: Reply) -> None:
            if reply.delay:
                time.sleep(reply.delay)
            body = server.rewritten(reply.body)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            chunked = "transfer-encoding" in reply.headers
            if not chunked:
                self.send_header("content-length", str(len(body)))
            self.end_headers()
            # A truncated reply promises the whole length, sends half, and hangs up.
            if reply.trickle:
                _trickle(self.wfile, body, reply.trickle)
                return
            self.wfile.write(_chunked(body) if chunked else _cut(body, reply.truncate))
            self.close_connection = self.close_connection or reply.truncate

    return Handler


def _trickle(out: Any, body: bytes, pause: float) -> None:
    try:
        for i in range(len(body)):
            out.write(body[i : i + 1])
            out.flush()
            time.sleep(pause)
    except OSError:  # the client gave up, as it should
        pass


def _cut(body: bytes, truncate: bool) -> bytes:
    return body[: len(body) // 2] if truncate else body


def _chunked(body: bytes) -> bytes:
    parts = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def _next_reply(route: Route) -> Reply | None:
    if not route.replies:
        return None
    reply = route.replies[min(route.served, len(route.replies) - 1)]
    route.served += 1
    return reply
