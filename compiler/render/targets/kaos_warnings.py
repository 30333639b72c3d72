"""What LiteLLM 1.82.6 or the KAOS controller ignores in a rendered Azure route: warned.

Both were found by running the proxy and reading the sources (see README, "Serving at
run time"), and neither can be fixed from the config modelplane renders:
- LiteLLM's Azure embedding path drops the route's `api_version` and sends its own
  default, so an Azure embedding model is called with that version whatever the
  provider's `config.azure.apiVersion` says;
- Azure workload identity needs the pod label `azure.workload.identity/use: "true"`
  for the webhook to inject the token, and a KAOS `podSpec` cannot set pod labels.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.errors import Diagnostic, Severity
from compiler.models.inventory import Model
from compiler.models.lock import Lockfile
from compiler.models.providers import Provider
from compiler.models.resolved import ResolvedEnvironment

LITELLM_AZURE_EMBEDDING_API_VERSION = "2025-02-01-preview"


def azure_route_warnings(env: ResolvedEnvironment, lock: Lockfile) -> Iterator[Diagnostic]:
    """One warning per Azure provider setting a Proxy model API would not honour."""
    models = {m.name: m for m in env.models}
    providers = {p.name: p for p in env.providers if p.type == "azure-openai"}
    served = {
        name
        for api in env.model_apis
        if api.mode == "Proxy"
        for name in api.models
        if name in models and models[name].provider in providers
    }
    for name in sorted(served):
        model = models[name]
        yield from _embedding_api_version(env, model, providers[model.provider], lock)
    for provider_name in sorted({models[name].provider for name in served}):
        yield from _workload_identity(env, providers[provider_name])


def _is_embedding(model: Model, lock: Lockfile) -> bool:
    pinned = lock.models[model.name].pinned if model.name in lock.models else model.model
    return "embeddings" in model.requires.capabilities or "embed" in pinned.lower()


def _embedding_api_version(
    env: ResolvedEnvironment, model: Model, provider: Provider, lock: Lockfile
) -> Iterator[Diagnostic]:
    azure = provider.config.azure
    version = azure.api_version if azure is not None else None
    if not _is_embedding(model, lock) or version in (None, LITELLM_AZURE_EMBEDDING_API_VERSION):
        return
    yield Diagnostic(
        env.locate("models", model.name, ("provider",)),
        "litellm-ignored",
        f"LiteLLM 1.82.6 calls Azure embeddings with api-version "
        f"{LITELLM_AZURE_EMBEDDING_API_VERSION}, not {version} (provider {provider.name!r})",
        hint="make sure the Azure resource serves that api-version for this deployment",
        severity=Severity.WARNING,
    )


def _workload_identity(env: ResolvedEnvironment, provider: Provider) -> Iterator[Diagnostic]:
    creds = provider.credentials
    if creds is None or not creds.workload_identity:
        return
    yield Diagnostic(
        env.locate("providers", provider.name, ("credentials", "workloadIdentity")),
        "kaos-ignored",
        "Azure workload identity needs the pod label azure.workload.identity/use=true, "
        "which a KAOS podSpec cannot set",
        hint="label the namespace's pods through your webhook or policy engine, or use a secretRef",
        severity=Severity.WARNING,
    )
