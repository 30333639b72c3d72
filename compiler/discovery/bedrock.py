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
# Region prefix -> geographic profile prefixes, most specific first (AWS cross-Region
# inference docs: US, US-GOV, EU, APAC, JP, AU and Global profiles).
_GEOGRAPHIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("us-gov-", ("us-gov",)),
    ("us-", ("us",)),
    ("ca-", ("us",)),
    ("eu-", ("eu",)),
    ("ap-northeast-1", ("jp", "apac")),
    ("ap-northeast-3", ("jp", "apac")),
    ("ap-southeast-2", ("au", "apac")),
    ("ap-southeast-4", ("au", "apac")),
    ("ap-", ("apac",)),
)


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

    listed = list(paginate(fetcher, page))
    region = ctx.provider.config.bedrock.region if ctx.provider.config.bedrock else None
    callable_via = region_profiles(region or "", {p.inference_profile_id for p in listed})
    foundations = [_foundation(m, callable_via) for m in models]
    return Discovered(url, [*foundations, *(_profile(p) for p in listed)])


def region_profiles(region: str, profile_ids: set[str]) -> dict[str, str]:
    """Foundation id -> the system profile to call it through from `region`.

    The profiles listed by a region are the ones callable from it. The region's own
    geography (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `us-gov.`) wins over `global.`, which
    may route anywhere.
    """
    chosen: dict[str, str] = {}
    for prefix in (*_geographies(region), "global"):
        for profile in sorted(profile_ids):
            head, _, foundation = profile.partition(".")
            if head == prefix and foundation:
                chosen.setdefault(foundation, profile)
    return chosen


def _geographies(region: str) -> tuple[str, ...]:
    for start, geos in _GEOGRAPHIES:
        if region.startswith(start):
            return geos
    return ()


def _foundation(model: FoundationModel, callable_via: dict[str, str]) -> SnapshotModel:
    life = model.model_lifecycle
    types = model.inference_types_supported
    # Without ON_DEMAND a foundation id cannot be called directly ("on-demand throughput
    # isn't supported"); the lock pins the region's inference profile recorded here.
    profile = callable_via.get(model.model_id) if "ON_DEMAND" not in types else None
    details: dict[str, DetailValue] = {
        "kind": "foundation-model",
        "provider": model.provider_name,
        "lifecycle": life.status,
        "inferenceTypes": ",".join(sorted(types)) or None,
        "inferenceProfile": profile,
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
