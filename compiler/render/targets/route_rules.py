"""Rules across rendered objects: unique names and route backends.

- names are unique per kind and namespace (the second object would overwrite the first);
- every HTTPRoute backendRef to a Service names one a rendered ModelAPI produces
  (KAOS creates Service `modelapi-<name>`, port 8000 in Proxy mode, 11434 Hosted);
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.models.findings import Finding, as_mapping
from compiler.render.targets.kaos_rules import is_modelapi

MODELAPI_PORTS = {"Proxy": 8000, "Hosted": 11434}
_SERVICE_PREFIX = "modelapi-"


def check_backend_refs(documents: Sequence[RenderedDocument]) -> Iterator[Finding]:
    """HTTPRoute backendRefs must reach a rendered ModelAPI's Service on its port."""
    services = {
        (doc.namespace, f"{_SERVICE_PREFIX}{doc.name}"): MODELAPI_PORTS.get(
            str(as_mapping(doc.data.get("spec")).get("mode")), 0
        )
        for doc in documents
        if is_modelapi(doc)
    }
    for doc in documents:
        if doc.kind == "HTTPRoute" and doc.api_version.startswith("gateway.networking.k8s.io/"):
            for path, ref in _backend_refs(doc):
                yield from _check_backend(doc, path, ref, services)


def _backend_refs(doc: RenderedDocument) -> Iterator[tuple[JsonPath, Mapping[str, Any]]]:
    rules = as_mapping(doc.data.get("spec")).get("rules") or ()
    for r, rule in enumerate(rules if isinstance(rules, list) else ()):
        refs = rule.get("backendRefs") if isinstance(rule, Mapping) else None
        for b, ref in enumerate(refs if isinstance(refs, list) else ()):
            if _is_service(ref):
                yield ("spec", "rules", r, "backendRefs", b), ref


def _is_service(ref: object) -> bool:
    if not isinstance(ref, Mapping):
        return False
    return bool(ref.get("kind", "Service") == "Service" and ref.get("group", "") == "")


def _check_backend(
    doc: RenderedDocument,
    path: JsonPath,
    ref: Mapping[str, Any],
    services: Mapping[tuple[str, str], int],
) -> Iterator[Finding]:
    namespace = str(ref.get("namespace") or doc.namespace)
    name = str(ref.get("name", ""))
    if (namespace, name) not in services:
        yield Finding(
            doc,
            (*path, "name"),
            "route-backend-unknown",
            f"backendRef Service {name!r} in namespace {namespace!r} is not produced by any "
            "rendered ModelAPI (KAOS names it modelapi-<name>)",
            hint="point the route at modelapi-<model API name>, or render that model API",
        )
    elif ref.get("port") != services[(namespace, name)]:
        yield Finding(
            doc,
            (*path, "port"),
            "route-backend-port",
            f"backendRef {name!r} uses port {ref.get('port')!r}, but the ModelAPI's Service "
            f"listens on {services[(namespace, name)]} (8000 Proxy, 11434 Hosted)",
        )
