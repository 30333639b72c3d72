from __future__ import annotations

import json

import pytest

from compiler.cli.options import Context
from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.helpers import cli_env, copy_example, run_cli

CACHED = pipeline.RenderSettings(use_cache=True)


@pytest.fixture
def project(tmp_path):
    return Project(copy_example(tmp_path))


def test_unchanged_rerender_is_skipped_and_any_change_is_noticed(project):
    assert not pipeline.render_environment(project, "prod", settings=CACHED).cached
    assert pipeline.render_environment(project, "prod", settings=CACHED).cached
    assert (project.root / ".modelplane-cache" / ".gitignore").read_text() == "*\n"

    chat = project.manifests_dir("prod") / "modelapis" / "chat.yaml"
    chat.write_text(chat.read_text() + "# edited by hand\n")
    outcome = pipeline.render_environment(project, "prod", settings=CACHED)
    assert not outcome.cached and outcome.report.written == ("modelapis/chat.yaml",)

    assert pipeline.render_environment(project, "prod", settings=CACHED).cached
    models = project.inventory_dir / "models.yaml"
    models.write_text(models.read_text().replace("temperature: 0.2", "temperature: 0.3"))
    assert not pipeline.render_environment(project, "prod", settings=CACHED).cached


def test_check_trusts_the_cache_only_when_files_are_untouched(project):
    pipeline.render_environment(project, "prod", settings=CACHED)
    route = project.manifests_dir("prod") / "httproutes" / "chat.yaml"
    route.unlink()
    drift = pipeline.render_environment(project, "prod", check=True, settings=CACHED).drift
    assert [d.code for d in drift] == ["manifest-missing"]


def test_the_cache_can_be_bypassed(project):
    pipeline.render_environment(project, "prod", settings=CACHED)
    uncached = pipeline.RenderSettings(use_cache=False)
    assert not pipeline.render_environment(project, "prod", settings=uncached).cached


@pytest.mark.parametrize(("value", "expected"), [("", True), ("0", True), ("1", False)])
def test_the_cli_reads_modelplane_no_cache(value, expected):
    assert Context(environ={"MODELPLANE_NO_CACHE": value}).use_cache is expected


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_no_op_fast_path_reports_what_the_pipeline_reports(project, fmt):
    # Fast path: everything fresh, answered before the pipeline is imported.
    run_cli("render", "--all", cwd=project.root, env=cli_env(MODELPLANE_NO_CACHE=None))
    fast = run_cli(
        "--format", fmt, "render", "--all", cwd=project.root, env=cli_env(MODELPLANE_NO_CACHE=None)
    )
    # Pipeline path: dev is stale, so prod and staging go through the pipeline's cache.
    env_file = project.environment_file("dev")
    env_file.write_text(env_file.read_text() + "\n")
    slow = run_cli(
        "--format", fmt, "render", "--all", cwd=project.root, env=cli_env(MODELPLANE_NO_CACHE=None)
    )
    assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
    if fmt == "text":
        for env in ("prod", "staging"):
            line = f"{env}: manifests up to date (environments/{env}/manifests)"
            assert line in fast.stdout.splitlines() and line in slow.stdout.splitlines()
    else:
        fast_envs = json.loads(fast.stdout)["result"]["environments"]
        slow_envs = json.loads(slow.stdout)["result"]["environments"]
        assert [e for e in fast_envs if e["name"] != "dev"] == [
            e for e in slow_envs if e["name"] != "dev"
        ]
