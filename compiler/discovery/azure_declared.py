"""Azure deployments without ARM: declared in the inventory, checked against the model list.

The data plane cannot list deployments (the old `/openai/deployments` path is retired),
so where ARM access is not available the inventory declares them
(`config.azure.deployments: {name: model}`). Discovery checks every declared model
against the resource's model list and fails the provider, naming the deployment, when the
resource does not offer it; the deployment name itself is only proven at call time.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from compiler.discovery.base import AdapterContext, ProviderFailed
from compiler.models.snapshot import SnapshotModel


def declared_deployments(
    ctx: AdapterContext, url: str, declared: Mapping[str, str], listed: Set[str]
) -> list[SnapshotModel]:
    """One snapshot entry per declared deployment whose model the resource lists."""
    missing = sorted(
        f"{name} -> {model}" for name, model in declared.items() if model not in listed
    )
    if missing:
        msg = f"declared deployment(s) name models the resource does not list: {', '.join(missing)}"
        hint = "fix config.azure.deployments, or deploy the model first"
        raise ProviderFailed(ctx.fetcher.failure(url, None, msg, hint))
    return [
        SnapshotModel(
            id=name,
            details={"kind": "deployment", "model": model, "source": "declared"},
        )
        for name, model in sorted(declared.items())
    ]
