"""AWS Bedrock: `GET /foundation-models`, `GET /inference-profiles` (`nextToken`), SigV4."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from compiler.discovery.auth import AuthStyle
from compiler.discovery.base import AdapterContext, Discovered, no_headers
from compiler.discovery.dates import day_from_iso
from compiler.discovery.gemini import GOOGLE_RESPONSE as CAMEL_RESPONSE
from compiler.discovery.paging import paginate
from compiler.models.snapshot import DetailValue, SnapshotModel

AUTH: AuthStyle = "aws"
request_headers = no_headers
PAGE_SIZE = "1000"
_OUTPUT = {"TEXT": "chat", "EMBEDDING": "embeddings", "IMAGE": "image-generation"}


class Lifecycle(BaseModel):
    """Model lifecycle; enums are open strings."""

    model_config = CAMEL_RESPONSE

    status: str | None = None
    start_of_life_time: str | None = None
    legacy_time: str | None = None
    end_of_life_time: str | None = None


class FoundationModel(BaseModel):
    """A foundation model summary."""

    model_config = CAMEL_RESPONSE

    model_id: str
    model_name: str | None = None
    provider_name: str | None = None
    input_modalities: list[str] = []
    output_modalities: list[str] = []
    response_streaming_supported: bool | None = None
    inference_types_supported: list[str] = []
    model_lifecycle: Lifecycle = Lifecycle()


class FoundationList(BaseModel):
    """ListFoundationModels output (not paginated)."""

    model_config = CAMEL_RESPONSE

    model_summaries: list[dict[str, Any]] = []


class Profile(BaseModel):
    """An inference profile: the id clients call for cross-region models."""

    model_config = CAMEL_RESPONSE

    inference_profile_id: str
    inference_profile_name: str | None = None
    models: list[dict[str, str]] = []
    status: str | None = None
    type: str | None = None
    created_at: str | None = None


class ProfilePage(BaseModel):
    """One page of ListInferenceProfiles."""

    model_config = CAMEL_RESPONSE

    inference_profile_summaries: list[dict[str, Any]] = []
    next_token: str | None = None


def discover(ctx: AdapterContext) -> Discovered:
    """List foundation models, then every page of inference profiles."""
    fetcher = ctx.fetcher
    url = ctx.url("foundation-models")
    body = fetcher.parse(FoundationList, fetcher.get_json(url), url)
    models = [fetcher.parse(FoundationModel, m, url) for m in body.model_summaries]
    fetcher.count_page(len(models))
    profiles_url = ctx.url("inference-profiles")

    def page(cursor: str | None) -> tuple[list[Profile], str | None]:
        params = {"maxResults": PAGE_SIZE} | ({"nextToken": cursor} if cursor else {})
        raw = fetcher.get_json(profiles_url, params)
        found = fetcher.parse(ProfilePage, raw, profiles_url)
        profiles = [
            fetcher.parse(Profile, p, profiles_url) for p in found.inference_profile_summaries
        ]
        return profiles, found.next_token

    profiles = [_profile(p) for p in paginate(fetcher, page)]
    return Discovered(url, [*(_foundation(m) for m in models), *profiles])


def _foundation(model: FoundationModel) -> SnapshotModel:
    life = model.model_lifecycle
    details: dict[str, DetailValue] = {
        "kind": "foundation-model",
        "provider": model.provider_name,
        "lifecycle": life.status,
        "inferenceTypes": ",".join(sorted(model.inference_types_supported)) or None,
    }
    capabilities = {_OUTPUT.get(m, m.lower()) for m in model.output_modalities}
    if model.response_streaming_supported:
        capabilities.add("streaming")
    return SnapshotModel(
        id=model.model_id,
        created=day_from_iso(life.start_of_life_time),
        capabilities=tuple(capabilities),
        input_modalities=tuple(m.lower() for m in model.input_modalities),
        output_modalities=tuple(m.lower() for m in model.output_modalities),
        deprecated_at=day_from_iso(life.legacy_time),
        retires_at=day_from_iso(life.end_of_life_time),
        details={k: v for k, v in details.items() if v is not None},
    )


def _profile(profile: Profile) -> SnapshotModel:
    targets = sorted({m.get("modelArn", "").rsplit("/", 1)[-1] for m in profile.models} - {""})
    details: dict[str, DetailValue] = {
        "kind": "inference-profile",
        "profileType": profile.type,
        "models": ",".join(targets) or None,
    }
    return SnapshotModel(
        id=profile.inference_profile_id,
        created=day_from_iso(profile.created_at),
        details={k: v for k, v in details.items() if v is not None},
    )
