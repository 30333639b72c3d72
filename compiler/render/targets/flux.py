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


def _flux(env: ResolvedEnvironment, gitops: GitOps, path: str) -> Iterator[PlannedDocument]:
    flux = gitops.flux
    common = {**gitops_context(env, gitops, flux.namespace), "interval": flux.interval}
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


class FluxTarget(NoRules):
    """A Flux `GitRepository` and `Kustomization` that apply the environment's manifests."""

    folder = GITOPS
    kinds = (
        ("source.toolkit.fluxcd.io/v1", "GitRepository"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
    )

    def enabled(self, env: ResolvedEnvironment) -> bool:
        """When the environment's GitOps engine is Flux."""
        return env.environment.gitops is not None and env.environment.gitops.engine == "flux"

    def plan(self, given: PlanInput) -> Iterable[PlannedDocument]:
        """The GitRepository and the Kustomization."""
        gitops = given.env.environment.gitops
        assert gitops is not None  # enabled() checked it
        return _flux(given.env, gitops, gitops.path or given.manifests_path)
