"""The operators' own CEL rules run offline on their kinds (kagent ModelConfig, Kthena)."""

from __future__ import annotations

from click.testing import CliRunner

from compiler.cli.main import cli
from tests.helpers import REPO_ROOT

MODEL_CONFIG = """apiVersion: kagent.dev/v1alpha2
kind: ModelConfig
metadata: {name: m, namespace: ns}
spec:
  provider: Anthropic
  model: claude
  apiKeySecret: s
  openAI: {baseUrl: "https://x"}
"""
PROVIDER = """apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ExternalModelProvider
metadata: {name: m, namespace: ns}
spec:
  baseURL: http://plain.example.com
  auth: {secretRef: {name: s, key: k, optional: true}}
"""


def test_cel_and_schema_rules_of_operator_kinds(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELPLANE_ROOT", str(REPO_ROOT))
    path = tmp_path / "docs.yaml"
    path.write_text(MODEL_CONFIG + "---\n" + PROVIDER)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    for message in (
        "error[cel]: provider.openAI must be nil if the provider is not OpenAI",
        "error[cel]: apiKeySecretKey must be set if apiKeySecret is set",
        'error[schema]: "http://plain.example.com" does not match "^https://.+"',
        "error[cel]: secretRef.optional must be false or unset",
    ):
        assert message in result.output, result.output
