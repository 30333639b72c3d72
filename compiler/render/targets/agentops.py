"""Rules the agentops controller applies to a Provider that its CRD schema does not.

From the agentops controller (seeds.md §3): a Provider needs exactly one of
`apiKeySecret` or `endpoint.oauth2ClientCredentials`; each `config` field applies to
some provider types only (`organization`/`project` to openai, `useResponsesAPI` to
openai/azure/openaicompat, `azureAPIVersion` to azure, `vertex` to anthropic/google,
`bedrock` to anthropic/bedrock), and the controller marks the Provider not
`ConfigValid` otherwise. The API key reaches agents as `<UPPER(name)>_API_KEY`, so a
`-` in the name gives an env var that shells cannot use (a warning).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from compiler.errors import Severity
from compiler.models.artifacts import PlannedDocument, RenderedDocument
from compiler.models.findings import Finding, as_mapping
from compiler.models.providers import AzureConfig, Provider
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    MANIFESTS,
    PlanInput,
    RuleContext,
    metadata,
    origins,
)

CONFIG_TYPES = {
    "organization": ("openai",),
    "project": ("openai",),
    "useResponsesAPI": ("openai", "azure", "openaicompat"),
    "azureAPIVersion": ("azure",),
    "vertex": ("anthropic", "google"),
    "bedrock": ("anthropic", "bedrock"),
}


def is_agentops_provider(doc: RenderedDocument) -> bool:
    """Tell whether a document is an agentops Provider."""
    return doc.kind == "Provider" and doc.api_version.startswith("agents.agentops.io/")


def check_agentops_providers(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """Every agentops Provider finding: credentials, config per type, env var name."""
    for doc in documents:
        if is_agentops_provider(doc):
            yield from _credentials(doc)
            yield from _config(doc)
            yield from _name(doc)


def _credentials(doc: RenderedDocument) -> Iterator[Finding]:
    spec = as_mapping(doc.data.get("spec"))
    key = "apiKeySecret" in spec
    oauth = "oauth2ClientCredentials" in as_mapping(spec.get("endpoint"))
    if key == oauth:
        yield Finding(
            doc,
            ("spec",),
            "agentops-credentials",
            "an agentops Provider needs exactly one of apiKeySecret or "
            f"endpoint.oauth2ClientCredentials (it has {'both' if key else 'neither'}); "
            "the controller marks it not ConfigValid",
            hint="declare one credential for the provider in the inventory",
        )


def _config(doc: RenderedDocument) -> Iterator[Finding]:
    spec = as_mapping(doc.data.get("spec"))
    kind = str(spec.get("type", ""))
    for field in as_mapping(spec.get("config")):
        allowed = CONFIG_TYPES.get(field)
        if allowed is not None and kind not in allowed:
            yield Finding(
                doc,
                ("spec", "config", field),
                "agentops-config-type",
                f"config.{field} applies to provider type {' or '.join(allowed)}, not {kind}; "
                "the controller marks this Provider not ConfigValid",
            )


def _name(doc: RenderedDocument) -> Iterator[Finding]:
    if "-" in doc.name:
        yield Finding(
            doc,
            ("metadata", "name"),
            "agentops-env-name",
            f"agentops injects this provider's key as {doc.name.upper()}_API_KEY, "
            "which is not a valid shell identifier",
            hint="name agentops providers without '-' (Kubernetes names cannot use "
            "'_', so drop the separator: myopenai)",
            severity=Severity.WARNING,
        )


AGENTOPS_TYPES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "azure-openai": "azure",
    "gemini": "google",
    "vertex-ai": "google",
    "bedrock": "bedrock",
    "openrouter": "openrouter",
}


def _agentops_providers(env: ResolvedEnvironment) -> Iterator[PlannedDocument]:
    for provider in env.providers:
        kind = _agentops_type(provider)
        creds = provider.credentials
        # agentops requires an API key Secret (or OAuth2); keyless providers are not rendered.
        if creds is None or creds.secret_ref is None:
            continue
        context = {
            **metadata(env, provider.name, **{"modelplane.io/provider": provider.name}),
            "type": kind,
            "api_key_secret": {"name": creds.secret_ref.name, "key": creds.secret_ref.key},
            "endpoint": _agentops_endpoint(provider, kind),
            "config": _agentops_config(provider, kind),
        }
        origin = env.locate("providers", provider.name)
        yield PlannedDocument(
            "agentops/provider.yaml.j2",
            f"providers/{provider.name}.yaml",
            context,
            origin,
            origins(
                env,
                "providers",
                provider.name,
                {
                    ("spec", "apiKeySecret"): ("credentials", "secretRef"),
                    ("spec", "endpoint", "baseURL"): ("endpoint",),
                    ("spec", "endpoint", "headers"): ("headers",),
                    ("spec", "config"): ("config",),
                },
            ),
        )


def _agentops_type(provider: Provider) -> str:
    return AGENTOPS_TYPES.get(provider.type, "openaicompat")


def _agentops_endpoint(provider: Provider, kind: str) -> dict[str, Any]:
    endpoint: dict[str, Any] = {}
    base = provider.base_url
    if base and (provider.endpoint or kind == "openaicompat"):
        endpoint["baseURL"] = base + "/v1" if provider.type == "ollama" else base
    if provider.headers:
        endpoint["headers"] = dict(sorted(provider.headers.items()))
    return endpoint


def _agentops_config(provider: Provider, kind: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    cfg = provider.config
    if cfg.openai is not None:
        config.update(
            {
                k: v
                for k, v in (
                    ("organization", cfg.openai.organization),
                    ("project", cfg.openai.project),
                )
                if v
            }
        )
    if kind == "azure":
        config["azureAPIVersion"] = (cfg.azure or AzureConfig()).api_version
    if cfg.vertex is not None:
        config["vertex"] = {"project": cfg.vertex.project, "location": cfg.vertex.location}
    if kind == "bedrock":
        config["bedrock"] = True
    return config


class AgentopsTarget:
    """agentops `Provider` objects: one per provider with a cluster credential."""

    folder = MANIFESTS
    kinds = (("agents.agentops.io/v1alpha1", "Provider"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When `targets:` names agentops."""
        return "agentops" in env.environment.targets

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One Provider per provider."""
        return _agentops_providers(given.env)

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """What the agentops controller rejects that its CRD does not."""
        return check_agentops_providers(documents)
