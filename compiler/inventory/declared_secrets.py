"""Every Secret key an environment declares: provider keys, CAs and proxy master keys.

One list feeds the secret backends (ExternalSecrets, SealedSecrets) and the validator's
"is this secretKeyRef declared?" rule, so a reference the renderer adds (a model API's
master key) is delivered and accepted like a provider credential.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compiler.errors import Location
from compiler.models.inventory import ProxyAuth
from compiler.models.providers import Credentials, SecretRef

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment


@dataclass(frozen=True, slots=True)
class DeclaredSecret:
    """A Secret key in the cluster and where the external store keeps its value."""

    ref: SecretRef
    remote_key: str
    remote_property: str | None
    at: Location


def declared_secrets(env: ResolvedEnvironment) -> Iterator[DeclaredSecret]:
    """Every declared Secret key of the enabled providers and model APIs."""
    for provider in env.providers:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            at = env.locate("providers", provider.name, ("credentials", "secretRef"))
            yield _with_remote(creds.secret_ref, creds, at)
        oauth = creds.oauth2 if creds is not None else None
        if oauth is not None:
            at = env.locate("providers", provider.name, ("credentials", "oauth2"))
            for client in (oauth.client_id_secret_ref, oauth.client_secret_secret_ref):
                yield DeclaredSecret(client, client.name, client.key, at)
        ca = provider.tls.ca_secret_ref
        if ca is not None:
            at = env.locate("providers", provider.name, ("tls", "caSecretRef"))
            yield DeclaredSecret(ca, ca.name, ca.key, at)
    if "kaos" not in env.environment.targets:
        return
    for api in env.model_apis:
        ref = api.master_key_ref
        if ref is not None:
            path = ("auth", "secretRef") if api.auth.secret_ref is not None else ("name",)
            yield _with_remote(ref, api.auth, env.locate("modelApis", api.name, path))


def _with_remote(ref: SecretRef, owner: Credentials | ProxyAuth, at: Location) -> DeclaredSecret:
    remote = owner.remote_ref
    if remote is None:
        return DeclaredSecret(ref, ref.name, ref.key, at)
    return DeclaredSecret(ref, remote.key, remote.property, at)
