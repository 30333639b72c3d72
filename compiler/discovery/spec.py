"""The read-only view of an inventory provider that discovery needs.

These Protocols name exactly the attributes discovery reads from
`compiler.models.inventory.Provider`, so adapters depend on that shape and not on the
inventory module (which sits upstream of the lock stage). Properties make them
covariant: an inventory field typed `str` satisfies `str | None` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class CredentialsSpec(Protocol):
    """Where discovery finds the provider's credential."""

    @property
    def env(self) -> str | None:
        """Environment variable holding the key at discover time."""

    @property
    def workload_identity(self) -> bool:
        """Use the cloud credential chain (AWS, Google ADC, Azure Entra)."""


class OpenAIConfigSpec(Protocol):
    """OpenAI account scoping."""

    @property
    def organization(self) -> str | None:
        """Sent as OpenAI-Organization."""

    @property
    def project(self) -> str | None:
        """Sent as OpenAI-Project."""


class ArmRefSpec(Protocol):
    """An Azure Cognitive Services account in ARM."""

    @property
    def subscription(self) -> str:
        """Subscription id."""

    @property
    def resource_group(self) -> str:
        """Resource group name."""

    @property
    def account(self) -> str:
        """Account (resource) name."""


class AzureConfigSpec(Protocol):
    """Azure OpenAI settings."""

    @property
    def api_version(self) -> str:
        """Dated data-plane API version."""

    @property
    def deployments_arm(self) -> ArmRefSpec | None:
        """Where to list deployments, if at all."""

    @property
    def models_api(self) -> str:
        """`v1` (`/openai/v1/models`) or `dated` (`/openai/models?api-version`)."""

    @property
    def deployments(self) -> Mapping[str, str]:
        """Deployments declared without ARM: name -> model."""


class VertexConfigSpec(Protocol):
    """Vertex AI project and location."""

    @property
    def project(self) -> str | None:
        """GCP project, sent as x-goog-user-project."""

    @property
    def location(self) -> str | None:
        """Region, e.g. us-central1."""

    @property
    def publishers(self) -> Sequence[str]:
        """Model Garden publishers to list (google, anthropic, meta, mistralai, ...)."""


class BedrockConfigSpec(Protocol):
    """AWS Bedrock region."""

    @property
    def region(self) -> str | None:
        """AWS region, e.g. us-east-1."""


class ProviderConfigSpec(Protocol):
    """Type-specific provider settings."""

    @property
    def openai(self) -> OpenAIConfigSpec | None:
        """OpenAI settings."""

    @property
    def azure(self) -> AzureConfigSpec | None:
        """Azure settings."""

    @property
    def vertex(self) -> VertexConfigSpec | None:
        """Vertex settings."""

    @property
    def bedrock(self) -> BedrockConfigSpec | None:
        """Bedrock settings."""


class DiscoverySettingsSpec(Protocol):
    """Per-provider discovery settings."""

    @property
    def include(self) -> Sequence[str]:
        """Globs of model ids to keep (empty keeps all)."""

    @property
    def exclude(self) -> Sequence[str]:
        """Globs of model ids to drop."""

    @property
    def enabled(self) -> bool:
        """Whether discovery asks this provider at all."""

    @property
    def flavor(self) -> str:
        """auto, vllm or litellm (openai-compatible only)."""

    @property
    def endpoint(self) -> str | None:
        """Where discovery asks instead of the provider's endpoint (in-cluster servers)."""

    @property
    def credentials_env(self) -> str | None:
        """Variable with the key for `endpoint`, when it differs from `credentials.env`."""

    @property
    def ca_file(self) -> str | None:
        """PEM file of CAs trusted for this provider, relative to the project root."""


class ProviderSpec(Protocol):
    """One inventory provider as discovery sees it."""

    @property
    def name(self) -> str:
        """Inventory name, e.g. openai-prod."""

    @property
    def type(self) -> str:
        """Provider type; selects the adapter."""

    @property
    def base_url(self) -> str | None:
        """The effective endpoint; None when the type has no default and none is set."""

    @property
    def credentials(self) -> CredentialsSpec | None:
        """Credential source, if any."""

    @property
    def headers(self) -> Mapping[str, str]:
        """Static headers, sent on discovery too."""

    @property
    def config(self) -> ProviderConfigSpec:
        """Type-specific settings."""

    @property
    def discovery(self) -> DiscoverySettingsSpec:
        """Discovery settings."""
