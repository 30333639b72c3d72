"""The lockfile format: `environments/<env>/models.lock`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LOCK_FORMAT = 1

STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

MatchKind = Literal["exact", "alias", "glob"]
PinSource = Literal["listed", "alias-map", "dated-suffix", "newest-match", "undiscovered"]
# Optional LockedModel fields, written only when set (older locks stay byte-identical).
OPTIONAL_MODEL_FIELDS = ("foundationModel", "revision")


class LockedProvider(BaseModel):
    """What the lock saw of one provider's snapshot."""

    model_config = STRICT

    snapshot_digest: str | None = Field(
        alias="snapshotDigest", description="Digest of the snapshot content; null when none."
    )


class LockedModel(BaseModel):
    """One logical model pinned to one upstream id."""

    model_config = STRICT

    provider: str
    selector: str = Field(description="The inventory's `model` value.")
    match: MatchKind
    pinned: str = Field(min_length=1, description="The concrete upstream id.")
    via: PinSource = Field(description="How the pin was chosen.")
    foundation_model: str | None = Field(
        default=None,
        alias="foundationModel",
        description="Bedrock: the foundation id the selector matched, when `pinned` is the "
        "inference profile that must be called instead (no on-demand throughput).",
    )
    revision: str | None = Field(
        default=None,
        description="What identifies the exact model behind `pinned` where the provider "
        "says (Ollama digest, OpenRouter canonical slug); a change shows in the lock.",
    )


class Lockfile(BaseModel):
    """A whole lockfile: sorted, timestamp-free, digest of its inputs."""

    model_config = STRICT

    version: int = Field(default=LOCK_FORMAT)
    inputs_digest: str = Field(alias="inputsDigest")
    providers: dict[str, LockedProvider] = Field(default_factory=dict)
    models: dict[str, LockedModel] = Field(default_factory=dict)
