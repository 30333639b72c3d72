"""A repository's own templates/ and schemas/ override the built-ins file by file."""

from __future__ import annotations

import shutil

import pytest

from compiler.pipeline import render as pipeline
from compiler.project import Project, builtin_dir
from compiler.validate.schemas import SchemaRegistry
from tests.helpers import REPO_ROOT, copy_example


@pytest.fixture
def project(tmp_path):
    copy_example(tmp_path)
    shutil.rmtree(tmp_path / "templates")
    shutil.rmtree(tmp_path / "schemas")
    return Project(tmp_path)


def test_a_repository_without_templates_or_schemas_uses_the_builtins(project):
    assert builtin_dir("templates") is not None and builtin_dir("schemas") is not None
    outcome = pipeline.render_environment(project, "prod", check=True)
    assert outcome.drift == ()


def test_one_overridden_template_keeps_the_others(project):
    own = project.root / "templates" / "gateway-api"
    own.mkdir(parents=True)
    text = (REPO_ROOT / "templates/gateway-api/httproute.yaml.j2").read_text()
    (own / "httproute.yaml.j2").write_text(
        text.replace("  labels:", "  annotations:\n    team: llm\n  labels:")
    )
    pipeline.render_environment(project, "prod")
    route = (project.manifests_dir("prod") / "httproutes/chat.yaml").read_text()
    assert "    team: llm\n" in route
    assert "kind: ModelAPI" in (project.manifests_dir("prod") / "modelapis/chat.yaml").read_text()


def test_one_imported_schema_keeps_the_other_kinds(project):
    own = project.root / "schemas" / "kaos.tools" / "v1alpha1"
    own.mkdir(parents=True)
    text = (REPO_ROOT / "schemas/kaos.tools/v1alpha1/ModelAPI.json").read_text()
    (own / "ModelAPI.json").write_text(text.replace('"title": "', '"title": "mine: ', 1))
    registry = SchemaRegistry.load(project.schema_dirs)
    assert str(registry.schema_for("kaos.tools/v1alpha1", "ModelAPI")["title"]).startswith("mine")
    assert registry.schema_for("gateway.networking.k8s.io/v1", "HTTPRoute") is not None
    assert pipeline.render_environment(project, "prod", check=True).drift == ()
