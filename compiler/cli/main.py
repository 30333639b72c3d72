"""The `modelplane` group and the one place that turns outcomes into exit codes.

Commands return an `ExitCode` or raise a `CompilerError`; `ModelplaneGroup.main` maps
every outcome (usage errors, interrupts, internal errors) to a code and is the only
place the process exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from compiler import __version__
from compiler.cli.options import (
    COLOR_CHOICES,
    FORMATS,
    CommandGroup,
    Context,
    default_format,
    emit_diagnostics,
    examples,
)
from compiler.errors import CompilerError, Diagnostic, ExitCode, Location


class ModelplaneGroup(CommandGroup):
    """A click group whose `main` runs one command and exits with its `ExitCode`."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        """Run the command line and exit with the outcome's code."""
        shared = extra.setdefault("obj", Context(fmt=default_format(os.environ)))
        code = _outcome(self, shared, args, prog_name, extra)
        # --help and --version produce nothing to report; every command run does.
        if shared.fmt == "json" and (code or shared.problems or shared.result is not None):
            from compiler.cli.result import result_document

            document = result_document(shared.command, code, shared.problems, shared.result)
            click.echo(document, nl=False)
        sys.exit(code)


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
        if shared.fmt == "json":  # the result document carries it
            at = Location("<command line>")
            shared.problems.append(Diagnostic(at, "usage", exc.format_message()))
        else:
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
            import traceback  # only here: it costs ~10 ms of every start-up

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


@click.group(
    cls=ModelplaneGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        "modelplane init llm-platform && cd llm-platform   # a new repository",
        "modelplane render --env dev                       # render, validate, write",
    ),
)
@click.version_option(__version__, prog_name="modelplane")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    show_default="text; github under GitHub Actions",
    help="text, github (workflow annotations) or json (one result document on stdout).",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Color the output (auto: on a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show Python tracebacks of internal errors."
)
@click.pass_context
def cli(ctx: click.Context, fmt: str | None, color: str, show_traceback: bool) -> None:
    """Compile an LLM provider inventory into validated Kubernetes manifests.

    Start with `modelplane init` in an empty folder; `modelplane COMMAND --help` shows
    each command's options and examples.
    """
    shared = ctx.ensure_object(Context)
    if fmt is not None:
        shared.fmt = fmt  # type: ignore[assignment]
    shared.color_choice = color  # type: ignore[assignment]
    shared.show_traceback = show_traceback


def _register() -> None:
    from compiler.cli import (
        completion,
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
        seal,
        validate,
    )

    commands = (init, env, discover, lock, outdated, promote, render, validate, diff, models)
    for module in (*commands, schemas, completion, seal):
        cli.add_command(module.command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="modelplane")
