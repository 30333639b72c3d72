"""The `modelplane` group and the one place that turns outcomes into exit codes.

Commands return an `ExitCode` or raise a `CompilerError`; `ModelplaneGroup.main` maps
every outcome (usage errors, interrupts, internal errors) to a code and is the only
place the process exits.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from compiler import __version__
from compiler.cli.options import FORMATS, Context, default_format, emit_diagnostics
from compiler.errors import CompilerError, Diagnostic, ExitCode, Location


class ModelplaneGroup(click.Group):
    """A click group whose `main` runs one command and exits with its `ExitCode`."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        """Run the command line and exit with the outcome's code."""
        shared = Context(fmt=default_format(os.environ))
        extra.setdefault("obj", shared)
        sys.exit(_outcome(self, shared, args, prog_name, extra))


def _outcome(
    group: click.Group,
    shared: Context,
    args: Sequence[str] | None,
    prog_name: str | None,
    extra: dict[str, Any],
) -> int:
    try:
        code = click.Group.main(group, args, prog_name, standalone_mode=False, **extra)
    except CompilerError as exc:
        emit_diagnostics(shared, exc.diagnostics)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt | EOFError):
            click.echo("interrupted", err=True)
            return ExitCode.INTERRUPTED
        click.echo("Aborted!", err=True)
        return ExitCode.FINDINGS
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        if shared.show_traceback:
            traceback.print_exc()
        return _internal_error(shared, exc)
    return int(code) if isinstance(code, int) else ExitCode.OK


def _internal_error(ctx: Context, exc: Exception) -> ExitCode:
    from compiler.secrets.patterns import find_secret

    text = str(exc)
    # An exception can quote an input value; never let it carry a credential out.
    detail = (
        "<message withheld: it looks like a secret>"
        if find_secret(text, high_entropy=True)
        else text
    )
    message = f"{type(exc).__name__}: {detail}"
    hint = "re-run with --traceback and report it"
    if ctx.fmt == "text":
        click.echo(f"internal error: {message}\n  = hint: {hint}", err=True)
    else:
        problem = Diagnostic(Location("<internal>"), "internal-error", message, hint=hint)
        emit_diagnostics(ctx, [problem])
    return ExitCode.INTERNAL


@click.group(cls=ModelplaneGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modelplane")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    show_default="text; github under GitHub Actions",
    help="How problems are reported.",
)
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show Python tracebacks of internal errors."
)
@click.pass_context
def cli(ctx: click.Context, fmt: str | None, show_traceback: bool) -> None:
    """Compile an LLM provider inventory into validated Kubernetes manifests."""
    shared = ctx.ensure_object(Context)
    if fmt is not None:
        shared.fmt = fmt  # type: ignore[assignment]
    shared.show_traceback = show_traceback


def _register() -> None:
    from compiler.cli import (
        diff,
        discover,
        env,
        init,
        lock,
        models,
        outdated,
        promote,
        render,
        schemas,
        validate,
    )

    commands = (init, env, discover, lock, outdated, promote, render, validate, diff, models)
    for module in (*commands, schemas):
        cli.add_command(module.command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="modelplane")
