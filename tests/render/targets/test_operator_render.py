"""The kagent, Flokoa and Kthena targets through `render`: refusals, options, features."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.helpers import UPSTREAM_CRDS, copy_example

ENV = "environments/staging/environment.yaml"
OUT = "environments/staging/manifests"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    copy_example(tmp_path)
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / ENV
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def render():
    return CliRunner().invoke(cli, ["render", "--env", "staging"])


def manifest(repo: Path, rel: str) -> dict:
    return yaml.safe_load((repo / OUT / rel).read_text())


def tree(repo: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (repo / OUT).rglob("*") if p.is_file()}


def at(repo: Path, rel: str, text: str) -> str:
    """`line:col` of the value after `key: ` on the first line containing `text`."""
    for number, line in enumerate((repo / rel).read_text().splitlines(), 1):
        if text in line:
            return f"{number}:{line.index(text) + text.index(': ') + 3}"
    raise AssertionError(text)


def located(repo: Path, expected: str) -> str:
    """Replace `{needle}` by where it is in inventory/providers.yaml (the example moves)."""
    head, _, rest = expected.partition("{")
    needle, _, tail = rest.partition("}")
    return head + at(repo, "inventory/providers.yaml", needle) + tail


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "  models: [gemini-flash]",
            "  models: [gemini-flash, azure-chat]",
            "inventory/providers.yaml:{type: azure-openai}: error[kthena-unsupported]: "
            "Kthena's external "
            "providers speak OpenAI or Anthropic only, not azure-openai",
        ),
        (
            "  models: [gemini-flash]",
            "  models: [gemini-flash, bedrock-claude]",
            "inventory/providers.yaml:{type: bedrock}: error[kthena-unsupported]",
        ),
        (
            "  models: [gemini-flash]",
            "  models: [gemini-flash, llama-internal]",
            "inventory/providers.yaml:{endpoint: http://vllm}: error[kthena-unsupported]: "
            "Kthena calls external "
            "providers over https only, not http://vllm.inference.svc.cluster.local:8000/v1",
        ),
        (
            "  models: [chat-fast, chat-claude,",
            "  models: [azure-chat, chat-fast, chat-claude,",
            "inventory/providers.yaml:{type: azure-openai}: error[flokoa-unsupported]: "
            "Flokoa has no "
            "azure-openai provider",
        ),
    ],
)
def test_what_an_operator_cannot_express_is_refused_located(repo, old, new, expected):
    expected = located(repo, expected)
    edit(repo, old, new)
    before = tree(repo)
    result = render()
    assert result.exit_code == 1
    assert expected in result.output
    assert tree(repo) == before


def test_ignored_settings_warn_at_their_line(repo):
    edit(repo, "  models: [gemini-flash]", "  models: [gemini-flash, chat-claude]")
    result = render()
    assert result.exit_code == 0, result.output
    assert (
        "inventory/models.yaml:24:19: warning[kthena-ignored]: Kthena passes requests through; "
        "'max_tokens' is not added" in result.output
    )
    assert "inventory/providers.yaml:24:14: warning[kthena-ignored]" in result.output


def test_split_and_rate_limit_become_the_model_route(repo):
    edit(repo, "  models: [gemini-flash]", "  models: [gemini-flash, chat-fast]")
    edit(
        repo,
        "overrides:\n",
        "overrides:\n  models:\n    - name: chat-fast\n"
        "      split: [{model: gemini-flash, weight: 25}]\n"
        "      rateLimit: {outputTokensPerUnit: 5000, unit: minute}\n",
    )
    result = render()
    assert result.exit_code == 0, result.output
    assert "warning[kaos-ignored]" in result.output  # the chat proxy serves chat-fast too
    route = manifest(repo, "modelroutes/chat-fast.yaml")["spec"]
    assert route["rules"][0]["targetModels"] == [
        {"externalModelProviderName": "chat-fast", "weight": 75},
        {"externalModelProviderName": "gemini-flash", "weight": 25},
    ]
    assert route["rateLimit"] == {"unit": "minute", "outputTokensPerUnit": 5000}


def test_a_split_target_kthena_does_not_serve_is_refused(repo):
    edit(
        repo,
        "overrides:\n",
        "overrides:\n  models:\n    - name: gemini-flash\n"
        "      split: [{model: chat-fast, weight: 30}]\n",
    )
    result = render()
    assert result.exit_code == 1
    assert "error[kthena-split-target]: split target 'chat-fast' has no ExternalModelProvider" in (
        result.output
    )


def test_kagent_via_the_kaos_proxy_and_provider_configs(repo):
    edit(
        repo,
        "kagent:\n  models: [chat-fast,",
        "kagent:\n  viaProxy: chat\n  modelProviderConfigs: true\n"
        "  models: [chat-default, chat-fast,",
    )
    result = render()
    assert result.exit_code == 0, result.output
    spec = manifest(repo, "modelconfigs/chat-default.yaml")["spec"]
    assert spec == {
        "provider": "OpenAI",
        "model": "chat-default",
        "openAI": {"baseUrl": "http://modelapi-chat.llm-staging.svc.cluster.local:8000/v1"},
        "apiKeySecret": "chat-master-key",  # the proxy's own master key
        "apiKeySecretKey": "master-key",
    }
    assert "kagent-no-key" not in result.output
    mpc = manifest(repo, "modelproviderconfigs/openai.yaml")
    assert mpc["metadata"]["namespace"] == "kagent"
    assert mpc["spec"] == {
        "type": "OpenAI",
        "endpoint": "https://api.openai.com/v1",
        "secretRef": {"name": "llm-openai"},
    }
    assert "warning[kagent-secret-namespace]" in result.output
    assert "create Secret(s) llm-azure, llm-openai there" not in result.output  # azure: no MPC
    assert "llm-openai there, each with exactly one key" in result.output


def test_flokoa_chart_crd_renders_parameters(repo):
    chart = UPSTREAM_CRDS / "flokoa" / "agent.flokoa.ai_models.at-d74eb10b.yaml"
    if not chart.is_file():
        pytest.skip("upstream CRDs not available")
    imported = CliRunner().invoke(cli, ["schemas", "import", str(chart)])
    assert imported.exit_code == 0, imported.output
    edit(repo, "flokoa:\n", "flokoa:\n  crd: chart\n")
    result = render()
    assert result.exit_code == 0, result.output
    spec = manifest(repo, "models/chat-claude.yaml")["spec"]
    assert "settings" not in spec
    assert spec["parameters"] == {
        "extraHeaders": {"anthropic-beta": "token-efficient-tools-2025-02-19"},
        "maxTokens": 8192,
        "timeOut": 300,
    }
