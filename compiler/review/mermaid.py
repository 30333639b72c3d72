"""The mermaid diagram of a change: Gateway → HTTPRoute → ModelAPI → models → providers.

Models that feed kagent, Flokoa or Kthena objects show those objects too. Changed nodes
are outlined; what the change removes (model APIs, providers) is drawn
too, dashed and red, so a reviewer sees what stops serving, not only what remains.
"""

from __future__ import annotations

import re

from compiler.review.model import EnvDiff

_CLASSES = (
    "  classDef changed stroke:#d29922,stroke-width:3px",
    "  classDef removed stroke:#cf222e,stroke-width:3px,stroke-dasharray:5 5",
)


def mermaid(env: EnvDiff) -> str:
    """A fenced mermaid block, or "" when the change touches no model API or provider."""
    apis = _touched_apis(env)
    consumed = _touched_consumed_models(env)
    removed_apis = sorted(env.topology.removed_apis)
    removed_providers = sorted(
        c.name for c in env.changes if c.kind == "Provider" and c.status == "removed"
    )
    if not (apis or consumed or removed_apis or removed_providers):
        return ""
    top = env.topology
    lines = ["\n```mermaid", "flowchart LR", f'  gw["Gateway {top.gateway or "none"}"]']
    edges: list[str] = []
    for api in apis:
        _add_api(env, api, lines, edges)
    for model in consumed:
        _add_resources(env, model, lines, edges)
    for api in removed_apis:
        lines.append(f'  {node("api", api)}["ModelAPI {api} (removed)"]')
        for model in top.removed_apis[api]:
            provider = top.providers.get(model) or top.base_providers.get(model, "?")
            lines += [f'  {node("model", model)}(["{model}"])']
            lines += [f'  {node("provider", provider)}[("{provider}")]']
            edges += [f"  {node('api', api)} -.-> {node('model', model)}"]
            edges += [f"  {node('model', model)} -.-> {node('provider', provider)}"]
    for provider in removed_providers:
        lines.append(f'  {node("provider", provider)}[("{provider} (removed)")]')
    return _finish(env, lines, edges, removed_apis, removed_providers)


def _add_api(env: EnvDiff, api: str, lines: list[str], edges: list[str]) -> None:
    top = env.topology
    api_id = node("api", api)
    lines.append(f'  {api_id}["ModelAPI {api}"]')
    if api in top.routes:
        route_id = node("route", top.routes[api])
        lines.append(f'  {route_id}["HTTPRoute {top.routes[api]}"]')
        edges += [f"  gw --> {route_id}", f"  {route_id} --> {api_id}"]
    for model in top.model_apis.get(api, ()):
        provider = top.providers.get(model, "?")
        lines += [f'  {node("model", model)}(["{model}"])']
        lines += [f'  {node("provider", provider)}[("{provider}")]']
        edges += [f"  {api_id} --> {node('model', model)}"]
        edges += [f"  {node('model', model)} --> {node('provider', provider)}"]


_OPERATORS = {
    "ModelConfig": "kagent",
    "Model": "Flokoa",
    "ExternalModelProvider": "Kthena",
    "ModelRoute": "Kthena",
}


def _add_resources(env: EnvDiff, model: str, lines: list[str], edges: list[str]) -> None:
    provider = env.topology.providers.get(model, "?")
    lines += [f'  {node("model", model)}(["{model}"])']
    lines += [f'  {node("provider", provider)}[("{provider}")]']
    edges += [f"  {node('model', model)} --> {node('provider', provider)}"]
    for resource in env.topology.resources.get(model, ()):
        kind, name = resource.split("/", 1)
        lines.append(f'  {node("res", resource)}["{_OPERATORS.get(kind, "")} {kind} {name}"]')
        edges.append(f"  {node('res', resource)} --> {node('model', model)}")


def _touched_consumed_models(env: EnvDiff) -> list[str]:
    """Models with kagent, Flokoa or Kthena objects whose pin or objects changed."""
    changed = {f"{c.kind}/{c.name}" for c in env.changes}
    models = {c.model for c in env.lock.changes} if env.lock else set()
    models |= {w.model for w in env.lock.lifecycle} if env.lock else set()
    return sorted(
        model
        for model, resources in env.topology.resources.items()
        if model in models or changed & set(resources)
    )


def _finish(
    env: EnvDiff, lines: list[str], edges: list[str], apis: list[str], providers: list[str]
) -> str:
    defined = {line.split("[")[0].split("(")[0].strip() for line in lines}
    removed = {node("api", a) for a in apis} | {node("provider", p) for p in providers}
    marks = [f"  class {n} changed" for n in sorted((_touched_nodes(env) & defined) - removed)]
    marks += [f"  class {n} removed" for n in sorted(removed & defined)]
    used = [c for c in _CLASSES if any(m.endswith(c.split()[1]) for m in marks)]
    body = list(dict.fromkeys(lines + edges)) + used + marks
    return "\n".join(body) + "\n```\n"


def _touched_nodes(env: EnvDiff) -> set[str]:
    kinds = {"ModelAPI": "api", "HTTPRoute": "route", "Provider": "provider"}
    nodes = {node(kinds[c.kind], c.name) for c in env.changes if c.kind in kinds}
    nodes |= {node("res", f"{c.kind}/{c.name}") for c in env.changes}
    if env.lock is not None:
        nodes |= {node("model", c.model) for c in env.lock.changes}
        nodes |= {node("model", w.model) for w in env.lock.lifecycle}
    return nodes


def _touched_apis(env: EnvDiff) -> list[str]:
    top = env.topology
    names = {c.name for c in env.changes if c.kind in ("ModelAPI", "HTTPRoute")}
    names |= {c.old_name for c in env.changes if c.kind in ("ModelAPI", "HTTPRoute")}
    names |= {c.name.removeprefix("modelapi-") for c in env.changes}
    models = {c.model for c in env.lock.changes} if env.lock else set()
    models |= {w.model for w in env.lock.lifecycle} if env.lock else set()
    providers = {c.name for c in env.changes if c.kind == "Provider"}
    return sorted(
        api
        for api, served in top.model_apis.items()
        if api in names
        or models & set(served)
        or providers & {top.providers.get(m, "") for m in served}
    )


def node(kind: str, name: str) -> str:
    """A mermaid node id from a kind and a name (`api_chat`)."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"
