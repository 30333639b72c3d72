"""Shared test helpers: the example repo, copies of it, the CLI in a subprocess, tree hashes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
UPSTREAM_CRDS = REPO_ROOT.parent / "shared" / "upstream" / "crds"
EXAMPLE_DIRS = ("inventory", "environments", "templates", "schemas")
EXAMPLE_FILES = ("pyproject.toml",)


def example_environments(root: Path = REPO_ROOT) -> list[str]:
    """Every environment of a repo (folders holding an environment.yaml), sorted."""
    return sorted(p.parent.name for p in (root / "environments").glob("*/environment.yaml"))


def copy_example(dest: Path, source: Path = REPO_ROOT) -> Path:
    """Copy the example repo's inputs and committed outputs to `dest`; return `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_DIRS:
        shutil.copytree(source / name, dest / name)
    for name in EXAMPLE_FILES:
        shutil.copy2(source / name, dest / name)
    return dest


def cli_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a CLI subprocess: no cache, no GitHub format; None removes a key."""
    env = {k: v for k, v in os.environ.items() if k not in ("MODELPLANE_ROOT", "GITHUB_ACTIONS")}
    env["MODELPLANE_NO_CACHE"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m compiler ARGS` in a subprocess (the real console entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "compiler", *args],
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Relative POSIX path -> sha256 of every file under `root` (empty if absent).

    The render cache is left out: it is disposable and not part of any output.
    """
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".modelplane-cache", ".modelplane-tmp"} & set(p.parts)
    }


def write_files(root: Path, files: dict[str, str]) -> None:
    """Create files (and folders) below `root` from a {relative path: text} map."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def outputs_digest(root: Path) -> dict[str, str]:
    """Digest of every environment's manifests and lock under a repo root."""
    result: dict[str, str] = {}
    for env in example_environments(root):
        env_dir = root / "environments" / env
        for rel, digest in tree_digest(env_dir / "manifests").items():
            result[f"{env}/manifests/{rel}"] = digest
        lock = env_dir / "models.lock"
        if lock.is_file():
            result[f"{env}/models.lock"] = hashlib.sha256(lock.read_bytes()).hexdigest()
    return result


@dataclass(frozen=True)
class ManifestDocument:
    """One parsed YAML document of a rendered manifest file."""

    env: str
    file: str
    document: Mapping[str, Any]

    @property
    def kind_name(self) -> tuple[str, str]:
        """(kind, metadata.name)."""
        return str(self.document["kind"]), str(self.document["metadata"]["name"])


def is_kustomization(document: Mapping[str, Any]) -> bool:
    """Kustomization files are build instructions, not cluster objects."""
    return str(document.get("apiVersion", "")).startswith("kustomize.config.k8s.io/")


def manifest_documents(env: str, root: Path = REPO_ROOT) -> Iterator[ManifestDocument]:
    """Every object document rendered for `env` (kustomization files excluded), sorted."""
    manifests = root / "environments" / env / "manifests"
    for path in sorted(manifests.rglob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            for document in yaml.safe_load_all(handle):
                if isinstance(document, Mapping) and not is_kustomization(document):
                    rel = path.relative_to(root).as_posix()
                    yield ManifestDocument(env, rel, document)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in the file at `path`."""
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def drop_openrouter_from_dev(repo: Path) -> None:
    """Disable the example's openrouter provider (and its only model) in dev."""
    env = repo / "environments/dev/environment.yaml"
    edit(
        env,
        "providers: [openai, anthropic, gemini, vllm, ollama, openrouter]",
        "providers: [openai, anthropic, gemini, vllm, ollama]",
    )
    edit(env, "    - router-auto\n", "")
    edit(
        env,
        "models: [reasoning, gemini-flash, router-auto, llama-internal]",
        "models: [reasoning, gemini-flash, llama-internal]",
    )
