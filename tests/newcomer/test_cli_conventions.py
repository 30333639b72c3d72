"""What every command shares: one JSON document, --color and NO_COLOR, help examples,
completion of environment, provider and model names, render --stdout and --check diffs."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from compiler.yamlio.manifests import parse_documents
from tests.helpers import copy_example
from tests.review.gitrepo import init_example_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    copy_example(tmp_path)
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def _document(result):
    document = json.loads(result.stdout)  # exactly one document, nothing else on stdout
    assert document["schema"] == "modelplane/result"
    assert document["exitCode"] == result.exit_code
    assert document["ok"] is (result.exit_code == 0)
    return document


COMMANDS = [
    (["render", "--env", "dev"], "render", 0),
    (["render", "--env", "dev", "--check"], "render", 0),
    (["render", "--env", "dev", "--stdout"], "render", 0),
    (["lock", "--env", "dev"], "lock", 0),
    (["lock", "--all", "--check"], "lock", 0),
    (["lock", "--env", "dev", "--dry-run"], "lock", 0),
    (["validate", "--env", "dev"], "validate", 0),
    (["models", "--env", "dev"], "models", 0),
    (["env", "add", "qa", "--from", "dev"], "env add", 0),
    (["completion", "fish"], "completion", 0),
    (["render", "--env", "nope"], "render", 2),
    (["render"], "render", 2),
    (["render", "--env", "dev", "--bogus"], "render", 2),
]


@pytest.mark.parametrize(("args", "command", "code"), COMMANDS, ids=lambda v: str(v))
def test_every_command_prints_one_json_document(repo, args, command, code):
    result = run("--format", "json", *args)
    assert result.exit_code == code, result.output
    document = _document(result)
    assert document["command"] == command
    assert (document["result"] is not None) is (code == 0)
    if code:
        assert document["problems"] and document["problems"][0]["severity"] == "error"


def test_the_format_option_after_the_command_name_too(repo):
    document = _document(run("validate", "--env", "dev", "--format", "json"))
    [env] = document["result"]["environments"]
    assert env["name"] == "dev" and env["valid"] is True and env["documents"] > 0


def test_json_lock_dry_run_carries_the_lock_inside(repo):
    document = _document(run("--format", "json", "lock", "--env", "dev", "--dry-run"))
    [env] = document["result"]["environments"]
    assert env["status"] == "dry-run"
    assert env["lock"].startswith("# models.lock: model pins for environment dev")
    assert env["pins"]["chat-default"]["pinned"].startswith("gpt-4o-")


def test_json_discover_failure_is_a_document(repo, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run("--format", "json", "discover", "--env", "dev", "--provider", "openai")
    assert result.exit_code == 4
    document = _document(result)
    assert document["problems"][0]["code"] == "discovery-failed"
    [env] = document["result"]["environments"]
    [provider] = env["providers"]
    assert (provider["name"], provider["ok"]) == ("openai", False)


def test_json_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    document = _document(run("--format", "json", "init"))
    assert "inventory/providers.yaml" in document["result"]["filesWritten"]
    assert (
        "environments/dev/manifests/modelapis/chat.yaml" in (document["result"]["manifestsWritten"])
    )


def test_json_diff_and_schemas_import(tmp_path, monkeypatch):
    repo = init_example_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("MODELPLANE_ROOT", raising=False)
    document = _document(run("diff", "--all", "--format", "json"))
    assert document["result"]["changed"] is False
    assert document["result"]["report"]["environments"]
    crds = repo / "crds"
    crds.mkdir()
    shutil.copy(repo / "schemas/kaos.tools/v1alpha1/ModelAPI.json", crds / "not-a-crd.json")
    imported = run("--format", "json", "schemas", "import", str(crds))
    assert _document(imported)["command"] == "schemas import"


def test_help_prints_no_document(repo):
    result = run("--format", "json", "render", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage:")
    assert "schema" not in result.stdout


def test_every_help_shows_examples():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, _command in walk(cli, []):
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        examples = result.stdout.split("Examples:\n", 1)
        assert len(examples) == 2, f"modelplane {' '.join(path)} --help has no examples"
        lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
        assert any(line.startswith(("modelplane", "eval", "OPENAI_API_KEY")) for line in lines)


def test_errors_are_colored_only_when_asked(repo):
    (repo / "inventory/extra.yaml").write_text(
        "models:\n  - name: x\n    provider: ghost\n    model: m\n"
    )
    plain = run("render", "--env", "dev")
    assert "\x1b[" not in plain.stderr  # not a terminal: auto means no color
    colored = run("--color", "always", "render", "--env", "dev")
    assert "\x1b[31m\x1b[1merror[unknown-reference]\x1b[0m" in colored.stderr
    after = run("render", "--env", "dev", "--color", "always")
    assert "\x1b[" in after.stderr
    never = run("--color", "never", "render", "--env", "dev")
    assert "\x1b[" not in never.stderr


def test_no_color_is_honoured_on_a_terminal(repo, monkeypatch):
    import sys

    from compiler.cli.options import Context

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert Context(environ={}).use_color(sys.stderr) is True
    assert Context(environ={"NO_COLOR": "1"}).use_color(sys.stderr) is False
    assert Context(environ={"NO_COLOR": ""}).use_color(sys.stderr) is True


def test_lock_errors_are_colored_too(repo):
    (repo / "environments/dev/models.lock").write_text("version: [\n")
    result = run("--color", "always", "lock", "--env", "dev", "--check")
    assert result.exit_code == 1
    assert "\x1b[31m" in result.stderr


def _complete(repo, words):
    env = {
        "_MODELPLANE_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(["modelplane", *words]),
        "COMP_CWORD": str(len(words)),
        "MODELPLANE_ROOT": str(repo),
    }
    result = CliRunner().invoke(cli, [], env=env, prog_name="modelplane")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]


def test_completion_of_environment_provider_and_model_names(repo):
    assert _complete(repo, ["render", "--env", ""]) == ["dev", "prod", "staging"]
    assert _complete(repo, ["render", "--env", "st"]) == ["staging"]
    assert "anthropic" in _complete(repo, ["discover", "--provider", ""])
    assert _complete(repo, ["lock", "--upgrade-model", "chat-"]) == [
        "chat-claude",
        "chat-default",
        "chat-fast",
    ]
    assert _complete(repo, ["env", "add", "x", "--from", "p"]) == ["prod"]
    assert "render" in _complete(repo, ["re"])


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    result = run("completion", shell)
    assert result.exit_code == 0
    assert "_MODELPLANE_COMPLETE" in result.stdout


def test_render_stdout_is_one_yaml_stream_of_every_object(repo):
    before = sorted(p.as_posix() for p in repo.rglob("*"))
    result = run("render", "--env", "prod", "--stdout")
    assert result.exit_code == 0, result.output
    documents = parse_documents(result.stdout)
    kinds = {d["kind"] for d in documents}
    assert {"ModelAPI", "HTTPRoute", "Provider", "ExternalSecret"} <= kinds
    assert "Kustomization" not in kinds
    assert "# Source: environments/prod/manifests/modelapis/chat.yaml\n" in result.stdout
    assert sorted(p.as_posix() for p in repo.rglob("*")) == before  # nothing written


def test_render_stdout_and_check_together_is_a_usage_error(repo):
    assert run("render", "--env", "dev", "--stdout", "--check").exit_code == 2
