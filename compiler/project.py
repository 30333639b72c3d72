"""The repository layout: where inventory, environments, templates and schemas live."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

INVENTORY_DIR = "inventory"
ENVIRONMENTS_DIR = "environments"
TEMPLATES_DIR = "templates"
SCHEMAS_DIR = "schemas"
ENVIRONMENT_FILE = "environment.yaml"
LOCK_FILE = "models.lock"
SNAPSHOTS_DIR = "snapshots"
MANIFESTS_DIR = "manifests"
GITOPS_DIR = "gitops"
SEALED_SECRETS_DIR = "sealed-secrets"
INDEX_FILE = ".modelplane-index.json"
INVENTORY_SCHEMA_FILE = "inventory.schema.json"
ENVIRONMENT_SCHEMA_FILE = "environment.schema.json"
ROOT_MARKERS = (INVENTORY_DIR, ENVIRONMENTS_DIR)
# Built-in templates and schemas: packaged into the wheel under compiler/_defaults; in a
# source checkout (an editable install) they are the checkout's own top-level folders.
_PACKAGED = Path(__file__).parent / "_defaults"
_CHECKOUT = Path(__file__).parent.parent


@dataclass(frozen=True, slots=True)
class Project:
    """A modelplane repository rooted at `root`."""

    root: Path

    @property
    def inventory_dir(self) -> Path:
        """Folder holding `inventory/*.yaml`."""
        return self.root / INVENTORY_DIR

    @property
    def environments_dir(self) -> Path:
        """Folder holding one folder per environment."""
        return self.root / ENVIRONMENTS_DIR

    @property
    def template_dirs(self) -> list[Path]:
        """Where templates are looked up: the repository's own first, then the built-ins."""
        return _layers(self.root / TEMPLATES_DIR, TEMPLATES_DIR)

    @property
    def schema_dirs(self) -> list[Path]:
        """Where schemas are looked up: the built-ins, overridden per kind by the repo's."""
        return list(reversed(_layers(self.root / SCHEMAS_DIR, SCHEMAS_DIR)))

    @property
    def input_roots(self) -> tuple[Path, ...]:
        """Where inputs may really live (symlinks are followed only within these)."""
        builtins = (builtin_dir(TEMPLATES_DIR), builtin_dir(SCHEMAS_DIR))
        return (self.root, *(d for d in builtins if d is not None))

    def environment_dir(self, env: str) -> Path:
        """Folder of one environment."""
        return self.environments_dir / env

    def environment_file(self, env: str) -> Path:
        """`environments/<env>/environment.yaml`."""
        return self.environment_dir(env) / ENVIRONMENT_FILE

    def lock_file(self, env: str) -> Path:
        """`environments/<env>/models.lock`."""
        return self.environment_dir(env) / LOCK_FILE

    def snapshots_dir(self, env: str) -> Path:
        """`environments/<env>/snapshots/`."""
        return self.environment_dir(env) / SNAPSHOTS_DIR

    def sealed_secrets_dir(self, env: str) -> Path:
        """`environments/<env>/sealed-secrets/`: committed SealedSecrets (`modelplane seal`)."""
        return self.environment_dir(env) / SEALED_SECRETS_DIR

    def manifests_dir(self, env: str) -> Path:
        """`environments/<env>/manifests/`."""
        return self.environment_dir(env) / MANIFESTS_DIR

    def output_dir(self, env: str, folder: str) -> Path:
        """An output folder of one environment (`manifests` or `gitops`)."""
        return self.environment_dir(env) / folder

    def environment_names(self) -> list[str]:
        """Every folder under `environments/` that holds an environment file, sorted."""
        if not self.environments_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.environments_dir.iterdir() if (p / ENVIRONMENT_FILE).is_file()
        )

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the root, POSIX separators."""
        # Lexically first: a symbolic link is shown where it is, not where it leads.
        with contextlib.suppress(ValueError):
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()  # noqa: PTH100 (resolve would follow links)
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_project(start: Path | None = None) -> Project:
    """Find the repository root: the nearest folder upwards with inventory/ or environments/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_dir() for marker in ROOT_MARKERS):
            return Project(folder)
    return Project(here)


def builtin_dir(name: str) -> Path | None:
    """The built-in `templates` or `schemas` folder of this modelplane installation."""
    for candidate in (_PACKAGED / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    return None


def _layers(own: Path, name: str) -> list[Path]:
    builtin = builtin_dir(name)
    layers = [own] if own.is_dir() else []
    if builtin is not None and (not layers or builtin.resolve() != own.resolve()):
        layers.append(builtin)
    return layers
