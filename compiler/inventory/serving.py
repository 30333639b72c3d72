"""Rules that decide whether what an environment serves works at run time.

Valid is not working: a provider whose only key is read by discovery answers 401 in the
cluster; an `insecureSkipVerify` that LiteLLM's client for that provider ignores either
does nothing or, set proxy-wide, stops verifying every other provider of the proxy; a
model API published through the Gateway without a master key serves anyone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from compiler.errors import Diagnostic
from compiler.inventory.agentops_fit import check_agentops_fit
from compiler.inventory.params import check_params
from compiler.inventory.rules import At, error, locator
from compiler.models.inventory import Model, ModelApi
from compiler.models.providers import Provider

if TYPE_CHECKING:
    from compiler.models.resolved import ResolvedEnvironment


def check_serving(env: ResolvedEnvironment, models: Mapping[str, Model]) -> Iterator[Diagnostic]:
    """Every run-time problem of the enabled providers and model APIs."""
    used = {m.provider for m in env.models}
    for provider in env.providers:
        if provider.name in used:
            yield from _cluster_credential(env, provider)
    yield from check_params(env)
    if "agentops" in env.environment.targets:
        yield from check_agentops_fit(env)
    for api in env.model_apis:
        if api.mode == "Hosted" and "auth" in api.model_fields_set and not api.auth.none:
            yield error(
                env.locate("modelApis", api.name, ("auth",)),
                "invalid-value",
                f"Hosted model API {api.name!r} runs Ollama, which cannot check a master key",
                hint="drop auth, or serve the model through a Proxy model API",
            )
        if "kaos" in env.environment.targets and api.mode == "Proxy":
            yield from _oauth2_only(env, api, models)
        if env.environment.policies.require_proxy_auth:
            yield from _proxy_auth_policy(env, api, locator(env, "modelApis", api.name))
        if "kaos" in env.environment.targets and api.mode == "Proxy":
            yield from _insecure_mix(env, api, models)


def _cluster_credential(env: ResolvedEnvironment, p: Provider) -> Iterator[Diagnostic]:
    """A key only discovery gets is a 401 on every call in the cluster: say so here."""
    creds = p.credentials
    if p.type == "ollama" or (
        creds is not None and (creds.in_cluster or creds.none or creds.oauth2 is not None)
    ):
        return
    path = ("credentials",) if creds is not None else ("name",)
    yield error(
        env.locate("providers", p.name, path),
        "missing-cluster-credentials",
        f"provider {p.name!r} is used by enabled models but gives the cluster no credential"
        + (
            f" (credentials.env {creds.env} is read by discovery only)"
            if creds and creds.env
            else ""
        ),
        hint="add credentials.secretRef, or credentials: {none: true} if the endpoint takes no key",
    )


def _oauth2_only(
    env: ResolvedEnvironment, api: ModelApi, models: Mapping[str, Model]
) -> Iterator[Diagnostic]:
    providers = {p.name: p for p in env.providers}
    for name in sorted({models[n].provider for n in api.models if n in models}):
        creds = providers[name].credentials if name in providers else None
        if creds is not None and creds.oauth2 is not None and not creds.in_cluster:
            yield error(
                env.locate("providers", name, ("credentials", "oauth2")),
                "oauth2-not-served",
                f"model API {api.name!r} serves {name!r}, whose only credential is OAuth2 "
                "client credentials: LiteLLM 1.82.6 cannot fetch such tokens for a route",
                hint="add credentials.secretRef for the proxy, or serve it to agentops only",
            )


def route_honours_ssl_verify(p: Provider) -> bool:
    """Whether LiteLLM 1.82.6's client for this provider reads a per-route `ssl_verify`.

    Probed against a TLS server with a private CA: the OpenAI SDK routes (openai/,
    azure/, together_ai/) build their client with get_ssl_configuration() and no
    argument, and the anthropic/, gemini/ and bedrock/ handlers ignore it too.
    """
    if p.type == "openai-compatible":
        return p.discovery.flavor == "vllm"
    return p.type in ("ollama", "openrouter", "mistral", "groq", "deepseek")


def _insecure_mix(
    env: ResolvedEnvironment, api: ModelApi, models: Mapping[str, Model]
) -> Iterator[Diagnostic]:
    """Refuse insecureSkipVerify where LiteLLM can only honour it proxy-wide, mixed in."""
    providers = {p.name: p for p in env.providers}
    served = {models[n].provider for n in api.models if n in models}
    chosen = [providers[n] for n in sorted(served) if n in providers]
    verified = [p.name for p in chosen if not p.tls.insecure_skip_verify]
    if not verified:
        return  # all insecure: SSL_VERIFY=False for the whole proxy says exactly that
    for p in chosen:
        if p.tls.insecure_skip_verify and not route_honours_ssl_verify(p):
            yield error(
                env.locate("providers", p.name, ("tls", "insecureSkipVerify")),
                "insecure-tls-proxy-wide",
                f"LiteLLM ignores a per-route ssl_verify for {p.type} providers, so skipping "
                f"verification for {p.name!r} would stop verifying {', '.join(verified)} in "
                f"model API {api.name!r} too",
                hint="give the CA instead (tls.caSecretRef), or serve it from its own model API",
            )


def _proxy_auth_policy(env: ResolvedEnvironment, api: ModelApi, at: At) -> Iterator[Diagnostic]:
    if not api.route.enabled or env.environment.gateway is None:
        return
    if api.mode == "Proxy" and api.auth.none:
        yield error(
            at("auth", "none"),
            "policy-proxy-auth",
            f"model API {api.name!r} is exposed through the Gateway without authentication "
            "(policy requireProxyAuth)",
            hint="drop auth.none (a master key Secret is the default), or route: {enabled: false}",
        )
    elif api.mode == "Hosted":
        yield error(
            at("route") if "route" in api.model_fields_set else at("mode"),
            "policy-proxy-auth",
            f"Hosted model API {api.name!r} (Ollama) cannot authenticate callers and is "
            "exposed through the Gateway (policy requireProxyAuth)",
            hint="route: {enabled: false}, and serve it to consumers through a Proxy model API",
        )
