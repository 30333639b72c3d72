"""Flux: a GitRepository and a Kustomization per cluster and unit, and the Namespace.

One cluster, one unit: one `GitRepository` and one `Kustomization` (as before). A fleet
(`gitops.clusters`) gets one Kustomization per cluster, applied there through the
cluster's kubeconfig Secret (`spec.kubeConfig`); a cluster tracking its own revision
gets its own GitRepository. A sharded environment gets one Kustomization per shard
folder, each `dependsOn` the base unit (providers, secrets, namespace) of its cluster.
Flux creates no namespaces, so the environment's `Namespace` is rendered into the
manifests (base unit), marked so that pruning never deletes it with everything inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compiler.models.artifacts import PlannedDocument
from compiler.models.environment import Cluster, GitOps
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    GITOPS,
    MANIFESTS,
    NoRules,
    PlanInput,
    gitops_context,
    labels,
)

SINGLE_FILE = "flux-kustomization.yaml"


def _uses_flux(env: ResolvedEnvironment) -> bool:
    return env.environment.gitops is not None and env.environment.gitops.engine == "flux"


def _sources(env: ResolvedEnvironment, gitops: GitOps) -> dict[str | None, dict[str, Any]]:
    """GitRepository contexts: the environment's, and one per cluster on its own revision."""
    common = gitops_context(env, gitops, gitops.flux.namespace)
    sources: dict[str | None, dict[str, Any]] = {None: common}
    for cluster in gitops.clusters:
        if cluster.revision and cluster.revision != gitops.revision:
            name = f"{common['name']}-{cluster.name}"
            sources[cluster.name] = {**common, "name": name, "revision": cluster.revision}
    return sources


def _kustomization(
    given: PlanInput,
    gitops: GitOps,
    cluster: Cluster | None,
    unit: str | None,
    source: str,
) -> PlannedDocument:
    env, flux = given.env, gitops.flux
    common = gitops_context(env, gitops, flux.namespace)
    stem = common["name"] + (f"-{cluster.name}" if cluster else "")
    path = gitops.path or given.manifests_path
    base = given.base_unit
    depends = [{"name": f"{stem}-{base}"}] if unit and base and unit != base else []
    kube = cluster.kube_config if cluster else None
    context = {
        **common,
        "name": stem + (f"-{unit}" if unit else ""),
        "interval": flux.interval,
        "depends_on": depends,
        "kube_config": kube.secret_ref.model_dump(exclude_none=True) if kube else None,
        "path": f"./{path}/{unit}" if unit else f"./{path}",
        "prune": flux.prune,
        "source": source,
        "target_namespace": env.environment.namespace,
    }
    single = cluster is None and unit is None
    file = SINGLE_FILE if single else f"kustomizations/{context['name']}.yaml"
    origin = env.locate_env(("gitops",))
    return PlannedDocument("flux/kustomization.yaml.j2", file, context, origin)


def _flux(given: PlanInput, gitops: GitOps) -> Iterator[PlannedDocument]:
    origin = given.env.locate_env(("gitops",))
    sources = _sources(given.env, gitops)
    for key, source in sources.items():
        file = "gitrepository.yaml" if key is None else f"gitrepositories/{source['name']}.yaml"
        context = {**source, "interval": gitops.flux.interval, "secret_ref": gitops.flux.secret_ref}
        yield PlannedDocument("flux/gitrepository.yaml.j2", file, context, origin)
    clusters: tuple[Cluster | None, ...] = gitops.clusters or (None,)
    units: tuple[str | None, ...] = given.units or (None,)
    for cluster in clusters:
        source = sources.get(cluster.name if cluster else None, sources[None])["name"]
        for unit in units:
            yield _kustomization(given, gitops, cluster, unit, source)


class FluxTarget(NoRules):
    """Flux `GitRepository` and `Kustomization` objects that apply the manifests."""

    folder = GITOPS
    kinds = (
        ("source.toolkit.fluxcd.io/v1", "GitRepository"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
    )

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's GitOps engine is Flux."""
        return _uses_flux(env)

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """The GitRepositories and the Kustomizations."""
        gitops = given.env.environment.gitops
        assert gitops is not None  # enabled() checked it
        return _flux(given, gitops)


class FluxNamespaceTarget(NoRules):
    """The environment's `Namespace`, which Flux (unlike Argo CD) does not create."""

    folder = MANIFESTS
    kinds = (("v1", "Namespace"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's GitOps engine is Flux."""
        return _uses_flux(env)

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """One Namespace, at the top of the manifests (in the base unit when sharded)."""
        env = given.env
        context = {"name": env.environment.namespace, "labels": labels(env)}
        at = env.locate_env(("namespace",))
        return [PlannedDocument("kubernetes/namespace.yaml.j2", "namespace.yaml", context, at)]
