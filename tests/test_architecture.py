"""The package's shape, checked from the source (ast, never importing it).

Data flows one way: a stage imports leaves and the stages upstream of it, never one
downstream; only `pipeline` composes stages; only the CLI's `main` exits.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "compiler"
# Rank of each top-level part: an import may only point at a lower or equal rank
# (equal only inside the same part). Leaves are rank 0.
LEAVES = {"errors", "project", "digests", "fsio", "gitio", "yamlio", "secrets", "models"}
STAGES = {
    "inventory": 1,
    "lock": 2,
    "discovery": 2,
    "scaffold": 2,  # files of `init` and `env add`: texts + the inventory JSON Schema
    "render": 3,
    "validate": 4,
    "output": 5,
    "review": 6,
    "pipeline": 7,
    "cli": 8,
    "__main__": 9,
}
TOP_LEVEL_MODULES = {"__init__", "__main__", "errors", "project", "digests", "fsio", "gitio"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every compiler module `path` imports, at any depth (functions, TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    package = module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                if path.name != "__init__.py":
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("compiler"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if _is_module(candidate) else base
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("compiler"))


def _is_module(name: str) -> bool:
    path = REPO_ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(part: str) -> int:
    return 0 if part in LEAVES or part == "__init__" else STAGES[part]


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): set(imports_of(p)) - {module_name(p)} for p in modules()}


def test_no_import_cycles():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_stage_imports_a_stage_downstream_of_it():
    backwards = []
    for module, targets in import_graph().items():
        source = part_of(module)
        for target in targets:
            dest = part_of(target)
            if dest == source or dest == "__init__":
                continue
            if rank(dest) > rank(source) or (rank(dest) == rank(source) and rank(dest) > 0):
                backwards.append(f"{module} -> {target}")
    assert sorted(backwards) == []


def test_leaves_import_only_leaves():
    offenders = [
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if part_of(module) in LEAVES
        for target in targets
        if part_of(target) not in LEAVES | {"__init__"}
    ]
    assert offenders == []


def test_only_stage_packages_and_leaves_sit_at_the_top():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert top <= TOP_LEVEL_MODULES
    assert packages <= LEAVES | set(STAGES)


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_module_and_function_sizes(path):
    text = path.read_text()
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def _exit_sites(path: Path) -> Iterator[int]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                f"{func.value.id}.{func.attr}"
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in {"sys.exit", "exit", "quit", "os._exit", "ctx.exit"}:
                yield node.lineno


def test_only_the_cli_entry_point_exits():
    sites = {
        p.relative_to(REPO_ROOT).as_posix(): list(_exit_sites(p))
        for p in modules()
        if list(_exit_sites(p))
    }
    assert list(sites) == ["compiler/cli/main.py"]
    assert len(sites["compiler/cli/main.py"]) == 1


def test_nothing_outside_the_cli_imports_it():
    offenders = [
        module
        for module, targets in import_graph().items()
        if part_of(module) not in {"cli", "__main__"} and any(part_of(t) == "cli" for t in targets)
    ]
    assert offenders == []


def test_only_yamlio_imports_yaml_libraries():
    offenders = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n.split(".")[0] in {"ruamel", "yaml", "yaml_rs"} for n in names):
                offenders.append(module_name(path))
    assert {part_of(m) for m in offenders} <= {"yamlio"}


def test_every_module_starts_with_a_docstring_and_future_annotations():
    for path in modules():
        text = path.read_text()
        assert ast.get_docstring(ast.parse(text)), path
        if path.name != "__init__.py" or "import" in text.split('"""')[-1]:
            assert "from __future__ import annotations" in text, path
