"""A real forward proxy on 127.0.0.1: CONNECT tunnels for https, absolute-URI GET for http.

It records what it was asked (method, target, whether Proxy-Authorization came along) so
tests can prove which requests went through it and which went direct.
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class ProxyLog:
    requests: list[tuple[str, str]] = field(default_factory=list)
    proxy_auth: list[str | None] = field(default_factory=list)


class ForwardProxy:
    def __init__(self, require_auth: str | None = None) -> None:
        self.log = ProxyLog()
        self.require_auth = require_auth
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(proxy: ForwardProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _authorised(self) -> bool:
            given = self.headers.get("proxy-authorization")
            proxy.log.requests.append((self.command, self.path))
            proxy.log.proxy_auth.append(given)
            if proxy.require_auth is None or given == proxy.require_auth:
                return True
            self.send_response(407, "Proxy Authentication Required")
            self.send_header("proxy-authenticate", 'Basic realm="test"')
            self.send_header("content-length", "0")
            self.end_headers()
            return False

        def do_CONNECT(self) -> None:
            if not self._authorised():
                return
            host, _, port = self.path.rpartition(":")
            upstream = socket.create_connection((host, int(port)), timeout=5)
            self.send_response(200, "Connection established")
            self.end_headers()
            _pipe(self.connection, upstream)
            self.close_connection = True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            parts = urlsplit(self.path)
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=5)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-authorization"}
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", target, headers=headers)
            try:
                reply = conn.getresponse()
                body = reply.read()
            finally:
                conn.close()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    sockets = [client, upstream]
    try:
        while True:
            readable, _, broken = select.select(sockets, [], sockets, 10)
            if broken or not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (upstream if sock is client else client).sendall(data)
    finally:
        upstream.close()
