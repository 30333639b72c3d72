"""The network around discovery: proxies, trust, and one HTTP client per trust setting.

The standard conventions are honoured from the environment mapping the CLI passes in
(never read from `os.environ` here, so tests inject them): `HTTPS_PROXY`, `HTTP_PROXY`,
`ALL_PROXY` and `NO_PROXY` (lower-case variants win, as in curl), and
`SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE` for a CA bundle. Without a bundle the system trust
store is used through `truststore`, so a company root CA installed on the machine works
like it does for the browser and `curl`. A provider's own `discovery.caFile` is added on
top. httpx's own `trust_env` is not used: it would also read `SSL_CERT_DIR` and ignore
CIDR entries in `NO_PROXY`, and it reads the process environment behind our back.
"""

from __future__ import annotations

import ssl
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from compiler import __version__
from compiler.discovery.noproxy import bypasses_proxy

CONNECT_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """Proxy and trust settings of a run, taken from the environment mapping."""

    https_proxy: str | None = None
    http_proxy: str | None = None
    no_proxy: tuple[str, ...] = ()
    ca_bundle: str | None = field(default=None)
    ca_bundle_source: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> NetworkConfig:
        """Read the curl/requests conventions from `environ`."""
        every = _first(environ, "all_proxy", "ALL_PROXY")
        bundle_var = next(
            (n for n in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE") if environ.get(n)), ""
        )
        no_proxy = _first(environ, "no_proxy", "NO_PROXY") or ""
        return cls(
            https_proxy=_first(environ, "https_proxy", "HTTPS_PROXY") or every,
            # Lower-case only would be safer under CGI, but a CLI is not a CGI script.
            http_proxy=_first(environ, "http_proxy", "HTTP_PROXY") or every,
            no_proxy=tuple(e.strip() for e in no_proxy.split(",") if e.strip()),
            ca_bundle=environ.get(bundle_var) if bundle_var else None,
            ca_bundle_source=bundle_var,
        )

    def proxy_for(self, url: httpx.URL) -> str | None:
        """The proxy URL to use for `url`, or None to connect directly."""
        proxy = self.https_proxy if url.scheme == "https" else self.http_proxy
        if not proxy or bypasses_proxy(url.host, url.port, self.no_proxy):
            return None
        return proxy


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-request bounds: connect, and the whole request (read included)."""

    connect: float = CONNECT_TIMEOUT
    request: float = 20.0


def ssl_context(config: NetworkConfig, extra_ca: Path | None) -> ssl.SSLContext:
    """Trust: the configured bundle, else the system store; plus the provider's CA file."""
    if config.ca_bundle:
        context = ssl.create_default_context(cafile=config.ca_bundle)
    elif _has_system_store():
        import truststore

        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    else:
        # A slim container without ca-certificates has no system store: Mozilla's bundle
        # (certifi, which httpx installs) is better than trusting nothing.
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    if extra_ca is not None:
        context.load_verify_locations(cafile=str(extra_ca))
    return context


class _ProxyRouter(httpx.BaseTransport):
    """Send each request directly or through its scheme's proxy, per NO_PROXY."""

    def __init__(self, config: NetworkConfig, context: ssl.SSLContext, pool: int) -> None:
        limits = httpx.Limits(max_connections=pool * 2, max_keepalive_connections=pool)
        self._config = config
        self._direct = httpx.HTTPTransport(verify=context, limits=limits)
        self._proxied = {
            proxy: httpx.HTTPTransport(verify=context, limits=limits, proxy=proxy)
            for proxy in {config.https_proxy, config.http_proxy} - {None}
            if proxy
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Route one request."""
        proxy = self._config.proxy_for(request.url)
        transport = self._proxied[proxy] if proxy else self._direct
        return transport.handle_request(request)

    def close(self) -> None:
        """Close every pooled connection."""
        self._direct.close()
        for transport in self._proxied.values():
            transport.close()


def build_client(
    config: NetworkConfig | None = None,
    *,
    timeouts: Timeouts | None = None,
    concurrency: int = 8,
    extra_ca: Path | None = None,
) -> httpx.Client:
    """An HTTP client for discovery: explicit timeouts, proxies and trust, no redirects."""
    bounds = timeouts or Timeouts()
    net = config or NetworkConfig()
    return httpx.Client(
        transport=_ProxyRouter(net, ssl_context(net, extra_ca), concurrency),
        timeout=httpx.Timeout(bounds.request, connect=bounds.connect),
        headers={"User-Agent": f"modelplane/{__version__}"},
        # A redirect could carry a key to another host, so none are followed.
        follow_redirects=False,
        trust_env=False,
    )


class ClientPool:
    """One client per provider CA file (the default client for providers without one)."""

    def __init__(
        self,
        config: NetworkConfig,
        *,
        timeouts: Timeouts,
        concurrency: int,
        default: httpx.Client | None = None,
    ) -> None:
        self._config = config
        self._timeouts = timeouts
        self._concurrency = concurrency
        self._owned: dict[Path | None, httpx.Client] = {}
        self._default = default
        self._lock = threading.Lock()

    def get(self, extra_ca: Path | None) -> httpx.Client:
        """The client that trusts `extra_ca` on top of the run's trust settings."""
        if extra_ca is None and self._default is not None:
            return self._default
        with self._lock:
            client = self._owned.get(extra_ca)
            if client is None:
                client = build_client(
                    self._config,
                    timeouts=self._timeouts,
                    concurrency=self._concurrency,
                    extra_ca=extra_ca,
                )
                self._owned[extra_ca] = client
            return client

    def close(self) -> None:
        """Close the clients this pool built (never the default one it was given)."""
        for client in self._owned.values():
            client.close()


def _has_system_store() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True  # truststore asks the OS verifier, which always has a store
    paths = ssl.get_default_verify_paths()
    if paths.cafile and Path(paths.cafile).is_file():
        return True
    return bool(paths.capath) and Path(paths.capath).is_dir() and any(Path(paths.capath).iterdir())


def _first(environ: Mapping[str, str], *names: str) -> str | None:
    return next((environ[n] for n in names if environ.get(n)), None)
