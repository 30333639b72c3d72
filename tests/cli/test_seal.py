"""`modelplane seal` end to end: stdin only, strict scope, merged file, render coverage."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compiler.cli.main import cli
from tests.helpers import copy_example
from tests.secrets.unseal import throwaway_controller_key, unseal

VALUE = "sk-test-seal-0123456789abcdefghij"
SEALED = "environments/staging/sealed-secrets"


@pytest.fixture(scope="module")
def controller():
    return throwaway_controller_key()


@pytest.fixture
def repo(tmp_path, monkeypatch, controller):
    copy_example(tmp_path)
    (tmp_path / "environments/staging/sealed-secrets.pem").write_bytes(controller[1])
    monkeypatch.setenv("MODELPLANE_ROOT", str(tmp_path))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def seal(*args: str, value: bytes | str = VALUE + "\n"):
    return CliRunner().invoke(cli, ["seal", *args], input=value)


def sealed_values(repo: Path, secret: str, folder: str = SEALED) -> dict[str, str]:
    data = yaml.safe_load((repo / folder / f"{secret}.yaml").read_text())
    return data["spec"]["encryptedData"]


def every_text(root: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace")
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts
    )


def test_seal_round_trip_and_render_carries_it(repo, controller):
    key, _ = controller
    before = (repo / SEALED / "llm-anthropic.yaml").read_bytes()
    result = seal("--env", "staging", "--secret", "llm-openai", "--key", "api-key")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("replaced llm-openai/api-key for namespace llm-staging in ")
    assert VALUE not in result.output
    # Strict scope: opens only as Secret llm-staging/llm-openai; the trailing newline is gone.
    sealed = sealed_values(repo, "llm-openai")["api-key"]
    assert unseal(key, "llm-staging", "llm-openai", sealed) == VALUE.encode()
    with pytest.raises(ValueError):
        unseal(key, "llm-prod", "llm-openai", sealed)
    assert (repo / SEALED / "llm-anthropic.yaml").read_bytes() == before
    rendered = CliRunner().invoke(cli, ["render", "--env", "staging"])
    assert rendered.exit_code == 0, rendered.output
    manifest = yaml.safe_load(
        (repo / "environments/staging/manifests/sealedsecrets/llm-openai.yaml").read_text()
    )
    assert manifest["spec"]["encryptedData"]["api-key"] == sealed
    assert manifest["spec"]["template"]["metadata"]["name"] == "llm-openai"
    assert (
        "sealedsecrets" in (repo / "environments/staging/manifests/kustomization.yaml").read_text()
    )
    assert VALUE not in every_text(repo)


def test_a_new_key_is_merged_beside_the_others(repo, controller):
    key, _ = controller
    path = repo / "inventory/providers.yaml"
    path.write_text(
        path.read_text().replace(
            "    config:\n      azure:",
            "    tls:\n      caSecretRef: {name: llm-azure, key: ca.crt}\n"
            "    config:\n      azure:",
        )
    )
    old = sealed_values(repo, "llm-azure")["api-key"]
    result = seal("--env", "staging", "--secret", "llm-azure", "--key", "ca.crt", value="CA\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("sealed llm-azure/ca.crt")
    values = sealed_values(repo, "llm-azure")
    assert list(values) == ["api-key", "ca.crt"] and values["api-key"] == old
    assert unseal(key, "llm-staging", "llm-azure", values["ca.crt"]) == b"CA"


@pytest.mark.parametrize(
    "args, value, code, message",
    [
        (
            ["--env", "staging", "--secret", "llm-openai", "--key", "token"],
            VALUE,
            2,
            "seal-undeclared",
        ),
        (
            ["--env", "staging", "--secret", "other", "--key", "api-key"],
            VALUE,
            2,
            "declared: chat-master-key/master-key",
        ),
        (["--env", "dev", "--secret", "llm-openai", "--key", "api-key"], VALUE, 2, "seal-backend"),
        (["--env", "staging", "--secret", "llm-openai", "--key", "api-key"], "", 2, "seal-empty"),
        (
            ["--env", "nope", "--secret", "llm-openai", "--key", "api-key"],
            VALUE,
            2,
            "unknown-environment",
        ),
    ],
)
def test_refusals_write_nothing_and_never_echo(repo, args, value, code, message):
    before = every_text(repo / "environments")
    result = seal(*args, value=value)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert VALUE not in result.output
    assert every_text(repo / "environments") == before


def test_the_value_cannot_come_from_the_command_line(repo):
    result = CliRunner().invoke(
        cli,
        [
            "seal",
            "--env",
            "staging",
            "--secret",
            "llm-openai",
            "--key",
            "api-key",
            "--value",
            VALUE,
        ],
    )
    assert result.exit_code == 2 and "No such option" in result.output


def test_an_expired_or_missing_certificate_is_located(repo):
    expired = throwaway_controller_key(not_after=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))[1]
    (repo / "environments/staging/sealed-secrets.pem").write_bytes(expired)
    result = seal("--env", "staging", "--secret", "llm-openai", "--key", "api-key")
    assert result.exit_code == 1
    line = next(
        n
        for n, text in enumerate(
            (repo / "environments/staging/environment.yaml").read_text().splitlines(), 1
        )
        if text.strip().startswith("certificate:")
    )
    assert (
        f"environments/staging/environment.yaml:{line}:18: error[seal-certificate]" in result.output
    )
    assert "expired on 2026-02-01" in result.output
    (repo / "environments/staging/sealed-secrets.pem").unlink()
    result = seal("--env", "staging", "--secret", "llm-openai", "--key", "api-key")
    assert (
        result.exit_code == 1
        and "cannot read environments/staging/sealed-secrets.pem" in result.output
    )


def test_render_refuses_a_reference_without_a_sealed_value(repo):
    (repo / SEALED / "llm-gemini.yaml").unlink()
    before = every_text(repo / "environments/staging/manifests")
    result = CliRunner().invoke(cli, ["render", "--env", "staging"])
    assert result.exit_code == 1
    line = next(
        n
        for n, text in enumerate((repo / "inventory/providers.yaml").read_text().splitlines(), 1)
        if "secretRef: {name: llm-gemini" in text
    )
    assert (
        f"inventory/providers.yaml:{line}:18: error[sealed-secret-missing]: no sealed value for "
        "Secret llm-gemini key api-key" in result.output
    )
    assert "modelplane seal --env staging --secret llm-gemini --key api-key" in result.output
    assert every_text(repo / "environments/staging/manifests") == before


def test_a_value_sealed_for_another_namespace_is_refused_where_it_says_so(repo):
    path = repo / SEALED / "llm-gemini.yaml"
    path.write_text(path.read_text().replace("namespace: llm-staging", "namespace: llm-prod", 1))
    result = CliRunner().invoke(cli, ["render", "--env", "staging"])
    assert result.exit_code == 1
    assert f"{SEALED}/llm-gemini.yaml:" in result.output and "error[sealed-secret]" in result.output
    assert "cannot be unsealed here" in result.output
    assert seal("--env", "staging", "--secret", "llm-gemini", "--key", "api-key").exit_code == 1


def test_a_certificate_that_is_a_fifo_or_a_link_out_of_the_repository_is_refused(
    repo, tmp_path_factory, controller
):
    pem = repo / "environments/staging/sealed-secrets.pem"
    pem.unlink()
    os.mkfifo(pem)  # reading it as a file would wait for a writer forever
    result = seal("--env", "staging", "--secret", "llm-openai", "--key", "api-key")
    assert result.exit_code == 1 and "error[seal-certificate]" in result.output
    assert "not a regular file" in result.output
    pem.unlink()
    outside = tmp_path_factory.mktemp("elsewhere") / "cert.pem"
    outside.write_bytes(controller[1])
    pem.symlink_to(outside)
    result = seal("--env", "staging", "--secret", "llm-openai", "--key", "api-key")
    assert result.exit_code == 1 and "outside the repository" in result.output
