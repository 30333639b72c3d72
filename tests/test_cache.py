from __future__ import annotations

import pytest

from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.repo import copy_example


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("MODELPLANE_NO_CACHE")
    return Project(copy_example(tmp_path))


def test_unchanged_rerender_is_skipped_and_any_change_is_noticed(project):
    assert not pipeline.render_environment(project, "prod").cached
    assert pipeline.render_environment(project, "prod").cached
    assert (project.root / ".modelplane-cache" / ".gitignore").read_text() == "*\n"

    chat = project.manifests_dir("prod") / "modelapis" / "chat.yaml"
    chat.write_text(chat.read_text() + "# edited by hand\n")
    outcome = pipeline.render_environment(project, "prod")
    assert not outcome.cached and outcome.report.written == ("modelapis/chat.yaml",)

    assert pipeline.render_environment(project, "prod").cached
    models = project.inventory_dir / "models.yaml"
    models.write_text(models.read_text().replace("temperature: 0.2", "temperature: 0.3"))
    assert not pipeline.render_environment(project, "prod").cached


def test_check_trusts_the_cache_only_when_files_are_untouched(project):
    pipeline.render_environment(project, "prod")
    route = project.manifests_dir("prod") / "httproutes" / "chat.yaml"
    route.unlink()
    drift = pipeline.render_environment(project, "prod", check=True).drift
    assert [d.code for d in drift] == ["manifest-missing"]


def test_the_cache_can_be_bypassed(project, monkeypatch):
    pipeline.render_environment(project, "prod")
    monkeypatch.setenv("MODELPLANE_NO_CACHE", "1")
    assert not pipeline.render_environment(project, "prod").cached
