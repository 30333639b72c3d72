"""Validate 10,000 rendered documents and compare with kubernetes-validate's validate().

Run: `.venv/bin/python benchmarks/validate_bench.py [--documents N] [--kv-sample N]`.
The mix is what the renderer emits: ModelAPI, HTTPRoute (with its CEL rules), agentops
Provider, ExternalSecret and ConfigMap, in equal parts, with all cross-object rules and
the secret scan on. kubernetes-validate only knows built-in kinds, so it is timed on the
ConfigMaps of the same run (a sample: it rebuilds its validator on every call).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import kubernetes_validate

from compiler.errors import Location, has_errors
from compiler.models.artifacts import RenderedDocument
from compiler.validate.run import ValidationContext, check_documents
from compiler.validate.schemas import SchemaRegistry

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "llm-bench"
CONFIG = """model_list:
  - model_name: chat-{i}
    litellm_params:
      model: openai/gpt-4o-2024-11-20
      api_key: os.environ/OPENAI_API_KEY
litellm_settings:
  drop_params: true
"""


def _meta(name: str) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": {"app.kubernetes.io/managed-by": "x"}}


def modelapi(i: int) -> dict[str, Any]:
    env = {
        "name": "OPENAI_API_KEY",
        "valueFrom": {"secretKeyRef": {"name": "llm-openai", "key": "api-key"}},
    }
    return {
        "apiVersion": "kaos.tools/v1alpha1",
        "kind": "ModelAPI",
        "metadata": _meta(f"chat-{i}"),
        "spec": {
            "mode": "Proxy",
            "proxyConfig": {
                "models": [f"chat-{i}"],
                "configYaml": {"fromString": CONFIG.format(i=i)},
            },
            "container": {"env": [env]},
            "podSpec": {
                "containers": [{"name": "model-api", "resources": {"limits": {"cpu": "2"}}}]
            },
            "gatewayRoute": {"timeout": "120s"},
        },
    }


def httproute(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": _meta(f"chat-{i}"),
        "spec": {
            "parentRefs": [{"name": "shared-gateway", "namespace": "gateway-system"}],
            "hostnames": ["llm.example.com"],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": f"/chat-{i}"}}],
                    "filters": [
                        {
                            "type": "URLRewrite",
                            "urlRewrite": {
                                "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
                            },
                        }
                    ],
                    "backendRefs": [{"name": f"modelapi-chat-{i}", "port": 8000}],
                    "timeouts": {"request": "120s"},
                }
            ],
        },
    }


def provider(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "agents.agentops.io/v1alpha1",
        "kind": "Provider",
        "metadata": _meta(f"openai{i}"),
        "spec": {"type": "openai", "apiKeySecret": {"name": "llm-openai", "key": "api-key"}},
    }


def external_secret(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": _meta(f"llm-openai-{i}"),
        "spec": {
            "refreshInterval": "15m",
            "secretStoreRef": {"name": "vault-backend", "kind": "ClusterSecretStore"},
            "target": {"name": f"llm-openai-{i}"},
            "data": [
                {"secretKey": "api-key", "remoteRef": {"key": "llm-openai", "property": "api-key"}}
            ],
        },
    }


def configmap(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(f"cm-{i}"),
        "data": {"a": "b"},
    }


BUILDERS = (modelapi, httproute, provider, external_secret, configmap)


def documents(total: int) -> list[RenderedDocument]:
    at = Location("inventory/model-apis.yaml", 1, 1)
    return [
        RenderedDocument(f"doc-{n}.yaml", "", BUILDERS[n % 5](n // 5), at) for n in range(total)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--kv-sample", type=int, default=200)
    parser.add_argument("--kubernetes-version", default="1.33")
    args = parser.parse_args()

    docs = documents(args.documents)
    context = ValidationContext(
        manifests_display_dir="environments/bench/manifests",
        declared_secrets=frozenset({("llm-openai", "api-key")}),
        declared_remote_refs=frozenset({"llm-openai"}),
        kubernetes_version=args.kubernetes_version,
    )
    start, cpu = time.perf_counter(), time.process_time()
    registry = SchemaRegistry.load(ROOT / "schemas", args.kubernetes_version)
    result = check_documents(docs, registry=registry, context=context)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not has_errors(result.diagnostics), result.diagnostics[:3]

    configmaps = [d for d in docs if d.kind == "ConfigMap"]
    start = time.perf_counter()
    check_documents(configmaps, registry=registry, context=context)
    ours_core = time.perf_counter() - start

    sample = [dict(d.data) for d in configmaps[: args.kv_sample]]
    start, cpu = time.perf_counter(), time.process_time()
    for data in sample:
        kubernetes_validate.validate(data, args.kubernetes_version, strict=True)
    theirs, theirs_cpu = time.perf_counter() - start, time.process_time() - cpu

    print(f"modelplane validate: {len(docs)} documents (5 kinds, CEL, cross-object, secret scan)")
    print(
        f"  {ours:.2f} s wall, {len(docs) / ours:,.0f} documents/s; "
        f"{len(docs) / ours_cpu:,.0f} documents/s of CPU time (schemas compiled in the run)"
    )
    print(f"  transition-rule checks skipped: {result.transition_rules_skipped}")
    print(f"modelplane on ConfigMaps only: {len(configmaps) / ours_core:,.0f} documents/s")
    print(
        f"kubernetes_validate.validate() on {len(sample)} ConfigMaps: "
        f"{len(sample) / theirs:,.0f} documents/s ({theirs / len(sample) * 1000:.1f} ms each); "
        f"{len(sample) / theirs_cpu:,.0f} documents/s of CPU time"
    )


if __name__ == "__main__":
    main()
