from __future__ import annotations

import pickle

import pytest

from compiler.cli.options import Context
from compiler.errors import Diagnostic, ExitCode, InventoryError, Location, combine_errors
from compiler.pipeline import parallel
from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.helpers import copy_example, tree_digest


@pytest.fixture
def project(tmp_path):
    return Project(copy_example(tmp_path))


def test_worker_processes_render_exactly_what_one_process_does(project, monkeypatch):
    before = tree_digest(project.environments_dir)
    for env in project.environment_names():
        for path in project.manifests_dir(env).rglob("*.yaml"):
            path.write_text("scrambled\n")
    settings = pipeline.RenderSettings(jobs=2)
    pipeline.render_environments(project, project.environment_names(), settings=settings)
    assert tree_digest(project.environments_dir) == before


def test_errors_from_every_worker_are_reported_together(project, monkeypatch):
    settings = pipeline.RenderSettings(jobs=3)
    for env in ("dev", "staging"):
        env_file = project.environment_file(env)
        env_file.write_text(env_file.read_text().replace("namespace: llm-", "namespace: LLM_"))
    with pytest.raises(InventoryError) as err:
        pipeline.render_environments(project, project.environment_names(), settings=settings)
    assert sorted(d.location.path for d in err.value.diagnostics) == [
        "environments/dev/environment.yaml",
        "environments/staging/environment.yaml",
    ]


def test_compiler_errors_survive_pickling_with_their_exit_code():
    error = combine_errors([InventoryError([Diagnostic(Location("a.yaml", 1, 2), "x", "m")])])
    error.exit_code = ExitCode.NETWORK
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InventoryError and copy.diagnostics == error.diagnostics
    assert copy.exit_code is ExitCode.NETWORK


@pytest.mark.parametrize(
    ("setting", "tasks", "items", "expected"),
    [("", 3, 10, 1), ("", 1, 10_000, 1), ("2", 3, 10, 2), ("8", 3, 10, 3), ("0", 3, 10_000, 1)],
)
def test_worker_count(monkeypatch, setting, tasks, items, expected):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    requested = Context(environ={"MODELPLANE_JOBS": setting}).jobs
    assert parallel.jobs(tasks, items, requested) == expected


@pytest.mark.parametrize(("tasks", "expected"), [(2, 2), (3, 3), (4, 4), (5, 2)])
def test_a_few_more_workers_than_cores_keep_every_core_busy(monkeypatch, tasks, expected):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert parallel.jobs(tasks, 10_000) == expected
