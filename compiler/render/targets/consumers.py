"""Which objects of the per-model operators each logical model becomes (for reviews)."""

from __future__ import annotations

from compiler.inventory.targets import target_models
from compiler.models.resolved import ResolvedEnvironment

MODEL_LABEL = "modelplane.io/model"
_KINDS = {
    "kagent": ("ModelConfig",),
    "flokoa": ("Model",),
    "kthena": ("ExternalModelProvider", "ModelRoute"),
}


def model_resources(env: ResolvedEnvironment) -> dict[str, tuple[str, ...]]:
    """Logical model -> `Kind/name` of every kagent, Flokoa and Kthena object it feeds."""
    found: dict[str, set[str]] = {}
    for target, kinds in _KINDS.items():
        if target not in env.environment.targets:
            continue
        for model in target_models(env, target):
            found.setdefault(model.name, set()).update(f"{k}/{model.name}" for k in kinds)
            if target == "kthena":
                # A weighted split routes part of this name's traffic to the split targets.
                for split in model.split:
                    found.setdefault(split.model, set()).add(f"ModelRoute/{model.name}")
    return {name: tuple(sorted(kinds)) for name, kinds in sorted(found.items())}
