"""The files `modelplane init` and `modelplane env add` create (pure: paths to bytes).

The file texts live beside this module (`files/`) so that they read as what the user
gets; `@@NAME@@` markers are filled in here. A marker rather than `string.Template`
because GitHub workflow expressions (`${{ ... }}`) and shell variables share `$`.
"""

from __future__ import annotations

import re
from importlib import resources

from compiler import __version__
from compiler.project import (
    ENVIRONMENT_FILE,
    ENVIRONMENTS_DIR,
    INVENTORY_DIR,
    SCHEMAS_DIR,
)

PACKAGE = "modelplane"
DEFAULT_ENVIRONMENT = "dev"
GITIGNORE = ".gitignore"
README = "README.md"
# Files init leaves alone when they exist (a new GitHub repository has both); every
# other file it would write must not exist.
KEPT_IF_PRESENT = frozenset({GITIGNORE, README})

# Repository path -> file under files/.
_SCAFFOLD = (
    (f"{INVENTORY_DIR}/providers.yaml", "providers.yaml"),
    (f"{INVENTORY_DIR}/models.yaml", "models.yaml"),
    (f"{INVENTORY_DIR}/model-apis.yaml", "model-apis.yaml"),
    (".github/workflows/modelplane.yml", "workflow.yml"),
    (".github/workflows/modelplane-refresh.yml", "refresh-workflow.yml"),
    (".pre-commit-config.yaml", "pre-commit-config.yaml"),
    (GITIGNORE, "gitignore"),
    (README, "README.md"),
)
_MARKER = re.compile(r"@@([A-Z]+)@@")


def default_requirement() -> str:
    """The pip requirement generated CI installs: exactly this modelplane release."""
    return f"{PACKAGE}=={__version__}"


def repository_files(env: str, requirement: str) -> dict[str, bytes]:
    """Every file of a new repository with one environment, by repository path."""
    values = {"ENV": env, "REQUIREMENT": requirement}
    files = {path: _fill(_read(name), values) for path, name in _SCAFFOLD}
    files.update(editor_schema_files())
    files.update(environment_files(env))
    return dict(sorted(files.items()))


def environment_files(env: str) -> dict[str, bytes]:
    """The environment file of a new environment `env`, by repository path."""
    text = _fill(_read("environment.yaml"), {"ENV": env})
    return {f"{ENVIRONMENTS_DIR}/{env}/{ENVIRONMENT_FILE}": text}


def editor_schema_files() -> dict[str, bytes]:
    """The editor JSON Schemas, where the modelines of the inventory files point."""
    # Imported here: pydantic is heavy, and `modelplane init --help` should stay light.
    from compiler.inventory.schema import schema_files

    return {f"{SCHEMAS_DIR}/{name}": text.encode() for name, text in schema_files().items()}


_NAMESPACE_LINE = re.compile(r"^namespace:[ \t]*[^\s#]*", re.MULTILINE)


def copied_environment(text: str, namespace: str) -> bytes:
    """Another environment's file with its top-level namespace replaced, comments kept."""
    replaced, count = _NAMESPACE_LINE.subn(f"namespace: {namespace}", text, count=1)
    if not count:  # no top-level namespace line (e.g. a flow mapping): say it up front
        replaced = f"namespace: {namespace}\n{text}"
    return replaced.encode()


def _read(name: str) -> str:
    return resources.files(__name__).joinpath("files", name).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> bytes:
    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _MARKER.sub(value, text).encode()
