"""The environment language: namespace, gateway, secrets, policies, overrides, GitOps."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

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


class Secrets(BaseModel):
    """How credentials reach the cluster."""

    model_config = STRICT

    backend: Literal["existing", "external-secrets"] = "existing"
    external_secrets: ExternalSecretsSettings | None = Field(default=None, alias="externalSecrets")


class Policies(BaseModel):
    """Rules an environment enforces on its resolved inventory and rendered output."""

    model_config = STRICT

    require_https: bool = Field(default=False, alias="requireHttps")
    forbid_insecure_skip_verify: bool = Field(default=False, alias="forbidInsecureSkipVerify")
    forbid_allow_undiscovered: bool = Field(default=False, alias="forbidAllowUndiscovered")
    min_replicas: int | None = Field(default=None, alias="minReplicas", ge=1)
    require_resource_limits: bool = Field(default=False, alias="requireResourceLimits")


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
    targets: tuple[Literal["agentops", "kaos"], ...] = Field(
        default=("agentops", "kaos"), description="Operators to render for."
    )
    kubernetes_version: Annotated[str, StringConstraints(pattern=r"^1\.\d+$")] | None = Field(
        default=None,
        alias="kubernetesVersion",
        description="Kubernetes minor version (e.g. 1.33) whose built-in schemas apply.",
    )
    gitops: GitOps | None = Field(
        default=None, description="Render Argo CD or Flux objects into environments/<env>/gitops/."
    )
