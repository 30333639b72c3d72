"""Benchmark `modelplane render --all` on a synthetic inventory, against a PyYAML floor.

Generates a repository of N models over P providers and three environments in a
temporary folder, runs `modelplane lock --all` once, then times in subprocesses (the
real CLI, a cold interpreter each time):

- a cold `render --all` (no cache, no manifests on disk), validation included when the
  installed modelplane validates inside render;
- a second `render --all` with nothing changed (the no-op fast path);

and, in this process, the time PyYAML's C emitter takes to merely dump the same
documents into one stream per environment: the floor for a naive Python tool. For
scale, it also times creating the same files with the same bytes (no rendering): on
small VMs, creating tens of thousands of files costs seconds of kernel time that a
single stream per environment does not pay. CPU time (user, sys) is printed beside
wall time because shared machines make wall time noisy.

    python benchmarks/render_bench.py                 # 5,000 models, 250 providers
    python benchmarks/render_bench.py --models 200 --providers 20
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
ENVIRONMENTS = ("dev", "staging", "prod")
# Provider types cycled through, with what each needs to pass the inventory checks.
PROVIDER_TYPES = (
    "openai",
    "anthropic",
    "azure-openai",
    "gemini",
    "bedrock",
    "openai-compatible",
    "openrouter",
    "mistral",
    "groq",
)
FAMILIES_PER_PROVIDER = 8
VERSIONS_PER_FAMILY = 3


# --- the synthetic repository -----------------------------------------------------------


def _provider(index: int) -> dict[str, Any]:
    kind = PROVIDER_TYPES[index % len(PROVIDER_TYPES)]
    # No '-': agentops derives <NAME>_API_KEY env var names from provider names.
    name = f"{kind.replace('-', '')}{index:03d}"
    item: dict[str, Any] = {"name": name, "type": kind}
    if kind == "bedrock":
        item["credentials"] = {"workloadIdentity": True}
        item["config"] = {"bedrock": {"region": "us-east-1"}}
        return item
    item["credentials"] = {
        "secretRef": {"name": f"llm-{name}", "key": "api-key"},
        "env": f"{name.upper()}_API_KEY",
    }
    if kind == "azure-openai":
        item["endpoint"] = f"https://{name}.openai.azure.com"
        item["config"] = {"azure": {"apiVersion": "2024-10-21"}}
    elif kind == "openai-compatible":
        item["endpoint"] = f"http://{name}.inference.svc.cluster.local:8000/v1"
        item["discovery"] = {"flavor": "vllm"}
    elif kind == "openai":
        item["config"] = {"openai": {"organization": f"org-{index:03d}"}}
        item["timeout"] = "120s"
    elif kind == "anthropic":
        item["headers"] = {"anthropic-beta": "token-efficient-tools-2025-02-19"}
        item["timeout"] = "300s"
    return item


def _family(provider: str, family: int) -> str:
    return f"{provider.rstrip('0123456789')}-fam{family}"


def _snapshot(provider: str) -> dict[str, Any]:
    models = []
    for family in range(FAMILIES_PER_PROVIDER):
        base = _family(provider, family)
        models.append({"id": base, "created": "2024-05-10", "contextWindow": 128000})
        for version in range(VERSIONS_PER_FAMILY):
            day = f"2025-0{version + 1}-1{family % 10}"
            models.append({"id": f"{base}-{day}", "created": day, "contextWindow": 128000})
    models.sort(key=lambda m: m["id"])
    return {
        "aliases": {},
        "format": 1,
        "models": models,
        "provider": provider,
        "source": {"fetchedAt": "2026-11-20T09:00:00Z", "url": "https://example.invalid/models"},
    }


def _model(index: int, provider: str, siblings: int) -> dict[str, Any]:
    family = _family(provider, index % FAMILIES_PER_PROVIDER)
    selector = (family, f"{family}-*", f"{family}-2025-01-1{index % FAMILIES_PER_PROVIDER % 10}")[
        index % 3
    ]
    item: dict[str, Any] = {"name": f"{provider}-m{index:03d}", "provider": provider}
    item["model"] = selector
    if index % 4 == 0:
        item["params"] = {"temperature": 0.2, "max_tokens": 4096}
    if index % 5 == 1 and siblings > 1:
        item["fallbacks"] = [f"{provider}-m{(index + 1) % siblings:03d}"]
    if index % 7 == 0:
        item["requires"] = {"minContextWindow": 100000}
    return item


def _model_api(model: dict[str, Any], index: int) -> dict[str, Any]:
    # A model's fallbacks must be served by the same proxy.
    served = [model["name"], *model.get("fallbacks", ())]
    item: dict[str, Any] = {"name": f"api-{model['name']}", "mode": "Proxy", "models": served}
    if index % 3 == 0:
        item["resources"] = {"requests": {"cpu": "250m", "memory": "512Mi"}}
    if index % 10 == 0:
        item["podSpec"] = {
            "containers": [
                {
                    "name": "model-api",
                    "image": "ghcr.io/berriai/litellm:main-v1.82.6",
                    "env": [{"name": "LITELLM_LOG", "value": "INFO"}],
                }
            ]
        }
    if index % 4 == 0:
        item["route"] = {"timeout": "300s"}
    return item


def _environment(env: str, providers: list[str], apis: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "namespace": f"llm-{env}",
        "gateway": {
            "parentRef": {"name": "shared-gateway", "namespace": "gateway-system"},
            "hostnames": [f"llm.{env}.example.com"],
        },
        "labels": {"example.com/cost-center": f"platform-{env}"},
    }
    if env == "prod":
        data["secrets"] = {
            "backend": "external-secrets",
            "externalSecrets": {"storeRef": {"name": "vault-backend"}, "refreshInterval": "15m"},
        }
        data["policies"] = {"requireHttps": True, "forbidInsecureSkipVerify": True}
        data["overrides"] = {
            "providers": [{"name": p, "timeout": "600s"} for p in providers[::10]],
            "modelApis": [
                {
                    "name": api,
                    "replicas": 2,
                    "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                }
                for api in apis[::20]
            ],
        }
    elif env == "staging":
        data["overrides"] = {"modelApis": [{"name": api, "timeout": "120s"} for api in apis[::50]]}
    return data


def generate_repo(root: Path, models: int, providers: int) -> None:
    """Write a synthetic modelplane repository of `models` models over `providers`."""
    provider_items = [_provider(i) for i in range(providers)]
    names = [p["name"] for p in provider_items]
    model_items = []
    for p, name in enumerate(names):
        count = models // providers + (1 if p < models % providers else 0)
        model_items.extend(_model(i, name, count) for i in range(count))
    api_items = [_model_api(m, i) for i, m in enumerate(model_items)]
    _write_yaml(root / "inventory" / "providers.yaml", {"providers": provider_items})
    _write_yaml(root / "inventory" / "models.yaml", {"models": model_items})
    _write_yaml(root / "inventory" / "model-apis.yaml", {"modelApis": api_items})
    apis = [a["name"] for a in api_items]
    for env in ENVIRONMENTS:
        folder = root / "environments" / env
        _write_yaml(folder / "environment.yaml", _environment(env, names, apis))
        for name in names:
            _write_text(folder / "snapshots" / f"{name}.json", _json(_snapshot(name)))
    for shared in ("templates", "schemas"):
        shutil.copytree(REPO / shared, root / shared)


def _write_yaml(path: Path, data: Any) -> None:
    _write_text(path, yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- measuring --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """Wall time, CPU time (user, system) and peak resident memory of one step."""

    label: str
    seconds: float
    user: float
    system: float
    peak_mib: float | None = None


def measure_here(label: str, work: Callable[[], object]) -> Measure:
    """Run `work` in this process and measure it (no peak memory: it would be ours)."""
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    work()
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    return Measure(
        label, seconds, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    )


def run_cli(label: str, root: Path, *args: str) -> Measure:
    """Run `modelplane ARGS` in a fresh interpreter under `root`; fail loudly if it fails."""
    command = [sys.executable, "-m", "compiler", *args]
    env = {
        k: v for k, v in os.environ.items() if k not in ("MODELPLANE_NO_CACHE", "MODELPLANE_ROOT")
    }
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{output}")
    # ru_maxrss is in KiB on Linux.
    return Measure(label, seconds, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)


def rendered_documents(root: Path, env: str) -> list[Any]:
    """Every YAML document modelplane wrote for `env`, parsed back into plain data."""
    from compiler.yamlio.manifests import parse_manifest

    folder = root / "environments" / env / "manifests"
    return [parse_manifest(p.read_text("utf-8")) for p in sorted(folder.rglob("*.yaml"))]


def pyyaml_floor(root: Path, out_dir: Path) -> tuple[Measure, int]:
    """Time PyYAML's C dumper writing the same documents, one stream per environment."""
    per_env = {env: rendered_documents(root, env) for env in ENVIRONMENTS}

    def dump() -> None:
        for env, documents in per_env.items():
            with (out_dir / f"{env}.yaml").open("w", encoding="utf-8") as stream:
                yaml.dump_all(documents, stream, Dumper=yaml.CSafeDumper, sort_keys=False)

    floor = measure_here("PyYAML CSafeDumper floor", dump)
    return floor, sum(map(len, per_env.values()))


def file_floor(root: Path, out_dir: Path) -> Measure:
    """Time creating the same files with the same bytes: the I/O cost of the layout."""
    files = {
        path.relative_to(root): path.read_bytes()
        for env in ENVIRONMENTS
        for path in sorted((root / "environments" / env / "manifests").rglob("*"))
        if path.is_file()
    }

    def create() -> None:
        for relative, data in files.items():
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    return measure_here(f"create the same {len(files)} files", create)


def _rows(measures: list[Measure]) -> Iterator[str]:
    yield f"{'step':<34}{'wall s':>9}{'user s':>9}{'sys s':>9}{'peak RSS MiB':>15}"
    for m in measures:
        peak = f"{m.peak_mib:15.0f}" if m.peak_mib is not None else f"{'-':>15}"
        yield f"{m.label:<34}{m.seconds:9.2f}{m.user:9.2f}{m.system:9.2f}{peak}"


def _cpu(m: Measure) -> float:
    return max(m.user + m.system, 1e-6)


def benchmark(root: Path, models: int, providers: int) -> list[Measure]:
    """Generate, lock, render cold, render again, dump with PyYAML; return the figures."""
    measures = [measure_here("generate repo", lambda: generate_repo(root, models, providers))]
    measures.append(run_cli("lock --all", root, "lock", "--all"))
    cold = run_cli("render --all (cold)", root, "render", "--all")
    noop = run_cli("render --all (no-op)", root, "render", "--all")
    floor, documents = pyyaml_floor(root, root)
    measures += [cold, noop, floor, file_floor(root, root / "file-floor")]
    print(f"{models} models, {providers} providers, {len(ENVIRONMENTS)} environments:")
    print(f"{documents} YAML documents written (kustomizations included)")
    print("\n".join(_rows(measures)))
    print(
        f"cold render / PyYAML floor: {cold.seconds / floor.seconds:.2f} wall, "
        f"{_cpu(cold) / _cpu(floor):.2f} CPU (aim < 1); "
        f"no-op / cold: {noop.seconds / cold.seconds:.3f} wall (aim < 0.1)"
    )
    return measures


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the benchmark in a temporary (or given) folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--providers", type=int, default=250)
    parser.add_argument(
        "--keep", type=Path, help="generate into this (new) folder and keep it for profiling"
    )
    options = parser.parse_args(argv)
    if options.providers < 1 or options.models < options.providers:
        parser.error("need at least one provider and one model per provider")
    if options.keep is not None:
        options.keep.mkdir(parents=True)
        benchmark(options.keep, options.models, options.providers)
        return 0
    with tempfile.TemporaryDirectory(prefix="modelplane-bench-") as folder:
        benchmark(Path(folder), options.models, options.providers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
