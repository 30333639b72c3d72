"""Rules on rendered KAOS ModelAPIs that the CRD schema cannot express.

The KAOS controller reads more than its schema checks: it fails a Proxy ModelAPI whose
LiteLLM config (`proxyConfig.configYaml.fromString`) names a `model_name` that
`proxyConfig.models` does not match (exact, `*`, or `prefix/*`), and it needs
`proxyConfig` in Proxy mode and `hostedConfig` in Hosted mode; it ignores
`spec.container.image/command/args/resources` and `configYaml.fromSecretKeyRef`
(warnings). LiteLLM resolves
`os.environ/NAME` from the pod's environment at start-up, so NAME must be set there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from compiler.errors import Severity
from compiler.inventory.policies import is_cluster_local
from compiler.models.artifacts import JsonPath, RenderedDocument
from compiler.models.environment import Policies
from compiler.models.findings import Finding, as_mapping
from compiler.yamlio.manifests import ManifestParseError, iter_paths, parse_manifest_checked

KAOS_API_VERSION = "kaos.tools/v1alpha1"
CONFIG_PATH: JsonPath = ("spec", "proxyConfig", "configYaml", "fromString")
_ENV_PREFIX = "os.environ/"
_MODE_CONFIG = {"Proxy": "proxyConfig", "Hosted": "hostedConfig"}


def is_modelapi(doc: RenderedDocument) -> bool:
    """Tell whether a document is a KAOS ModelAPI."""
    return doc.api_version == KAOS_API_VERSION and doc.kind == "ModelAPI"


def check_modelapis(
    documents: Sequence[RenderedDocument],
    declared_env_vars: frozenset[str],
    policies: Policies | None,
) -> Iterator[Finding]:
    """Every ModelAPI finding: mode/config consistency and the LiteLLM config."""
    for doc in documents:
        spec = doc.data.get("spec")
        if not is_modelapi(doc) or not isinstance(spec, Mapping):
            continue
        yield from _check_mode(doc, spec)
        yield from _check_ignored(doc, spec)
        config = _config_text(spec)
        if config is not None:
            yield from _check_config(doc, spec, config, declared_env_vars, policies)


def _check_mode(doc: RenderedDocument, spec: Mapping[str, Any]) -> Iterator[Finding]:
    mode = spec.get("mode")
    needed = _MODE_CONFIG.get(str(mode))
    if needed and needed not in spec:
        yield Finding(
            doc,
            ("spec",),
            "modelapi-mode-config",
            f"mode {mode} needs spec.{needed}; the KAOS controller cannot start this ModelAPI",
            hint=f"set {needed}, or change the mode",
        )
    telemetry = spec.get("telemetry")
    if mode == "Hosted" and isinstance(telemetry, Mapping) and telemetry.get("enabled") is True:
        yield Finding(
            doc,
            ("spec", "telemetry", "enabled"),
            "modelapi-telemetry-hosted",
            "telemetry is not supported in Hosted mode; KAOS ignores it",
            severity=Severity.WARNING,
        )


# Fields the KAOS controller (v0.1.x) accepts but never reads; podSpec is the way.
_IGNORED_CONTAINER_FIELDS = ("image", "command", "args", "resources")


def _check_ignored(doc: RenderedDocument, spec: Mapping[str, Any]) -> Iterator[Finding]:
    container = as_mapping(spec.get("container"))
    for field in _IGNORED_CONTAINER_FIELDS:
        if field in container:
            yield Finding(
                doc,
                ("spec", "container", field),
                "modelapi-field-ignored",
                f"the KAOS controller ignores spec.container.{field} (it only reads env)",
                hint=f"set {field} on the model-api container in spec.podSpec instead",
                severity=Severity.WARNING,
            )
    config_yaml = as_mapping(as_mapping(spec.get("proxyConfig")).get("configYaml"))
    if "fromSecretKeyRef" in config_yaml and "fromString" not in config_yaml:
        yield Finding(
            doc,
            ("spec", "proxyConfig", "configYaml", "fromSecretKeyRef"),
            "modelapi-field-ignored",
            "the KAOS controller does not implement configYaml.fromSecretKeyRef; "
            "it generates a config from proxyConfig.models instead",
            hint="use configYaml.fromString (modelplane renders it from the lock)",
            severity=Severity.WARNING,
        )


def _config_text(spec: Mapping[str, Any]) -> str | None:
    proxy = spec.get("proxyConfig")
    config = proxy.get("configYaml") if isinstance(proxy, Mapping) else None
    text = config.get("fromString") if isinstance(config, Mapping) else None
    return text if isinstance(text, str) else None


def _check_config(
    doc: RenderedDocument,
    spec: Mapping[str, Any],
    text: str,
    declared_env_vars: frozenset[str],
    policies: Policies | None,
) -> Iterator[Finding]:
    try:
        config = parse_manifest_checked(text)
    except ManifestParseError as exc:
        yield Finding(
            doc, CONFIG_PATH, "litellm-config-yaml", f"LiteLLM config is not YAML: {_brief(exc)}"
        )
        return
    entries = config.get("model_list") if isinstance(config, Mapping) else None
    if not isinstance(entries, list):
        yield Finding(doc, CONFIG_PATH, "litellm-config-shape", "LiteLLM config has no model_list")
        return
    yield from _check_model_names(doc, spec, entries)
    yield from _check_env_refs(doc, spec, config, declared_env_vars)
    if policies is not None and policies.require_https:
        yield from _check_https(doc, entries)


def _check_model_names(
    doc: RenderedDocument, spec: Mapping[str, Any], entries: list[Any]
) -> Iterator[Finding]:
    patterns = [str(p) for p in spec.get("proxyConfig", {}).get("models") or ()]
    for index, entry in enumerate(entries):
        name = entry.get("model_name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str):
            yield Finding(
                doc, CONFIG_PATH, "litellm-config-shape", f"model_list[{index}] has no model_name"
            )
        elif not any(model_matches(p, name) for p in patterns):
            yield Finding(
                doc,
                CONFIG_PATH,
                "litellm-model-unlisted",
                f"model_list[{index}].model_name {name!r} is not matched by proxyConfig.models "
                f"{patterns}; the KAOS controller fails this ModelAPI",
                hint="add the model (or a `prefix/*` pattern) to the model API's models",
            )


def model_matches(pattern: str, name: str) -> bool:
    """KAOS matching: exact, `*` for anything, or `prefix/*` for names under prefix/."""
    if pattern in ("*", name):
        return True
    return pattern.endswith("/*") and name.startswith(pattern[:-1])


def _check_env_refs(
    doc: RenderedDocument, spec: Mapping[str, Any], config: Any, declared: frozenset[str]
) -> Iterator[Finding]:
    available, open_ended = pod_env_names(spec)
    if open_ended:
        return
    for where, value in iter_paths(config):
        if isinstance(value, str) and value.startswith(_ENV_PREFIX):
            name = value.removeprefix(_ENV_PREFIX)
            if name not in available and name not in declared:
                yield Finding(
                    doc,
                    CONFIG_PATH,
                    "litellm-env-undefined",
                    f"LiteLLM config reads os.environ/{name} at {_dotted(where)}, "
                    "but the ModelAPI's container sets no such variable",
                    hint="declare the credential in the inventory so the variable is rendered",
                )


def pod_env_names(spec: Mapping[str, Any]) -> tuple[set[str], bool]:
    """Env var names the model-api container gets, and whether envFrom makes it open-ended."""
    names: set[str] = set()
    proxy = as_mapping(spec.get("proxyConfig"))
    if proxy.get("apiKey"):
        names.add("PROXY_API_KEY")
    if proxy.get("apiBase"):
        names.add("PROXY_API_BASE")
    containers = [as_mapping(spec.get("container"))]
    pod = spec.get("podSpec")
    if isinstance(pod, Mapping):
        containers += [c for c in pod.get("containers") or () if isinstance(c, Mapping)]
    open_ended = False
    for container in containers:
        names |= {str(e.get("name")) for e in container.get("env") or () if isinstance(e, Mapping)}
        open_ended = open_ended or bool(container.get("envFrom"))
    return names, open_ended


def _check_https(doc: RenderedDocument, entries: list[Any]) -> Iterator[Finding]:
    for index, entry in enumerate(entries):
        params = entry.get("litellm_params") if isinstance(entry, Mapping) else None
        base = params.get("api_base") if isinstance(params, Mapping) else None
        plain = isinstance(base, str) and base.lower().startswith("http://")
        if plain and not is_cluster_local(str(base)):
            yield Finding(
                doc,
                CONFIG_PATH,
                "policy-require-https",
                f"model_list[{index}].litellm_params.api_base {base!r} is plain http, "
                "and this environment's policy requires https (in-cluster Services are exempt)",
                hint="use an https endpoint, or relax requireHttps for this environment",
            )


def _brief(exc: Exception) -> str:
    """The parser's position and reason, without the quoted source (it may hold a secret)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else "invalid YAML"
    return f"{lines[0]}: {lines[-1]}"


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
