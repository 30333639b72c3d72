"""Compose `outdated`: each environment's lock against its snapshots (offline, read-only)."""

from __future__ import annotations

from collections.abc import Sequence

from compiler.inventory.load import load_environment, read_inventory
from compiler.lock.files import read_lockfile, read_snapshots
from compiler.lock.outdated import OutdatedPin, outdated_pins
from compiler.pipeline.environments import for_each
from compiler.project import Project


def outdated_environments(project: Project, envs: Sequence[str]) -> list[OutdatedPin]:
    """Every outdated pin of `envs`, environment by environment."""
    inventory = read_inventory(project)

    def one(env: str) -> list[OutdatedPin]:
        resolved = load_environment(project, env, inventory=inventory, scope="models")
        lockfile, _ = read_lockfile(project, env)
        return outdated_pins(resolved, lockfile, read_snapshots(project, resolved))

    return [pin for pins in for_each(envs, one) for pin in pins]
