"""Reading one HTTP response within limits, and describing transport failures safely.

A failure message never contains request details: only the exception class, the TLS
verification reason (which names certificates, never credentials) or the proxy's status.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

TLS_HINT = (
    "if a company CA signs this server or a TLS-inspecting proxy sits in between, set "
    "`discovery.caFile` on the provider, or SSL_CERT_FILE / REQUESTS_CA_BUNDLE to a bundle "
    "that holds the CA (the system trust store is used otherwise)"
)
_STATUS_LINE = re.compile(r"^\d{3}( [A-Za-z -]{1,60})?$")
PROXY_HINT = "check HTTPS_PROXY / HTTP_PROXY (and NO_PROXY for hosts that must go direct)"


@dataclass(frozen=True, slots=True)
class Deadline:
    """The run's overall deadline on the monotonic clock."""

    seconds: float
    at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(seconds, clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - self.clock()


@dataclass(frozen=True, slots=True)
class TransportProblem:
    """A transport failure in words, and whether another attempt could help."""

    message: str
    hint: str
    retryable: bool


class TooLarge(Exception):
    """The body is larger than the cap."""


class TooSlow(Exception):
    """The body did not arrive within the request's time (a trickling server)."""


def read_capped(response: httpx.Response, limit: int, until: float) -> bytes:
    """The whole body, refusing more than `limit` bytes or reading past monotonic `until`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        if time.monotonic() > until:
            raise TooSlow
        chunks.append(chunk)
    return b"".join(chunks)


def describe_transport(exc: httpx.TransportError) -> TransportProblem:
    """Explain a transport error; TLS and proxy failures are named as such, not retried."""
    tls = _tls_cause(exc)
    if tls is not None:
        return TransportProblem(f"TLS failure: {tls}", TLS_HINT, False)
    if isinstance(exc, httpx.ProxyError):
        return TransportProblem(
            f"the proxy refused the request ({_proxy_reason(exc)})", PROXY_HINT, False
        )
    if isinstance(exc, httpx.TimeoutException):
        return TransportProblem(f"timed out ({type(exc).__name__})", "", True)
    if isinstance(exc, httpx.RemoteProtocolError):
        msg = "connection closed before the response was complete (truncated body)"
        return TransportProblem(msg, "", True)
    if isinstance(exc, httpx.ConnectError):
        return TransportProblem("could not connect", "", True)
    return TransportProblem(f"transport error ({type(exc).__name__})", "", True)


def display_url(url: str) -> str:
    """The URL without its query (noise in a message) and never with user:password@."""
    return str(httpx.URL(url).copy_with(query=None, userinfo=b"")) if url else ""


def origin_of(url: str | httpx.URL) -> str:
    """`scheme://host:port` with the default port made explicit; '' for a relative URL."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    if not parsed.scheme or not parsed.host:
        return ""
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme, 0)
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    return f"{parsed.scheme}://{host.lower()}:{port}"


def _tls_cause(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    for _ in range(8):  # the ssl error sits a few causes deep inside httpcore's
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate verification failed ({seen.verify_message or seen.reason})"
        if isinstance(seen, ssl.SSLError):
            return f"TLS handshake failed ({seen.reason or type(seen).__name__})"
        seen = seen.__cause__ or seen.__context__
    return None


def _proxy_reason(exc: httpx.ProxyError) -> str:
    # httpcore words it "407 Proxy Authentication Required"; only a status line is kept,
    # anything else could echo the proxy URL and its userinfo.
    found = _STATUS_LINE.match(str(exc).strip())
    return found.group(0) if found else type(exc).__name__
