"""Azure settings LiteLLM 1.82.6 or KAOS would not honour are warned at the inventory line."""

from __future__ import annotations

from compiler.errors import Severity
from compiler.inventory.load import load_environment
from compiler.lock.files import read_lockfile
from compiler.models.lock import LockedModel
from compiler.project import Project
from compiler.render.targets.kaos_warnings import azure_route_warnings
from tests.helpers import copy_example

EMBEDDING_MODEL = """
  - name: azure-embed
    provider: azure
    model: text-embedding-3-large
"""


def _prod(tmp_path, models_extra="", provider_edit=None):
    root = copy_example(tmp_path / "repo")
    if models_extra:
        _edit(root / "inventory" / "models.yaml", lambda text: text + models_extra)
        _edit(root / "inventory" / "model-apis.yaml", _serve_embed)
        _edit(root / "environments" / "prod" / "environment.yaml", _enable_embed)
    if provider_edit:
        providers = root / "inventory" / "providers.yaml"
        providers.write_text(provider_edit(providers.read_text()))
    project = Project(root)
    return project, load_environment(project, "prod")


def _edit(path, change):
    path.write_text(change(path.read_text()))


def _serve_embed(text):
    return text.replace("[azure-chat,", "[azure-chat, azure-embed,", 1)


def _enable_embed(text):
    return text.replace("    - chat-default\n", "    - chat-default\n    - azure-embed\n", 1)


def _committed_lock(project):
    lock, _ = read_lockfile(project, "prod")
    assert lock is not None
    return lock


def _lock_with(project, name, pinned):
    committed = _committed_lock(project)
    entry = LockedModel(
        provider="azure", selector=pinned, match="exact", pinned=pinned, via="listed"
    )
    return committed.model_copy(update={"models": {**committed.models, name: entry}})


def test_an_azure_embedding_route_warns_that_litellm_overrides_the_api_version(tmp_path):
    project, env = _prod(tmp_path, EMBEDDING_MODEL)
    lock = _lock_with(project, "azure-embed", "text-embedding-3-large")
    [warning] = list(azure_route_warnings(env, lock))
    assert warning.severity is Severity.WARNING and warning.code == "litellm-ignored"
    assert "2025-02-01-preview" in warning.message and "2024-10-21" in warning.message
    assert warning.location.path == "inventory/models.yaml"


def test_azure_chat_routes_are_not_warned(tmp_path):
    project, env = _prod(tmp_path)
    assert list(azure_route_warnings(env, _committed_lock(project))) == []


def test_azure_workload_identity_warns_that_kaos_cannot_label_the_pod(tmp_path):
    def workload_identity(text):
        return text.replace(
            "      secretRef: {name: llm-azure, key: api-key}\n      env: AZURE_OPENAI_API_KEY\n",
            "      workloadIdentity: true\n      env: AZURE_OPENAI_API_KEY\n",
            1,
        )

    project, env = _prod(tmp_path, provider_edit=workload_identity)
    [warning] = list(azure_route_warnings(env, _committed_lock(project)))
    assert warning.code == "kaos-ignored" and "azure.workload.identity/use" in warning.message
    assert warning.location.path == "inventory/providers.yaml"
