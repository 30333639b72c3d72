"""Shared discovery plumbing: the adapter Protocol, failures as values, JSON fetching, paging.

Every adapter gets a `Fetcher` bound to one provider. The fetcher owns the retry policy
(bounded, exponential backoff with jitter, honouring retry hints), the body size cap and
the page cap, so adapters only describe URLs and response shapes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
import pydantic

from compiler.discovery.auth import Access, AuthStyle, CloudAuth, MissingCredential
from compiler.discovery.failure import DiscoveryFailure as DiscoveryFailure
from compiler.discovery.failure import ProviderFailed as ProviderFailed
from compiler.discovery.network import Timeouts
from compiler.discovery.policy import RetryPolicy, classify_response, retry_delay
from compiler.discovery.spec import ProviderSpec
from compiler.discovery.wire import (
    Deadline,
    TooLarge,
    TooSlow,
    describe_transport,
    display_url,
    origin_of,
    read_capped,
)
from compiler.models.snapshot import SnapshotModel
from compiler.secrets.redact import scrub

T = TypeVar("T", bound=pydantic.BaseModel)

MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_PAGES = 100
MAX_MESSAGE = 300  # characters of a provider's error shown, after scrubbing (never before)


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
    base_url: str = ""

    def url(self, path: str) -> str:
        """Join the discovery base URL (checked by the runner) and a path."""
        base = self.base_url or self.provider.base_url or ""
        return base.rstrip("/") + "/" + path.lstrip("/")


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
    """Fetches JSON for one provider through the shared client, with retries and limits.

    Credentials are bound to an origin: a request to any other origin (a next-page link
    pointing elsewhere, an ARM `nextLink` off management.azure.com) is refused before a
    byte is sent, so a key only ever reaches the host it was issued for.
    """

    client: httpx.Client
    provider: str
    access: Access
    headers: Mapping[str, str]
    policy: RetryPolicy
    progress: ProgressSink | None = None
    max_body: int = MAX_BODY_BYTES
    max_pages: int = MAX_PAGES
    deadline: Deadline = field(default_factory=lambda: Deadline.after(3600.0))
    timeouts: Timeouts = field(default_factory=Timeouts)
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
        using = access or self.access
        self._check_origin(url, using)
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(method, url, params, body, using)
            if isinstance(outcome, _Decoded):
                return outcome.value
            headers = outcome.response.headers if outcome.response is not None else None
            delay = retry_delay(self.policy, attempt, headers, outcome.raw)
            if not outcome.retryable or delay is None:
                raise ProviderFailed(outcome.failure)
            if delay >= self.deadline.remaining():
                raise ProviderFailed(self._past_deadline(outcome.failure))
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
        shown = display_url(url or self.last_url)
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

    def _check_origin(self, url: str, access: Access) -> None:
        target = origin_of(url)
        if access.origin and target == access.origin:
            return
        msg = (
            f"refused to send credentials to {target or url!r}: they belong to "
            f"{access.origin or 'no origin'} (a link led to another host)"
        )
        hint = "the provider returned a link to another origin; report it to the provider"
        raise ProviderFailed(self.failure(url, None, msg, hint))

    def _past_deadline(self, last: DiscoveryFailure) -> DiscoveryFailure:
        msg = f"overall deadline of {self.deadline.seconds:g}s reached (last: {last.message})"
        hint = "raise --deadline / MODELPLANE_DISCOVERY_DEADLINE, or check the provider"
        return DiscoveryFailure(last.provider, last.url, last.status, msg, hint)

    def _attempt(
        self, method: str, url: str, params: Mapping[str, str] | None, body: Any, access: Access
    ) -> _Decoded | _Failed:
        self.last_url = url
        left = self.deadline.remaining()
        if left <= 0:
            failure = self.failure(url, None, "no time left before the request")
            return _Failed(self._past_deadline(failure), False, None)
        limit = min(self.timeouts.request, left)
        timeout = httpx.Timeout(limit, connect=min(self.timeouts.connect, limit))
        # One budget for headers and body together: the body gets what the headers left.
        until = time.monotonic() + limit
        headers = {**self.headers, **access.headers}
        try:
            request = self.client.build_request(
                method, url, params=params, headers=headers, json=body, timeout=timeout
            )
            auth = access.auth or httpx.USE_CLIENT_DEFAULT
            response = self.client.send(request, auth=auth, stream=True)
        except httpx.TransportError as exc:
            return self._transport_failure(url, None, exc)
        except MissingCredential as exc:  # raised by a signing auth (SigV4) mid-request
            return _Failed(self.failure(url, None, str(exc), exc.hint), False, None)
        try:
            return self._read(url, response, until)
        finally:
            response.close()

    def _transport_failure(
        self, url: str, status: int | None, exc: httpx.TransportError
    ) -> _Failed:
        problem = describe_transport(exc)
        return _Failed(
            self.failure(url, status, problem.message, problem.hint), problem.retryable, None
        )

    def _read(self, url: str, response: httpx.Response, until: float) -> _Decoded | _Failed:
        try:
            raw = read_capped(response, self.max_body, until)
        except TooLarge:
            msg = f"response body larger than {self.max_body} bytes"
            return _Failed(self.failure(url, response.status_code, msg), False, None)
        except TooSlow:
            msg = f"the body did not arrive within {self.timeouts.request:g}s (a trickling server)"
            return _Failed(self.failure(url, response.status_code, msg), True, None)
        except httpx.TransportError as exc:
            return self._transport_failure(url, response.status_code, exc)
        if 300 <= response.status_code < 400:
            target = origin_of(response.headers.get("location", "")) or "another URL"
            msg = f"redirected to {target}; redirects are not followed (keys stay put)"
            hint = "set the provider's endpoint to the final URL"
            return _Failed(self.failure(url, response.status_code, msg, hint), False, None)
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


@dataclass(frozen=True, slots=True)
class _Decoded:
    value: Any


@dataclass(frozen=True, slots=True)
class _Failed:
    failure: DiscoveryFailure
    retryable: bool
    response: httpx.Response | None
    raw: bytes = b""
