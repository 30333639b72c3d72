"""Benchmark `modelplane render --all` on a synthetic inventory, side by side with helm.

Generates a repository of N models over P providers and three environments in a
temporary folder, runs `modelplane lock --all` once, then times in subprocesses (the
real CLI, a cold interpreter each time, CPU time of its workers included):

- cold `render --all` (no cache, no manifests on disk; every check included),
  interleaved with `helm template` of a chart printing the same documents (see
  helm_compare.py; found on PATH or installed by install_helm.py), `--repeat` times;
- a second `render --all` with nothing changed (the no-op fast path);
- the per-phase breakdown of one environment (phases.py), start-up next to
  `python -c pass` and `helm version` (startup_bench.py), and with
  `--kustomize-timeout S` the `kubectl kustomize` build of every unit Argo CD or Flux
  builds (gitops_bench.py).

CPU time (user, sys) is printed beside wall time because shared machines make wall
time noisy; compare ratios of runs made in the same invocation.

    python benchmarks/render_bench.py                 # 5,000 models, 250 providers
    python benchmarks/render_bench.py --models 1000 --providers 50 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from gitops_bench import environment_builds, summary
from helm_compare import find_helm, helm_command, write_chart
from measure import Measure, measure_here, median, rows, run_measured, total
from startup_bench import modelplane_command, report, startup
from synthetic import ENVIRONMENTS, generate_repo

# --- measuring --------------------------------------------------------------------------


def run_cli(label: str, root: Path, *args: str) -> Measure:
    """Run `modelplane ARGS` in a fresh interpreter under `root`; fail loudly if it fails."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("MODELPLANE_NO_CACHE", "MODELPLANE_ROOT")
    }
    result = run_measured(label, [*modelplane_command(), *args], root, env)
    assert result is not None
    return result[0]


def rendered_documents(root: Path, env: str) -> list[Any]:
    """Every YAML document modelplane wrote for `env`, parsed back into plain data."""
    from compiler.yamlio.manifests import parse_manifest

    folder = root / "environments" / env / "manifests"
    return [parse_manifest(p.read_text("utf-8")) for p in sorted(folder.rglob("*.yaml"))]


def _is_kustomization(document: Any) -> bool:
    return str(document.get("apiVersion", "")).startswith("kustomize.config.k8s.io/")


def pyyaml_floor(root: Path, out_dir: Path) -> Measure:
    """Time PyYAML's C dumper writing the same documents, one stream per environment."""
    per_env = {env: rendered_documents(root, env) for env in ENVIRONMENTS}

    def dump() -> None:
        for env, documents in per_env.items():
            with (out_dir / f"{env}.yaml").open("w", encoding="utf-8") as stream:
                yaml.dump_all(documents, stream, Dumper=yaml.CSafeDumper, sort_keys=False)

    return measure_here("PyYAML CSafeDumper floor", dump)


def helm_charts(root: Path, folder: Path) -> tuple[list[Path], int]:
    """One chart per environment printing the documents modelplane wrote (not kustomizations)."""
    charts, count = [], 0
    for env in ENVIRONMENTS:
        documents = [d for d in rendered_documents(root, env) if not _is_kustomization(d)]
        charts.append(write_chart(folder, env, documents))
        count += len(documents)
    return charts, count


def helm_template(helm: str, charts: list[Path]) -> Measure:
    """`helm template` of every environment's chart, one after the other, summed."""
    runs = []
    for chart in charts:
        result = run_measured(f"helm template {chart.name}", helm_command(helm, chart), chart)
        assert result is not None
        runs.append(result[0])
    return total("helm template (3 environments)", runs)


def cold_render(root: Path) -> Measure:
    """A render with no cache and no manifests on disk."""
    for env in ENVIRONMENTS:
        for folder in ("manifests", "gitops"):
            shutil.rmtree(root / "environments" / env / folder, ignore_errors=True)
    shutil.rmtree(root / ".modelplane-cache", ignore_errors=True)
    # Flush the deletions first: on ext4, creating files while the journal writes back
    # thousands of just-deleted ones costs several times more kernel time.
    os.sync()
    return run_cli("render --all (cold)", root, "render", "--all")


@dataclass(frozen=True, slots=True)
class Options:
    """What to run besides cold and no-op renders."""

    repeat: int = 1
    helm: bool = True
    kustomize_timeout: float = 0.0
    floors: bool = False
    phases: bool = True
    startup: bool = True
    max_resources: int = 1000
    startup_runs: int = 15


def benchmark(root: Path, models: int, providers: int, options: Options) -> list[Measure]:
    """Generate, lock, render cold (interleaved with helm), render again; print the figures."""
    measures = [
        measure_here(
            "generate repo",
            lambda: generate_repo(root, models, providers, options.max_resources),
        )
    ]
    measures.append(run_cli("lock --all", root, "lock", "--all"))
    helm = find_helm() if options.helm else None
    colds, helms, charts, documents = [], [], [], 0
    for _ in range(options.repeat):
        colds.append(cold_render(root))
        if helm and not charts:
            charts, documents = helm_charts(root, root / "charts")
        if helm:
            helms.append(helm_template(helm, charts))
    cold = median("render --all (cold)", colds)
    noop = run_cli("render --all (no-op)", root, "render", "--all")
    measures += [cold, noop]
    if helms:
        measures.append(median("helm template (3 environments)", helms))
    if options.floors:
        measures.append(pyyaml_floor(root, root))
    print(f"{models} models, {providers} providers, {len(ENVIRONMENTS)} environments:")
    print("\n".join(rows(measures)))
    print(f"no-op / cold: {noop.seconds / cold.seconds:.3f} wall (aim <= 0.05)")
    if helms:
        print(f"helm charts print {documents} documents (modelplane's, kustomizations aside)")
        for c, h in zip(colds, helms, strict=True):
            print(
                f"cold render / helm template: {c.seconds / h.seconds:.2f} wall, "
                f"{c.cpu / h.cpu:.2f} CPU (aim <= 1)"
            )
    _extras(root, options)
    return measures


def _extras(root: Path, options: Options) -> None:
    if options.phases:
        print("\nper phase, environment prod, one process, one core:")
        from phases import phases

        print("\n".join(rows(phases(root, "prod"))))
    if options.kustomize_timeout > 0 and shutil.which("kubectl"):
        print("\nkubectl kustomize of what Argo CD / Flux build, per environment and unit:")
        for env in ENVIRONMENTS:
            manifests = root / "environments" / env / "manifests"
            builds = environment_builds(manifests, options.kustomize_timeout)
            print(summary(env, builds, options.kustomize_timeout))
    if options.startup:
        print(f"\nstart-up (median of {options.startup_runs} interleaved runs):")
        print("\n".join(report(startup(options.startup_runs))))


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the benchmark in a temporary (or given) folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--providers", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=1, help="cold/helm pairs, interleaved")
    parser.add_argument("--no-helm", action="store_true")
    parser.add_argument(
        "--kustomize-timeout", type=float, default=0.0, help="build every unit (0: skip)"
    )
    parser.add_argument("--floors", action="store_true", help="also time PyYAML's C dumper")
    parser.add_argument(
        "--max-resources",
        type=int,
        default=1000,
        help="sharding threshold of every environment (0: never shard)",
    )
    parser.add_argument("--quick", action="store_true", help="no phases, no start-up")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument(
        "--keep", type=Path, help="generate into this (new) folder and keep it for profiling"
    )
    args = parser.parse_args(argv)
    if args.providers < 1 or args.models < args.providers:
        parser.error("need at least one provider and one model per provider")
    options = Options(
        repeat=max(1, args.repeat),
        helm=not args.no_helm,
        kustomize_timeout=args.kustomize_timeout,
        floors=args.floors,
        phases=not args.quick,
        startup=not args.quick,
        max_resources=args.max_resources,
        startup_runs=max(1, args.startup_runs),
    )
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        benchmark(args.keep, args.models, args.providers, options)
        return 0
    with tempfile.TemporaryDirectory(prefix="modelplane-bench-") as folder:
        benchmark(Path(folder), args.models, args.providers, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
