"""Credentials for discovery: read from the injected environment or a cloud chain, never shown.

Cloud libraries (botocore, google-auth, azure-identity) are optional extras, imported
only when a provider needs them, behind the `CloudAuth` seam so tests can inject fakes.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx

from compiler.discovery.accounts import credential_env
from compiler.discovery.spec import ProviderSpec
from compiler.secrets.redact import scrub

AuthStyle = Literal[
    "bearer", "optional-bearer", "x-api-key", "x-goog-api-key", "azure", "google", "aws"
]
AZURE_DATA_SCOPE = "https://cognitiveservices.azure.com/.default"
AZURE_ARM_SCOPE = "https://management.azure.com/.default"
GOOGLE_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
_AWS_HINT = "check the AWS credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, role)"


class MissingCredential(Exception):
    """The credential the inventory names is not available; message is safe to show."""

    def __init__(self, message: str, hint: str) -> None:
        self.hint = hint
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Access:
    """How to authenticate one provider: headers, a signing auth, and what to scrub."""

    # repr=False: an Access must never show its key, even in a traceback or debug log.
    headers: Mapping[str, str] = field(repr=False)
    auth: httpx.Auth | None = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)
    hint: str = ""
    # `scheme://host:port` these credentials may go to; empty means nowhere (fail closed).
    origin: str = ""


class CloudAuth(Protocol):
    """Tokens and signers from cloud credential chains."""

    def google_token(self) -> str:
        """An OAuth2 access token from Google Application Default Credentials."""

    def azure_token(self, scope: str) -> str:
        """An Entra ID access token for `scope`."""

    def aws_auth(self, region: str, environ: Mapping[str, str]) -> httpx.Auth:
        """A SigV4 signer for Bedrock in `region`."""


def build_access(
    provider: ProviderSpec, style: AuthStyle, environ: Mapping[str, str], cloud: CloudAuth
) -> Access:
    """Resolve the provider's credential into request headers or a signer."""
    key, hint = _env_key(provider, environ)
    if key is not None:
        return _key_access(style, key, hint)
    if style in ("google", "azure", "aws"):
        # No discovery key named: a secretRef is the cluster's credential, so discovery
        # uses this machine's cloud login (ADC, AWS chain, Entra), as in CI with OIDC.
        return _cloud_access(provider, style, environ, cloud)
    if style == "optional-bearer" or provider.credentials is None:
        return Access({}, None, (), "check the provider's credentials")
    raise MissingCredential("no credential configured", hint)


def _env_key(provider: ProviderSpec, environ: Mapping[str, str]) -> tuple[str | None, str]:
    name = credential_env(provider)
    if not name:
        return None, _chain_hint(provider)
    value = environ.get(name, "")
    if not value:
        raise MissingCredential(f"{name} is not set", f"export {name}")
    return value, f"check {name}"


def _key_access(style: AuthStyle, key: str, hint: str) -> Access:
    header = {
        "x-api-key": "x-api-key",
        "x-goog-api-key": "x-goog-api-key",
        "azure": "api-key",
    }.get(style)
    headers = {header: key} if header else {"Authorization": f"Bearer {key}"}
    return Access(headers, None, (key,), hint)


def _cloud_access(
    provider: ProviderSpec, style: AuthStyle, environ: Mapping[str, str], cloud: CloudAuth
) -> Access:
    hint = _chain_hint(provider)
    if style == "aws":
        region = provider.config.bedrock.region if provider.config.bedrock else None
        return Access({}, cloud.aws_auth(region or "us-east-1", environ), (), hint)
    token = cloud.google_token() if style == "google" else cloud.azure_token(AZURE_DATA_SCOPE)
    return Access({"Authorization": f"Bearer {token}"}, None, (token,), hint)


def _chain_hint(provider: ProviderSpec) -> str:
    return _chain_hint_type(provider.type)


def _chain_hint_type(kind: str) -> str:
    return {
        "bedrock": _AWS_HINT,
        "vertex-ai": "check Google Application Default Credentials and IAM",
        "azure-openai": "check the Azure Entra credential and role assignments",
    }.get(kind, "check the provider's credentials")


class DefaultCloudAuth:
    """Cloud credential chains through the optional extras, imported lazily."""

    def google_token(self) -> str:
        """Refresh Application Default Credentials and return the access token."""
        google_auth = _extra("google.auth", "vertex")
        transport = _extra("google.auth.transport.requests", "vertex")
        errors = _extra("google.auth.exceptions", "vertex")
        try:
            credentials, _ = google_auth.default(scopes=[GOOGLE_SCOPE])
            credentials.refresh(transport.Request())
        except errors.GoogleAuthError as exc:
            raise MissingCredential(_first_line(exc), _chain_hint_type("vertex-ai")) from None
        return str(credentials.token)

    def azure_token(self, scope: str) -> str:
        """Ask DefaultAzureCredential for a token."""
        identity = _extra("azure.identity", "azure")
        errors = _extra("azure.core.exceptions", "azure")
        try:
            return str(identity.DefaultAzureCredential().get_token(scope).token)
        except errors.ClientAuthenticationError as exc:
            raise MissingCredential(_first_line(exc), _chain_hint_type("azure-openai")) from None

    def aws_auth(self, region: str, environ: Mapping[str, str]) -> httpx.Auth:
        """Sign with credentials from `environ`, else botocore's standard chain."""
        return SigV4Auth(_aws_credentials(environ), region)


class SigV4Auth(httpx.Auth):
    """Sign each request with AWS SigV4 for the `bedrock` service (botocore does the maths)."""

    def __init__(self, credentials: Any, region: str) -> None:
        self._credentials = credentials
        self._region = region

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the SigV4 headers to `request`."""
        awsrequest = _extra("botocore.awsrequest", "bedrock")
        botoauth = _extra("botocore.auth", "bedrock")
        errors = _extra("botocore.exceptions", "bedrock")
        try:
            frozen = self._credentials.get_frozen_credentials()
        except errors.BotoCoreError as exc:
            raise MissingCredential(_first_line(exc), _AWS_HINT) from None
        signable = awsrequest.AWSRequest(
            method=request.method, url=str(request.url), data=request.content, headers={}
        )
        botoauth.SigV4Auth(frozen, "bedrock", self._region).add_auth(signable)
        for name, value in signable.headers.items():
            request.headers[name] = value
        yield request


def _aws_credentials(environ: Mapping[str, str]) -> Any:
    credentials = _extra("botocore.credentials", "bedrock")
    access, secret = environ.get("AWS_ACCESS_KEY_ID"), environ.get("AWS_SECRET_ACCESS_KEY")
    if access and secret:
        return credentials.Credentials(access, secret, environ.get("AWS_SESSION_TOKEN"))
    session = _extra("botocore.session", "bedrock").get_session()
    found = session.get_credentials()
    if found is None:
        raise MissingCredential("no AWS credentials found", _AWS_HINT)
    return found


def _first_line(exc: Exception) -> str:
    # Credential-chain errors describe which sources were tried, never secret values.
    # Scrubbed all the same, before shortening (never the other way round).
    return scrub((str(exc).strip().splitlines() or [type(exc).__name__])[0], limit=200)


def _extra(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        msg = f"{module} is not installed"
        raise MissingCredential(msg, f"pip install 'modelplane[{extra}]'") from None
