"""Shared discovery plumbing: the adapter Protocol, failures as values, JSON fetching, paging.

Every adapter gets a `Fetcher` bound to one provider. The fetcher owns the retry policy
(bounded, exponential backoff with jitter, honouring retry hints), the body size cap and
the page cap, so adapters only describe URLs and response shapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
import pydantic

from compiler.discovery.auth import Access, AuthStyle, CloudAuth, MissingCredential
from compiler.discovery.policy import RetryPolicy, classify_response, retry_delay
from compiler.discovery.spec import ProviderSpec
from compiler.models.snapshot import SnapshotModel
from compiler.secrets.redact import scrub

T = TypeVar("T", bound=pydantic.BaseModel)

MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_PAGES = 100
MAX_MESSAGE = 300  # characters of a provider's error shown, after scrubbing (never before)


@dataclass(frozen=True, slots=True)
class DiscoveryFailure:
    """Why one provider could not be discovered; safe to print (no credentials)."""

    provider: str
    url: str
    status: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        status = f"{self.status} from " if self.status is not None else ""
        hint = f": {self.hint}" if self.hint else ""
        return f"{status}{self.provider} ({self.url}): {self.message}{hint}"


class ProviderFailed(Exception):
    """Raised inside an adapter run; caught by the runner and turned into its failure."""

    def __init__(self, failure: DiscoveryFailure) -> None:
        self.failure = failure
        super().__init__(str(failure))


@dataclass(frozen=True, slots=True)
class Discovered:
    """What an adapter found: models, explicit aliases, and the list URL it asked."""

    url: str
    models: Sequence[SnapshotModel]
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """Everything an adapter may use: the provider, its fetcher, and the selectors to resolve."""

    provider: ProviderSpec
    fetcher: Fetcher
    cloud: CloudAuth
    wanted: Sequence[str] = ()
    arm_endpoint: str = "https://management.azure.com"

    def url(self, path: str) -> str:
        """Join the provider's base URL (checked by the runner) and a path."""
        return (self.provider.base_url or "").rstrip("/") + "/" + path.lstrip("/")


class Discoverer(Protocol):
    """An adapter module: one per wire API."""

    AUTH: AuthStyle

    def request_headers(self, provider: ProviderSpec) -> dict[str, str]:
        """Constant headers the API needs besides credentials (versions, scoping)."""

    def discover(self, ctx: AdapterContext) -> Discovered:
        """Ask the provider for its models."""


def no_headers(provider: ProviderSpec) -> dict[str, str]:
    """Adapters whose API needs no extra headers use this as `request_headers`."""
    return {}


class ProgressSink(Protocol):
    """Receives progress events; implementations must be thread-safe."""

    def started(self, provider: str) -> None:
        """A provider's discovery began."""

    def page(self, provider: str, pages: int, models: int) -> None:
        """A page arrived; `models` is the running total."""

    def retry(self, provider: str, attempt: int, status: int | None, delay: float) -> None:
        """A request will be retried after `delay` seconds."""

    def finished(self, provider: str, models: int, failure: DiscoveryFailure | None) -> None:
        """A provider's discovery ended."""


@dataclass(slots=True)
class Fetcher:
    """Fetches JSON for one provider through the shared client, with retries and limits."""

    client: httpx.Client
    provider: str
    access: Access
    headers: Mapping[str, str]
    policy: RetryPolicy
    progress: ProgressSink | None = None
    max_body: int = MAX_BODY_BYTES
    max_pages: int = MAX_PAGES
    last_url: str = ""
    scrub: list[str] = field(default_factory=list)
    pages: int = 0
    models_seen: int = 0

    def get_json(
        self, url: str, params: Mapping[str, str] | None = None, *, access: Access | None = None
    ) -> Any:
        """GET `url` and decode JSON, retrying transient failures; raise ProviderFailed.

        `access` replaces the provider's credentials for a different endpoint (Azure ARM),
        so a key is only ever sent to the endpoint it belongs to.
        """
        return self.request_json("GET", url, params=params, access=access)

    def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        access: Access | None = None,
    ) -> Any:
        """Send one request (with retries) and decode its JSON body."""
        if access is not None:
            self.scrub.extend(access.secrets)
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(method, url, params, body, access or self.access)
            if isinstance(outcome, _Decoded):
                return outcome.value
            headers = outcome.response.headers if outcome.response is not None else None
            delay = retry_delay(self.policy, attempt, headers, outcome.raw)
            if not outcome.retryable or delay is None:
                raise ProviderFailed(outcome.failure)
            if self.progress is not None:
                self.progress.retry(self.provider, attempt, outcome.failure.status, delay)
            self.policy.sleep(delay)

    def parse(self, model: type[T], data: Any, url: str) -> T:
        """Validate a decoded body against a response model; raise ProviderFailed if it misfits."""
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            msg = f"unexpected response shape at {where}: {first['msg']}"
            raise ProviderFailed(self.failure(url, 200, msg, "is the endpoint right?")) from None

    def failure(
        self, url: str, status: int | None, message: str, hint: str = ""
    ) -> DiscoveryFailure:
        """Build a failure for this provider, with the URL stripped of its query."""
        message = scrub(message, (*self.access.secrets, *self.scrub), limit=MAX_MESSAGE)
        shown = _display_url(url or self.last_url)
        return DiscoveryFailure(self.provider, shown, status, message, hint)

    def count_page(self, models: int) -> None:
        """Record a page and report progress."""
        self.pages += 1
        self.models_seen += models
        if self.pages > self.max_pages:
            msg = f"more than {self.max_pages} pages"
            raise ProviderFailed(self.failure("", None, msg, "pagination does not end"))
        if self.progress is not None:
            self.progress.page(self.provider, self.pages, self.models_seen)

    def _attempt(
        self, method: str, url: str, params: Mapping[str, str] | None, body: Any, access: Access
    ) -> _Decoded | _Failed:
        self.last_url = url
        headers = {**self.headers, **access.headers}
        try:
            request = self.client.build_request(
                method, url, params=params, headers=headers, json=body
            )
            auth = access.auth or httpx.USE_CLIENT_DEFAULT
            response = self.client.send(request, auth=auth, stream=True)
        except httpx.TransportError as exc:
            return _Failed(self.failure(url, None, _describe_transport(exc)), True, None)
        except MissingCredential as exc:  # raised by a signing auth (SigV4) mid-request
            return _Failed(self.failure(url, None, str(exc), exc.hint), False, None)
        try:
            return self._read(url, response)
        finally:
            response.close()

    def _read(self, url: str, response: httpx.Response) -> _Decoded | _Failed:
        try:
            raw = _read_capped(response, self.max_body)
        except _TooLarge:
            msg = f"response body larger than {self.max_body} bytes"
            return _Failed(self.failure(url, response.status_code, msg), False, None)
        except httpx.TransportError as exc:
            return _Failed(
                self.failure(url, response.status_code, _describe_transport(exc)), True, None
            )
        if response.status_code >= 300:
            verdict = classify_response(
                response.status_code, raw, response.headers, self.access.hint
            )
            failure = self.failure(url, response.status_code, verdict.message, verdict.hint)
            return _Failed(failure, verdict.retryable, response, raw)
        try:
            return _Decoded(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError):
            msg = "response body is not valid JSON"
            return _Failed(
                self.failure(url, response.status_code, msg, "is the endpoint right?"), False, None
            )


def paginate(
    fetcher: Fetcher, fetch_page: Callable[[str | None], tuple[list[T], str | None]]
) -> Iterator[T]:
    """Yield items page by page until the cursor ends; fail on a repeated cursor."""
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        items, cursor = fetch_page(cursor)
        fetcher.count_page(len(items))
        yield from items
        if not cursor:
            return
        if cursor in seen:
            msg = f"the provider repeated page cursor {cursor[:40]!r}"
            raise ProviderFailed(fetcher.failure("", None, msg, "pagination does not end"))
        seen.add(cursor)


@dataclass(frozen=True, slots=True)
class _Decoded:
    value: Any


@dataclass(frozen=True, slots=True)
class _Failed:
    failure: DiscoveryFailure
    retryable: bool
    response: httpx.Response | None
    raw: bytes = b""


class _TooLarge(Exception):
    pass


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _describe_transport(exc: httpx.TransportError) -> str:
    # Only the exception class is shown: messages of some transports echo request
    # details, and nothing about the request may leak into output.
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed before the response was complete (truncated body)"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    return f"transport error ({type(exc).__name__})"


def _display_url(url: str) -> str:
    return str(httpx.URL(url).copy_with(query=None, userinfo=b"")) if url else ""
