"""The inventory language: providers, models, model APIs and environments (pydantic, strict)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from compiler.models.common import STRICT, Duration, Name, Params
from compiler.models.providers import RemoteRef, SecretRef


class Requirements(BaseModel):
    """What the pinned upstream model must offer, checked against the snapshot."""

    model_config = STRICT

    min_context_window: int | None = Field(default=None, alias="minContextWindow", ge=1)
    capabilities: tuple[str, ...] = ()


class SplitTarget(BaseModel):
    """Another logical model that receives a share of this name's traffic."""

    model_config = STRICT

    model: Name = Field(description="A logical model (with its own provider and pin).")
    weight: int = Field(ge=1, le=99, description="Percent of requests it receives.")


class RateLimit(BaseModel):
    """Token budget per time unit for one logical name (Kthena ModelRoute rateLimit)."""

    model_config = STRICT

    input_tokens_per_unit: int | None = Field(
        default=None, alias="inputTokensPerUnit", ge=1, le=2**31 - 1
    )
    output_tokens_per_unit: int | None = Field(
        default=None, alias="outputTokensPerUnit", ge=1, le=2**31 - 1
    )
    unit: Literal["second", "minute", "hour", "day", "month"] = "second"


class Model(BaseModel):
    """A logical model name that consumers ask for, bound to one provider."""

    model_config = STRICT

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
    params: Params = Field(default_factory=dict, description="Call parameters.")
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

    model_config = STRICT

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

    model_config = STRICT

    model: Name = Field(description="The logical model (an ollama provider's) to serve.")


class ProxyAuth(BaseModel):
    """Who may call a Proxy model API: holders of the master key in a Secret, or anyone."""

    model_config = STRICT

    secret_ref: SecretRef | None = Field(
        default=None,
        alias="secretRef",
        description="Secret with the master key; default <model API>-master-key, key master-key.",
    )
    remote_ref: RemoteRef | None = Field(
        default=None,
        alias="remoteRef",
        description="ExternalSecrets backend: the entry in the store (default: secret name).",
    )
    none: bool = Field(default=False, description="Serve without authentication (explicit).")

    @model_validator(mode="after")
    def _one_choice(self) -> ProxyAuth:
        if self.none and (self.secret_ref is not None or self.remote_ref is not None):
            raise ValueError("auth.none excludes secretRef and remoteRef")
        return self


MASTER_KEY_SECRET_KEY = "master-key"


class ModelApi(BaseModel):
    """A deployable serving unit, rendered as a KAOS ModelAPI."""

    model_config = STRICT

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
    auth: ProxyAuth = Field(
        default_factory=ProxyAuth,
        description="Proxy mode: master key from a Secret (the default), or {none: true}.",
    )

    @property
    def master_key_ref(self) -> SecretRef | None:
        """The Secret key holding the proxy's master key; None when unauthenticated."""
        if self.mode != "Proxy" or self.auth.none:
            return None
        if self.auth.secret_ref is not None:
            return self.auth.secret_ref
        # Built, not validated: `<name>-master-key` may exceed a DNS label (Secret names
        # may be up to 253 characters).
        return SecretRef.model_construct(name=f"{self.name}-master-key", key=MASTER_KEY_SECRET_KEY)

    @property
    def route_path(self) -> str:
        """The Gateway path prefix: explicit, or /<name>."""
        return self.route.path or f"/{self.name}"


class InventoryFile(BaseModel):
    """One `inventory/*.yaml` file; any subset of the three lists."""

    model_config = STRICT

    providers: tuple[dict[str, Any], ...] = ()
    models: tuple[dict[str, Any], ...] = ()
    model_apis: tuple[dict[str, Any], ...] = Field(default=(), alias="modelApis")
