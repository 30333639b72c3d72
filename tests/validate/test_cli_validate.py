from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli

from .conftest import REPO_ROOT, UPSTREAM_CRDS

CASES = REPO_ROOT / "tests" / "cases" / "invalid-manifests"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO_ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "inventory").mkdir()
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    return tmp_path


def test_valid_files_exit_0(repo: Path) -> None:
    folder = REPO_ROOT / "environments" / "dev" / "manifests"
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "document(s) valid" in result.output


def test_findings_exit_1_with_located_text(repo: Path) -> None:
    case = CASES / "schema-modelapi-bad-mode" / "manifest.yaml"
    result = CliRunner().invoke(cli, ["validate", str(case)])
    assert result.exit_code == 1
    assert "manifest.yaml:7:9: error[schema]:" in result.output
    assert "::$.spec.mode" in result.output


def test_json_format(repo: Path) -> None:
    case = CASES / "schema-modelapi-bad-mode" / "manifest.yaml"
    result = CliRunner().invoke(cli, ["--format", "json", "validate", str(case)])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)["problems"]
    assert [(d["code"], d["line"], d["column"]) for d in payload] == [("schema", 7, 9)]


def test_github_format(repo: Path) -> None:
    case = CASES / "schema-modelapi-bad-mode" / "manifest.yaml"
    result = CliRunner().invoke(cli, ["--format", "github", "validate", str(case)])
    assert result.exit_code == 1
    assert "::error file=" in result.output
    assert "line=7,col=9" in result.output


def test_paths_and_env_together_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--all", str(repo)])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2


def test_schemas_import_writes_the_repository_schemas(repo: Path) -> None:
    if not UPSTREAM_CRDS.is_dir():
        pytest.skip("upstream CRDs not available")
    crd = UPSTREAM_CRDS / "gateway-api" / "gateway.networking.k8s.io_httproutes.yaml"
    result = CliRunner().invoke(cli, ["schemas", "import", str(crd)])
    assert result.exit_code == 0, result.output
    assert "wrote schemas/gateway.networking.k8s.io/v1beta1/HTTPRoute.json" in result.output
    assert (repo / "schemas/gateway.networking.k8s.io/v1beta1/HTTPRoute.json").is_file()


def test_schemas_import_of_a_non_crd_is_a_usage_error(repo: Path) -> None:
    (repo / "x.yaml").write_text("kind: ConfigMap\n")
    result = CliRunner().invoke(cli, ["schemas", "import", str(repo / "x.yaml")])
    assert result.exit_code == 2
    assert "no CustomResourceDefinition" in result.output


def test_validate_every_example_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELPLANE_ROOT", str(REPO_ROOT))
    result = CliRunner().invoke(cli, ["validate", "--all"])
    assert result.exit_code == 0, result.output
    for env in ("dev", "staging", "prod"):
        assert f"{env}: " in result.output
    assert "warning" not in result.output  # the example is clean


@pytest.mark.parametrize("version", ["1.9", "1.99", "latest"])
def test_unsupported_kubernetes_version_is_a_usage_error(repo: Path, version: str) -> None:
    folder = REPO_ROOT / "environments" / "dev" / "manifests"
    result = CliRunner().invoke(cli, ["validate", "--kubernetes-version", version, str(folder)])
    assert result.exit_code == 2
    assert "known: 1.25" in result.output


def test_older_kubernetes_version_uses_its_own_schemas(repo: Path) -> None:
    folder = REPO_ROOT / "environments" / "prod" / "manifests"
    result = CliRunner().invoke(cli, ["validate", "--kubernetes-version", "1.27", str(folder)])
    assert result.exit_code == 0, result.output


def test_every_environment_is_reported_even_when_one_cannot_render(
    tmp_path: Path, monkeypatch
) -> None:
    for part in ("inventory", "environments", "templates", "schemas"):
        shutil.copytree(REPO_ROOT / part, tmp_path / part)
    (tmp_path / "environments" / "dev" / "models.lock").unlink()
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    result = CliRunner().invoke(cli, ["validate", "--all"])
    assert result.exit_code == 1
    assert "error[lock-missing]" in result.output
    assert "dev: invalid (1 error; 0 document(s) checked)" in result.output
    assert "prod: " in result.output and "staging: " in result.output
