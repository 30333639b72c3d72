"""The ExternalSecrets backend: one ExternalSecret per declared Secret (keys merged)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compiler.errors import Diagnostic, Location
from compiler.inventory.declared_secrets import DeclaredSecret, declared_secrets
from compiler.models.artifacts import JsonPath, PlannedDocument
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    MANIFESTS,
    NoRules,
    PlanInput,
    metadata,
)


def _external_secrets(env: ResolvedEnvironment) -> Iterator[PlannedDocument]:
    settings = env.environment.secrets.external_secrets
    if env.environment.secrets.backend != "external-secrets" or settings is None:
        return
    by_secret: dict[str, dict[str, tuple[dict[str, Any], Location]]] = {}
    for declared in declared_secrets(env):
        ref = declared.ref
        remote = {"key": declared.remote_key}
        if declared.remote_property:
            remote["property"] = declared.remote_property
        entry = {"secretKey": ref.key, "remoteRef": remote}
        by_secret.setdefault(ref.name, {})[ref.key] = (entry, declared.at)
    for secret, keys in sorted(by_secret.items()):
        entries = [keys[k] for k in sorted(keys)]
        context = {
            **metadata(env, secret),
            "refresh_interval": settings.refresh_interval,
            "store_ref": {"name": settings.store_ref.name, "kind": settings.store_ref.kind},
            "data": [e for e, _ in entries],
        }
        origins: dict[JsonPath, Location] = {
            ("spec", "data", i): at for i, (_, at) in enumerate(entries)
        }
        yield PlannedDocument(
            "external-secrets/externalsecret.yaml.j2",
            f"externalsecrets/{secret}.yaml",
            context,
            entries[0][1],
            origins,
        )


class ExternalSecretsTarget(NoRules):
    """External Secrets `ExternalSecret` objects: one per Secret the environment references."""

    folder = MANIFESTS
    kinds = (("external-secrets.io/v1", "ExternalSecret"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's secret backend is external-secrets."""
        return env.environment.secrets.backend == "external-secrets"

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One ExternalSecret per referenced Secret."""
        return _external_secrets(given.env)

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """One Secret key fetched from two places: one ExternalSecret entry cannot say both."""
        first: dict[tuple[str, str], DeclaredSecret] = {}
        for declared in declared_secrets(given.env):
            key = (declared.ref.name, declared.ref.key)
            seen = first.setdefault(key, declared)
            where = (declared.remote_key, declared.remote_property)
            if where != (seen.remote_key, seen.remote_property):
                yield Diagnostic(
                    declared.at,
                    "secret-remote-conflict",
                    f"Secret {key[0]!r} key {key[1]!r} is also declared at {seen.at} "
                    "with another remoteRef; one ExternalSecret entry can fetch only one",
                    hint="use one remoteRef for both, or another Secret name or key",
                )
