"""What the GitOps engine pays: `kubectl kustomize` of every unit Argo CD or Flux builds.

An environment in today's simple layout is one unit (`manifests/`); a sharded one is
one unit per shard folder (each with its own kustomization.yaml, applied separately).

    python benchmarks/gitops_bench.py ENVIRONMENT_DIR... [--timeout S]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from measure import Measure, run_measured

KUSTOMIZATION = "kustomization.yaml"


@dataclass(frozen=True, slots=True)
class UnitBuild:
    """One kustomize build: its folder, resource count and figures (None: timed out)."""

    folder: Path
    resources: int
    measure: Measure | None


def units(manifests: Path) -> list[Path]:
    """The folders the engine builds: the manifests folder, or each shard folder."""
    if (manifests / KUSTOMIZATION).is_file():
        return [manifests]
    return sorted(p.parent for p in manifests.glob(f"*/{KUSTOMIZATION}"))


def build(folder: Path, timeout: float) -> UnitBuild:
    """`kubectl kustomize folder`, timed, with the number of resources it printed."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit("kubectl is not on PATH")
    result = run_measured(folder.name, [kubectl, "kustomize", str(folder)], folder, None, timeout)
    if result is None:
        return UnitBuild(folder, -1, None)
    measure, output = result
    count = output.count("\n---\n") + (1 if output.strip() else 0)
    return UnitBuild(folder, count, measure)


def environment_builds(manifests: Path, timeout: float) -> list[UnitBuild]:
    """Every unit of one environment, built one after the other."""
    return [build(folder, timeout) for folder in units(manifests)]


def summary(env: str, builds: list[UnitBuild], timeout: float) -> str:
    """One line: units, resources, slowest unit and the sum over units."""
    done = [b for b in builds if b.measure is not None]
    if len(done) < len(builds):
        return f"{env}: {len(builds)} unit(s); did not finish in {timeout:.0f} s"
    slowest = max(done, key=lambda b: b.measure.seconds if b.measure else 0.0)
    assert slowest.measure is not None
    resources = sum(b.resources for b in done)
    wall = sum(b.measure.seconds for b in done if b.measure)
    cpu = sum(b.measure.cpu for b in done if b.measure)
    return (
        f"{env}: {len(builds)} unit(s), {resources} resources; slowest unit "
        f"{slowest.folder.name} {slowest.resources} resources {slowest.measure.seconds:.2f} s "
        f"wall {slowest.measure.cpu:.2f} s CPU; all units {wall:.2f} s wall {cpu:.2f} s CPU"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environments", nargs="+", type=Path)
    parser.add_argument("--timeout", type=float, default=300.0)
    options = parser.parse_args()
    for env in options.environments:
        builds = environment_builds(env / "manifests", options.timeout)
        print(summary(env.name, builds, options.timeout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
