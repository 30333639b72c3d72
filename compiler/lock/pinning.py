"""Pin one model selector (exact id, floating alias or glob) to one concrete upstream id.

Which ids count as versions of an alias follows the providers' naming, documented in
docs and tested: OpenAI `-YYYY-MM-DD` (and the old `-MMDD`), Anthropic `-YYYYMMDD`
(Vertex writes `@YYYYMMDD`), Gemini `-NNN`, Mistral `-YYMM`. An explicit alias map in
the snapshot (Anthropic's alias lookup, Mistral's `aliases`, OpenRouter's canonical slug
-> id, Ollama's implicit `:latest`) wins over naming.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from compiler.models.inventory import Model
from compiler.models.lock import MatchKind, PinSource
from compiler.models.snapshot import Snapshot, SnapshotModel

_VERSIONED = re.compile(
    r"^(?P<head>.+)[-@](?P<version>\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4})(?P<trailer>-v\d+(?::\d+)?)?$"
)
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Pin:
    """The outcome of pinning one selector."""

    match: MatchKind
    pinned: str
    via: PinSource


@dataclass(frozen=True, slots=True)
class PinFailure:
    """Why a selector could not be pinned, with a hint."""

    message: str
    hint: str = ""


def classify(model: Model, snapshot: Snapshot | None) -> MatchKind:
    """Decide how to read the selector when the inventory says `match: auto`."""
    if model.match != "auto":
        return model.match
    selector = model.model
    if _GLOB_CHARS & set(selector):
        return "glob"
    if snapshot is not None and (
        selector in snapshot.aliases or _dated_versions(selector, snapshot)
    ):
        return "alias"
    return "exact"


def pin_model(model: Model, snapshot: Snapshot | None) -> Pin | PinFailure:
    """Pin `model`'s selector against the provider's snapshot (None: never discovered)."""
    match = classify(model, snapshot)
    found = _resolve(match, model.model, snapshot) if snapshot is not None else None
    if found is not None:
        return Pin(match, found[0], found[1])
    if model.allow_undiscovered and match != "glob":
        return Pin(match, model.model, "undiscovered")
    return _failure(model, match, snapshot)


def pin_fits(model: Model, snapshot: Snapshot | None, pinned: str) -> bool:
    """Whether `pinned` is a pin `lock` could have chosen for `model` (a hand edit may not be).

    A listed id that matches the selector (the id itself, its alias target or a dated
    version of it, or a glob match), or the selector itself when undiscovered ids are allowed.
    """
    match = classify(model, snapshot)
    if snapshot is None or pinned not in snapshot.ids():
        return model.allow_undiscovered and match != "glob" and pinned == model.model
    if match == "exact":
        return pinned == model.model
    if match == "alias":
        return (
            pinned in (model.model, snapshot.aliases.get(model.model))
            or version_suffix(model.model, pinned) is not None
        )
    return fnmatch.fnmatchcase(pinned, model.model)


def _resolve(match: MatchKind, selector: str, snapshot: Snapshot) -> tuple[str, PinSource] | None:
    ids = snapshot.ids()
    if match == "exact":
        return (selector, "listed") if selector in ids else None
    if match == "alias":
        target = snapshot.aliases.get(selector)
        if target is not None and target in ids:
            return target, "alias-map"
        versions = _dated_versions(selector, snapshot)
        if versions:
            return _newest(versions).id, "dated-suffix"
        return (selector, "listed") if selector in ids else None
    matches = [m for m in snapshot.models if fnmatch.fnmatchcase(m.id, selector)]
    return (_newest(matches).id, "newest-match") if matches else None


def _dated_versions(alias: str, snapshot: Snapshot) -> list[SnapshotModel]:
    return [m for m in snapshot.models if version_suffix(alias, m.id) is not None]


def split_version(model_id: str) -> tuple[str, str, int] | None:
    """Split a versioned id into (alias, ISO date or '', revision), or None if unversioned."""
    found = _VERSIONED.match(model_id)
    if found is None:
        return None
    version = found["version"]
    if len(version) == 10:
        return found["head"], version, 0
    if len(version) == 8:
        return found["head"], f"{version[:4]}-{version[4:6]}-{version[6:]}", 0
    return found["head"], "", int(version)


def version_suffix(alias: str, candidate: str) -> tuple[str, int] | None:
    """(ISO date or '', revision) if `candidate` is a dated version of `alias`, else None."""
    split = split_version(candidate)
    return (split[1], split[2]) if split is not None and split[0] == alias else None


def _newest(models: list[SnapshotModel]) -> SnapshotModel:
    """The newest model: by date in its id, then release date, then revision, then id."""

    def key(m: SnapshotModel) -> tuple[str, int, str]:
        split = split_version(m.id)
        date, revision = (split[1], split[2]) if split else ("", 0)
        return (date or (m.created or "")[:10], revision, m.id)

    return max(models, key=key)


def _failure(model: Model, match: MatchKind, snapshot: Snapshot | None) -> PinFailure:
    if snapshot is None:
        return PinFailure(
            f"no snapshot for provider {model.provider!r}, so {model.model!r} cannot be pinned",
            hint="run `modelplane discover` for it, or set allowUndiscovered: true",
        )
    near = _nearest(model.model, snapshot)
    what = {"exact": "id", "alias": "alias", "glob": "glob"}[match]
    hint = f"did you mean {near!r}?" if near else "see the provider's snapshot for listed ids"
    if match != "glob":
        hint += " Or set allowUndiscovered: true to pin it as written."
    return PinFailure(
        f"{what} {model.model!r} matches no model of provider {model.provider!r}", hint=hint
    )


def _nearest(selector: str, snapshot: Snapshot) -> str | None:
    import difflib

    found = difflib.get_close_matches(selector, sorted(snapshot.ids()), n=1, cutoff=0.6)
    return found[0] if found else None
