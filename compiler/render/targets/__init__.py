"""Render targets: one plugin module per operator, registered in `TARGETS`.

Adding an operator: a module here with a class satisfying `base.RenderTarget`, its
templates under templates/<operator>/, its schemas under schemas/<group>/<version>/,
its tests, and one line below.
"""

from __future__ import annotations

from compiler.render.targets.agentops import AgentopsTarget
from compiler.render.targets.argocd import ArgoCdTarget
from compiler.render.targets.autoscaling import AutoscalingTarget
from compiler.render.targets.base import RenderTarget
from compiler.render.targets.external_secrets import ExternalSecretsTarget
from compiler.render.targets.flokoa import FlokoaTarget
from compiler.render.targets.flux import FluxNamespaceTarget, FluxTarget
from compiler.render.targets.gateway_api import GatewayApiTarget
from compiler.render.targets.kagent import KagentTarget
from compiler.render.targets.kaos import KaosTarget
from compiler.render.targets.kthena import KthenaTarget
from compiler.render.targets.sealed_secrets import SealedSecretsTarget

TARGETS: dict[str, RenderTarget] = {
    "agentops": AgentopsTarget(),
    "kaos": KaosTarget(),
    "gateway-api": GatewayApiTarget(),
    "autoscaling": AutoscalingTarget(),
    "kagent": KagentTarget(),
    "flokoa": FlokoaTarget(),
    "kthena": KthenaTarget(),
    "external-secrets": ExternalSecretsTarget(),
    "sealed-secrets": SealedSecretsTarget(),
    "argocd": ArgoCdTarget(),
    "flux": FluxTarget(),
    "flux-namespace": FluxNamespaceTarget(),
}
