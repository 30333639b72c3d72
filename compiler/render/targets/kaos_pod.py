"""What the KAOS `model-api` pod needs at run time besides the LiteLLM config (pure).

- Credentials, the proxy master key and the served-config digest go into
  `spec.container.env`, which KAOS copies into the `model-api` container. KAOS replaces
  the Deployment only when the hash of the final PodSpec changes
  (`kaos.tools/pod-spec-hash`) and LiteLLM reads its config file once at start, so the
  digest of everything the proxy serves is what makes a re-pin roll out.
- A private CA works only through `SSL_CERT_FILE`: LiteLLM builds every TLS context from
  one CA file (certifi's bundle unless told otherwise) and most of its clients ignore a
  per-route `ssl_verify`. An init container writes certifi's public roots plus each
  provider's CA into one bundle, so public providers keep working beside the private one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compiler.digests import sha256_bytes
from compiler.inventory.serving import route_honours_ssl_verify
from compiler.models.inventory import ModelApi
from compiler.models.providers import Provider, SecretRef
from compiler.render.targets.kaos_litellm import ca_mount_path, credential_env_name

MODEL_API_CONTAINER = "model-api"
CONFIG_DIGEST_ENV = "MODELPLANE_CONFIG_DIGEST"
MODEL_DIGEST_ENV = "MODELPLANE_MODEL_REVISION"
MASTER_KEY_ENV = "LITELLM_MASTER_KEY"
CA_BUNDLE_CONTAINER = "ca-bundle"
CA_BUNDLE_VOLUME = "modelplane-ca-bundle"
CA_BUNDLE_DIR = "/etc/modelplane/ca-bundle"
CA_BUNDLE_FILE = f"{CA_BUNDLE_DIR}/ca-bundle.pem"
# The LiteLLM release these configs are tested against: it has Python and certifi, so
# the bundle holds the very roots LiteLLM would use. Override through podSpec
# initContainers[name=ca-bundle].image (strategic merge by name).
CA_BUNDLE_IMAGE = "ghcr.io/berriai/litellm:main-v1.82.6"
_BUNDLE_SCRIPT = (
    "import certifi, sys\n"
    "parts = [open(p, encoding='utf-8').read().strip() for p in [certifi.where(), *sys.argv[2:]]]\n"
    "open(sys.argv[1], 'w', encoding='utf-8').write('\\n'.join(parts) + '\\n')\n"
)


def served_digest(text: str) -> str:
    """The digest KAOS' pod-spec hash sees; any change to `text` rolls the Deployment."""
    return sha256_bytes(text.encode("utf-8"))


def container_env(
    api: ModelApi, providers: Iterable[Provider], digest: str, model_digest: str | None = None
) -> list[dict[str, Any]]:
    """The `model-api` container's env: credentials, master key, TLS switches, digests."""
    env: dict[str, dict[str, Any]] = {
        CONFIG_DIGEST_ENV: {"name": CONFIG_DIGEST_ENV, "value": digest}
    }
    if model_digest:
        env[MODEL_DIGEST_ENV] = {"name": MODEL_DIGEST_ENV, "value": model_digest}
    served = list(providers)
    for provider in served:
        creds = provider.credentials
        if creds is not None and creds.secret_ref is not None:
            name = credential_env_name(provider)
            env[name] = _secret_env(name, creds.secret_ref)
    master = api.master_key_ref
    if master is not None:
        env[MASTER_KEY_ENV] = _secret_env(MASTER_KEY_ENV, master)
    if api.mode == "Proxy" and any(p.tls.ca_secret_ref is not None for p in served):
        env["SSL_CERT_FILE"] = {"name": "SSL_CERT_FILE", "value": CA_BUNDLE_FILE}
    if api.mode == "Proxy" and _proxy_wide_insecure(served):
        env["SSL_VERIFY"] = {"name": "SSL_VERIFY", "value": "False"}
    return [env[name] for name in sorted(env)]


def _secret_env(name: str, ref: SecretRef) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": ref.name, "key": ref.key}}}


def _proxy_wide_insecure(providers: list[Provider]) -> bool:
    # Mixed with verified providers this is refused by the inventory stage (serving.py).
    return (
        bool(providers)
        and all(p.tls.insecure_skip_verify for p in providers)
        and any(not route_honours_ssl_verify(p) for p in providers)
    )


def ca_bundle_pod(providers: Iterable[Provider], image: str | None) -> dict[str, Any]:
    """The podSpec part that assembles the CA bundle; empty when no provider has a CA."""
    with_ca = {p.name: p for p in providers if p.tls.ca_secret_ref is not None}
    if not with_ca:
        return {}
    volumes = [{"name": CA_BUNDLE_VOLUME, "emptyDir": {}}]
    mounts = []
    files = []
    for name in sorted(with_ca):
        provider = with_ca[name]
        ref = provider.tls.ca_secret_ref
        assert ref is not None
        volume = f"ca-{name}"[:63].rstrip("-")
        volumes.append({"name": volume, "secret": {"secretName": ref.name}})
        mounts.append({"name": volume, "mountPath": ca_mount_path(provider), "readOnly": True})
        files.append(f"{ca_mount_path(provider)}/{ref.key}")
    bundle_mount = {"name": CA_BUNDLE_VOLUME, "mountPath": CA_BUNDLE_DIR}
    init = {
        "name": CA_BUNDLE_CONTAINER,
        "image": image or CA_BUNDLE_IMAGE,
        "command": ["python3", "-c", _BUNDLE_SCRIPT, CA_BUNDLE_FILE, *files],
        "volumeMounts": [bundle_mount, *mounts],
    }
    return {
        "initContainers": [init],
        "containers": [
            {
                "name": MODEL_API_CONTAINER,
                "volumeMounts": [{**bundle_mount, "readOnly": True}],
            }
        ],
        "volumes": sorted(volumes, key=lambda v: str(v["name"])),
    }
