"""`modelplane seal`: read one Secret value from standard input and commit only its ciphertext."""

from __future__ import annotations

import sys
from typing import BinaryIO

import click

from compiler.cli.options import (
    Context,
    current_project,
    examples,
    format_option,
    say,
    set_result,
)
from compiler.errors import Diagnostic, ExitCode, Location, UsageError


@click.command(
    name="seal",
    epilog=examples(
        "modelplane seal --env prod --secret llm-openai --key api-key < openai.key",
        "pass show llm/openai | modelplane seal --env prod --secret llm-openai --key api-key",
        "modelplane seal --env prod --secret llm-openai --key api-key   # hidden prompt",
    ),
)
@click.option("--env", "env", required=True, metavar="ENV", help="Environment name.")
@click.option("--secret", required=True, metavar="NAME", help="The Secret's name.")
@click.option("--key", required=True, metavar="KEY", help="The key inside the Secret.")
@format_option
@click.pass_obj
def command(ctx: Context, env: str, secret: str, key: str) -> ExitCode:
    """Seal a value read from standard input into environments/ENV/sealed-secrets/NAME.yaml.

    The value is never taken from the command line: pipe it in (one trailing newline is
    dropped), or type it at the hidden prompt. Only the ciphertext is written.
    """
    from compiler.pipeline.seal import seal_secret

    project = current_project(ctx)
    value = _read_value(sys.stdin)
    outcome = seal_secret(project, env, secret, key, value)
    verb = "replaced" if outcome.replaced else "sealed"
    set_result(
        ctx,
        path=outcome.path,
        secret=outcome.secret,
        key=outcome.key,
        namespace=outcome.namespace,
        certificate=outcome.fingerprint,
        replaced=outcome.replaced,
    )
    say(
        ctx,
        f"{verb} {outcome.secret}/{outcome.key} for namespace {outcome.namespace} in "
        f"{outcome.path} (certificate {outcome.fingerprint[:19]})",
    )
    return ExitCode.OK


def _read_value(stream: object) -> bytes:
    if getattr(stream, "isatty", lambda: False)():
        # Hidden, confirmed, prompted on stderr so stdout stays clean.
        typed = click.prompt(
            "value", hide_input=True, confirmation_prompt=True, err=True, show_default=False
        )
        return str(typed).encode("utf-8")
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is None:
        raise UsageError([Diagnostic(Location("<stdin>"), "seal-stdin", "no standard input")])
    data = buffer.read()
    # `echo value |` adds a newline that no API key contains; drop exactly one.
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data.endswith(b"\n") else data
