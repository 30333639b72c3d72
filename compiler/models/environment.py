"""The environment language: namespace, gateway, secrets, policies, overrides, GitOps."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from compiler.models.common import STRICT, Duration, Name
from compiler.models.labels import check_labels


class GatewayRef(BaseModel):
    """The Gateway that HTTPRoutes attach to."""

    model_config = STRICT

    name: Name
    namespace: Name | None = None
    section_name: str | None = Field(default=None, alias="sectionName")


class Gateway(BaseModel):
    """Gateway parent and default hostnames."""

    model_config = STRICT

    parent_ref: GatewayRef = Field(alias="parentRef")
    hostnames: tuple[str, ...] = ()


class StoreRef(BaseModel):
    """An External Secrets store."""

    model_config = STRICT

    name: Name
    kind: Literal["SecretStore", "ClusterSecretStore"] = "ClusterSecretStore"


class ExternalSecretsSettings(BaseModel):
    """Settings of the ExternalSecrets backend."""

    model_config = STRICT

    store_ref: StoreRef = Field(alias="storeRef")
    refresh_interval: Duration = Field(default="1h", alias="refreshInterval")


class SealedSecretsSettings(BaseModel):
    """Settings of the SealedSecrets backend."""

    model_config = STRICT

    certificate: Annotated[str, StringConstraints(min_length=1, pattern=r"^[^/\\].*$")] = Field(
        description="The controller's public certificate (kubeseal --fetch-cert), a path "
        "relative to the repository root."
    )


class Secrets(BaseModel):
    """How credentials reach the cluster."""

    model_config = STRICT

    backend: Literal["existing", "external-secrets", "sealed-secrets"] = "existing"
    external_secrets: ExternalSecretsSettings | None = Field(default=None, alias="externalSecrets")
    sealed_secrets: SealedSecretsSettings | None = Field(default=None, alias="sealedSecrets")


class Policies(BaseModel):
    """Rules an environment enforces on its resolved inventory and rendered output."""

    model_config = STRICT

    require_https: bool = Field(default=False, alias="requireHttps")
    forbid_insecure_skip_verify: bool = Field(default=False, alias="forbidInsecureSkipVerify")
    forbid_allow_undiscovered: bool = Field(default=False, alias="forbidAllowUndiscovered")
    min_replicas: int | None = Field(default=None, alias="minReplicas", ge=1)
    require_resource_limits: bool = Field(default=False, alias="requireResourceLimits")
    require_proxy_auth: bool = Field(
        default=False,
        alias="requireProxyAuth",
        description="Model APIs exposed through the Gateway must authenticate callers.",
    )


class Enable(BaseModel):
    """Which inventory items the environment uses; a missing list means all of them."""

    model_config = STRICT

    providers: tuple[Name, ...] | None = None
    models: tuple[Name, ...] | None = None
    model_apis: tuple[Name, ...] | None = Field(default=None, alias="modelApis")


class Overrides(BaseModel):
    """Partial items merged over the inventory (see README: merge rule)."""

    model_config = STRICT

    providers: tuple[dict[str, Any], ...] = ()
    models: tuple[dict[str, Any], ...] = ()
    model_apis: tuple[dict[str, Any], ...] = Field(default=(), alias="modelApis")


class ArgoCD(BaseModel):
    """Argo CD Application settings."""

    model_config = STRICT

    namespace: Name = Field(default="argocd", description="Where the Application lives.")
    project: str = Field(default="default", min_length=1)
    destination_server: str | None = Field(
        default="https://kubernetes.default.svc", alias="destinationServer"
    )
    destination_name: str | None = Field(default=None, alias="destinationName")
    automated: bool = Field(default=True, description="Sync automatically, prune, self-heal.")


class Flux(BaseModel):
    """Flux GitRepository and Kustomization settings."""

    model_config = STRICT

    namespace: Name = Field(default="flux-system", description="Where the Flux objects live.")
    interval: Duration = "5m"
    prune: bool = True
    secret_ref: Name | None = Field(
        default=None, alias="secretRef", description="Secret with Git credentials."
    )


class KubeConfigSecretRef(BaseModel):
    """A Secret, in the Flux namespace, holding a remote cluster's kubeconfig."""

    model_config = STRICT

    name: Name
    key: str | None = Field(
        default=None, min_length=1, description="Key in the Secret (Flux: value or value.yaml)."
    )


class KubeConfig(BaseModel):
    """Flux `spec.kubeConfig`: how Flux reaches a remote cluster."""

    model_config = STRICT

    secret_ref: KubeConfigSecretRef = Field(alias="secretRef")


class Cluster(BaseModel):
    """One cluster of a fleet that applies the environment's manifests."""

    model_config = STRICT

    name: Name = Field(
        description="Argo CD: the cluster's name in Argo CD (destination.name); "
        "Flux: a name for its Kustomizations."
    )
    kube_config: KubeConfig | None = Field(
        default=None,
        alias="kubeConfig",
        description="Flux only: the kubeconfig Secret of a remote cluster; "
        "none: the cluster Flux runs in.",
    )
    revision: str | None = Field(
        default=None, min_length=1, description="Git revision this cluster tracks instead."
    )


class Sharding(BaseModel):
    """When and how a large environment's manifests are split into separately applied units."""

    model_config = STRICT

    max_resources: int = Field(
        default=1000,
        ge=0,
        alias="maxResources",
        description="Above this many resources the manifests are split into shards; 0: never.",
    )
    resources_per_shard: int = Field(
        default=500, ge=1, alias="resourcesPerShard", description="About this many per shard."
    )


class GitOps(BaseModel):
    """The GitOps engine that applies this environment's manifests folder."""

    model_config = STRICT

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
    clusters: tuple[Cluster, ...] = Field(
        default=(),
        description="A fleet: every cluster applies the manifests (Argo CD ApplicationSet, "
        "one Flux Kustomization per cluster); none: one cluster as configured above.",
    )

    @model_validator(mode="after")
    def _fleet(self) -> GitOps:
        names = [c.name for c in self.clusters]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"cluster names must be unique: {', '.join(repeated)} repeated")
        if self.engine == "argocd" and any(c.kube_config for c in self.clusters):
            raise ValueError("kubeConfig is for Flux; Argo CD reaches clusters registered by name")
        return self


TargetName = Literal["agentops", "kaos", "kagent", "flokoa", "kthena"]


class TargetModels(BaseModel):
    """Which logical models one operator receives."""

    model_config = STRICT

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

    model_config = STRICT

    namespace: Name
    gateway: Gateway | None = None
    enable: Enable = Field(default_factory=Enable)
    overrides: Overrides = Field(default_factory=Overrides)
    secrets: Secrets = Field(default_factory=Secrets)
    policies: Policies = Field(default_factory=Policies)
    labels: Annotated[dict[str, str], AfterValidator(check_labels)] = Field(
        default_factory=dict, description="Added to every object."
    )
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
    sharding: Sharding = Field(default_factory=Sharding)
