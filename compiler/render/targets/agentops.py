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

from compiler.errors import Severity
from compiler.models.artifacts import JsonPath, PlannedDocument, RenderedDocument
from compiler.models.findings import Finding, as_mapping
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.agentops_provider import provider_specs
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


def _agentops_providers(env: ResolvedEnvironment) -> Iterator[PlannedDocument]:
    for provider in env.providers:
        # Keyless and workload-identity providers are warned by the inventory stage
        # (inventory/agentops_fit.py); provider_specs gives them no Provider.
        for name, spec in provider_specs(provider, env.models):
            context = {**metadata(env, name, **{"modelplane.io/provider": provider.name}), **spec}
            yield PlannedDocument(
                "agentops/provider.yaml.j2",
                f"providers/{name}.yaml",
                context,
                env.locate("providers", provider.name),
                origins(env, "providers", provider.name, _PROVIDER_ORIGINS),
            )


_PROVIDER_ORIGINS: dict[JsonPath, tuple[str, ...]] = {
    ("spec", "apiKeySecret"): ("credentials", "secretRef"),
    ("spec", "endpoint", "baseURL"): ("endpoint",),
    ("spec", "endpoint", "headers"): ("headers",),
    ("spec", "endpoint", "oauth2ClientCredentials"): ("credentials", "oauth2"),
    ("spec", "config"): ("config",),
    ("spec", "defaults"): ("defaults",),
}


class AgentopsTarget:
    """agentops `Provider` objects: one per provider with a key Secret or OAuth2."""

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
