"""Sealed Secrets: the environment's committed SealedSecrets, one manifest each.

Every Secret key the manifests reference must have a sealed value: a missing one is an
error at the inventory line that declares the reference (with the `seal` command that
fixes it), since the workload would otherwise wait for a Secret that never appears.
Sealed keys nothing references are warned about, located in the sealed file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compiler.errors import Diagnostic, Severity
from compiler.inventory.declared_secrets import declared_secrets
from compiler.models.artifacts import PlannedDocument
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import MANIFESTS, NoRules, PlanInput, labels
from compiler.secrets.sealed_files import API_VERSION, KIND, SealedFile


def _document(env: ResolvedEnvironment, sealed: SealedFile) -> PlannedDocument:
    template: dict[str, Any] = dict(sealed.template)
    meta = dict(template.get("metadata") or {})
    # The controller names the Secret after the SealedSecret; labels reach the Secret.
    meta.update({"name": sealed.name, "namespace": sealed.namespace})
    # modelplane's own labels win: a sealed file cannot re-label who manages the Secret.
    meta["labels"] = dict(sorted({**dict(meta.get("labels") or {}), **labels(env)}.items()))
    template["metadata"] = dict(sorted(meta.items()))
    context = {
        "name": sealed.name,
        "namespace": sealed.namespace,
        "labels": labels(env),
        "encrypted_data": dict(sorted(sealed.encrypted.items())),
        "template": dict(sorted(template.items())),
    }
    return PlannedDocument(
        "sealed-secrets/sealedsecret.yaml.j2",
        f"sealedsecrets/{sealed.name}.yaml",
        context,
        sealed.locate(),
        {
            ("spec", "encryptedData", key): sealed.locate("spec", "encryptedData", key)
            for key in sealed.encrypted
        },
    )


def _missing(given: PlanInput) -> Iterator[Diagnostic]:
    files = given.sealed.files
    seen: set[tuple[str, str]] = set()
    for reference in declared_secrets(given.env):
        name, key = reference.ref.name, reference.ref.key
        sealed = files.get(name)
        if (sealed is not None and key in sealed.encrypted) or (name, key) in seen:
            continue
        seen.add((name, key))
        yield Diagnostic(
            reference.at,
            "sealed-secret-missing",
            f"no sealed value for Secret {name} key {key}",
            hint=f"modelplane seal --env {given.env.name} --secret {name} --key {key} < FILE",
        )


def _unused(given: PlanInput) -> Iterator[Diagnostic]:
    used = {(r.ref.name, r.ref.key) for r in declared_secrets(given.env)}
    names = {name for name, _ in used}
    for sealed in given.sealed.files.values():
        if sealed.name not in names:
            yield Diagnostic(
                sealed.locate("metadata", "name"),
                "sealed-secret-unused",
                f"nothing in this environment references Secret {sealed.name}: its "
                "SealedSecret is not rendered",
                severity=Severity.WARNING,
            )
            continue
        for key in sorted(sealed.encrypted):
            if (sealed.name, key) not in used:
                yield Diagnostic(
                    sealed.locate("spec", "encryptedData", key),
                    "sealed-secret-unused",
                    f"Secret {sealed.name} key {key} is sealed but nothing in the inventory "
                    "references it",
                    severity=Severity.WARNING,
                )


class SealedSecretsTarget(NoRules):
    """Sealed Secrets `SealedSecret` objects from `environments/<env>/sealed-secrets/`."""

    folder = MANIFESTS
    kinds = ((API_VERSION, KIND),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's secret backend is sealed-secrets."""
        return env.environment.secrets.backend == "sealed-secrets"

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One SealedSecret per committed file the environment references.

        Like ExternalSecrets, the backend delivers exactly the declared Secrets: the
        SealedSecret of a removed provider or model API leaves the manifests (and the
        cluster) with it, while its committed file stays (with a warning) for a return.
        """
        files = given.sealed.files
        used = {r.ref.name for r in declared_secrets(given.env)}
        return [_document(given.env, files[name]) for name in sorted(files) if name in used]

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """Referenced keys without a sealed value (errors), sealed keys unused (warnings)."""
        return [*_missing(given), *_unused(given)]
