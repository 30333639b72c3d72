"""The invalid-manifest corpus: one folder per case, its expected diagnostics beside it.

A case is `tests/cases/invalid-manifests/<case>/` holding one or more `*.yaml`
manifests, an optional `context.json` (declaredSecrets, declaredRemoteRefs,
declaredEnvVars, policies, kubernetesVersion), optional `schemas/` with extra kinds, and
`expected.txt`: the exact text report.
A case folder that holds `inventory/` instead is a whole repository: each of its
environments is rendered in memory and validated (inventory-level cases).
Adding a case means adding files; `pytest --update-goldens` writes expected.txt.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from compiler.cli.report import format_diagnostics
from compiler.errors import CompilerError, Diagnostic
from compiler.models.environment import Policies
from compiler.project import Project
from compiler.validate.run import ValidationContext, validate_paths
from compiler.validate.schemas import SchemaRegistry
from tests.goldens import case_dirs, check_golden
from tests.helpers import REPO_ROOT

CASE_DIRS = case_dirs("invalid-manifests")


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.load(REPO_ROOT / "schemas")


def load_context(case: Path) -> ValidationContext:
    file = case / "context.json"
    raw = json.loads(file.read_text()) if file.is_file() else {}
    secrets = raw.get("declaredSecrets")
    remote = raw.get("declaredRemoteRefs")
    return ValidationContext(
        declared_secrets=None if secrets is None else frozenset(tuple(s) for s in secrets),
        declared_remote_refs=None if remote is None else frozenset(remote),
        declared_env_vars=frozenset(raw.get("declaredEnvVars", ())),
        policies=Policies.model_validate(raw["policies"]) if "policies" in raw else None,
        **({"kubernetes_version": raw["kubernetesVersion"]} if "kubernetesVersion" in raw else {}),
    )


def diagnose(case: Path, registry: SchemaRegistry) -> list[Diagnostic]:
    if (case / "schemas").is_dir():  # extra kinds for this case only
        extra = SchemaRegistry.load(case / "schemas").schemas
        registry = SchemaRegistry({**registry.schemas, **extra}, registry.kubernetes_version)
    if (case / "inventory").is_dir():
        return _diagnose_repository(case, registry)
    manifests = sorted(case.glob("*.yaml"))
    result = validate_paths(
        manifests,
        registry=registry,
        display=lambda p: p.relative_to(case).as_posix(),
        context=load_context(case),
    )
    return list(result.diagnostics)


def _diagnose_repository(case: Path, registry: SchemaRegistry) -> list[Diagnostic]:
    """Render and validate each environment; the case uses the repository's templates."""

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / case.name
        shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"))
        if not (root / "templates").exists():
            (root / "templates").symlink_to(REPO_ROOT / "templates")
        return _validate_project(Project(root), registry)


def _validate_project(project: Project, registry: SchemaRegistry) -> list[Diagnostic]:
    from compiler.pipeline.validate import validate_environment

    found: list[Diagnostic] = []
    for env in project.environment_names():
        try:
            found += validate_environment(project, env, registry).diagnostics
        except CompilerError as exc:
            found += exc.diagnostics
    return found


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case(case: Path, registry: SchemaRegistry, request: pytest.FixtureRequest) -> None:
    diagnostics = diagnose(case, registry)
    actual = format_diagnostics(diagnostics, "text")
    assert diagnostics, "an invalid case must produce at least one diagnostic"
    check_golden(case / "expected.txt", actual, request.config.getoption("--update-goldens"))


def test_corpus_is_large_enough() -> None:
    assert len(CASE_DIRS) >= 30
