from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.helpers import REPO_ROOT, copy_example


@pytest.fixture
def repo(tmp_path, monkeypatch):
    copy_example(tmp_path)
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_committed_example_is_up_to_date(monkeypatch):
    monkeypatch.setenv("MODELPLANE_ROOT", str(REPO_ROOT))
    result = run("render", "--all", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "dev: manifests up to date\nprod: manifests up to date\nstaging: manifests up to date\n"
    )
    assert run("lock", "--all", "--check").exit_code == 0


def test_render_writes_then_is_a_no_op(repo):
    for path in (repo / "environments").glob("*/manifests"):
        subprocess.run(["rm", "-rf", str(path)], check=True)
    first = run("render", "--env", "prod")
    assert first.exit_code == 0
    assert first.stdout.startswith("prod: ") and "file(s) written" in first.stdout
    assert run("render", "--env", "prod").stdout == (
        "prod: manifests up to date (environments/prod/manifests, 30 object(s))\n"
    )


def test_render_check_names_each_drifted_file_and_exits_1(repo):
    chat = repo / "environments/prod/manifests/modelapis/chat.yaml"
    chat.write_text(chat.read_text().replace("chat-fast", "chat-slow"))
    edited = chat.read_text()
    (repo / "environments/prod/manifests/httproutes/embeddings.yaml").unlink()
    result = run("render", "--env", "prod", "--check")
    assert result.exit_code == 1
    assert result.stdout.endswith("prod: manifests differ\n")
    # The diff shows how: the edited line back, the missing file whole.
    assert "-      - chat-slow\n+      - chat-fast\n" in result.stdout
    assert "--- /dev/null\n+++ b/environments/prod/manifests/httproutes/embeddings.yaml\n" in (
        result.stdout
    )
    assert result.stderr.splitlines()[:3] == [
        "environments/prod/manifests/httproutes/embeddings.yaml: error[manifest-missing]: "
        "missing: render would create this file",
        "  = hint: run `modelplane render --env prod` and commit the result",
        "environments/prod/manifests/modelapis/chat.yaml: error[manifest-changed]: "
        "changed: differs from what render produces",
    ]
    assert chat.read_text() == edited  # --check wrote nothing


def test_lock_dry_run_prints_and_writes_nothing(repo):
    lock = repo / "environments/dev/models.lock"
    lock.unlink()
    result = run("lock", "--env", "dev", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("# models.lock: model pins for environment dev")
    assert not lock.exists()


def test_lock_reports_changes(repo):
    (repo / "environments/dev/models.lock").unlink()
    result = run("lock", "--env", "dev")
    assert result.exit_code == 0
    assert (
        "dev: wrote models.lock\n  + chat-claude: claude-sonnet-4-5 -> claude-sonnet-4-5-20250929"
        in result.stdout
    )


def test_usage_errors_exit_2(repo):
    assert run("render").exit_code == 2
    assert run("render", "--env", "prod", "--all").exit_code == 2
    assert run("render", "--env", "nope").exit_code == 2
    assert run("render", "--bogus").exit_code == 2


def test_json_and_github_formats(repo):
    (repo / "inventory/extra.yaml").write_text(
        "models:\n  - name: x\n    provider: ghost\n    model: m\n"
    )
    result = run("--format", "json", "render", "--env", "dev")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["problems"]
    assert problem == {
        "path": "inventory/extra.yaml",
        "line": 3,
        "column": 15,
        "severity": "error",
        "code": "unknown-reference",
        "message": "model 'x' uses unknown provider 'ghost'",
        "detail": "",
        "hint": problem["hint"],
        "environments": ["dev"],
    }
    result = run("--format", "github", "render", "--env", "dev")
    assert result.stderr.startswith(
        "::error file=inventory/extra.yaml,line=3,col=15,title=unknown-reference::model 'x'"
    )


def test_github_format_is_automatic_under_actions(repo, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (repo / "inventory/extra.yaml").write_text("models: [1]\n")
    assert run("render", "--env", "dev").stderr.startswith("::error ")


def test_internal_errors_have_no_traceback_unless_asked(repo, monkeypatch):
    import compiler.pipeline.render as pipeline

    def boom(*args, **kwargs):
        raise ValueError("kaboom")

    monkeypatch.setattr(pipeline, "render_environments", boom)
    result = run("render", "--env", "dev")
    assert result.exit_code == 3
    assert result.stderr == (
        "internal error: ValueError: kaboom\n  = hint: re-run with --traceback and report it\n"
    )
    assert "Traceback" in run("--traceback", "render", "--env", "dev").stderr


def test_python_dash_m_and_help_are_light():
    code = (
        "import sys, compiler.cli.main; heavy = {'jinja2', 'pydantic', 'httpx', 'ruamel', "
        "'jsonschema_rs', 'yaml_rs', 'deepdiff', 'kubernetes_validate'}; "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    version = subprocess.run(
        [sys.executable, "-m", "compiler", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("modelplane, version ")


def test_render_all_is_all_or_nothing_and_reports_every_failing_environment(repo):
    for env in ("dev", "staging"):
        env_file = repo / f"environments/{env}/environment.yaml"
        env_file.write_text(env_file.read_text().replace("namespace: llm-", "namespace: LLM_"))
    prod_chat = repo / "environments/prod/manifests/modelapis/chat.yaml"
    prod_chat.write_text("stale\n")
    result = run("render", "--all")
    assert result.exit_code == 1
    assert "environments/dev/environment.yaml:2:12" in result.stderr
    assert "environments/staging/environment.yaml:2:12" in result.stderr
    assert prod_chat.read_text() == "stale\n"  # prod was fine, but nothing is written


def test_json_format_keeps_stdout_machine_readable(repo):
    result = run("--format", "json", "render", "--env", "prod")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert (document["command"], document["ok"], document["problems"]) == ("render", True, [])
    [env] = document["result"]["environments"]
    assert (env["name"], env["status"], env["documents"]) == ("prod", "unchanged", 30)
    assert result.stderr == ""


def test_a_foreign_file_in_the_way_stops_render_all_before_any_write(repo):
    (repo / "inventory/extra.yaml").write_text(
        "providers:\n  - name: groq\n    type: groq\n"
        "    credentials: {secretRef: {name: llm-groq, key: api-key}}\n"
    )
    dev_env = repo / "environments/dev/environment.yaml"
    dev_env.write_text(dev_env.read_text().replace("openrouter]", "openrouter, groq]"))
    mine = repo / "environments/dev/manifests/providers/groq.yaml"
    mine.write_text("mine: true\n")
    prod_chat = repo / "environments/prod/manifests/modelapis/chat.yaml"
    prod_chat.write_text("stale\n")
    result = run("render", "--all")
    assert result.exit_code == 1
    assert "environments/dev/manifests/providers/groq.yaml: error[foreign-file]" in result.stderr
    assert mine.read_text() == "mine: true\n"
    assert prod_chat.read_text() == "stale\n"


def test_an_environment_that_enables_nothing_warns(repo):
    env_file = repo / "environments/dev/environment.yaml"
    env_file.write_text(
        env_file.read_text().replace(
            "modelApis: [chat, reasoning, embeddings, llama]", "modelApis: []"
        )
    )
    result = run("render", "--env", "dev")
    assert result.exit_code == 0
    assert "warning[empty-environment]: environment 'dev' enables no model API" in result.stderr


def test_format_can_follow_the_subcommand(repo):
    (repo / "inventory/extra.yaml").write_text("models: [1]\n")
    result = run("render", "--env", "dev", "--format", "github")
    assert result.exit_code == 1 and result.stderr.startswith("::error ")


def test_internal_errors_never_print_a_secret_and_honour_json(repo, monkeypatch):
    import compiler.pipeline.render as pipeline

    def boom(*args, **kwargs):
        raise ValueError("bad header sk-proj-abcdefghijklmnopqrstuvwxyz123456")

    monkeypatch.setattr(pipeline, "render_environments", boom)
    result = run("render", "--env", "dev")
    assert result.exit_code == 3 and "sk-proj" not in result.output
    result = run("--format", "json", "render", "--env", "dev")
    assert result.exit_code == 3
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["code"] == "internal-error" and "sk-proj" not in result.output
