"""TODO docstring."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from compiler.models.artifacts import PlannedDocument
from compiler.models.environment import GitOps
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import (
    GITOPS,
    NoRules,
    PlanInput,
    gitops_context,
)


def _argocd(env: ResolvedEnvironment, gitops: GitOps, path: str) -> Iterator[PlannedDocument]:
    argo = gitops.argocd
    destination = {"namespace": env.environment.namespace}
    if argo.destination_name:
        destination["name"] = argo.destination_name
    elif argo.destination_server:
        destination["server"] = argo.destination_server
    context = {
        **gitops_context(env, gitops, argo.namespace),
        "project": argo.project,
        "path": path,
        "destination": destination,
        "automated": argo.automated,
    }
    yield PlannedDocument(
        "argo-cd/application.yaml.j2", "application.yaml", context, env.locate_env(("gitops",))
    )


class ArgoCdTarget(NoRules):
    """An Argo CD `Application` that applies the environment's manifests folder."""

    folder = GITOPS
    kinds = (("argoproj.io/v1alpha1", "Application"),)

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's GitOps engine is Argo CD."""
        return env.environment.gitops is not None and env.environment.gitops.engine == "argocd"

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """The Application."""
        gitops = given.env.environment.gitops
        assert gitops is not None  # enabled() checked it
        return _argocd(given.env, gitops, gitops.path or given.manifests_path)
