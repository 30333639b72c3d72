"""Every reference to a Secret in rendered output must resolve to a declared credential.

A `secretKeyRef` (and agentops `apiKeySecret` / OAuth2 secrets) resolves when a rendered
ExternalSecret, SealedSecret or Secret in the same namespace produces that key, or when
the inventory declares the (secret, key) pair. An ExternalSecret `remoteRef.key` must be
a remote key the inventory declares. Where nothing is declared (validating files on
disk), references that no rendered object produces are left alone: the cluster may hold
those Secrets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.models.findings import Finding, as_mapping

_ANY_KEY = "*"
Produced = set[tuple[str, str, str]]
"""(namespace, secret name, key); key `*` when the producer's keys are not known."""


def check_secret_refs(
    documents: Sequence[RenderedDocument],
    declared_secrets: frozenset[tuple[str, str]] | None,
    declared_remote_refs: frozenset[str] | None,
) -> Iterator[Finding]:
    """Flag references to Secret keys and remote keys that nothing declares or produces."""
    produced = _produced_keys(documents)
    for doc in documents:
        refs = _secret_refs(doc.data, ()) if _may_refer(doc.text) else []
        for path, name, key in (*refs, *_string_refs(doc)):
            if not _resolves(doc.namespace, name, key, produced, declared_secrets):
                yield Finding(
                    doc,
                    path,
                    "secret-ref-undeclared",
                    f"Secret key {name}/{key} is not a declared credential and no rendered "
                    "object produces it",
                    hint="declare the credential in the inventory (providers[].credentials)",
                )
        if declared_remote_refs is not None and doc.kind == "ExternalSecret":
            yield from _check_remote_refs(doc, declared_remote_refs)


def _may_refer(text: str) -> bool:
    """Whether a document's text can hold a Secret reference at all (a literal prefilter).

    A reference field's name appears verbatim in the YAML text unless the text escapes
    it in a double-quoted key (a backslash) or is unknown (empty): walk those anyway.
    """
    return not text or "\\" in text or any(field in text for field in _REF_FIELDS)


def _resolves(
    namespace: str,
    name: str,
    key: str,
    produced: Produced,
    declared: frozenset[tuple[str, str]] | None,
) -> bool:
    if (namespace, name, key) in produced or (namespace, name, _ANY_KEY) in produced:
        return True
    return declared is None or (name, key) in declared


def _secret_refs(value: Any, path: JsonPath) -> list[tuple[JsonPath, str, str]]:
    """Every Secret reference below `value`: (path, secret name, key).

    A list-and-stack walk: paths are built only for the references found.
    """
    found: list[tuple[JsonPath, str, str]] = []
    trail = list(path)

    def walk(node: Any) -> None:
        if type(node) is dict or (type(node) not in _LEAVES and isinstance(node, Mapping)):
            for field, child in node.items():
                if field in _REF_FIELDS and isinstance(child, Mapping) and "key" in child:
                    here = (*trail, field)
                    found.append((here, str(child.get("name", "")), str(child.get("key", ""))))
                    continue
                trail.append(field)
                walk(child)
                trail.pop()
        elif isinstance(node, list):
            for index, child in enumerate(node):
                trail.append(index)
                walk(child)
                trail.pop()

    walk(value)
    return found


_LEAVES = frozenset({str, int, float, bool, type(None), list})
_REF_FIELDS = frozenset(
    {
        "secretKeyRef",
        "apiKeySecret",
        "clientIdSecret",
        "clientSecretSecret",
        "fromSecretKeyRef",
        # Flokoa ModelProvider and Kthena ExternalModelProvider (SecretKeySelectors).
        "apiKeySecretRef",
        "caSecretRef",
        "serviceAccountKeySecretRef",
    }
)
# kagent ModelConfig names its Secrets in plain strings: (name field, key field) pairs.
_KAGENT_STRING_REFS = (("apiKeySecret", "apiKeySecretKey"), ("caCertSecretRef", "caCertSecretKey"))


def _string_refs(doc: RenderedDocument) -> Iterator[tuple[JsonPath, str, str]]:
    if doc.kind == "ExternalModelProvider":
        ref = as_mapping(as_mapping(as_mapping(doc.data.get("spec")).get("auth")).get("secretRef"))
        if ref:
            yield ("spec", "auth", "secretRef"), str(ref.get("name", "")), str(ref.get("key", ""))
    if doc.kind != "ModelConfig" or not doc.api_version.startswith("kagent.dev/"):
        return
    spec = as_mapping(doc.data.get("spec"))
    for holder, prefix in ((spec, ("spec",)), (as_mapping(spec.get("tls")), ("spec", "tls"))):
        for name_field, key_field in _KAGENT_STRING_REFS:
            name = holder.get(name_field)
            # Bedrock's apiKeySecret has no key: kagent reads fixed key names from it.
            if isinstance(name, str) and isinstance(holder.get(key_field), str):
                yield (*prefix, name_field), name, str(holder[key_field])


def _check_remote_refs(doc: RenderedDocument, declared: frozenset[str]) -> Iterator[Finding]:
    data = as_mapping(doc.data.get("spec")).get("data") or ()
    for index, item in enumerate(data if isinstance(data, list) else ()):
        remote = item.get("remoteRef") if isinstance(item, Mapping) else None
        key = remote.get("key") if isinstance(remote, Mapping) else None
        if isinstance(key, str) and key not in declared:
            yield Finding(
                doc,
                ("spec", "data", index, "remoteRef", "key"),
                "remote-ref-undeclared",
                f"ExternalSecret remoteRef {key!r} is not a remote key the inventory declares",
                hint="declare it as the credential's remote key in the inventory",
            )


def _produced_keys(documents: Sequence[RenderedDocument]) -> Produced:
    produced: Produced = set()
    for doc in documents:
        spec = as_mapping(doc.data.get("spec"))
        if doc.kind == "ExternalSecret":
            produced |= _from_external_secret(doc, spec)
        elif doc.kind == "SealedSecret":
            # The controller names the Secret after the SealedSecret, whatever the template says.
            produced |= {(doc.namespace, doc.name, str(k)) for k in spec.get("encryptedData") or {}}
        elif doc.kind == "Secret" and doc.api_version == "v1":
            keys = {*as_mapping(doc.data.get("data")), *as_mapping(doc.data.get("stringData"))}
            produced |= {(doc.namespace, doc.name, str(k)) for k in keys}
    return produced


def _from_external_secret(doc: RenderedDocument, spec: Mapping[str, Any]) -> Produced:
    target = as_mapping(spec.get("target"))
    name = str(target.get("name") or doc.name)
    keys = {
        str(item.get("secretKey")) for item in spec.get("data") or () if isinstance(item, Mapping)
    }
    if spec.get("dataFrom") or target.get("template"):
        keys.add(_ANY_KEY)
    return {(doc.namespace, name, key) for key in keys}
