"""Plan the GitOps objects that apply an environment's manifests: Argo CD or Flux (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compiler.models.environment import GitOps
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.plan import MANAGED_BY, PlannedDocument


def plan_bootstrap(env: ResolvedEnvironment, manifests_path: str) -> list[PlannedDocument]:
    """The objects for `environments/<env>/gitops/`; empty when no engine is configured."""
    gitops = env.environment.gitops
    if gitops is None:
        return []
    planner = _argocd if gitops.engine == "argocd" else _flux
    return sorted(planner(env, gitops, gitops.path or manifests_path), key=lambda p: p.path)


def _common(env: ResolvedEnvironment, gitops: GitOps, namespace: str) -> dict[str, Any]:
    labels = {**MANAGED_BY, "modelplane.io/environment": env.name, **env.environment.labels}
    return {
        "name": f"modelplane-{env.name}",
        "namespace": namespace,
        "labels": dict(sorted(labels.items())),
        "repo_url": gitops.repo_url,
        "revision": gitops.revision,
    }


def _argocd(env: ResolvedEnvironment, gitops: GitOps, path: str) -> Iterator[PlannedDocument]:
    argo = gitops.argocd
    destination = {"namespace": env.environment.namespace}
    if argo.destination_name:
        destination["name"] = argo.destination_name
    elif argo.destination_server:
        destination["server"] = argo.destination_server
    context = {
        **_common(env, gitops, argo.namespace),
        "project": argo.project,
        "path": path,
        "destination": destination,
        "automated": argo.automated,
    }
    yield PlannedDocument(
        "argo-cd/application.yaml.j2", "application.yaml", context, env.locate_env(("gitops",))
    )


def _flux(env: ResolvedEnvironment, gitops: GitOps, path: str) -> Iterator[PlannedDocument]:
    flux = gitops.flux
    common = {**_common(env, gitops, flux.namespace), "interval": flux.interval}
    origin = env.locate_env(("gitops",))
    yield PlannedDocument(
        "flux/gitrepository.yaml.j2",
        "gitrepository.yaml",
        {**common, "secret_ref": flux.secret_ref},
        origin,
    )
    yield PlannedDocument(
        "flux/kustomization.yaml.j2",
        "flux-kustomization.yaml",
        {
            **common,
            "path": f"./{path}",
            "prune": flux.prune,
            "target_namespace": env.environment.namespace,
        },
        origin,
    )
