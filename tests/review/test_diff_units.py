"""Unit tests of the diff building blocks: paths, redaction, renames, splitting, git."""

from __future__ import annotations

import pytest

from compiler.errors import UsageError
from compiler.gitio import open_base
from compiler.review.fields import FieldChange, ItemKey, diff_values, format_path
from compiler.review.markdown import split_markdown
from compiler.review.model import EnvDiff, Review
from compiler.review.resources import Resource, diff_resources
from compiler.review.text import format_text
from compiler.secrets.redact import REDACTED
from tests.review.gitrepo import commit_all, git


def _res(kind, name, data, ns="ns"):
    body = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": ns}, **data}
    return {(kind, ns, name): Resource(kind, name, ns, f"{kind.lower()}/{name}.yaml", body)}


def test_format_path_marks_items_and_quotes_odd_keys():
    path = ("spec", "models", 2, ItemKey("chat-default"), "a.b/c")
    assert format_path(path) == 'spec.models[2][chat-default]["a.b/c"]'


def test_diff_values_descends_into_mappings_with_few_shared_keys():
    changes = diff_values({"spec": {"a": 1}}, {"spec": {"b": 2}})
    assert changes == [
        FieldChange(("spec", "a"), "removed", 1, None),
        FieldChange(("spec", "b"), "added", None, 2),
    ]


def test_secret_data_is_redacted_even_when_it_changes():
    old = _res("Secret", "keys", {"data": {"token": "c2VjcmV0LW9uZQ=="}})
    new = _res("Secret", "keys", {"data": {"token": "c2VjcmV0LXR3bw==", "more": "eA=="}})
    (change,) = diff_resources(old, new)
    assert [(f.kind, f.old, f.new) for f in change.fields] == [
        ("added", None, REDACTED),
        ("changed", REDACTED, REDACTED),
    ]
    text = format_text(Review("0" * 40, (EnvDiff("e", (change,)),)))
    assert "c2Vj" not in text and "eA==" not in text


def test_secret_looking_values_anywhere_are_redacted():
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0"
    old = _res("ConfigMap", "c", {"data": {"x": "plain"}})
    new = _res("ConfigMap", "c", {"data": {"x": key}})
    (change,) = diff_resources(old, new)
    assert change.fields[0].new == REDACTED and change.fields[0].old == "plain"


def test_dissimilar_resources_are_not_paired_as_renames():
    old = _res("ConfigMap", "a", {"data": {f"k{i}": str(i) for i in range(10)}})
    new = _res("ConfigMap", "b", {"data": {f"z{i}": str(i * 7) for i in range(10)}})
    assert sorted(c.status for c in diff_resources(old, new)) == ["added", "removed"]


def test_renames_pair_across_the_same_kind_only():
    data = {"data": {f"k{i}": str(i) for i in range(10)}}
    old = _res("ConfigMap", "a", data)
    new = {**_res("Secret", "b", data), **_res("ConfigMap", "c", data)}
    statuses = {(c.kind, c.status, c.old_name) for c in diff_resources(old, new)}
    assert statuses == {("ConfigMap", "renamed", "a"), ("Secret", "added", "")}


def _big_review(resources: int) -> Review:
    changes = []
    for i in range(resources):
        old = _res("ConfigMap", f"cm-{i:03}", {"data": {"v": "x" * 50}})
        new = _res("ConfigMap", f"cm-{i:03}", {"data": {"v": "y" * 50, "w": "z" * 40}})
        changes += diff_resources(old, new)
    return Review("f" * 40, (EnvDiff("prod", tuple(changes)),))


def test_split_keeps_every_comment_under_the_limit_and_loses_no_block():
    review = _big_review(400)
    parts = split_markdown(review, limit=65_536)
    assert len(parts) > 1
    assert all(len(p) <= 65_536 for p in parts)
    for index, part in enumerate(parts, 1):
        assert part.startswith(f"<!-- modelplane-report part {index} -->")
        assert f"part {index} of {len(parts)}" in part
    joined = "".join(parts)
    assert all(f"ConfigMap/cm-{i:03}" in joined for i in range(400))
    assert "### prod (continued)" in parts[1]


def test_a_single_oversized_block_is_cut_not_dropped():
    old = _res("ConfigMap", "huge", {"data": {f"k{i}": "a" for i in range(3000)}})
    new = _res("ConfigMap", "huge", {"data": {f"k{i}": "b" for i in range(3000)}})
    review = Review("f" * 40, (EnvDiff("prod", tuple(diff_resources(old, new))),))
    parts = split_markdown(review, limit=10_000)
    assert all(len(p) <= 10_000 for p in parts)
    assert any("cut: this block alone exceeds" in p for p in parts)


def test_one_part_has_no_part_banner():
    (part,) = split_markdown(_big_review(1))
    assert part.startswith("<!-- modelplane-report part 1 -->\n## modelplane")


def test_not_a_git_repository_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as exc:
        open_base(tmp_path, None)
    assert "git rev-parse failed" in exc.value.diagnostics[0].message


def test_unknown_ref_and_missing_default_branch(tmp_path):
    git(tmp_path, "init", "-q", "-b", "trunk")
    (tmp_path / "f.txt").write_text("x")
    first = commit_all(tmp_path, "one")
    with pytest.raises(UsageError, match="1 problem"):
        open_base(tmp_path, "no-such-ref")
    with pytest.raises(UsageError) as exc:
        open_base(tmp_path, None)
    assert "no default branch" in exc.value.diagnostics[0].message
    tree = open_base(tmp_path, "HEAD")
    assert tree.commit == first
    assert tree.read("f.txt") == b"x" and tree.read("missing.txt") is None
    assert tree.list_files("") == ["f.txt"]


def test_default_base_is_the_merge_base_with_main(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "f.txt").write_text("1")
    base = commit_all(tmp_path, "base")
    git(tmp_path, "checkout", "-q", "-b", "topic")
    (tmp_path / "f.txt").write_text("2")
    commit_all(tmp_path, "topic")
    git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "g.txt").write_text("3")
    commit_all(tmp_path, "main moves on")
    git(tmp_path, "checkout", "-q", "topic")
    assert open_base(tmp_path, None).commit == base


def test_rename_detection_is_skipped_for_too_many_candidates():
    data = {"data": {f"k{i}": str(i) for i in range(5)}}
    old, new = {}, {}
    for i in range(60):
        old.update(_res("ConfigMap", f"old-{i}", data))
        new.update(_res("ConfigMap", f"new-{i}", data))
    statuses = {c.status for c in diff_resources(old, new)}
    assert statuses == {"added", "removed"}


def test_unchanged_resources_are_not_reported():
    same = _res("ConfigMap", "c", {"data": {"x": "1"}})
    assert diff_resources(same, dict(same)) == []
