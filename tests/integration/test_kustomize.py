"""`kubectl kustomize` builds every environment's manifests into exactly the rendered objects.

This is what Argo CD and Flux run on every sync: a file missing from a kustomization,
a kustomization naming a file that is not there, or a duplicate object breaks the sync.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import pytest
import yaml

from tests.helpers import REPO_ROOT, example_environments, manifest_documents

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH (CI installs it)")
    return path


def _identity(document: dict) -> tuple[str, str, str, str]:
    meta = document["metadata"]
    return (document["apiVersion"], document["kind"], meta.get("namespace", ""), meta["name"])


@pytest.mark.parametrize("env", example_environments())
def test_kustomize_build_yields_exactly_the_rendered_objects(kubectl: str, env: str) -> None:
    manifests = REPO_ROOT / "environments" / env / "manifests"
    built = subprocess.run(
        [kubectl, "kustomize", str(manifests)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    objects = [doc for doc in yaml.safe_load_all(built.stdout) if doc is not None]
    rendered = [dict(doc.document) for doc in manifest_documents(env)]

    assert rendered, f"{env} rendered no objects"
    duplicates = [key for key, n in Counter(map(_identity, objects)).items() if n > 1]
    assert duplicates == []
    assert {(d["kind"], d["metadata"]["name"]) for d in objects} == {
        (d["kind"], d["metadata"]["name"]) for d in rendered
    }
    assert sorted(map(_identity, objects)) == sorted(map(_identity, rendered))
    # No transformers are configured, so kustomize must pass every object through unchanged.
    by_identity = {_identity(d): d for d in rendered}
    for obj in objects:
        assert obj == by_identity[_identity(obj)], f"kustomize changed {_identity(obj)}"
