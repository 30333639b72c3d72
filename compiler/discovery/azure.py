"""Azure OpenAI: `GET /openai/v1/models`, plus deployments (called names) from ARM or declared."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from compiler.discovery.auth import AZURE_ARM_SCOPE, Access, AuthStyle, MissingCredential
from compiler.discovery.azure_declared import declared_deployments
from compiler.discovery.base import AdapterContext, Discovered, ProviderFailed, no_headers
from compiler.discovery.dates import day_from_unix
from compiler.discovery.openai_list import RESPONSE
from compiler.discovery.paging import paginate
from compiler.discovery.spec import ArmRefSpec, AzureConfigSpec
from compiler.discovery.wire import origin_of
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "azure"
request_headers = no_headers
DEFAULT_API_VERSION = "2024-10-21"
ARM_API_VERSION = "2024-10-01"
_ARM = ConfigDict(extra="ignore", frozen=True, alias_generator=to_camel)
_CAPABILITIES = {"chat_completion": "chat", "completion": "completion", "embeddings": "embeddings"}


class AzureModel(BaseModel):
    """A data-plane model entry (dated API: `created_at`; v1 API: OpenAI's `created`)."""

    model_config = RESPONSE

    id: str
    created_at: int | None = None
    created: int | None = None
    lifecycle_status: str | None = None
    capabilities: dict[str, bool] = {}
    deprecation: dict[str, int] = {}


class AzureList(BaseModel):
    """Data-plane list envelope."""

    model_config = RESPONSE

    data: list[dict[str, Any]]


class DeploymentModel(BaseModel):
    """The model a deployment pins."""

    model_config = _ARM

    name: str
    version: str | None = None
    format: str | None = None


class DeploymentProperties(BaseModel):
    """Deployment properties that matter for pinning."""

    model_config = _ARM

    model: DeploymentModel
    version_upgrade_option: str | None = None
    capabilities: dict[str, str] = {}


class Deployment(BaseModel):
    """An ARM deployment."""

    model_config = _ARM

    name: str
    properties: DeploymentProperties


class DeploymentPage(BaseModel):
    """One ARM page; `nextLink` is an absolute URL."""

    model_config = _ARM

    value: list[dict[str, Any]] = []
    next_link: str | None = None


def discover(ctx: AdapterContext) -> Discovered:
    """List the models the resource can use, then its deployments (ARM, or declared)."""
    azure = ctx.provider.config.azure
    url, params = _models_request(ctx, azure)
    body = ctx.fetcher.get_json(url, params)
    entries = ctx.fetcher.parse(AzureList, body, url).data
    models = [_model(ctx.fetcher.parse(AzureModel, e, url)) for e in entries]
    ctx.fetcher.count_page(len(models))
    arm = azure.deployments_arm if azure else None
    if arm is not None:
        deployments = _deployments(ctx, arm)
    else:
        declared = dict(azure.deployments) if azure else {}
        deployments = declared_deployments(ctx, url, declared, {m.id for m in models})
    return Discovered(url, [*deployments, *models])


def _models_request(
    ctx: AdapterContext, azure: AzureConfigSpec | None
) -> tuple[str, dict[str, str]]:
    # The v1 API (`/openai/v1/models`, GA since 2025) needs no api-version; the dated
    # data-plane list stays available for resources pinned to it.
    if azure is not None and azure.models_api == "dated":
        version = azure.api_version or DEFAULT_API_VERSION
        return ctx.url("openai/models"), {"api-version": version}
    return ctx.url("openai/v1/models"), {}


def _deployments(ctx: AdapterContext, arm: ArmRefSpec) -> list[SnapshotModel]:
    try:
        token = ctx.cloud.azure_token(AZURE_ARM_SCOPE)
    except MissingCredential as exc:
        raise ProviderFailed(
            ctx.fetcher.failure(ctx.arm_endpoint, None, str(exc), exc.hint)
        ) from None
    hint = "check the Azure login"
    bearer = {"Authorization": f"Bearer {token}"}
    # The ARM token may only go to ARM: a nextLink to any other host is refused.
    access = Access(bearer, None, (token,), hint, origin_of(ctx.arm_endpoint))
    url = (
        f"{ctx.arm_endpoint.rstrip('/')}/subscriptions/{arm.subscription}"
        f"/resourceGroups/{arm.resource_group}/providers/Microsoft.CognitiveServices"
        f"/accounts/{arm.account}/deployments"
    )
    fetcher = ctx.fetcher

    def page(cursor: str | None) -> tuple[list[Deployment], str | None]:
        raw = fetcher.get_json(
            cursor or url, None if cursor else {"api-version": ARM_API_VERSION}, access=access
        )
        body = fetcher.parse(DeploymentPage, raw, url)
        return [fetcher.parse(Deployment, d, url) for d in body.value], body.next_link

    return [_deployment(d) for d in paginate(fetcher, page)]


def _deployment(deployment: Deployment) -> SnapshotModel:
    props = deployment.properties
    details: dict[str, DetailValue] = {
        "kind": "deployment",
        "model": props.model.name,
        "modelVersion": props.model.version,
        "versionUpgradeOption": props.version_upgrade_option,
    }
    capabilities = [
        _CAPABILITIES.get(_snake(k), _snake(k))
        for k, v in props.capabilities.items()
        if v == "true"
    ]
    return SnapshotModel(
        id=deployment.name,
        capabilities=tuple(capabilities),
        details={k: v for k, v in details.items() if v is not None},
    )


def _model(model: AzureModel) -> SnapshotModel:
    details: dict[str, DetailValue] = {"kind": "model", "lifecycle": model.lifecycle_status}
    capabilities = [_CAPABILITIES.get(k, k) for k, on in model.capabilities.items() if on]
    return SnapshotModel(
        id=model.id,
        created=day_from_unix(model.created_at or model.created),
        capabilities=tuple(c for c in capabilities if c != "inference"),
        retires_at=day_from_unix(model.deprecation.get("inference")),
        details={k: v for k, v in details.items() if v is not None},
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
