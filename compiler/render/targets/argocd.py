"""Argo CD: an Application for the environment, or an ApplicationSet for a fleet or shards.

One cluster, one unit: an `Application` (as simple as it gets). Several clusters
(`gitops.clusters`, Argo CD cluster names) or a sharded environment: an `ApplicationSet`
whose list generator yields the clusters and whose git directory generator yields the
shard folders (a matrix of both when both apply), so Argo CD builds every shard as its
own Application. Either way the Applications sync with `CreateNamespace=true`: the
environment's namespace exists before anything lands in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compiler.models.artifacts import PlannedDocument
from compiler.models.environment import GitOps
from compiler.models.resolved import ResolvedEnvironment
from compiler.render.targets.base import GITOPS, NoRules, PlanInput, gitops_context

# Go-template parameters of the ApplicationSet generators (goTemplate: true).
CLUSTER = "{{.cluster}}"
REVISION = "{{.revision}}"
SHARD_PATH = "{{.path.path}}"
SHARD = "{{.path.basename}}"


def _destination(given: PlanInput, gitops: GitOps) -> dict[str, str]:
    argo = gitops.argocd
    destination = {"namespace": given.env.environment.namespace}
    if gitops.clusters:
        destination["name"] = CLUSTER
    elif argo.destination_name:
        destination["name"] = argo.destination_name
    elif argo.destination_server:
        destination["server"] = argo.destination_server
    return destination


def _application(given: PlanInput, gitops: GitOps, path: str) -> PlannedDocument:
    argo = gitops.argocd
    context = {
        **gitops_context(given.env, gitops, argo.namespace),
        "project": argo.project,
        "path": path,
        "destination": _destination(given, gitops),
        "automated": argo.automated,
    }
    origin = given.env.locate_env(("gitops",))
    return PlannedDocument("argo-cd/application.yaml.j2", "application.yaml", context, origin)


def _generators(given: PlanInput, gitops: GitOps, path: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if gitops.clusters:
        elements = [
            {"cluster": c.name, "revision": c.revision or gitops.revision} for c in gitops.clusters
        ]
        found.append({"list": {"elements": elements}})
    if given.units:
        directories = [{"path": f"{path}/*"}]
        git = {"repoURL": gitops.repo_url, "revision": gitops.revision, "directories": directories}
        found.append({"git": git})
    return [{"matrix": {"generators": found}}] if len(found) > 1 else found


def _application_set(given: PlanInput, gitops: GitOps, path: str) -> PlannedDocument:
    argo = gitops.argocd
    common = gitops_context(given.env, gitops, argo.namespace)
    name = common["name"] + (f"-{CLUSTER}" if gitops.clusters else "")
    extra = {"modelplane.io/cluster": CLUSTER} if gitops.clusters else {}
    if given.units:
        name += f"-{SHARD}"
        extra["modelplane.io/shard"] = SHARD
    context = {
        **common,
        "generators": _generators(given, gitops, path),
        "app_name": name,
        "app_labels": dict(sorted({**common["labels"], **extra}.items())),
        "project": argo.project,
        "target_revision": REVISION if gitops.clusters else gitops.revision,
        "source_path": SHARD_PATH if given.units else path,
        "destination": _destination(given, gitops),
        "automated": argo.automated,
    }
    origin = given.env.locate_env(("gitops",))
    return PlannedDocument("argo-cd/applicationset.yaml.j2", "applicationset.yaml", context, origin)


def _argocd(given: PlanInput, gitops: GitOps, path: str) -> Iterator[PlannedDocument]:
    if gitops.clusters or given.units:
        yield _application_set(given, gitops, path)
    else:
        yield _application(given, gitops, path)


class ArgoCdTarget(NoRules):
    """An Argo CD `Application`, or an `ApplicationSet` over clusters and shards."""

    folder = GITOPS
    kinds = (("argoproj.io/v1alpha1", "Application"), ("argoproj.io/v1alpha1", "ApplicationSet"))

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's GitOps engine is Argo CD."""
        return env.environment.gitops is not None and env.environment.gitops.engine == "argocd"

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """The Application or ApplicationSet."""
        gitops = given.env.environment.gitops
        assert gitops is not None  # enabled() checked it
        return _argocd(given, gitops, gitops.path or given.manifests_path)
