from __future__ import annotations

from typing import Any

from compiler.errors import Location
from compiler.models.artifacts import RenderedDocument
from compiler.render.targets.kaos_rules import model_matches, pod_env_names
from compiler.render.targets.route_rules import check_backend_refs
from compiler.validate.rules.secret_refs import check_secret_refs
from compiler.validate.rules.unique_names import check_unique_names

AT = Location("inventory/x.yaml", 1, 1)


def doc(data: dict[str, Any], path: str = "x.yaml") -> RenderedDocument:
    return RenderedDocument(path, "", data, AT)


def pod_with_ref(name: str, key: str) -> RenderedDocument:
    ref = {"secretKeyRef": {"name": name, "key": key}}
    return doc(
        {
            "apiVersion": "kaos.tools/v1alpha1",
            "kind": "ModelAPI",
            "metadata": {"name": "chat", "namespace": "llm"},
            "spec": {"container": {"env": [{"name": "K", "valueFrom": ref}]}},
        }
    )


def test_external_secret_with_data_from_produces_any_key() -> None:
    producer = doc(
        {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": {"name": "creds", "namespace": "llm"},
            "spec": {"dataFrom": [{"extract": {"key": "llm/creds"}}]},
        }
    )
    docs = [producer, pod_with_ref("creds", "whatever")]
    assert list(check_secret_refs(docs, frozenset(), None)) == []


def test_core_secret_produces_its_keys_in_its_namespace_only() -> None:
    secret = doc(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "creds", "namespace": "other"},
            "stringData": {"api-key": "x"},
        }
    )
    found = list(check_secret_refs([secret, pod_with_ref("creds", "api-key")], frozenset(), None))
    assert [f.code for f in found] == ["secret-ref-undeclared"]


def test_unknown_declarations_leave_references_alone() -> None:
    assert list(check_secret_refs([pod_with_ref("creds", "k")], None, None)) == []


def test_backend_in_another_namespace_must_exist_there() -> None:
    api = pod_with_ref("a", "b")
    route = doc(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "chat", "namespace": "edge"},
            "spec": {
                "rules": [
                    {"backendRefs": [{"name": "modelapi-chat", "namespace": "llm", "port": 1}]},
                    {"backendRefs": [{"name": "modelapi-chat", "port": 0}]},
                    {"backendRefs": [{"name": "ext", "kind": "ServiceImport", "group": "x"}]},
                ]
            },
        }
    )
    codes = [(f.code, f.path[2]) for f in check_backend_refs([api, route])]
    assert codes == [("route-backend-port", 0), ("route-backend-unknown", 1)]


def test_same_name_in_other_kind_or_namespace_is_fine() -> None:
    a = doc({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "a"}})
    b = doc({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "b"}})
    c = doc({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", "namespace": "a"}})
    assert list(check_unique_names([a, b, c])) == []


def test_model_matching_rules() -> None:
    assert model_matches("*", "anything")
    assert model_matches("gpt-4o", "gpt-4o")
    assert model_matches("openai/*", "openai/gpt-4o")
    assert not model_matches("openai/*", "openai")
    assert not model_matches("openai/*", "anthropic/claude")
    assert not model_matches("gpt-4o", "gpt-4o-mini")


def test_pod_env_names_include_proxy_variables_and_envfrom() -> None:
    spec = {
        "proxyConfig": {"apiKey": {"value": "x"}, "apiBase": "https://x"},
        "podSpec": {"containers": [{"name": "model-api", "envFrom": [{"secretRef": {}}]}]},
    }
    names, open_ended = pod_env_names(spec)
    assert names == {"PROXY_API_KEY", "PROXY_API_BASE"}
    assert open_ended
