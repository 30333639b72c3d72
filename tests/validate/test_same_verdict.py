"""The project's own schemas and schemas imported from the real CRDs agree on everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.errors import Diagnostic, has_errors
from compiler.project import Project
from compiler.validate.run import validate_paths
from compiler.validate.schemas import SchemaRegistry, import_crds

from .conftest import REPO_ROOT, UPSTREAM_CRDS
from .test_corpus import CASE_DIRS, diagnose

# Not Kubernetes objects, so there is no CRD to import: copied as they are.
AUTHORED_ONLY = ("kustomize.config.k8s.io",)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> SchemaRegistry:
    if not UPSTREAM_CRDS.is_dir():
        pytest.skip(f"upstream CRDs not found at {UPSTREAM_CRDS} (test data lives beside the repo)")
    target = tmp_path_factory.mktemp("imported-schemas")
    import_crds([UPSTREAM_CRDS], target)
    for group in AUTHORED_ONLY:
        shutil.copytree(REPO_ROOT / "schemas" / group, target / group)
    return SchemaRegistry.load(target)


@pytest.fixture(scope="module")
def own() -> SchemaRegistry:
    return SchemaRegistry.load(REPO_ROOT / "schemas")


def verdict(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[tuple[str, ...]]:
    return [(d.severity.value, d.code, d.detail, d.message, str(d.location)) for d in diagnostics]


def test_every_own_kind_is_imported(own: SchemaRegistry, imported: SchemaRegistry) -> None:
    assert set(own.kinds()) <= set(imported.kinds())


@pytest.mark.parametrize("env", Project(REPO_ROOT).environment_names())
def test_example_environment_same_verdict(
    env: str, own: SchemaRegistry, imported: SchemaRegistry
) -> None:
    from compiler.pipeline.validate import validate_environment

    project = Project(REPO_ROOT)
    mine = validate_environment(project, env, own)
    theirs = validate_environment(project, env, imported)
    assert mine.documents == theirs.documents > 0
    assert not has_errors(mine.diagnostics), "the example environments must validate"
    assert verdict(mine.diagnostics) == verdict(theirs.diagnostics)


@pytest.mark.parametrize("env", Project(REPO_ROOT).environment_names())
def test_committed_manifests_same_verdict(
    env: str, own: SchemaRegistry, imported: SchemaRegistry
) -> None:
    folder = Project(REPO_ROOT).manifests_dir(env)
    mine = validate_paths([folder], registry=own, display=lambda p: p.name)
    theirs = validate_paths([folder], registry=imported, display=lambda p: p.name)
    assert verdict(mine.diagnostics) == verdict(theirs.diagnostics)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_invalid_case_same_verdict(
    case: Path, own: SchemaRegistry, imported: SchemaRegistry
) -> None:
    assert verdict(diagnose(case, own)) == verdict(diagnose(case, imported))
