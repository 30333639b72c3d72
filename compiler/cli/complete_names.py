"""Shell completion of the names in the repository: environments, providers, models."""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem


def _project_root() -> Path:
    from compiler.project import find_project

    root = os.environ.get("MODELPLANE_ROOT")
    return Path(root).resolve() if root else find_project().root


def complete_environments(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Environment folders that start with what was typed."""
    from compiler.project import Project

    names = Project(_project_root()).environment_names()
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def _inventory_names(kind: str) -> list[str]:
    """Names of one kind in inventory/*.yaml; unreadable files are skipped, never reported."""
    from compiler.project import Project
    from compiler.yamlio.source import YamlLoadError, load_yaml

    names: set[str] = set()
    for path in sorted(Project(_project_root()).inventory_dir.glob("*.y*ml")):
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), path.name).data
        except (OSError, UnicodeDecodeError, YamlLoadError):
            continue
        items = data.get(kind) if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                names.add(item["name"])
    return sorted(names)


def complete_providers(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Provider names of the inventory."""
    return [CompletionItem(n) for n in _inventory_names("providers") if n.startswith(incomplete)]


def complete_models(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Logical model names of the inventory."""
    return [CompletionItem(n) for n in _inventory_names("models") if n.startswith(incomplete)]
