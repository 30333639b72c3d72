"""What a reviewer sees first: deletions, shared changes once, whole added objects, and
what stops serving in the diagram."""

from __future__ import annotations

from click.testing import CliRunner

from compiler.cli.main import cli
from tests.helpers import drop_openrouter_from_dev, edit


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_change_shared_by_every_environment_is_shown_once(repo):
    edit(
        repo / "inventory/model-apis.yaml",
        "      path: /chat\n      timeout: 300s",
        "      path: /chat\n      timeout: 240s",
    )
    text = run("diff", "--all")
    assert text.count("~ ModelAPI/chat") == 1
    assert "dev, prod, staging: 2 changed\n" in text
    assert "Plan: 0 to add, 6 to change" in text  # the plan still counts each environment
    markdown = run("diff", "--all", "--format", "markdown")
    assert "### dev, prod, staging\n" in markdown
    assert "_The same change in 3 environments._" in markdown
    for env in ("dev", "prod", "staging"):
        assert f'<a id="mp-{env}"></a>' in markdown  # the summary table's links still land


def test_deletions_come_first_and_removed_objects_show_whole(repo):
    edit(
        repo / "environments/dev/environment.yaml",
        "modelApis: [chat, reasoning, embeddings, llama]",
        "modelApis: [chat, reasoning, embeddings]",
    )
    text = run("diff", "--env", "dev")
    head = text.split("\ndev: ", 1)[0]
    assert "! 2 resource(s) will be deleted when Argo CD / Flux prunes:" in head
    assert "  - dev: ModelAPI/llama\n" in head and "  - dev: HTTPRoute/llama\n" in head
    assert "      - kind: ModelAPI\n" in text and "      -   mode: Hosted\n" in text
    markdown = run("diff", "--env", "dev", "--format", "markdown")
    warning = markdown.index("> [!WARNING]")
    assert warning < markdown.index("### dev")
    assert "```diff\n- apiVersion: kaos.tools/v1alpha1\n" in markdown
    assert 'api_llama["ModelAPI llama (removed)"]' in markdown
    assert "class api_llama removed" in markdown


def test_an_added_object_shows_whole_and_nothing_is_flagged(repo):
    apis = repo / "inventory/model-apis.yaml"
    apis.write_text(
        apis.read_text() + "\n  - name: fast\n    mode: Proxy\n    models: [chat-fast]\n"
    )
    edit(
        repo / "environments/dev/environment.yaml",
        "modelApis: [chat, reasoning, embeddings, llama]",
        "modelApis: [chat, reasoning, embeddings, llama, fast]",
    )
    text = run("diff", "--env", "dev")
    assert "will be deleted" not in text
    added = "  + ModelAPI/fast  (modelapis/fast.yaml)\n      + apiVersion: kaos.tools/v1alpha1\n"
    assert added in text


def test_a_removed_provider_is_drawn(repo):
    drop_openrouter_from_dev(repo)
    run("lock", "--env", "dev")
    markdown = run("diff", "--env", "dev", "--format", "markdown")
    assert 'provider_openrouter[("openrouter (removed)")]' in markdown
    assert "class provider_openrouter removed" in markdown
    assert "dev: `Provider/openrouter`" in markdown
