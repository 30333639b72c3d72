"""The inventory language: providers, models, model APIs and environments (pydantic, strict)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

Name = Annotated[
    str,
    StringConstraints(max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
    Field(description="A DNS-1123 label: lower-case letters, digits and '-', at most 63."),
]
EnvVarName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Duration = Annotated[
    str,
    # Gateway API's duration format (GEP-2257), which KAOS' own pattern also accepts.
    StringConstraints(pattern=r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"),
    Field(description="A Go-style duration such as 90s, 2m or 1h30m."),
]
HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
# Finite floats first: for a bad number, their error is the one worth reading.
Scalar = Annotated[float, Field(allow_inf_nan=False)] | int | bool | str

ProviderType = Literal[
    "openai",
    "anthropic",
    "azure-openai",
    "gemini",
    "vertex-ai",
    "bedrock",
    "ollama",
    "openai-compatible",
    "openrouter",
    "mistral",
    "groq",
    "together",
    "deepseek",
]

DEFAULT_ENDPOINTS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "openrouter": "https://openrouter.ai/api/v1",
    "mistral": "https://api.mistral.ai/v1",
    "groq": "https://api.groq.com/openai/v1",
    "together": "https://api.together.xyz/v1",
    "deepseek": "https://api.deepseek.com",
    "ollama": "http://localhost:11434",
}


class SecretRef(BaseModel):
    """A key inside a Kubernetes Secret in the environment's namespace."""

    model_config = _STRICT

    name: Name = Field(description="Secret name.")
    key: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$")] = Field(
        description="Key inside the Secret."
    )


class RemoteRef(BaseModel):
    """Where an ExternalSecret finds the value in the secret store."""

    model_config = _STRICT

    key: str = Field(min_length=1, description="Path or name in the external store.")
    property: str | None = Field(default=None, description="Field inside that entry.")


class Credentials(BaseModel):
    """References to a credential; never the credential itself."""

    model_config = _STRICT

    secret_ref: SecretRef | None = Field(
        default=None, alias="secretRef", description="Secret holding the key in the cluster."
    )
    remote_ref: RemoteRef | None = Field(
        default=None,
        alias="remoteRef",
        description="ExternalSecrets backend: the entry in the store (default: secret name).",
    )
    env: EnvVarName | None = Field(
        default=None, description="Environment variable holding the key for discovery."
    )
    workload_identity: bool = Field(
        default=False,
        alias="workloadIdentity",
        description="Use the cloud credential chain (Bedrock, Vertex AI, Azure Entra ID).",
    )


class Tls(BaseModel):
    """TLS settings towards the provider."""

    model_config = _STRICT

    ca_secret_ref: SecretRef | None = Field(default=None, alias="caSecretRef")
    insecure_skip_verify: bool = Field(default=False, alias="insecureSkipVerify")


class OpenAIConfig(BaseModel):
    """OpenAI account scoping."""

    model_config = _STRICT

    organization: str | None = None
    project: str | None = None


class ArmRef(BaseModel):
    """An Azure AI resource, for listing its deployments through ARM."""

    model_config = _STRICT

    subscription: str = Field(min_length=1)
    resource_group: str = Field(alias="resourceGroup", min_length=1)
    account: str = Field(min_length=1)


class AzureConfig(BaseModel):
    """Azure OpenAI settings."""

    model_config = _STRICT

    api_version: str = Field(default="2024-10-21", alias="apiVersion")
    deployments_arm: ArmRef | None = Field(default=None, alias="deploymentsArm")


class VertexConfig(BaseModel):
    """Vertex AI project and region."""

    model_config = _STRICT

    project: str = Field(min_length=1)
    location: str = Field(min_length=1)


class BedrockConfig(BaseModel):
    """AWS Bedrock region."""

    model_config = _STRICT

    region: str = Field(min_length=1, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")


class ProviderConfig(BaseModel):
    """Type-specific provider settings; only the block matching the type may be set."""

    model_config = _STRICT

    openai: OpenAIConfig | None = None
    azure: AzureConfig | None = None
    vertex: VertexConfig | None = None
    bedrock: BedrockConfig | None = None


class DiscoverySettings(BaseModel):
    """How `modelplane discover` lists this provider's models."""

    model_config = _STRICT

    enabled: bool = True
    include: tuple[str, ...] = Field(default=(), description="Globs of ids to keep.")
    exclude: tuple[str, ...] = Field(default=(), description="Globs of ids to drop.")
    flavor: Literal["auto", "vllm", "litellm"] = Field(
        default="auto", description="For openai-compatible servers: which extras to read."
    )


class Provider(BaseModel):
    """A named upstream LLM API account."""

    model_config = _STRICT

    name: Name
    type: ProviderType
    endpoint: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")] | None = Field(
        default=None, description="Base URL; defaults per type."
    )
    credentials: Credentials | None = None
    headers: dict[HeaderName, str] = Field(default_factory=dict)
    tls: Tls = Field(default_factory=Tls)
    config: ProviderConfig = Field(default_factory=ProviderConfig)
    defaults: dict[str, Scalar] = Field(
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


class Requirements(BaseModel):
    """What the pinned upstream model must offer, checked against the snapshot."""

    model_config = _STRICT

    min_context_window: int | None = Field(default=None, alias="minContextWindow", ge=1)
    capabilities: tuple[str, ...] = ()


class SplitTarget(BaseModel):
    """Another logical model that receives a share of this name's traffic."""

    model_config = _STRICT

    model: Name = Field(description="A logical model (with its own provider and pin).")
    weight: int = Field(ge=1, le=99, description="Percent of requests it receives.")


class RateLimit(BaseModel):
    """Token budget per time unit for one logical name (Kthena ModelRoute rateLimit)."""

    model_config = _STRICT

    input_tokens_per_unit: int | None = Field(
        default=None, alias="inputTokensPerUnit", ge=1, le=2**31 - 1
    )
    output_tokens_per_unit: int | None = Field(
        default=None, alias="outputTokensPerUnit", ge=1, le=2**31 - 1
    )
    unit: Literal["second", "minute", "hour", "day", "month"] = "second"


class Model(BaseModel):
    """A logical model name that consumers ask for, bound to one provider."""

    model_config = _STRICT

    name: Name
    provider: Name
    model: str = Field(min_length=1, description="Exact id, floating alias or glob.")
    match: Literal["auto", "exact", "alias", "glob"] = Field(
        default="auto", description="How to read `model`; auto infers it."
    )
    allow_undiscovered: bool = Field(
        default=False,
        alias="allowUndiscovered",
        description="Accept an id that discovery did not list (pinned as written).",
    )
    fallbacks: tuple[Name, ...] = Field(default=(), description="Logical models to try next.")
    params: dict[str, Scalar] = Field(default_factory=dict, description="Call parameters.")
    requires: Requirements = Field(default_factory=Requirements)
    split: tuple[SplitTarget, ...] = Field(
        default=(),
        description="Send part of this name's traffic to other logical models (Kthena); "
        "this model keeps the rest.",
    )
    rate_limit: RateLimit | None = Field(
        default=None, alias="rateLimit", description="Token rate limit of this name (Kthena)."
    )


class Route(BaseModel):
    """How a model API is exposed through the Gateway."""

    model_config = _STRICT

    enabled: bool = True
    hostnames: tuple[str, ...] | None = Field(
        default=None, description="Defaults to the environment's gateway hostnames."
    )
    path: Annotated[str, StringConstraints(pattern=r"^/[^\s]*$")] | None = Field(
        default=None, description="Path prefix; defaults to /<model-api name>."
    )
    timeout: Duration | None = None


class Hosted(BaseModel):
    """Hosted mode: Ollama serves one model in-cluster."""

    model_config = _STRICT

    model: Name = Field(description="The logical model (an ollama provider's) to serve.")


class ModelApi(BaseModel):
    """A deployable serving unit, rendered as a KAOS ModelAPI."""

    model_config = _STRICT

    name: Name
    mode: Literal["Proxy", "Hosted"]
    models: tuple[Name, ...] = Field(default=(), description="Proxy: logical models served.")
    hosted: Hosted | None = None
    replicas: int = Field(default=1, ge=1, le=100)
    resources: dict[str, dict[str, str | int]] | None = Field(
        default=None, description="Shorthand for the model-api container's resources."
    )
    pod_spec: dict[str, Any] | None = Field(
        default=None, alias="podSpec", description="Strategic-merge patch over the pod."
    )
    route: Route = Field(default_factory=Route)
    timeout: Duration | None = Field(default=None, description="KAOS gatewayRoute.timeout.")

    @property
    def route_path(self) -> str:
        """The Gateway path prefix: explicit, or /<name>."""
        return self.route.path or f"/{self.name}"


class GatewayRef(BaseModel):
    """The Gateway that HTTPRoutes attach to."""

    model_config = _STRICT

    name: Name
    namespace: Name | None = None
    section_name: str | None = Field(default=None, alias="sectionName")


class Gateway(BaseModel):
    """Gateway parent and default hostnames."""

    model_config = _STRICT

    parent_ref: GatewayRef = Field(alias="parentRef")
    hostnames: tuple[str, ...] = ()


class StoreRef(BaseModel):
    """An External Secrets store."""

    model_config = _STRICT

    name: Name
    kind: Literal["SecretStore", "ClusterSecretStore"] = "ClusterSecretStore"


class ExternalSecretsSettings(BaseModel):
    """Settings of the ExternalSecrets backend."""

    model_config = _STRICT

    store_ref: StoreRef = Field(alias="storeRef")
    refresh_interval: Duration = Field(default="1h", alias="refreshInterval")


class SealedSecretsSettings(BaseModel):
    """Settings of the SealedSecrets backend."""

    model_config = _STRICT

    certificate: Annotated[str, StringConstraints(min_length=1, pattern=r"^[^/\\].*$")] = Field(
        description="The controller's public certificate (kubeseal --fetch-cert), a path "
        "relative to the repository root."
    )


class Secrets(BaseModel):
    """How credentials reach the cluster."""

    model_config = _STRICT

    backend: Literal["existing", "external-secrets", "sealed-secrets"] = "existing"
    external_secrets: ExternalSecretsSettings | None = Field(default=None, alias="externalSecrets")
    sealed_secrets: SealedSecretsSettings | None = Field(default=None, alias="sealedSecrets")


class Policies(BaseModel):
    """Rules an environment enforces on its resolved inventory and rendered output."""

    model_config = _STRICT

    require_https: bool = Field(default=False, alias="requireHttps")
    forbid_insecure_skip_verify: bool = Field(default=False, alias="forbidInsecureSkipVerify")
    forbid_allow_undiscovered: bool = Field(default=False, alias="forbidAllowUndiscovered")
    min_replicas: int | None = Field(default=None, alias="minReplicas", ge=1)
    require_resource_limits: bool = Field(default=False, alias="requireResourceLimits")


class Enable(BaseModel):
    """Which inventory items the environment uses; a missing list means all of them."""

    model_config = _STRICT

    providers: tuple[Name, ...] | None = None
    models: tuple[Name, ...] | None = None
    model_apis: tuple[Name, ...] | None = Field(default=None, alias="modelApis")


class Overrides(BaseModel):
    """Partial items merged over the inventory (see README: merge rule)."""

    model_config = _STRICT

    providers: tuple[dict[str, Any], ...] = ()
    models: tuple[dict[str, Any], ...] = ()
    model_apis: tuple[dict[str, Any], ...] = Field(default=(), alias="modelApis")


class ArgoCD(BaseModel):
    """Argo CD Application settings."""

    model_config = _STRICT

    namespace: Name = Field(default="argocd", description="Where the Application lives.")
    project: str = Field(default="default", min_length=1)
    destination_server: str | None = Field(
        default="https://kubernetes.default.svc", alias="destinationServer"
    )
    destination_name: str | None = Field(default=None, alias="destinationName")
    automated: bool = Field(default=True, description="Sync automatically, prune, self-heal.")


class Flux(BaseModel):
    """Flux GitRepository and Kustomization settings."""

    model_config = _STRICT

    namespace: Name = Field(default="flux-system", description="Where the Flux objects live.")
    interval: Duration = "5m"
    prune: bool = True
    secret_ref: Name | None = Field(
        default=None, alias="secretRef", description="Secret with Git credentials."
    )


class GitOps(BaseModel):
    """The GitOps engine that applies this environment's manifests folder."""

    model_config = _STRICT

    engine: Literal["argocd", "flux"]
    repo_url: Annotated[str, StringConstraints(pattern=r"^(https?|ssh)://\S+$|^git@\S+:\S+$")] = (
        Field(alias="repoURL")
    )
    revision: str = Field(default="main", min_length=1)
    path: str | None = Field(
        default=None, description="Path of the manifests in the repo; default: this repo's."
    )
    argocd: ArgoCD = Field(default_factory=ArgoCD)
    flux: Flux = Field(default_factory=Flux)


TargetName = Literal["agentops", "kaos", "kagent", "flokoa", "kthena"]


class TargetModels(BaseModel):
    """Which logical models one operator receives."""

    model_config = _STRICT

    models: tuple[Name, ...] | None = Field(
        default=None, description="Logical models rendered for this operator; default: all."
    )


class KagentSettings(TargetModels):
    """kagent: ModelConfigs per model, optional ModelProviderConfigs and proxy routing."""

    namespace: Name = Field(
        default="kagent", description="kagent's own namespace (its UI reads providers there)."
    )
    model_provider_configs: bool = Field(
        default=False,
        alias="modelProviderConfigs",
        description="Render a ModelProviderConfig per provider for kagent's UI.",
    )
    via_proxy: Name | None = Field(
        default=None,
        alias="viaProxy",
        description="A Proxy model API: its models reach kagent through that LiteLLM proxy.",
    )


class FlokoaSettings(TargetModels):
    """Flokoa: which CRD generation the cluster runs."""

    crd: Literal["head", "chart"] = Field(
        default="head",
        description="head: Model.spec.settings (operator at HEAD); chart: the Helm chart's "
        "older Model CRD with spec.parameters.",
    )


class Environment(BaseModel):
    """`environments/<env>/environment.yaml`."""

    model_config = _STRICT

    namespace: Name
    gateway: Gateway | None = None
    enable: Enable = Field(default_factory=Enable)
    overrides: Overrides = Field(default_factory=Overrides)
    secrets: Secrets = Field(default_factory=Secrets)
    policies: Policies = Field(default_factory=Policies)
    labels: dict[str, str] = Field(default_factory=dict, description="Added to every object.")
    targets: tuple[TargetName, ...] = Field(
        default=("agentops", "kaos"), description="Operators to render for."
    )
    kagent: KagentSettings = Field(default_factory=KagentSettings)
    flokoa: FlokoaSettings = Field(default_factory=FlokoaSettings)
    kthena: TargetModels = Field(default_factory=TargetModels)
    kubernetes_version: Annotated[str, StringConstraints(pattern=r"^1\.\d+$")] | None = Field(
        default=None,
        alias="kubernetesVersion",
        description="Kubernetes minor version (e.g. 1.33) whose built-in schemas apply.",
    )
    gitops: GitOps | None = Field(
        default=None, description="Render Argo CD or Flux objects into environments/<env>/gitops/."
    )


class InventoryFile(BaseModel):
    """One `inventory/*.yaml` file; any subset of the three lists."""

    model_config = _STRICT

    providers: tuple[dict[str, Any], ...] = ()
    models: tuple[dict[str, Any], ...] = ()
    model_apis: tuple[dict[str, Any], ...] = Field(default=(), alias="modelApis")
