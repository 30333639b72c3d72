"""Per-phase breakdown of rendering one environment, in this process, one core.

The phases are the pipeline's own stages called one by one, so the figures add up to a
single-process render of the environment (no cache, no workers):

    python benchmarks/phases.py REPO ENV
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from measure import Measure, measure_here, rows

_T = TypeVar("_T")


def _timed(measures: list[Measure], label: str, work: Callable[[], _T]) -> _T:
    box: list[_T] = []
    measures.append(measure_here(label, lambda: box.append(work())))
    return box[0]


def phases(root: Path, env: str) -> list[Measure]:
    """Time each stage of rendering `env` of the repository at `root`."""
    measures: list[Measure] = []
    modules = _timed(measures, "import the compiler", _imports)
    project = modules["find_project"](root)
    inventory = _timed(measures, "read inventory", lambda: modules["read_inventory"](project))
    registry = _timed(
        measures, "load schemas", lambda: modules["SchemaRegistry"].load(project.schema_dirs)
    )
    resolved = _timed(
        measures,
        "resolve environment",
        lambda: modules["resolve_environment"](project, env, registry, inventory),
    )
    lock = _timed(measures, "read + check lock", lambda: modules["current_lock"](project, resolved))
    folders, _problems = _timed(
        measures,
        "plan + templates + emit + parse back",
        lambda: modules["render_folders"](project, resolved, lock, registry),
    )
    documents = [d for _, docs in folders for d in docs]
    context = modules["validation_context"](project, resolved, registry=registry)
    _timed(
        measures,
        "validate (schemas, CEL, cross-object, scan)",
        lambda: modules["check_documents"](documents, registry=registry, context=context),
    )
    tree = _timed(measures, "lay out files", lambda: modules["build_tree"](env, documents))
    _timed(measures, "write files (fresh folder)", lambda: _write(modules["_fill"], tree))
    return measures


def _imports() -> dict[str, Any]:
    """The stages' entry points (moved with the package layout; one place to follow)."""
    import importlib

    names = {
        "resolve_environment": "compiler.pipeline.environments",
        "read_inventory": "compiler.inventory.load",
        "current_lock": "compiler.pipeline.environments",
        "pod_spec_keys": "compiler.pipeline.environments",
        "validation_context": "compiler.pipeline.environments",
        "find_project": "compiler.project",
        "render_folders": "compiler.pipeline.render",
        "SchemaRegistry": "compiler.validate.schemas",
        "check_documents": "compiler.validate.run",
        "build_tree": "compiler.output.write",
        "_fill": "compiler.output.write",
    }
    return {name: getattr(importlib.import_module(module), name) for name, module in names.items()}


def _write(fill: Any, tree: Any) -> None:
    with tempfile.TemporaryDirectory(prefix="modelplane-phase-") as folder:
        fill(Path(folder), tree.files, {})


def main() -> int:
    root, env = Path(sys.argv[1]), sys.argv[2]
    measures = phases(root, env)
    print("\n".join(rows(measures)))
    total = sum(m.seconds for m in measures)
    print(f"{'sum':<44}{total:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
