"""The shipped GitHub workflows and pre-commit hooks: schema-valid, and every
`modelplane ...` command they run parses with the real CLI."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path

import click
import jsonschema
import pytest
from ruamel.yaml import YAML

from compiler.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
HOOKS = ROOT / ".pre-commit-hooks.yaml"
# Subcommands that teammates' branches add; strict xfail flags the day they land.
PENDING: dict[str, str] = {}
_SHELL_STOP = re.compile(r"\s(?:>>?|2>|\|\||\||&&|;)\s")


def _load(path: Path) -> object:
    # YAML 1.2 (as GitHub reads it): `on:` stays a string key, not a boolean.
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _workflow_schema() -> dict:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("github-workflows.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path):
    schema = _workflow_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_class(schema).iter_errors(_load(path)), key=str)
    assert not errors, "\n".join(e.message for e in errors)


def test_both_workflows_exist():
    names = {p.name for p in WORKFLOWS}
    assert {"modelplane.yml", "modelplane-refresh.yml"} <= names
    refresh = _load(ROOT / ".github" / "workflows" / "modelplane-refresh.yml")
    assert set(refresh["on"]) == {"schedule", "workflow_dispatch"}


def _run_lines(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("run", "entry") and isinstance(v, str)]
        return [line for text in found for line in _commands(text)] + [
            line for v in node.values() for line in _run_lines(v)
        ]
    if isinstance(node, list):
        return [line for v in node for line in _run_lines(v)]
    return []


def _commands(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    lines = (_SHELL_STOP.split(" " + line.strip() + " ")[0].strip() for line in joined.splitlines())
    return [line for line in lines if line.startswith("modelplane ")]


def _all_commands() -> list[str]:
    sources = [*WORKFLOWS, HOOKS]
    return sorted({line for path in sources for line in _run_lines(_load(path))})


def _parse(line: str) -> None:
    """Parse exactly as the console script would, without running anything."""
    args = shlex.split(line)[1:]
    with cli.make_context("modelplane", list(args), resilient_parsing=False) as ctx:
        # click < 9 keeps the subcommand and its arguments apart in `_protected_args`.
        tokens = [*getattr(ctx, "_protected_args", []), *ctx.args]
        name, command, rest = cli.resolve_command(ctx, tokens)
        assert command is not None, f"unknown subcommand {name!r}"
        command.make_context(name, list(rest), parent=ctx).close()


def _cases() -> list[object]:
    return [
        pytest.param(line, marks=pytest.mark.xfail(reason=PENDING[line], strict=True))
        if line in PENDING
        else line
        for line in _all_commands()
    ]


@pytest.mark.parametrize("line", _cases())
def test_command_parses_with_the_cli(line):
    try:
        _parse(line)
    except click.ClickException as exc:
        pytest.fail(f"{line!r}: {exc.format_message()}")


def test_expected_commands_are_run():
    commands = _all_commands()
    for wanted in (
        "modelplane lock --all --check",
        "modelplane render --all --check",
        "modelplane validate --all --format github",
        "modelplane discover --all --deadline 120",
        "modelplane outdated --all --format json",
    ):
        assert wanted in commands
    assert any(c.startswith("modelplane diff --all") and "markdown" in c for c in commands)


def test_pre_commit_hooks():
    hooks = _load(HOOKS)
    assert isinstance(hooks, list)
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"modelplane-lock-check", "modelplane-render-check"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        re.compile(hook["files"])


def test_pull_request_workflow_runs_checks_before_the_report():
    workflow = _load(ROOT / ".github" / "workflows" / "modelplane.yml")
    assert list(workflow["on"]) == ["pull_request"]
    steps = workflow["jobs"]["check"]["steps"]
    order = [c.split(" --")[0] for s in steps for c in _commands(s.get("run", ""))]
    assert order == [
        "modelplane lock",
        "modelplane render",
        "modelplane validate",
        "modelplane diff",
    ]
    assert any("github-script" in s.get("uses", "") for s in steps)
