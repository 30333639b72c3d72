"""Stage 4: validate rendered documents before anything is written. Pure; never writes.

Per document: the kind's JSON Schema (every violation, not the first), then for the
project's own kinds the CEL rules on the defaulted object. Across documents: the rules
no schema can express (each render target's `check`, unique names, secret refs), the environment's
policies where only rendered output shows the problem, and the secret scan. Each
finding becomes a Diagnostic located twice: `location` is the inventory place that
produced the value, `detail` the manifest file and JSON path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from compiler.errors import Diagnostic, Severity, sorted_diagnostics
from compiler.models.artifacts import RenderedDocument
from compiler.models.environment import Policies
from compiler.models.findings import Finding
from compiler.render.targets import TARGETS
from compiler.render.targets.base import RuleContext
from compiler.validate import corekinds
from compiler.validate.cel.rules import CelFinding
from compiler.validate.crds import DNS_LABEL, DNS_SUBDOMAIN, QUANTITY
from compiler.validate.manifests import load_manifests
from compiler.validate.rules.secret_refs import check_secret_refs
from compiler.validate.rules.secret_scan import scan_for_secrets
from compiler.validate.rules.unique_names import check_unique_names
from compiler.validate.schemas import SchemaRegistry

_CEL_CODES = {
    "violation": "cel",
    "error": "cel-error",
    "unsupported": "cel-unsupported",
    "duplicate": "schema-duplicate-item",
    "transition-skipped": "cel-transition-skipped",
}
_TRANSITION_SKIPPED = _CEL_CODES["transition-skipped"]


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """What the validator knows beyond the documents: where they go and what is declared.

    `declared_secrets` / `declared_remote_refs` set to None mean "unknown" (files on disk):
    references that no rendered object produces are then not flagged.
    """

    manifests_display_dir: str = ""
    declared_secrets: frozenset[tuple[str, str]] | None = None
    declared_env_vars: frozenset[str] = frozenset()
    declared_remote_refs: frozenset[str] | None = None
    policies: Policies | None = None
    kubernetes_version: str = corekinds.DEFAULT_KUBERNETES_VERSION


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Every diagnostic, plus counts worth reporting."""

    diagnostics: tuple[Diagnostic, ...]
    documents: int
    transition_rules_skipped: int

    @staticmethod
    def combine(results: Sequence[ValidationResult]) -> ValidationResult:
        """Several results as one."""
        return ValidationResult(
            tuple(d for r in results for d in r.diagnostics),
            sum(r.documents for r in results),
            sum(r.transition_rules_skipped for r in results),
        )


def check_documents(
    documents: Sequence[RenderedDocument],
    *,
    registry: SchemaRegistry,
    context: ValidationContext,
) -> ValidationResult:
    """Every problem in `documents`, sorted, with counts worth reporting."""
    findings = list(_per_document(documents, registry, context))
    skipped = sum(1 for f in findings if f.code == _TRANSITION_SKIPPED)
    findings = [f for f in findings if f.code != _TRANSITION_SKIPPED]
    findings += _across_documents(documents, context)
    unsupported_seen: set[str] = set()
    diagnostics = [
        f.to_diagnostic(context.manifests_display_dir)
        for f in findings
        if not _repeated_unsupported(f, unsupported_seen)
    ]
    return ValidationResult(
        tuple(sorted_diagnostics(diagnostics)),
        len(documents),
        skipped,
    )


def _repeated_unsupported(finding: Finding, seen: set[str]) -> bool:
    """Report a rule the evaluator cannot run once per run, not once per object."""
    if finding.code != "cel-unsupported":
        return False
    if finding.message in seen:
        return True
    seen.add(finding.message)
    return False


def _per_document(
    documents: Sequence[RenderedDocument], registry: SchemaRegistry, context: ValidationContext
) -> Iterator[Finding]:
    for doc in documents:
        yield from _check_document(doc, registry, context.kubernetes_version)


def _check_document(
    doc: RenderedDocument, registry: SchemaRegistry, kubernetes_version: str
) -> Iterator[Finding]:
    api_version, kind = doc.api_version, doc.kind
    if not api_version or not kind:
        yield Finding(doc, (), "manifest-kind", "document has no apiVersion or kind")
        return
    validator = registry.validator_for(api_version, kind, kubernetes_version)
    if validator is None:
        yield _unknown_kind(doc)
        return
    schema_errors = [] if validator.is_valid(doc.data) else list(validator.iter_errors(doc.data))
    for error in schema_errors:
        yield from _schema_findings(doc, error)
    if registry.is_custom(api_version, kind):
        schema = registry.schema_for(api_version, kind)
        assert schema is not None  # is_custom guarantees it
        for cel_finding in registry.cel.check_defaulted(schema, doc.data):
            if not (schema_errors and cel_finding.kind == "error"):
                yield _cel(doc, cel_finding)


def _schema_findings(doc: RenderedDocument, error: Any) -> Iterator[Finding]:
    """One finding per violation; an unknown field is located at the field itself."""
    path = tuple(error.instance_path)
    unexpected = getattr(error.kind, "unexpected", None)
    if error.kind.name != "additionalProperties" or not isinstance(unexpected, list):
        yield Finding(doc, path, "schema", _schema_message(error))
        return
    for name in unexpected:
        yield Finding(
            doc,
            (*path, str(name)),
            "schema-unknown-field",
            f"unknown field {name!r}: the schema does not declare it",
            hint="check the spelling; the API server rejects unknown fields",
        )


# Patterns that recur in Kubernetes schemas, said in words instead of as a regex.
_PATTERN_WORDS = {
    DNS_SUBDOMAIN: "a lowercase RFC 1123 name (letters, digits, '-' and '.', starting and "
    "ending with a letter or digit)",
    DNS_LABEL: "a lowercase RFC 1123 label (letters, digits and '-', at most 63 characters)",
    QUANTITY: "a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi",
}


def _schema_message(error: Any) -> str:
    pattern = getattr(error.kind, "pattern", None) if error.kind.name == "pattern" else None
    if isinstance(pattern, str) and pattern in _PATTERN_WORDS:
        return f"{error.instance!r} is not {_PATTERN_WORDS[pattern]}"
    return str(error.message)


def _unknown_kind(doc: RenderedDocument) -> Finding:
    group, _, version = doc.api_version.rpartition("/")
    return Finding(
        doc,
        ("kind",),
        "schema-unknown-kind",
        f"no schema for {doc.kind} ({doc.api_version}); it cannot be validated",
        hint=f"add schemas/{group or 'core'}/{version}/{doc.kind}.json, for example with "
        "`modelplane schemas import <crd.yaml>`",
    )


def _cel(doc: RenderedDocument, finding: CelFinding) -> Finding:
    if finding.kind == "unsupported":
        return Finding(
            doc,
            finding.path,
            _CEL_CODES[finding.kind],
            f"{finding.message}; rule not checked: {finding.rule}",
            hint="the API server will still run it; check this field by hand",
            severity=Severity.WARNING,
        )
    hint = {
        "violation": "",
        "duplicate": "items of this list are keyed (x-kubernetes-list-map-keys); merge the two",
    }.get(finding.kind, f"rule: {finding.rule}")
    return Finding(doc, finding.path, _CEL_CODES[finding.kind], finding.message, hint=hint)


def _across_documents(
    documents: Sequence[RenderedDocument], context: ValidationContext
) -> list[Finding]:
    objects = [doc for doc in documents if isinstance(doc.data, Mapping)]
    rules = RuleContext(context.declared_env_vars, context.policies)
    return [
        *check_unique_names(objects),
        # Every target's rules see every document: a route rule needs the ModelAPIs too.
        *(finding for target in TARGETS.values() for finding in target.check(objects, rules)),
        *check_secret_refs(objects, context.declared_secrets, context.declared_remote_refs),
        *scan_for_secrets(objects),
    ]


def validate_paths(
    paths: Sequence[Path],
    *,
    registry: SchemaRegistry,
    display: Callable[[Path], str],
    context: ValidationContext | None = None,
) -> ValidationResult:
    """Validate manifests on disk (files or folders); locations point into those files."""
    loaded = load_manifests(paths, display)
    result = check_documents(loaded.documents, registry=registry, context=context or _ON_DISK)
    diagnostics = sorted_diagnostics([*loaded.diagnostics, *result.diagnostics])
    return replace(result, diagnostics=tuple(diagnostics))


_ON_DISK = ValidationContext()
