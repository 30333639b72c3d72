from __future__ import annotations

import re

import pytest

from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.helpers import copy_example


@pytest.fixture
def project(tmp_path):
    return Project(copy_example(tmp_path))


def test_argocd_application_points_at_the_environment_manifests(project):
    text = (project.environment_dir("prod") / "gitops" / "application.yaml").read_text()
    assert "path: environments/prod/manifests" in text
    assert "namespace: llm-prod" in text


def test_switching_engine_replaces_the_bootstrap_objects(project):
    env_file = project.environment_file("prod")
    env_file.write_text(env_file.read_text().replace("engine: argocd", "engine: flux"))
    report = pipeline.render_environment(project, "prod").report
    assert set(report.removed) == {"../gitops/application.yaml"}
    gitops = project.environment_dir("prod") / "gitops"
    assert sorted(p.name for p in gitops.iterdir()) == [
        ".modelplane-index.json",
        "flux-kustomization.yaml",
        "gitrepository.yaml",
        "kustomization.yaml",
    ]


def test_removing_gitops_prunes_the_folder_but_keeps_foreign_files(project):
    env_file = project.environment_file("staging")
    env_file.write_text(re.sub(r"gitops:.*", "", env_file.read_text(), flags=re.S))
    gitops = project.environment_dir("staging") / "gitops"
    pipeline.render_environment(project, "staging")
    assert not gitops.exists()
    env_file = project.environment_file("prod")
    (project.environment_dir("prod") / "gitops" / "NOTES.md").write_text("mine")
    env_file.write_text(re.sub(r"gitops:.*", "", env_file.read_text(), flags=re.S))
    pipeline.render_environment(project, "prod")
    assert [p.name for p in (project.environment_dir("prod") / "gitops").iterdir()] == ["NOTES.md"]
