"""Rules on inventory items that no single-field schema can express.

These hold for an item wherever it is used, so they run on every item of the inventory
(after the environment's overrides), enabled in this environment or not.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from compiler.errors import Diagnostic, Location, known_hint
from compiler.models.inventory import Model, ModelApi
from compiler.models.providers import Provider

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment

At = Callable[..., Location]
KEYLESS_TYPES = frozenset({"ollama", "openai-compatible"})
IDENTITY_TYPES = frozenset({"bedrock", "vertex-ai", "azure-openai"})
ENDPOINT_REQUIRED = frozenset({"azure-openai", "openai-compatible"})
CONFIG_BLOCK_FOR = {
    "openai": ("openai", "openai-compatible"),
    "azure": ("azure-openai",),
    "vertex": ("vertex-ai",),
    "bedrock": ("bedrock",),
}
# The containers the KAOS controller generates, which a podSpec patch merges into by name.
GENERATED_CONTAINERS = ("model-api",)
GENERATED_INIT_CONTAINERS = {"Hosted": ("pull-model",)}
# KAOS names the Deployment and Service `modelapi-<name>`, which must stay a DNS label.
MAX_MODEL_API_NAME = 63 - len("modelapi-")
HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def error(at: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    """An error diagnostic."""
    return Diagnostic(at, code, message, hint=hint)


def check_items(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """Every intrinsic problem of every inventory item."""
    yield from _undefined_references(env)
    models = {m.name: m for m in env.defined.models}
    providers = {p.name: p for p in env.defined.providers}
    for provider in env.defined.providers:
        yield from _check_provider(provider, locator(env, "providers", provider.name))
    for api in env.defined.model_apis:
        at = locator(env, "modelApis", api.name)
        yield from _check_model_api(api, at)
        yield from _check_pod_spec(api, at)
        yield from _check_mode(api, models, providers, at)


def locator(env: ResolvedEnvironment, kind: str, name: str) -> At:
    """A function that locates paths inside one inventory item."""
    return lambda *path: env.locate(kind, name, path)


def _check_provider(p: Provider, at: At) -> Iterator[Diagnostic]:
    for block, owners in CONFIG_BLOCK_FOR.items():
        if getattr(p.config, block) is not None and p.type not in owners:
            yield error(
                at("config", block),
                "config-mismatch",
                f"config.{block} applies to type {' and '.join(owners)}, not {p.type}",
            )
    if p.type == "vertex-ai" and p.config.vertex is None:
        yield error(at("type"), "missing-key", "vertex-ai providers need config.vertex")
    if p.type == "bedrock" and p.config.bedrock is None:
        yield error(at("type"), "missing-key", "bedrock providers need config.bedrock.region")
    if p.type in ENDPOINT_REQUIRED and not p.endpoint:
        yield error(at("type"), "missing-key", f"{p.type} providers need an endpoint")
    yield from _check_credentials(p, at)


def _check_credentials(p: Provider, at: At) -> Iterator[Diagnostic]:
    creds = p.credentials
    if creds is not None and creds.workload_identity:
        if p.type not in IDENTITY_TYPES:
            yield error(
                at("credentials", "workloadIdentity"),
                "invalid-value",
                f"workloadIdentity is not available for {p.type}",
                hint=f"only for {', '.join(sorted(IDENTITY_TYPES))}",
            )
        return
    if creds is not None and creds.none:
        return
    if p.type not in KEYLESS_TYPES and (creds is None or creds.secret_ref is None):
        yield error(
            at("credentials") if creds else at("name"),
            "missing-credentials",
            f"provider {p.name!r} ({p.type}) needs credentials.secretRef",
            hint="credentials: {secretRef: {name: <secret>, key: <key>}, env: <VAR>}, "
            "or {none: true} for an endpoint that takes no key",
        )


def _check_pod_spec(api: ModelApi, at: At) -> Iterator[Diagnostic]:
    """A podSpec patch names containers KAOS generates; anything else is a new container."""
    for field, generated in (
        ("containers", GENERATED_CONTAINERS),
        ("initContainers", GENERATED_INIT_CONTAINERS.get(api.mode, ())),
    ):
        items = (api.pod_spec or {}).get(field)
        for index, container in enumerate(items if isinstance(items, list) else ()):
            name = container.get("name") if isinstance(container, dict) else None
            if not isinstance(name, str) or name in generated:
                continue
            near = difflib.get_close_matches(name, generated, n=1, cutoff=0.75)
            if near:
                yield error(
                    at("podSpec", field, index, "name"),
                    "unknown-container",
                    f"podSpec.{field} patches {name!r}, which KAOS does not generate",
                    hint=f"did you mean {near[0]!r}?",
                )
            elif "image" not in container:
                yield error(
                    at("podSpec", field, index),
                    "unknown-container",
                    f"podSpec.{field} adds container {name!r} without an image",
                    hint=f"KAOS generates {', '.join(generated)}; a new container needs an image",
                )


def _check_model_api(api: ModelApi, at: At) -> Iterator[Diagnostic]:
    if len(api.name) > MAX_MODEL_API_NAME:
        yield error(
            at("name"),
            "invalid-value",
            f"model API names may have at most {MAX_MODEL_API_NAME} characters "
            "(KAOS prefixes them with 'modelapi-')",
        )
    for index, host in enumerate(api.route.hostnames or ()):
        if not HOSTNAME.match(host):
            yield error(
                at("route", "hostnames", index),
                "invalid-value",
                f"{host!r} is not a valid hostname",
            )


def _check_mode(
    api: ModelApi, models: Mapping[str, Model], providers: Mapping[str, Provider], at: At
) -> Iterator[Diagnostic]:
    if api.mode == "Proxy":
        if not api.models:
            yield error(at("models"), "missing-key", "Proxy model APIs serve at least one model")
        if api.hosted is not None:
            yield error(at("hosted"), "invalid-value", "hosted applies to mode Hosted only")
        return
    if api.models:
        yield error(
            at("models"),
            "invalid-value",
            "Hosted model APIs serve hosted.model only; remove models",
        )
    if api.hosted is None:
        yield error(at("mode"), "missing-key", "Hosted model APIs need hosted.model")
        return
    model = models.get(api.hosted.model)
    provider = providers.get(model.provider) if model else None
    if model is not None and provider is not None and provider.type != "ollama":
        yield error(
            at("hosted", "model"),
            "invalid-value",
            f"Hosted mode runs Ollama; model {model.name!r} uses provider type {provider.type}",
        )


def _undefined_references(env: ResolvedEnvironment) -> Iterator[Diagnostic]:
    """References to items that no inventory file defines."""
    providers, models = env.names["providers"], env.names["models"]
    for m in env.defined.models:
        if m.provider not in providers:
            yield error(
                env.locate("models", m.name, ("provider",)),
                "unknown-reference",
                f"model {m.name!r} uses unknown provider {m.provider!r}",
                hint=known_hint(m.provider, providers, "defined providers"),
            )
        for index, fallback in enumerate(m.fallbacks):
            if fallback not in models:
                yield error(
                    env.locate("models", m.name, ("fallbacks", index)),
                    "unknown-reference",
                    f"unknown fallback model {fallback!r}",
                    hint=known_hint(fallback, models, "defined models"),
                )
    for api in env.defined.model_apis:
        for path, name in served_references(api):
            if name not in models:
                yield error(
                    env.locate("modelApis", api.name, path),
                    "unknown-reference",
                    f"model API {api.name!r} serves unknown model {name!r}",
                    hint=known_hint(name, models, "defined models"),
                )


def served_references(api: ModelApi) -> list[tuple[tuple[str | int, ...], str]]:
    """(inventory path, model name) of every model a model API serves."""
    served: list[tuple[tuple[str | int, ...], str]] = [
        (("models", i), name) for i, name in enumerate(api.models)
    ]
    if api.hosted is not None:
        served.append((("hosted", "model"), api.hosted.model))
    return served


def names(items: Iterable[str]) -> str:
    """Sorted, comma-separated names, or `none`."""
    return ", ".join(sorted(items)) or "none"
