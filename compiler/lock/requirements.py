"""`requires:` of a model, checked against what the snapshot says about its pinned id."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.errors import Diagnostic, Location, Severity
from compiler.lock.callable import facts_of
from compiler.models.capabilities import VOCABULARY, normalize
from compiler.models.inventory import Model
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot


def requirement_problems(
    env: ResolvedEnvironment, model: Model, snapshot: Snapshot | None, pinned: str
) -> Iterator[Diagnostic]:
    """Unmet requirements (errors) and requirements the snapshot cannot verify (warnings)."""
    facts = facts_of(snapshot, pinned)
    at = env.locate("models", model.name, ("requires",))
    wanted = model.requires.min_context_window
    if wanted is not None:
        have = facts.context_window if facts else None
        if have is None:
            yield Diagnostic(
                at,
                "unverified-requirement",
                f"{pinned!r}: the snapshot gives no context window to check "
                f"minContextWindow {wanted}",
                severity=Severity.WARNING,
            )
        elif have < wanted:
            yield Diagnostic(
                at,
                "requirement-unmet",
                f"{pinned!r} has a context window of {have}, below {wanted}",
            )
    yield from _capability_problems(at, model, facts.capabilities if facts else (), pinned)


def _capability_problems(
    at: Location, model: Model, have: tuple[str, ...], pinned: str
) -> Iterator[Diagnostic]:
    for raw in model.requires.capabilities:
        name = normalize(raw) or raw
        if name not in VOCABULARY:
            yield Diagnostic(
                at,
                "unknown-capability",
                f"capability {raw!r} is not in the capability vocabulary",
                hint=f"known: {', '.join(sorted(VOCABULARY))}",
            )
        elif not have:
            yield Diagnostic(
                at,
                "unverified-requirement",
                f"{pinned!r}: the provider reports no capabilities, so {name!r} is unchecked",
                severity=Severity.WARNING,
            )
        elif name not in have:
            yield Diagnostic(at, "requirement-unmet", f"{pinned!r} lacks capability {name!r}")
