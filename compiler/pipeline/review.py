"""Compose `diff` (base from git, new side rendered in memory) and `models`; never print."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from pydantic import ValidationError

from compiler.errors import (
    CompilerError,
    Diagnostic,
    Location,
    LockError,
    known_hint,
    usage_error,
)
from compiler.gitio import GitTree, open_base
from compiler.lock.freshness import committed_lock
from compiler.models.lock import Lockfile
from compiler.models.resolved import ResolvedEnvironment
from compiler.models.snapshot import Snapshot
from compiler.pipeline.environments import resolve_environment
from compiler.pipeline.render import render_tree
from compiler.project import ENVIRONMENT_FILE, LOCK_FILE, MANIFESTS_DIR, SNAPSHOTS_DIR, Project
from compiler.render.targets.consumers import MODEL_LABEL, model_resources
from compiler.review.catalog import CatalogRow, catalog_rows
from compiler.review.lockdiff import LockSide, Usage, summarize_lock
from compiler.review.model import EnvDiff, Review, Topology
from compiler.review.resources import (
    Resource,
    ResourceChange,
    ResourceKey,
    diff_resources,
    load_resources,
)
from compiler.validate.schemas import SchemaRegistry
from compiler.yamlio.source import YamlLoadError, load_yaml

API_LABEL = "modelplane.io/model-api"


@dataclass(slots=True)
class _Env:
    """The work-tree side of one environment (absent when the folder is gone)."""

    resolved: ResolvedEnvironment | None = None
    registry: SchemaRegistry | None = None
    lockfile: Lockfile | None = None
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def review(project: Project, envs: Sequence[str] | None, base: str | None, *, lock: bool) -> Review:
    """Diff lockfiles and (unless `lock`) manifests of `envs` (None: all) against `base`."""
    tree = open_base(project.root, base)
    prefix = _repo_prefix(project, tree)
    known = _all_envs(project, tree, prefix)
    unknown = [env for env in envs or () if env not in known]
    if unknown:
        message = f"unknown environment {unknown[0]!r} (here or at the base)"
        raise usage_error(message, known_hint(unknown[0], known, "known environments"))
    names = list(envs) if envs is not None else known
    diffs = tuple(_env_diff(project, tree, prefix, env, lock) for env in names)
    return Review(tree.commit, diffs, lock)


def _repo_prefix(project: Project, tree: GitTree) -> str:
    relative = project.root.resolve().relative_to(tree.root.resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def _all_envs(project: Project, tree: GitTree, prefix: str) -> list[str]:
    base = {
        PurePosixPath(path).parent.name
        for path in tree.list_files(f"{prefix}environments")
        if PurePosixPath(path).name == ENVIRONMENT_FILE
    }
    return sorted(base | set(project.environment_names()))


def _work_side(project: Project, env: str, *, render: bool) -> _Env:
    side = _Env()
    if not project.environment_file(env).is_file():
        side.notes.append(f"environment {env!r} is removed in this change")
        return side
    side.registry = SchemaRegistry.load(project.schema_dirs)
    side.resolved = resolve_environment(project, env, side.registry)
    committed = committed_lock(project, side.resolved)
    side.lockfile, side.snapshots = committed.lockfile, committed.snapshots
    if committed.state == "missing" and render:
        raise LockError([_lock_missing(project, env)])
    stale = committed.state == "stale"
    if stale and not render:
        side.notes.append(
            f"models.lock is stale against the inventory or snapshots; "
            f"run `modelplane lock --env {env}`"
        )
    elif stale:
        # A diff against a stale lock would show a changed selector as no change at all.
        at = Location(project.relative(project.lock_file(env)), 1, 1)
        raise LockError(
            [
                Diagnostic(
                    at,
                    "lock-stale",
                    "models.lock is stale against the inventory or snapshots, so "
                    "the diff would hide what the change does",
                    hint=f"run `modelplane lock --env {env}`",
                )
            ]
        )
    return side


def _lock_missing(project: Project, env: str) -> Diagnostic:
    at = Location(project.relative(project.lock_file(env)), 1, 1)
    return Diagnostic(
        at, "lock-missing", f"no models.lock for {env!r}", hint=f"run `modelplane lock --env {env}`"
    )


def _env_diff(project: Project, tree: GitTree, prefix: str, env: str, lock: bool) -> EnvDiff:
    side = _work_side(project, env, render=not lock)
    folder = f"{prefix}environments/{env}/"
    base_resources = _base_resources(tree, folder + MANIFESTS_DIR + "/", side)
    usage = _merged_usage(_usage(side), _manifest_usage(base_resources))
    old = _base_lock_side(tree, folder)
    summary = summarize_lock(env, old, LockSide(side.lockfile, side.snapshots), usage)
    changes = () if lock else _manifest_changes(project, base_resources, side)
    topology = _with_removals(_topology(side), changes, _manifest_usage(base_resources), old)
    return EnvDiff(env, changes, tuple(side.notes), topology, summary)


def _with_removals(
    topology: Topology, changes: Sequence[ResourceChange], base: Usage, old: LockSide
) -> Topology:
    """The topology plus the model APIs the change removes and the base's providers."""
    gone = {c.name for c in changes if c.kind == "ModelAPI" and c.status == "removed"}
    removed = {
        api: tuple(sorted(m for m, apis in base.model_apis.items() if api in apis)) for api in gone
    }
    pins = old.lockfile.models if old.lockfile is not None else {}
    providers = {name: pin.provider for name, pin in pins.items()}
    return dataclasses.replace(topology, removed_apis=removed, base_providers=providers)


def _base_resources(tree: GitTree, folder: str, side: _Env) -> dict[ResourceKey, Resource]:
    paths = tree.list_files(folder)
    if not paths:
        side.notes.append("no committed manifests at the base")
    return load_resources({p[len(folder) :]: data for p, data in tree.read_many(paths).items()})


def _manifest_changes(
    project: Project, base: Mapping[ResourceKey, Resource], side: _Env
) -> tuple[ResourceChange, ...]:
    new_files: Mapping[str, bytes] = {}
    if side.resolved is not None and side.lockfile is not None and side.registry is not None:
        new_files = render_tree(project, side.resolved, side.lockfile, side.registry).tree.files
    return tuple(diff_resources(base, load_resources(new_files)))


def _manifest_usage(resources: Mapping[ResourceKey, Resource]) -> Usage:
    """Which ModelAPIs and HTTPRoutes served each model in committed manifests."""
    served: dict[str, tuple[str, ...]] = {}
    for resource in resources.values():
        if resource.kind == "ModelAPI":
            models = (resource.data.get("spec") or {}).get("proxyConfig", {}).get("models", [])
            served[resource.name] = tuple(m for m in models if isinstance(m, str))
    routes = {
        labels[API_LABEL]: r.name
        for r in resources.values()
        if r.kind == "HTTPRoute"
        and API_LABEL in (labels := (r.data.get("metadata") or {}).get("labels") or {})
    }
    usage = _usage_from(served, routes)
    return Usage(usage.model_apis, usage.routes, _labelled_resources(resources))


def _labelled_resources(resources: Mapping[ResourceKey, Resource]) -> dict[str, tuple[str, ...]]:
    """Committed per-model objects (kagent, Flokoa, Kthena), by their model label."""
    found: dict[str, set[str]] = {}
    for r in resources.values():
        model = ((r.data.get("metadata") or {}).get("labels") or {}).get(MODEL_LABEL)
        if isinstance(model, str) and r.kind not in ("ModelAPI", "HTTPRoute"):
            found.setdefault(model, set()).add(f"{r.kind}/{r.name}")
    return {m: tuple(sorted(k)) for m, k in found.items()}


def _merged_usage(first: Usage, second: Usage) -> Usage:
    def merge(
        a: Mapping[str, tuple[str, ...]], b: Mapping[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        return {
            k: tuple(sorted(set(a.get(k, ())) | set(b.get(k, ()))))
            for k in sorted(a.keys() | b.keys())
        }

    return Usage(
        merge(first.model_apis, second.model_apis),
        merge(first.routes, second.routes),
        merge(first.resources, second.resources),
    )


def _base_lock_side(tree: GitTree, folder: str) -> LockSide:
    lock_path = folder + LOCK_FILE
    snapshot_paths = tree.list_files(folder + SNAPSHOTS_DIR + "/")
    files = tree.read_many([lock_path, *snapshot_paths])
    lockfile = _parse_lock(files[lock_path], lock_path) if lock_path in files else None
    snapshots = {
        snap.provider: snap
        for path in snapshot_paths
        if path.endswith(".json") and path in files
        for snap in [_parse_snapshot(files[path], path)]
    }
    return LockSide(lockfile, snapshots)


def _parse_lock(raw: bytes, path: str) -> Lockfile:
    try:
        return Lockfile.model_validate(load_yaml(raw.decode("utf-8"), path).data)
    except (YamlLoadError, ValidationError, UnicodeDecodeError) as exc:
        raise _base_unreadable(path, exc) from None


def _parse_snapshot(raw: bytes, path: str) -> Snapshot:
    try:
        return Snapshot.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise _base_unreadable(path, exc) from None


def _base_unreadable(path: str, exc: Exception) -> CompilerError:
    message = f"cannot read {path} at the base commit: {type(exc).__name__}"
    return LockError([Diagnostic(Location(path), "base-unreadable", message)])


def _usage(side: _Env) -> Usage:
    topology = _topology(side)
    usage = _usage_from(topology.model_apis, topology.routes)
    resources = model_resources(side.resolved) if side.resolved is not None else {}
    return Usage(usage.model_apis, usage.routes, resources)


def _usage_from(served: Mapping[str, tuple[str, ...]], routes: Mapping[str, str]) -> Usage:
    apis: dict[str, list[str]] = {}
    api_routes: dict[str, list[str]] = {}
    for api, models in served.items():
        for model in models:
            apis.setdefault(model, []).append(api)
            if api in routes:
                api_routes.setdefault(model, []).append(routes[api])
    return Usage(
        {m: tuple(sorted(a)) for m, a in apis.items()},
        {m: tuple(sorted(r)) for m, r in api_routes.items()},
    )


def _topology(side: _Env) -> Topology:
    env = side.resolved
    if env is None:
        return Topology()
    gateway = env.environment.gateway
    routes = {
        api.name: api.name for api in env.model_apis if api.route.enabled and gateway is not None
    }
    apis = {
        api.name: api.models + ((api.hosted.model,) if api.hosted else ()) for api in env.model_apis
    }
    providers = {m.name: m.provider for m in env.models}
    return Topology(
        gateway.parent_ref.name if gateway else "",
        routes,
        apis,
        providers,
        resources=model_resources(env),
    )


def model_catalog(project: Project, env: str, provider: str | None) -> list[CatalogRow]:
    """Discovered, pinned and used models of `env` (one provider when given), offline."""
    if not project.environment_file(env).is_file():
        message = f"no environment {env!r} ({project.relative(project.environment_file(env))})"
        raise usage_error(message)
    side = _work_side(project, env, render=False)
    assert side.resolved is not None
    if provider is not None and provider not in {p.name for p in side.resolved.providers}:
        message = f"provider {provider!r} is not enabled in {env!r}"
        raise usage_error(message)
    return catalog_rows(side.resolved, side.lockfile, side.snapshots, provider)
