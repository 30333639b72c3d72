"""Import rules of the design: data flows one way, the CLI stays thin."""

from __future__ import annotations

import ast

import pytest

from tests.repo import ROOT

PACKAGE = ROOT / "compiler"
LEAVES = {"errors", "project", "yamlio", "digests", "secrets"}


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("compiler"):
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("compiler"))


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_imports_the_cli_except_command_modules(path):
    rel = path.relative_to(PACKAGE).as_posix()
    if rel.startswith("commands/") or rel in {"cli.py", "__main__.py"}:
        return
    assert "compiler.cli.main" not in set(imports_of(path))


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaves_import_no_stage(leaf):
    allowed = {f"compiler.{name}" for name in LEAVES} | {"compiler"}
    assert set(imports_of(PACKAGE / f"{leaf}.py")) <= allowed


def test_only_yamlio_imports_yaml_libraries():
    offenders = []
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n.split(".")[0] in {"ruamel", "yaml", "yaml_rs"} for n in names):
                offenders.append(path.name)
    assert set(offenders) <= {"yamlio.py"}


def test_every_module_starts_with_a_docstring_and_future_annotations():
    for path in modules():
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), path
        if path.name != "__init__.py":
            assert "from __future__ import annotations" in path.read_text(), path
