"""Compose the cross-environment pin comparison (`diff --lock --against-env`)."""

from __future__ import annotations

from collections.abc import Sequence

from compiler.errors import usage_error
from compiler.lock.files import read_lockfile
from compiler.lock.promote import differing_pins
from compiler.models.lock import Lockfile
from compiler.project import Project

PinDifference = tuple[str, str, str, str | None, str | None]  # env, other, model, pins


def compare_pins(project: Project, envs: Sequence[str], other: str) -> list[PinDifference]:
    """Where each of `envs` pins something else than `other` (or only one of them pins)."""
    theirs = _lock(project, other)
    return [
        (env, other, model, ours, their)
        for env in envs
        if env != other
        for model, ours, their in differing_pins(_lock(project, env), theirs)
    ]


def _lock(project: Project, env: str) -> Lockfile:
    if env not in project.environment_names():
        raise usage_error(f"no environment {env!r}")
    lockfile, _ = read_lockfile(project, env)
    if lockfile is None:
        raise usage_error(f"environment {env!r} has no models.lock")
    return lockfile
