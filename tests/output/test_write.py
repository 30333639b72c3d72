from __future__ import annotations

import pytest

from compiler.errors import Location, RenderError
from compiler.models.artifacts import RenderedDocument
from compiler.output.write import build_tree, check_tree, read_owned, write_tree
from compiler.project import INDEX_FILE, Project

ORIGIN = Location("inventory/x.yaml", 1, 1)


def doc(path, text="kind: A\n"):
    return RenderedDocument(path, text, {"kind": "A"}, ORIGIN)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "environments" / "e").mkdir(parents=True)
    return Project(tmp_path)


def test_tree_has_nested_kustomizations_and_an_index():
    tree = build_tree("e", [doc("b/two.yaml"), doc("a/one.yaml"), doc("a/zero.yaml")])
    assert list(tree.files) == sorted(tree.files)
    assert tree.files["kustomization.yaml"].decode().endswith("resources:\n  - a\n  - b\n")
    assert b"  - one.yaml\n  - zero.yaml\n" in tree.files["a/kustomization.yaml"]
    assert INDEX_FILE in tree.files


def test_write_then_check_then_prune_owned_files_only(project):
    root = project.manifests_dir("e")
    report = write_tree(project, build_tree("e", [doc("a/one.yaml"), doc("a/two.yaml")]))
    assert "a/one.yaml" in report.written
    (root / "README.md").write_text("mine")
    tree = build_tree("e", [doc("a/one.yaml")])
    assert [d.code for d in check_tree(project, tree)] == [
        "manifest-changed",
        "manifest-changed",
        "manifest-orphaned",
    ]
    report = write_tree(project, tree)
    assert report.removed == ("a/two.yaml",)
    assert not (root / "a/two.yaml").exists()
    assert (root / "README.md").read_text() == "mine"
    assert check_tree(project, tree) == []
    assert write_tree(project, tree).changed is False
    assert "a/one.yaml" in read_owned(root)


def test_check_names_missing_files_with_a_hint(project):
    [problem, *_] = check_tree(project, build_tree("e", [doc("a/one.yaml")]))
    assert problem.location.path == "environments/e/manifests/.modelplane-index.json"
    assert problem.code == "manifest-missing"
    assert "modelplane render --env e" in problem.hint


def test_foreign_files_in_the_way_are_never_overwritten(project):
    root = project.manifests_dir("e")
    (root / "a").mkdir(parents=True)
    (root / "a" / "one.yaml").write_text("hand written\n")
    with pytest.raises(RenderError) as err:
        write_tree(project, build_tree("e", [doc("a/one.yaml")]))
    assert err.value.diagnostics[0].code == "foreign-file"
    assert (root / "a" / "one.yaml").read_text() == "hand written\n"


def test_no_temporary_folders_are_left_behind(project):
    write_tree(project, build_tree("e", [doc("a/one.yaml")]))
    write_tree(project, build_tree("e", [doc("a/one.yaml", "kind: B\n")]))
    leftovers = [p.name for p in project.environment_dir("e").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_foreign_file_in_the_way_is_refused_even_when_an_index_exists(project):
    write_tree(project, build_tree("e", [doc("a/one.yaml")]))
    mine = project.manifests_dir("e") / "a" / "two.yaml"
    mine.write_text("mine: true\n")
    with pytest.raises(RenderError) as err:
        write_tree(project, build_tree("e", [doc("a/one.yaml"), doc("a/two.yaml")]))
    assert [d.code for d in err.value.diagnostics] == ["foreign-file"]
    assert mine.read_text() == "mine: true\n"
