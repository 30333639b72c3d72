"""Every Secret key an environment's rendered output refers to, with where it was declared."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from compiler.errors import Location
from compiler.models.providers import RemoteRef, SecretRef
from compiler.models.resolved import ResolvedEnvironment


@dataclass(frozen=True, slots=True)
class SecretReference:
    """One (Secret, key) the manifests use, and the inventory line that declares it."""

    ref: SecretRef
    remote: RemoteRef | None
    at: Location


def secret_references(env: ResolvedEnvironment) -> Iterator[SecretReference]:
    """Provider API keys and CA bundles of the enabled providers, in inventory order.

    Every secret backend covers exactly these: ExternalSecrets fetch them, SealedSecrets
    must hold a sealed value for each.
    """
    for provider in env.providers:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            yield SecretReference(
                creds.secret_ref,
                creds.remote_ref,
                env.locate("providers", provider.name, ("credentials", "secretRef")),
            )
        ca = provider.tls.ca_secret_ref
        if ca is not None:
            yield SecretReference(
                ca, None, env.locate("providers", provider.name, ("tls", "caSecretRef"))
            )
