"""The render-target plugin contract, and the helpers every target shares.

A target knows one operator (or one built-in concern such as autoscaling): which of its
objects an environment needs (`plan`), which kinds it renders (their schemas are looked
up by kind in the schema registry), and the cross-object rules its consumer imposes that
no schema can express (`check`). Targets are pure: values in, planned documents out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from compiler.errors import Diagnostic, Location
from compiler.inventory.merge import MergeKeys
from compiler.models.artifacts import JsonPath, PlannedDocument, RenderedDocument
from compiler.models.environment import GitOps, Policies
from compiler.models.findings import Finding
from compiler.models.lock import Lockfile
from compiler.models.resolved import ItemSource, ResolvedEnvironment
from compiler.project import GITOPS_DIR, MANIFESTS_DIR
from compiler.secrets.sealed_files import SealedSecrets

MANAGED_BY = {"app.kubernetes.io/managed-by": "modelplane"}
MANIFESTS = MANIFESTS_DIR
GITOPS = GITOPS_DIR


@dataclass(frozen=True, slots=True)
class PlanInput:
    """Everything a target may read to plan an environment's objects."""

    env: ResolvedEnvironment
    lock: Lockfile
    pod_spec_keys: MergeKeys
    manifests_path: str  # repository-relative manifests folder, for GitOps sources
    # A sharded environment's unit folders under the manifests folder (empty: one unit),
    # and the one the others depend on (shared objects: providers, secrets, namespace).
    units: tuple[str, ...] = ()
    base_unit: str | None = None
    sealed: SealedSecrets = field(default_factory=SealedSecrets)  # committed SealedSecrets


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What cross-object rules know beyond the documents."""

    declared_env_vars: frozenset[str] = frozenset()
    policies: Policies | None = None


class RenderTarget(Protocol):
    """One plugin: an operator's objects, planned from the inventory and checked."""

    @property
    def folder(self) -> str:
        """The output folder its objects go to (`manifests` or `gitops`)."""

    @property
    def kinds(self) -> tuple[tuple[str, str], ...]:
        """(apiVersion, kind) of every object it renders."""

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """Whether the environment wants this target's objects."""

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """The objects to render for the environment."""

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """Findings on the rendered documents (of every target) that no schema expresses."""


@runtime_checkable
class ReportsProblems(Protocol):
    """A target that refuses what its operator cannot express, or warns what it ignores.

    Problems are found while planning, from the inventory, and point at inventory lines;
    a target does not plan the objects its errors are about.
    """

    def problems(self, given: PlanInput) -> Iterable[Diagnostic]:
        """Located errors and warnings about this environment's inventory."""


class NoRules:
    """Mixin for targets whose objects need no rule beyond their schemas."""

    def check(self, documents: Sequence[RenderedDocument], ctx: RuleContext) -> Iterable[Finding]:
        """No findings."""
        return ()


def labels(env: ResolvedEnvironment, **extra: str) -> dict[str, str]:
    """The labels every rendered object carries, sorted."""
    merged = {**MANAGED_BY, "modelplane.io/environment": env.name, **env.environment.labels}
    merged.update(extra)
    return dict(sorted(merged.items()))


def metadata(env: ResolvedEnvironment, name: str, **extra: str) -> dict[str, Any]:
    """Template context for `metadata`: name, the environment's namespace, labels."""
    return {"name": name, "namespace": env.environment.namespace, "labels": labels(env, **extra)}


class LazyOrigins(MutableMapping[JsonPath, Location]):
    """Field origins located on first use, not when planned.

    Only a finding asks where a field came from, and most documents have none: locating
    every field of every document up front cost ~10% of planning a large environment.
    """

    __slots__ = ("_fields", "_found", "_source")

    def __init__(self, source: ItemSource, fields: Mapping[JsonPath, tuple[str, ...]]) -> None:
        self._source = source
        self._fields = dict(fields)
        self._found: dict[JsonPath, Location] = {}

    def __getitem__(self, target: JsonPath) -> Location:
        found = self._found.get(target)
        if found is None:
            found = self._found[target] = self._source.locate(self._fields[target])
        return found

    def __setitem__(self, target: JsonPath, location: Location) -> None:
        self._found[target] = location
        self._fields.setdefault(target, ())

    def __delitem__(self, target: JsonPath) -> None:
        del self._fields[target]
        self._found.pop(target, None)

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, target: object) -> bool:
        return target in self._fields


def origins(
    env: ResolvedEnvironment, kind: str, name: str, fields: Mapping[JsonPath, tuple[str, ...]]
) -> LazyOrigins:
    """Where each rendered field came from in the inventory item `kind`/`name` (lazily)."""
    return LazyOrigins(env.sources[(kind, name)], fields)


def gitops_context(env: ResolvedEnvironment, gitops: GitOps, namespace: str) -> dict[str, Any]:
    """Template context shared by the Argo CD and Flux objects of an environment."""
    return {
        "name": f"modelplane-{env.name}",
        "namespace": namespace,
        "labels": labels(env),
        "repo_url": gitops.repo_url,
        "revision": gitops.revision,
    }
