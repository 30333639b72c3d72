from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from compiler.discovery.network import Timeouts
from compiler.discovery.policy import RetryPolicy
from compiler.discovery.run import DiscoveryOptions, build_client
from tests.discovery.server import FakeProvider

TIMEOUTS = Timeouts(connect=1.0, request=0.5)


@dataclass(frozen=True)
class Credentials:
    env: str | None = None
    workload_identity: bool = False


@dataclass(frozen=True)
class OpenAIConfig:
    organization: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class ArmRef:
    subscription: str
    resource_group: str
    account: str


@dataclass(frozen=True)
class AzureConfig:
    api_version: str = "2024-10-21"
    deployments_arm: ArmRef | None = None
    models_api: str = "v1"
    deployments: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VertexConfig:
    project: str | None = None
    location: str | None = None
    publishers: tuple[str, ...] = ("google",)


@dataclass(frozen=True)
class BedrockConfig:
    region: str | None = None


@dataclass(frozen=True)
class ProviderConfig:
    openai: OpenAIConfig | None = None
    azure: AzureConfig | None = None
    vertex: VertexConfig | None = None
    bedrock: BedrockConfig | None = None


@dataclass(frozen=True)
class DiscoverySettings:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    enabled: bool = True
    flavor: str = "auto"
    endpoint: str | None = None
    credentials_env: str | None = None
    ca_file: str | None = None


@dataclass(frozen=True)
class Provider:
    """Stand-in with the attribute names of compiler.models.inventory.Provider."""

    name: str
    type: str
    base_url: str
    credentials: Credentials | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    config: ProviderConfig = field(default_factory=ProviderConfig)
    discovery: DiscoverySettings = field(default_factory=DiscoverySettings)


def make_provider(
    name: str, type_: str, base_url: str, env: str | None = None, **kw: Any
) -> Provider:
    creds = Credentials(env=env) if env else kw.pop("credentials", None)
    return Provider(name, type_, base_url, credentials=creds, **kw)


@dataclass
class Sleeps:
    """Records requested sleeps instead of sleeping."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeCloud:
    """Cloud credential chains without the cloud."""

    def __init__(self) -> None:
        self.scopes: list[str] = []

    def google_token(self) -> str:
        return "ya29.fake-google-token"

    def azure_token(self, scope: str) -> str:
        self.scopes.append(scope)
        return "fake-entra-token-" + ("arm" if "management" in scope else "data")

    def aws_auth(self, region: str, environ: Mapping[str, str]) -> httpx.Auth:
        from compiler.discovery.auth import DefaultCloudAuth

        return DefaultCloudAuth().aws_auth(region, environ)


@pytest.fixture
def server() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def options(sleeps: Sleeps) -> DiscoveryOptions:
    policy = RetryPolicy(attempts=4, base_delay=0.5, sleep=sleeps, random=lambda: 0.5)
    return DiscoveryOptions(policy=policy, cloud=FakeCloud(), timeouts=TIMEOUTS)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(timeouts=TIMEOUTS) as c:
        yield c
