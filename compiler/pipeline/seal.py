"""`modelplane seal`: encrypt one Secret value into the environment's committed SealedSecret.

The value arrives as bytes from the command layer (standard input) and leaves only as
ciphertext; it is never part of a message, a diagnostic or an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from compiler.errors import Diagnostic, InventoryError, Location, UsageError
from compiler.fsio import atomic_write_bytes, input_problem, read_input_text, read_regular
from compiler.inventory.declared_secrets import declared_secrets
from compiler.inventory.load import load_environment
from compiler.models.resolved import ResolvedEnvironment
from compiler.project import Project
from compiler.secrets.sealed_files import (
    dump_sealed_file,
    parse_sealed_file,
    sealed_document,
)
from compiler.secrets.sealing import (
    CertificateError,
    SealingCertificate,
    load_certificate,
    seal_value,
)


@dataclass(frozen=True, slots=True)
class SealOutcome:
    """What `seal` wrote: the file, the Secret key, and the certificate it sealed for."""

    path: str
    secret: str
    key: str
    namespace: str
    fingerprint: str
    replaced: bool


def sealed_file_path(project: Project, env: str, secret: str) -> Path:
    """`environments/<env>/sealed-secrets/<secret>.yaml`."""
    return project.sealed_secrets_dir(env) / f"{secret}.yaml"


def seal_secret(
    project: Project,
    env: str,
    secret: str,
    key: str,
    value: bytes,
    *,
    now: datetime | None = None,
) -> SealOutcome:
    """Seal `value` as key `key` of Secret `secret` and merge it into the committed file."""
    resolved = load_environment(project, env)
    certificate = _certificate(project, resolved, now)
    _check_declared(resolved, secret, key)
    if not value:
        raise UsageError([_problem("<stdin>", "seal-empty", "standard input was empty")])
    namespace = resolved.environment.namespace
    path = sealed_file_path(project, env, secret)
    existing, template = _existing(project, path, secret, namespace)
    replaced = key in existing
    existing[key] = seal_value(certificate, namespace, secret, value)
    document = sealed_document(secret, namespace, existing, template)
    atomic_write_bytes(path, dump_sealed_file(env, document).encode("utf-8"), root=project.root)
    return SealOutcome(
        project.relative(path), secret, key, namespace, certificate.fingerprint, replaced
    )


def _certificate(
    project: Project, resolved: ResolvedEnvironment, now: datetime | None
) -> SealingCertificate:
    secrets = resolved.environment.secrets
    at = resolved.locate_env(("secrets", "backend"))
    if secrets.backend != "sealed-secrets" or secrets.sealed_secrets is None:
        raise UsageError(
            [
                Diagnostic(
                    at,
                    "seal-backend",
                    f"environment {resolved.name!r} does not use the sealed-secrets backend",
                    hint="set secrets.backend: sealed-secrets and secrets.sealedSecrets."
                    "certificate in environment.yaml",
                )
            ]
        )
    cert_at = resolved.locate_env(("secrets", "sealedSecrets", "certificate"))
    relative = secrets.sealed_secrets.certificate
    path = project.root / relative
    unsafe = input_problem(path, (project.root,)) if path.exists() else None
    try:
        if unsafe is not None:  # a FIFO, a folder, a link out of the repository
            problem, hint = f"{relative}: {unsafe[0]}", unsafe[1]
        else:
            return load_certificate(read_regular(path), now=now)
    except OSError as exc:
        problem = f"cannot read {relative}: {exc.strerror or type(exc).__name__}"
        hint = f"fetch it with: kubeseal --fetch-cert > {relative}"
    except CertificateError as exc:
        problem = f"{relative}: {exc}"
        hint = "fetch the controller's current certificate: kubeseal --fetch-cert"
    raise InventoryError([Diagnostic(cert_at, "seal-certificate", problem, hint)])


def _check_declared(resolved: ResolvedEnvironment, secret: str, key: str) -> None:
    declared = sorted({(r.ref.name, r.ref.key) for r in declared_secrets(resolved)})
    if (secret, key) in declared:
        return
    known = ", ".join(f"{n}/{k}" for n, k in declared) or "none"
    raise UsageError(
        [
            _problem(
                "<command line>",
                "seal-undeclared",
                f"{secret}/{key} is not a Secret key that environment {resolved.name!r} uses",
                f"declared: {known}",
            )
        ]
    )


def _existing(
    project: Project, path: Path, secret: str, namespace: str
) -> tuple[dict[str, str], dict[str, object]]:
    if not path.exists():
        return {}, {}
    text = read_input_text(path, (project.root,), project.relative(path))
    sealed, problems = parse_sealed_file(text, project.relative(path), secret, namespace)
    if sealed is None:
        raise InventoryError(problems)
    return dict(sealed.encrypted), dict(sealed.template)


def _problem(where: str, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(Location(where), code, message, hint)
