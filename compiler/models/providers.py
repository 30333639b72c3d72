"""The inventory language, providers: endpoint, credentials, TLS, type-specific config."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from compiler.models.checks import no_userinfo, secret_variable
from compiler.models.common import (
    DEFAULT_ENDPOINTS,
    STRICT,
    Duration,
    EnvVarName,
    HeaderName,
    Name,
    Params,
    ProviderType,
)


class SecretRef(BaseModel):
    """A key inside a Kubernetes Secret in the environment's namespace."""

    model_config = STRICT

    name: Name = Field(description="Secret name.")
    key: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$")] = Field(
        description="Key inside the Secret."
    )


class RemoteRef(BaseModel):
    """Where an ExternalSecret finds the value in the secret store."""

    model_config = STRICT

    key: str = Field(min_length=1, description="Path or name in the external store.")
    property: str | None = Field(default=None, description="Field inside that entry.")


class OAuth2ClientCredentials(BaseModel):
    """An OAuth2 client-credentials grant (agentops fetches the token; LiteLLM cannot)."""

    model_config = STRICT

    token_url: Annotated[
        str, StringConstraints(pattern=r"^https?://[^\s]+$"), AfterValidator(no_userinfo)
    ] = Field(alias="tokenURL")
    client_id_secret_ref: SecretRef = Field(alias="clientIdSecretRef")
    client_secret_secret_ref: SecretRef = Field(alias="clientSecretSecretRef")
    scope: str | None = None
    audience: str | None = None


class Credentials(BaseModel):
    """References to a credential; never the credential itself."""

    model_config = STRICT

    secret_ref: SecretRef | None = Field(
        default=None, alias="secretRef", description="Secret holding the key in the cluster."
    )
    remote_ref: RemoteRef | None = Field(
        default=None,
        alias="remoteRef",
        description="ExternalSecrets backend: the entry in the store (default: secret name).",
    )
    env: Annotated[EnvVarName, AfterValidator(secret_variable)] | None = Field(
        default=None, description="Environment variable holding the key for discovery."
    )
    workload_identity: bool = Field(
        default=False,
        alias="workloadIdentity",
        description="Use the cloud credential chain (Bedrock, Vertex AI, Azure Entra ID).",
    )
    none: bool = Field(
        default=False,
        description="Explicitly keyless in the cluster (an unauthenticated vLLM or Ollama).",
    )
    oauth2: OAuth2ClientCredentials | None = Field(
        default=None, description="OAuth2 client credentials (agentops Providers only)."
    )

    @model_validator(mode="after")
    def _keyless_alone(self) -> Credentials:
        if self.none and (
            self.secret_ref is not None or self.workload_identity or self.oauth2 is not None
        ):
            raise ValueError("credentials.none excludes secretRef, workloadIdentity and oauth2")
        return self

    @property
    def in_cluster(self) -> bool:
        """Whether the serving pod gets a credential (a Secret or the cloud identity)."""
        return self.secret_ref is not None or self.workload_identity


class Tls(BaseModel):
    """TLS settings towards the provider."""

    model_config = STRICT

    ca_secret_ref: SecretRef | None = Field(default=None, alias="caSecretRef")
    insecure_skip_verify: bool = Field(default=False, alias="insecureSkipVerify")


class OpenAIConfig(BaseModel):
    """OpenAI account scoping."""

    model_config = STRICT

    organization: str | None = None
    project: str | None = None
    use_responses_api: bool | None = Field(
        default=None, alias="useResponsesAPI", description="agentops: call the Responses API."
    )


class ArmRef(BaseModel):
    """An Azure AI resource, for listing its deployments through ARM."""

    model_config = STRICT

    subscription: str = Field(min_length=1)
    resource_group: str = Field(alias="resourceGroup", min_length=1)
    account: str = Field(min_length=1)


class AzureConfig(BaseModel):
    """Azure OpenAI settings."""

    model_config = STRICT

    api_version: str = Field(default="2024-10-21", alias="apiVersion")
    use_responses_api: bool | None = Field(
        default=None, alias="useResponsesAPI", description="agentops: call the Responses API."
    )
    deployments_arm: ArmRef | None = Field(default=None, alias="deploymentsArm")
    models_api: Literal["v1", "dated"] = Field(
        default="v1",
        alias="modelsApi",
        description="Model list discovery asks: v1 (/openai/v1/models) or dated "
        "(/openai/models?api-version=apiVersion).",
    )
    deployments: dict[str, str] = Field(
        default_factory=dict,
        description="Deployments (name -> model) when ARM cannot be asked; discovery checks "
        "that the resource lists each model.",
    )


class VertexConfig(BaseModel):
    """Vertex AI project and region."""

    model_config = STRICT

    project: str = Field(min_length=1)
    location: str = Field(min_length=1)
    publishers: tuple[Name, ...] = Field(
        default=("google",),
        min_length=1,
        description="Model Garden publishers discovery lists (google, anthropic, meta, "
        "mistralai, ...); partner models are pinned as name@version.",
    )


class BedrockConfig(BaseModel):
    """AWS Bedrock region."""

    model_config = STRICT

    region: str = Field(min_length=1, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")


class ProviderConfig(BaseModel):
    """Type-specific provider settings; only the block matching the type may be set."""

    model_config = STRICT

    openai: OpenAIConfig | None = None
    azure: AzureConfig | None = None
    vertex: VertexConfig | None = None
    bedrock: BedrockConfig | None = None


class DiscoverySettings(BaseModel):
    """How `modelplane discover` lists this provider's models."""

    model_config = STRICT

    enabled: bool = True
    include: tuple[str, ...] = Field(default=(), description="Globs of ids to keep.")
    exclude: tuple[str, ...] = Field(default=(), description="Globs of ids to drop.")
    flavor: Literal["auto", "vllm", "litellm"] = Field(
        default="auto", description="For openai-compatible servers: which extras to read."
    )
    endpoint: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")] | None = Field(
        default=None,
        description="Base URL discovery asks instead of `endpoint` (an in-cluster server "
        "reached from CI through an ingress or port-forward).",
    )
    credentials_env: EnvVarName | None = Field(
        default=None,
        alias="credentialsEnv",
        description="Variable holding the key for `discovery.endpoint`, if not credentials.env.",
    )
    ca_file: str | None = Field(
        default=None,
        alias="caFile",
        min_length=1,
        description="PEM file of CAs to trust for discovery, relative to the project root.",
    )


class Provider(BaseModel):
    """A named upstream LLM API account."""

    model_config = STRICT

    name: Name
    type: ProviderType
    endpoint: (
        Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$"), AfterValidator(no_userinfo)]
        | None
    ) = Field(default=None, description="Base URL; defaults per type.")
    credentials: Credentials | None = None
    headers: dict[HeaderName, str] = Field(default_factory=dict)
    tls: Tls = Field(default_factory=Tls)
    config: ProviderConfig = Field(default_factory=ProviderConfig)
    defaults: Params = Field(
        default_factory=dict, description="Per-call parameters for every model of this provider."
    )
    timeout: Duration | None = Field(default=None, description="Upstream request timeout.")
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)

    @property
    def base_url(self) -> str | None:
        """The effective endpoint: explicit, derived from config, or the type's default."""
        if self.endpoint:
            return self.endpoint.rstrip("/")
        if self.type == "vertex-ai" and self.config.vertex:
            return f"https://{self.config.vertex.location}-aiplatform.googleapis.com"
        if self.type == "bedrock" and self.config.bedrock:
            return f"https://bedrock.{self.config.bedrock.region}.amazonaws.com"
        return DEFAULT_ENDPOINTS.get(self.type)
