"""Fleets (gitops.clusters) and shards on Argo CD and Flux, checked against the real CRDs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler.pipeline import render as pipeline
from compiler.project import Project
from compiler.validate.schemas import compile_schema
from tests.helpers import UPSTREAM_CRDS, copy_example, run_cli
from tests.validate.test_upstream_crds import _pick, _upstream_schemas

ARGO_FLEET = """  clusters:
    - name: prod-eu
    - name: prod-us
      revision: release-2026.11
"""
FLUX_FLEET = """  clusters:
    - name: staging-eu
      kubeConfig: {secretRef: {name: staging-eu-kubeconfig}}
    - name: staging-us
      kubeConfig: {secretRef: {name: staging-us-kubeconfig, key: value.yaml}}
      revision: canary
"""
# The example has 5 model APIs: a threshold this low shards it like a large one.
SHARDED = "sharding: {maxResources: 4, resourcesPerShard: 4}\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(copy_example(tmp_path))


def _append(project: Project, env: str, gitops: str = "", top: str = "") -> None:
    # gitops: is the last block of the example's environment files.
    path = project.environment_file(env)
    path.write_text(path.read_text() + gitops + top)


def _docs(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(folder).as_posix(): yaml.safe_load(p.read_text())
        for p in sorted(folder.rglob("*.yaml"))
    }


def test_an_argo_fleet_is_an_application_set_over_cluster_names(project: Project) -> None:
    _append(project, "prod", ARGO_FLEET)
    report = pipeline.render_environment(project, "prod").report
    assert report is not None and "../gitops/application.yaml" in report.removed
    (appset,) = [
        d
        for d in _docs(project.environment_dir("prod") / "gitops").values()
        if d["kind"] == "ApplicationSet"
    ]
    spec = appset["spec"]
    assert spec["goTemplate"] is True
    assert spec["generators"] == [
        {
            "list": {
                "elements": [
                    {"cluster": "prod-eu", "revision": "main"},
                    {"cluster": "prod-us", "revision": "release-2026.11"},
                ]
            }
        }
    ]
    template = spec["template"]
    assert template["metadata"]["name"] == "modelplane-prod-{{.cluster}}"
    assert template["spec"]["destination"] == {"name": "{{.cluster}}", "namespace": "llm-prod"}
    assert template["spec"]["source"]["targetRevision"] == "{{.revision}}"
    assert template["spec"]["source"]["path"] == "environments/prod/manifests"
    assert template["spec"]["syncPolicy"]["syncOptions"] == ["CreateNamespace=true"]


def test_a_single_argo_application_creates_its_namespace(project: Project) -> None:
    app = yaml.safe_load(
        (project.environment_dir("prod") / "gitops" / "application.yaml").read_text()
    )
    assert app["spec"]["syncPolicy"]["syncOptions"] == ["CreateNamespace=true"]


def test_a_large_environment_is_split_into_units_built_separately(project: Project) -> None:
    _append(project, "prod", top=SHARDED)
    pipeline.render_environment(project, "prod")
    manifests = project.manifests_dir("prod")
    units = sorted(p.name for p in manifests.iterdir() if p.is_dir())
    assert units[0] == "base" and len(units) >= 3
    assert all(u == "base" or u.startswith("shard-") for u in units)
    assert not (manifests / "kustomization.yaml").exists(), "nothing builds all units at once"
    for unit in units:
        listed = yaml.safe_load((manifests / unit / "kustomization.yaml").read_text())["resources"]
        on_disk = sorted(
            p.relative_to(manifests / unit).as_posix()
            for p in (manifests / unit).rglob("*.yaml")
            if p.name != "kustomization.yaml"
        )
        assert listed == on_disk, "one flat list per unit"
    # A model API's documents stay together; providers and secrets are in base.
    for route in (manifests).glob("shard-*/httproutes/*.yaml"):
        assert (route.parents[1] / "modelapis" / route.name).exists()
    assert list((manifests / "base" / "providers").glob("*.yaml"))
    (appset,) = (_docs(project.environment_dir("prod") / "gitops").values().__iter__().__next__(),)
    spec = appset["spec"]
    assert spec["generators"] == [
        {
            "git": {
                "repoURL": "https://github.com/example/llm-platform.git",
                "revision": "main",
                "directories": [{"path": "environments/prod/manifests/*"}],
            }
        }
    ]
    assert spec["template"]["spec"]["source"]["path"] == "{{.path.path}}"
    assert spec["template"]["metadata"]["name"] == "modelplane-prod-{{.path.basename}}"


def test_argo_fleet_and_shards_combine_in_a_matrix(project: Project) -> None:
    _append(project, "prod", ARGO_FLEET, SHARDED)
    pipeline.render_environment(project, "prod")
    (appset,) = [
        d
        for d in _docs(project.environment_dir("prod") / "gitops").values()
        if d["kind"] == "ApplicationSet"
    ]
    (matrix,) = appset["spec"]["generators"]
    kinds = [next(iter(g)) for g in matrix["matrix"]["generators"]]
    assert kinds == ["list", "git"]
    name = appset["spec"]["template"]["metadata"]["name"]
    assert name == "modelplane-prod-{{.cluster}}-{{.path.basename}}"


def test_flux_fleet_and_shards_apply_per_cluster_and_unit(project: Project) -> None:
    _append(project, "staging", FLUX_FLEET, SHARDED)
    pipeline.render_environment(project, "staging")
    docs = _docs(project.environment_dir("staging") / "gitops")
    kustomizations = {
        d["metadata"]["name"]: d["spec"]
        for d in docs.values()
        if d["kind"] == "Kustomization" and "spec" in d
    }
    repos = {
        d["metadata"]["name"]: d["spec"] for d in docs.values() if d["kind"] == "GitRepository"
    }
    assert repos["modelplane-staging"]["ref"] == {"branch": "main"}
    assert repos["modelplane-staging-staging-us"]["ref"] == {"branch": "canary"}
    units = sorted(p.name for p in project.manifests_dir("staging").iterdir() if p.is_dir())
    assert sorted(kustomizations) == sorted(
        f"modelplane-staging-{c}-{u}" for c in ("staging-eu", "staging-us") for u in units
    )
    eu_shard = kustomizations[f"modelplane-staging-staging-eu-{units[1]}"]
    assert eu_shard["dependsOn"] == [{"name": "modelplane-staging-staging-eu-base"}]
    assert eu_shard["kubeConfig"] == {"secretRef": {"name": "staging-eu-kubeconfig"}}
    assert eu_shard["path"] == f"./environments/staging/manifests/{units[1]}"
    assert eu_shard["sourceRef"] == {"kind": "GitRepository", "name": "modelplane-staging"}
    us_base = kustomizations["modelplane-staging-staging-us-base"]
    assert "dependsOn" not in us_base
    assert us_base["kubeConfig"] == {
        "secretRef": {"name": "staging-us-kubeconfig", "key": "value.yaml"}
    }
    assert us_base["sourceRef"]["name"] == "modelplane-staging-staging-us"
    namespace = yaml.safe_load(
        (project.manifests_dir("staging") / "base" / "namespace.yaml").read_text()
    )
    assert namespace["metadata"]["name"] == "llm-staging"
    assert namespace["metadata"]["annotations"] == {"kustomize.toolkit.fluxcd.io/prune": "disabled"}


@pytest.mark.parametrize(
    ("env", "gitops", "message"),
    [
        (
            "prod",
            "  clusters: [{name: a, kubeConfig: {secretRef: {name: k}}}]\n",
            "kubeConfig is for Flux",
        ),
        ("staging", "  clusters: [{name: a}, {name: a}]\n", "cluster names must be unique"),
    ],
)
def test_fleet_mistakes_are_located_errors(
    project: Project, env: str, gitops: str, message: str
) -> None:
    _append(project, env, gitops)
    result = run_cli("render", "--env", env, cwd=project.root)
    assert result.returncode == 1, result.stderr
    assert f"environments/{env}/environment.yaml:" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_fleets_and_shards_validate_against_the_upstream_crds(project: Project) -> None:
    if not UPSTREAM_CRDS.is_dir():
        pytest.skip(f"upstream CRDs not found at {UPSTREAM_CRDS}")
    upstream = {
        key: [compile_schema(c.schema) for c in _pick(found)]
        for key, found in _upstream_schemas(UPSTREAM_CRDS).items()
    }
    _append(project, "prod", ARGO_FLEET, SHARDED)
    _append(project, "staging", FLUX_FLEET, SHARDED)
    checked, problems = 0, []
    for env in ("prod", "staging"):
        pipeline.render_environment(project, env)
        for folder in ("gitops", "manifests"):
            for path, doc in _docs(project.environment_dir(env) / folder).items():
                key = (doc["apiVersion"], doc["kind"])
                for validator in upstream.get(key, ()):
                    checked += 1
                    problems += [
                        f"{env}/{folder}/{path}: {e.message}" for e in validator.iter_errors(doc)
                    ]
    assert problems == []
    assert checked > 20


@pytest.mark.integration
def test_every_unit_builds_with_kubectl_kustomize(project: Project) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not on PATH")
    _append(project, "prod", top=SHARDED)
    pipeline.render_environment(project, "prod")
    manifests = project.manifests_dir("prod")
    built = 0
    for unit in sorted(p for p in manifests.iterdir() if p.is_dir()):
        out = subprocess.run(
            [kubectl, "kustomize", str(unit)], capture_output=True, text=True, check=True
        )
        built += sum(1 for d in yaml.safe_load_all(out.stdout) if d)
    objects = sum(1 for p in manifests.rglob("*.yaml") if p.name != "kustomization.yaml")
    assert built == objects
