"""A failed or interrupted render never loses the last good manifests or lock.

Runs the real CLI (subprocess) on copies of the example repo: bad inventory and broken
templates leave every byte in place and no temporary folders; removing a model API
prunes exactly its files and keeps files modelplane does not own; and an interrupted
folder swap (in-process, `Path.rename` failing) restores the previous tree.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from compiler.errors import CompilerError
from compiler.output.write import read_owned
from compiler.pipeline import render as pipeline
from compiler.project import Project
from tests.helpers import (
    cli_env,
    copy_example,
    example_environments,
    outputs_digest,
    run_cli,
    tree_digest,
)

FOREIGN = {"NOTES.md": b"hand-written, not modelplane's\n", "modelapis/local.yaml": b"a: 1\n"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "repo")


def _temp_folders(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in (root / "environments").rglob(".*")
        if p.name.startswith((".manifests.new-", ".manifests.old-")) or p.suffix == ".tmp"
    )


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{path}: expected {count}x {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _assert_failed_untouched(root: Path, *command: str, code: int = 1) -> str:
    before = outputs_digest(root)
    result = run_cli(*command, cwd=root)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert outputs_digest(root) == before
    assert _temp_folders(root) == []
    return result.stderr


def test_inventory_error_leaves_manifests_and_locks_untouched(repo: Path) -> None:
    _edit(repo / "inventory" / "model-apis.yaml", "models: [embeddings]", "models: [nope]")
    stderr = _assert_failed_untouched(repo, "render", "--all")
    assert "inventory/model-apis.yaml" in stderr
    _assert_failed_untouched(repo, "lock", "--all")


def test_template_error_leaves_manifests_untouched(repo: Path) -> None:
    template = repo / "templates" / "kaos" / "modelapi.yaml.j2"
    _edit(template, "spec:\n", "spec:\n  broken: {{ no_such_variable }}\n")
    stderr = _assert_failed_untouched(repo, "render", "--all")
    assert "modelapi.yaml.j2" in stderr


def test_undefined_through_the_yaml_filter_is_a_located_render_error(repo: Path) -> None:
    template = repo / "templates" / "kaos" / "modelapi.yaml.j2"
    _edit(template, "spec:\n", "spec:\n  broken:{{ no_such_variable | yaml }}\n")
    stderr = _assert_failed_untouched(repo, "render", "--all")
    assert "templates/kaos/modelapi.yaml.j2:" in stderr


def test_template_yielding_invalid_yaml_leaves_manifests_untouched(repo: Path) -> None:
    template = repo / "templates" / "gateway-api" / "httproute.yaml.j2"
    template.write_text(template.read_text(encoding="utf-8") + "  : [unclosed\n")
    _assert_failed_untouched(repo, "render", "--env", "prod")


def test_a_failing_environment_is_left_untouched_by_render_all(repo: Path) -> None:
    """An error in prod only: prod keeps every byte, whatever happens to the others."""
    template = repo / "templates" / "kaos" / "modelapi.yaml.j2"
    _edit(
        template,
        "spec:\n",
        'spec:\n{%- if namespace == "llm-prod" %}\n  x: {{ boom }}\n{%- endif %}\n',
    )
    _edit(
        template, "  labels:{{ labels | yaml(4) }}\n", "  labels:{{ labels | yaml(4) }}\n    x: y\n"
    )
    prod_before = tree_digest(repo / "environments" / "prod")
    result = run_cli("render", "--all", cwd=repo)
    assert result.returncode == 1
    assert tree_digest(repo / "environments" / "prod") == prod_before
    assert _temp_folders(repo) == []


def test_render_all_is_all_or_nothing(repo: Path) -> None:
    template = repo / "templates" / "kaos" / "modelapi.yaml.j2"
    _edit(
        template,
        "spec:\n",
        'spec:\n{%- if namespace == "llm-prod" %}\n  x: {{ boom }}\n{%- endif %}\n',
    )
    _edit(
        template, "  labels:{{ labels | yaml(4) }}\n", "  labels:{{ labels | yaml(4) }}\n    x: y\n"
    )
    _assert_failed_untouched(repo, "render", "--all")


def _remove_embeddings_api(root: Path) -> None:
    _edit(
        root / "inventory" / "model-apis.yaml",
        "  - name: embeddings\n    mode: Proxy\n    models: [embeddings]\n\n",
        "",
    )
    for env in example_environments(root):
        path = root / "environments" / env / "environment.yaml"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(modelApis: \[[^\]]*?), embeddings", r"\1", text)
        text = re.sub(r"    - name: embeddings\n(      .*\n)+", "", text)
        path.write_text(text, encoding="utf-8")


def test_removing_a_model_api_prunes_exactly_its_files_and_keeps_foreign_ones(
    repo: Path,
) -> None:
    envs = example_environments(repo)
    for env in envs:
        for rel, data in FOREIGN.items():
            (repo / "environments" / env / "manifests" / rel).write_bytes(data)
    before = {env: tree_digest(repo / "environments" / env / "manifests") for env in envs}
    owned = {env: read_owned(repo / "environments" / env / "manifests") for env in envs}
    _remove_embeddings_api(repo)

    for command in (["lock", "--all"], ["render", "--all"]):
        result = run_cli(*command, cwd=repo)
        assert result.returncode == 0, result.stderr

    for env in envs:
        after = tree_digest(repo / "environments" / env / "manifests")
        # Its files, and the ExternalSecret of its proxy master key where it has one.
        stale = {
            p
            for p in owned[env]
            if PurePosixPath(p).stem in ("embeddings", "embeddings-master-key")
        }
        assert stale, f"{env} rendered no embeddings files to prune"
        assert set(before[env]) - set(after) == stale
        assert set(after) - set(before[env]) == set()
        for rel in FOREIGN:
            assert after[rel] == before[env][rel]
        changed = {p for p in after if after[p] != before[env][p]}
        assert {PurePosixPath(p).name for p in changed} <= {
            "kustomization.yaml",
            ".modelplane-index.json",
        }
        assert read_owned(repo / "environments" / env / "manifests") == owned[env] - stale
    assert _temp_folders(repo) == []
    check = run_cli("render", "--all", "--check", cwd=repo)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_an_interrupted_swap_restores_the_previous_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    """An I/O error on any rename of the commit undoes the moves done so far."""
    monkeypatch.setenv("MODELPLANE_NO_CACHE", "1")
    for rel, data in FOREIGN.items():
        (repo / "environments" / "dev" / "manifests" / rel).write_bytes(data)
    _edit(
        repo / "templates" / "kaos" / "modelapi.yaml.j2",
        "  labels:{{ labels | yaml(4) }}\n",
        "  labels:{{ labels | yaml(4) }}\n    changed: 'yes'\n",
    )
    before = outputs_digest(repo)
    real_rename, real_replace = Path.rename, os.replace
    calls: list[object] = []

    def flaky_rename(self: Path, target: str | Path) -> Path:
        calls.append(self)
        if len(calls) == failing_call:
            raise OSError(errno.EIO, "simulated I/O error during the swap", str(self))
        return real_rename(self, target)

    def flaky_replace(source: Any, target: Any) -> None:
        calls.append(source)
        if len(calls) == failing_call:
            raise OSError(errno.EIO, "simulated I/O error during the swap", str(source))
        real_replace(source, target)

    # Calls: the journal's write, the old folder moved aside, the new one moved in.
    monkeypatch.setattr(Path, "rename", flaky_rename)
    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(CompilerError, match="problem") as failure:
        pipeline.render_environment(Project(repo), "dev")
    assert [d.code for d in failure.value.diagnostics] == ["write-failed"]
    monkeypatch.setattr(Path, "rename", real_rename)
    monkeypatch.setattr(os, "replace", real_replace)

    assert outputs_digest(repo) == before
    assert _temp_folders(repo) == []
    assert len(calls) >= failing_call
    # The same render then succeeds and changes the ModelAPIs only.
    pipeline.render_environment(Project(repo), "dev")
    after = outputs_digest(repo)
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed and all(p.startswith("dev/manifests/modelapis/") for p in changed)


def test_cli_env_disables_the_cache() -> None:
    assert cli_env()["MODELPLANE_NO_CACHE"] == "1"
